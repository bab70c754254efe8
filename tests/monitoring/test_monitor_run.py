"""What an analysis run triggers when it has stored its themes: lineage, indicators, alerts."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from foresight.db.models import Alert, ThemeIndicators
from foresight.db.session import session_scope
from foresight.monitoring import monitor_run
from tests.monitoring.builders import StoreBuilder
from tests.monitoring.conftest import MonthlyStore


def test_monitor_run_links_computes_and_alerts(engine: Engine, monthly_store: MonthlyStore) -> None:
    summary = monitor_run(engine, monthly_store.run_id)
    assert summary.lineage.previous_run_id is None  # the first run
    assert summary.indicators is not None and summary.indicators.n_themes == 2
    assert summary.alerts is not None and summary.alerts.counts.get("escore_above_threshold") == 1
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(ThemeIndicators)) == 2
        assert s.scalar(select(func.count()).select_from(Alert)) == len(summary.alerts.alerts)


def test_undated_run_gets_lineage_only(engine: Engine) -> None:
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run = b.run()
        theme = b.theme(run, 0, "timeless")
        b.members(run, theme, [b.document("noise", None) for _ in range(3)])
        run_id = run.id
    summary = monitor_run(engine, run_id)
    assert summary.indicators is None and summary.alerts is None
