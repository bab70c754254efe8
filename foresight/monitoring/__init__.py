"""Monitoring and early warning (监测预警): emergence indicators as of a date, theme lineage across
runs, the watchlist and its alerts.

:func:`monitor_run` is what an analysis run calls when it has stored its themes: link them to the
previous run's, compute their indicators as of the latest document date, and raise the alerts.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from foresight.monitoring.alerts import AlertSummary, raise_alerts
from foresight.monitoring.compute import IndicatorOptions
from foresight.monitoring.indicators import (
    IndicatorSummary,
    compute_indicators,
    run_indicators,
    theme_indicators,
)
from foresight.monitoring.lineage import LineageSummary, link_run, run_events
from foresight.monitoring.snapshot import SnapshotError

__all__ = [
    "AlertSummary",
    "IndicatorOptions",
    "IndicatorSummary",
    "LineageSummary",
    "MonitoringSummary",
    "SnapshotError",
    "compute_indicators",
    "link_run",
    "monitor_run",
    "raise_alerts",
    "run_events",
    "run_indicators",
    "theme_indicators",
]


@dataclass
class MonitoringSummary:
    """Lineage, indicators and alerts of one run."""

    lineage: LineageSummary
    indicators: IndicatorSummary | None
    alerts: AlertSummary | None


def monitor_run(engine: Engine, run_id: int) -> MonitoringSummary:
    """Lineage, then indicators as of the run's latest document date, then alerts.

    A run whose documents carry no dates gets its lineage only (indicators need dated documents).
    """
    lineage = link_run(engine, run_id)
    try:
        indicators = compute_indicators(engine, run_id)
    except SnapshotError:
        return MonitoringSummary(lineage, None, None)
    alerts = raise_alerts(engine, run_id, indicators.as_of, indicators.granularity)
    return MonitoringSummary(lineage, indicators, alerts)
