"""Early warning (预警): alerts raised after an analysis run, on the watchlist and globally.

Rules, each with a bilingual message and its evidence (values, formula, document ids):

* ``escore_above_threshold`` — a theme's EScore exceeds the threshold (1.77, Porter et al. 2018) and
  the Porter/Carley filters pass (enough records, periods, growth; small share in the base period);
* ``burst_started`` — a Kleinberg burst starts in the latest period;
* ``weak_to_strong`` — a theme is a strong signal now and its lineage predecessor was a weak signal;
* ``new_theme_near_watch`` — a theme new in this run (born, or split off with a lineage id of its own)
  lies near a watched theme (centroid cosine ≥ threshold), contains a watched keyword, or belongs to a
  watched field.

The EScore and burst rules always run over every theme: an alert on a watched theme names its watch, the
others are flagged ``scope: global``. The other two rules look at watched items only once a watchlist
exists (``weak_to_strong`` covers every theme while the watchlist is empty). Raising alerts again for a
run replaces its unacknowledged alerts and keeps acknowledged ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from foresight.db.models import Alert, Theme, ThemeField, ThemeIndicators, Watch
from foresight.db.session import session_scope
from foresight.metrics.escore import THRESHOLD
from foresight.monitoring.compute import IndicatorOptions
from foresight.monitoring.indicators import compute_indicators
from foresight.monitoring.rules import RuleContext, escore_and_burst, new_near_watch, weak_to_strong
from foresight.monitoring.watchlist import (
    WatchError,
    create_watch,
    delete_watch,
    list_watches,
)
from foresight.themes.queries import NotFoundError, get_run

__all__ = [
    "NEAR_THRESHOLD",
    "AlertSummary",
    "WatchError",
    "acknowledge_alert",
    "create_watch",
    "delete_watch",
    "list_alerts",
    "list_watches",
    "raise_alerts",
]

#: Centroid cosine at which a new theme counts as near a watched one.
NEAR_THRESHOLD = 0.8


@dataclass
class AlertSummary:
    """Alerts raised for a run."""

    run_id: int
    as_of: date
    granularity: str
    counts: dict[str, int] = field(default_factory=dict)
    alerts: list[dict[str, Any]] = field(default_factory=list)


def raise_alerts(
    engine: Engine,
    run_id: int | None = None,
    as_of: date | None = None,
    granularity: str | None = None,
    escore_threshold: float = THRESHOLD,
    near_threshold: float = NEAR_THRESHOLD,
) -> AlertSummary:
    """Raise the alerts of a run (computing its indicators first when none are stored).

    Parameters
    ----------
    engine
        The store.
    run_id
        The run (default: the latest completed).
    as_of, granularity
        Which stored indicators to use (default: the latest stored; computed with defaults if none).
    escore_threshold
        EScore above which a theme is flagged.
    near_threshold
        Centroid cosine at which a new theme counts as near a watched theme.
    """
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        stmt = select(ThemeIndicators.as_of, ThemeIndicators.granularity).where(
            ThemeIndicators.run_id == run.id
        )
        if as_of is not None:
            stmt = stmt.where(ThemeIndicators.as_of == as_of)
        if granularity:
            stmt = stmt.where(ThemeIndicators.granularity == granularity)
        row = session.execute(
            stmt.order_by(ThemeIndicators.as_of.desc(), ThemeIndicators.id.desc()).limit(1)
        ).first()
    if row is None:
        summary = compute_indicators(
            engine, run.id, as_of, IndicatorOptions(granularity=granularity or "auto")
        )
        found: tuple[date, str] = (summary.as_of, summary.granularity)
    else:
        found = (row[0], row[1])
    day, gran = found[0], str(found[1])
    with session_scope(engine) as session:
        rows = session.scalars(
            select(ThemeIndicators).where(
                ThemeIndicators.run_id == run.id,
                ThemeIndicators.as_of == day,
                ThemeIndicators.granularity == gran,
            )
        ).all()
        themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.run_id == run.id))}
        field_labels = {
            t_id: (en or zh or "")
            for t_id, en, zh in session.execute(
                select(Theme.id, ThemeField.label_en, ThemeField.label_zh)
                .join(ThemeField, ThemeField.id == Theme.field_id)
                .where(Theme.run_id == run.id)
            )
        }
        ctx = RuleContext(
            session,
            run.id,
            day,
            gran,
            themes,
            values={r.theme_id: r.indicators.get("values", {}) for r in rows},
            evidence={r.theme_id: r.indicators.get("evidence", {}).get("document_ids", []) for r in rows},
            fields=field_labels,
            watches=list(session.scalars(select(Watch).where(Watch.active.is_(True)))),
        )
        escore_and_burst(ctx, escore_threshold)
        weak_to_strong(ctx)
        new_near_watch(ctx, near_threshold)
        session.execute(delete(Alert).where(Alert.run_id == run.id, Alert.acknowledged.is_(False)))
        kept = {
            (a.rule, a.theme_id, a.watch_id)
            for a in session.scalars(
                select(Alert).where(Alert.run_id == run.id, Alert.acknowledged.is_(True))
            )
        }
        new = [a for a in ctx.out if (a.rule, a.theme_id, a.watch_id) not in kept]
        session.add_all(new)
        session.flush()
        return AlertSummary(
            run.id, day, gran, dict(Counter(a.rule for a in new)), [alert_row(a) for a in new]
        )


def alert_row(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "run_id": alert.run_id,
        "theme_id": alert.theme_id,
        "watch_id": alert.watch_id,
        "rule": alert.rule,
        "scope": (alert.evidence or {}).get("scope"),
        "message_en": alert.message_en,
        "message_zh": alert.message_zh,
        "evidence": alert.evidence,
        "created_at": alert.created_at.isoformat() if alert.created_at else None,
        "acknowledged": alert.acknowledged,
    }


def list_alerts(
    session: Session, run_id: int | None = None, include_acknowledged: bool = True
) -> list[dict[str, Any]]:
    """Alerts of a run (default: the latest completed), watched ones first, then by rule and theme."""
    run = get_run(session, run_id)
    stmt = select(Alert).where(Alert.run_id == run.id)
    if not include_acknowledged:
        stmt = stmt.where(Alert.acknowledged.is_(False))
    rows = [alert_row(a) for a in session.scalars(stmt.order_by(Alert.id))]
    return sorted(rows, key=lambda a: (a["watch_id"] is None, a["rule"], a["theme_id"] or 0, a["id"]))


def acknowledge_alert(session: Session, alert_id: int) -> dict[str, Any]:
    """Mark an alert as seen.

    Raises
    ------
    NotFoundError
        When there is no such alert.
    """
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError(f"alert {alert_id} does not exist")
    alert.acknowledged = True
    return alert_row(alert)
