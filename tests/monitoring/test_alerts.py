"""Alerts raised for crafted cases: EScore above threshold, a burst starting in the latest month, a weak
signal turned strong, and new themes near watched items; global versus watched scope."""

from __future__ import annotations

from datetime import date

import numpy as np
from sqlalchemy import Engine, select

from foresight.db.models import AnalysisRun, Theme, ThemeIndicators, ThemeMembership
from foresight.db.session import session_scope
from foresight.monitoring import compute_indicators, link_run, raise_alerts
from foresight.monitoring.alerts import acknowledge_alert, create_watch, list_alerts
from tests.monitoring.builders import StoreBuilder
from tests.monitoring.conftest import MONTHS, MonthlyStore, build_monthly_store

AXES = np.eye(5)


def _second_run(engine: Engine, first: MonthlyStore, with_new_themes: bool) -> dict[str, int]:
    """Run 2: the same quantum and graph themes (graph spikes in the last month), two small flat
    themes, and optionally a new battery theme and a hypergraph theme next to graph."""
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run1 = s.get(AnalysisRun, first.run_id)
        run2 = b.run(run1, label="second")
        q2 = b.theme(run2, 0, "quantum error correction", [("quantum", 0.5), ("qubit", 0.3)], AXES[0])
        g2 = b.theme(run2, 1, "graph neural networks", [("graph", 0.5), ("neural", 0.3)], AXES[1])
        mapping = {first.quantum_id: q2.id, first.graph_id: g2.id, None: None}
        s.add_all(
            ThemeMembership(run_id=run2.id, document_id=m.document_id, theme_id=mapping[m.theme_id],
                            probability=m.probability)
            for m in s.scalars(select(ThemeMembership).where(ThemeMembership.run_id == first.run_id))
        )  # fmt: skip
        b.members(run2, g2, b.documents("graph", MONTHS[-1], 12))
        for number in (2, 3):
            flat = b.theme(run2, number, f"flat {number}", [(f"flat{number}", 1.0)], AXES[2 + number % 2])
            b.members(run2, flat, [d for when in MONTHS for d in b.documents("noise", when, 1)])
        ids = {"run": run2.id, "quantum": q2.id, "graph": g2.id}
        if with_new_themes:
            battery = b.theme(
                run2, 4, "solid state battery", [("battery", 0.6), ("electrolyte", 0.4)], AXES[4]
            )
            b.members(run2, battery, b.documents("battery", MONTHS[-1], 6))
            near = AXES[1] + 0.15 * AXES[3]
            hyper = b.theme(
                run2, 5, "hypergraph learning", [("hypergraph", 1.0)], near / np.linalg.norm(near)
            )
            b.members(run2, hyper, b.documents("graph", date(2025, 5, 20), 5))
            ids |= {"battery": battery.id, "hyper": hyper.id}
    compute_indicators(engine, first.run_id)
    with session_scope(engine) as s:  # the quantum theme was a weak signal in the first run
        row = s.scalars(select(ThemeIndicators).where(ThemeIndicators.theme_id == first.quantum_id)).one()
        values = dict(row.indicators["values"])
        values["weak_signal"] = {**values["weak_signal"], "value": "weak signal"}
        row.indicators = {**row.indicators, "values": values}
    link_run(engine, ids["run"])
    return ids


def test_global_alerts_without_a_watchlist(engine: Engine) -> None:
    first = build_monthly_store(engine)
    ids = _second_run(engine, first, with_new_themes=False)
    summary = raise_alerts(engine, ids["run"])
    assert summary.as_of == MONTHS[-1] and summary.granularity == "month"
    got = {(a["rule"], a["theme_id"]) for a in summary.alerts}
    assert got == {
        ("escore_above_threshold", ids["quantum"]),
        ("burst_started", ids["graph"]),
        ("weak_to_strong", ids["quantum"]),
    }
    assert all(a["scope"] == "global" and a["watch_id"] is None for a in summary.alerts)
    escore = next(a for a in summary.alerts if a["rule"] == "escore_above_threshold")
    assert (
        "quantum error correction" in escore["message_en"]
        and "above the threshold 1.77" in escore["message_en"]
    )
    assert "涌现分数" in escore["message_zh"] and "高于阈值 1.77" in escore["message_zh"]
    assert (
        escore["evidence"]["formula"]["id"] == "escore.theme" and escore["evidence"]["values"]["value"] > 1.77
    )
    assert len(escore["evidence"]["document_ids"]) == 5
    burst = next(a for a in summary.alerts if a["rule"] == "burst_started")
    assert (
        burst["evidence"]["values"]["bursts"][-1]["start"] == "2025-06" and "2025-06" in burst["message_en"]
    )
    weak = next(a for a in summary.alerts if a["rule"] == "weak_to_strong")
    assert (
        weak["evidence"]["values"]["before"] == "weak signal"
        and weak["evidence"]["values"]["now"] == "strong signal"
    )
    assert weak["evidence"]["values"]["predecessor_theme_id"] == first.quantum_id

    with session_scope(engine) as s:  # acknowledged alerts survive raising again, and are not doubled
        acknowledge_alert(s, escore["id"])
    again = raise_alerts(engine, ids["run"])
    assert {a["rule"] for a in again.alerts} == {"burst_started", "weak_to_strong"}
    with session_scope(engine) as s:
        rows = list_alerts(s, ids["run"])
    assert len(rows) == 3 and sum(a["acknowledged"] for a in rows) == 1


def test_alerts_on_watched_items(engine: Engine) -> None:
    first = build_monthly_store(engine)
    with session_scope(engine) as s:
        graph_watch = create_watch(s, "theme", str(first.graph_id), created_by="analyst")
        battery_watch = create_watch(s, "keyword", "Battery")
    ids = _second_run(engine, first, with_new_themes=True)
    with session_scope(engine) as s:
        assert s.get(Theme, ids["graph"]).lineage_id == graph_watch["target"]  # type: ignore[union-attr]
    summary = raise_alerts(engine, ids["run"])
    got = {(a["rule"], a["theme_id"], a["watch_id"]) for a in summary.alerts}
    assert ("escore_above_threshold", ids["quantum"], None) in got  # global: the quantum theme is not watched
    assert ("burst_started", ids["graph"], graph_watch["id"]) in got
    assert ("new_theme_near_watch", ids["battery"], battery_watch["id"]) in got
    assert ("new_theme_near_watch", ids["hyper"], graph_watch["id"]) in got
    assert not any(
        rule == "weak_to_strong" for rule, *_ in got
    )  # only watched themes, once a watchlist exists
    near = next(
        a for a in summary.alerts if a["rule"] == "new_theme_near_watch" and a["theme_id"] == ids["hyper"]
    )
    assert near["evidence"]["matched"]["centroid_cosine"] >= 0.8 and near["scope"] == "watch"
    assert "hypergraph learning" in near["message_en"] and "graph neural networks" in near["message_en"]
    battery = next(
        a for a in summary.alerts if a["theme_id"] == ids["battery"] and a["rule"] == "new_theme_near_watch"
    )
    assert battery["evidence"]["matched"]["matched_terms"] and "关键词" in battery["message_zh"]
    burst = next(a for a in summary.alerts if a["rule"] == "burst_started")
    assert burst["message_en"].startswith("[watch: graph neural networks]")
    with session_scope(engine) as s:
        listed = list_alerts(s, ids["run"])
    assert listed[0]["watch_id"] is not None and listed[-1]["watch_id"] is None  # watched first
