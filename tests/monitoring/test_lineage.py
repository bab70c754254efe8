"""Theme lineage between two hand-built runs: continue keeps the lineage id; birth, death, merge and
split are told apart."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine, select

from foresight.db.models import LineageEvent, Theme
from foresight.db.session import session_scope
from foresight.monitoring.lineage import ThemeSignature, link_run, match_themes, run_events, similarity
from tests.monitoring.builders import StoreBuilder

AXES = np.eye(6)


def sig(theme_id: int, axis: int, docs: range | list[int], keywords: dict[str, float]) -> ThemeSignature:
    return ThemeSignature(theme_id, f"L{theme_id}", AXES[axis], frozenset(docs), keywords)


def test_similarity_combines_centroid_documents_and_keywords() -> None:
    a = sig(1, 0, range(10), {"qubit": 0.6, "error": 0.4})
    b = sig(2, 0, range(5, 15), {"qubit": 0.5, "code": 0.5})
    parts = similarity(a, b)
    assert parts["centroid"] == pytest.approx(1.0)
    assert parts["documents"] == pytest.approx(5 / 15)
    assert parts["keywords"] == pytest.approx(0.5 / 1.5)  # Σ min / Σ max of the normalised weights
    assert parts["combined"] == pytest.approx(0.4 * 1.0 + 0.4 * 5 / 15 + 0.2 * 0.5 / 1.5)
    other_model = ThemeSignature(3, "L3", np.ones(3), frozenset(range(10)), {})
    parts = similarity(a, other_model)  # centroid of another dimension and no keywords: documents only
    assert parts["centroid"] is None and parts["keywords"] is None and parts["combined"] == pytest.approx(1.0)


def test_match_themes_finds_every_kind_of_event() -> None:
    old = [
        sig(1, 0, range(0, 10), {"qubit": 1.0}),  # continues as 11
        sig(2, 1, range(10, 22), {"graph": 1.0}),  # splits into 12 and 13
        sig(3, 2, range(22, 32), {"battery": 1.0}),  # merges with 4 into 14
        sig(4, 2, range(32, 38), {"battery": 0.5, "anode": 0.5}),
        sig(5, 3, range(38, 45), {"protein": 1.0}),  # dies
    ]
    new = [
        sig(11, 0, range(0, 10), {"qubit": 1.0}),
        sig(12, 1, range(10, 17), {"graph": 1.0}),
        sig(13, 1, range(17, 22), {"graph": 0.7, "hypergraph": 0.3}),
        sig(14, 2, range(22, 38), {"battery": 1.0}),
        sig(15, 4, range(100, 110), {"robot": 1.0}),  # born
    ]
    events = {(e.event, tuple(e.from_ids), tuple(e.to_ids)) for e in match_themes(old, new)}
    assert events == {
        ("continue", (1,), (11,)),
        ("split", (2,), (12, 13)),
        ("merge", (3, 4), (14,)),
        ("death", (5,), ()),
        ("birth", (), (15,)),
    }
    assert match_themes([], new)[0].event == "birth" and match_themes(old, [])[0].event == "death"
    with pytest.raises(ValueError, match="link_threshold"):
        match_themes(old, new, continue_threshold=0.1, link_threshold=0.2)


def test_link_run_stores_events_and_passes_lineage_ids_on(engine: Engine) -> None:
    when = date(2025, 1, 10)
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        quantum, graph = b.documents("quantum", when, 10), b.documents("graph", when, 12)
        battery, noise = b.documents("battery", when, 8), b.documents("noise", when, 6)
        first = b.run(label="first")
        t_q = b.theme(first, 0, "quantum", [("qubit", 1.0)], AXES[0])
        t_g = b.theme(first, 1, "graph", [("graph", 1.0)], AXES[1])
        t_b1 = b.theme(first, 2, "battery a", [("battery", 1.0)], AXES[2])
        t_b2 = b.theme(first, 3, "battery b", [("battery", 0.5), ("anode", 0.5)], AXES[2])
        t_dead = b.theme(first, 4, "survey", [("survey", 1.0)], AXES[3])
        for theme, docs in (
            (t_q, quantum),
            (t_g, graph),
            (t_b1, battery[:5]),
            (t_b2, battery[5:]),
            (t_dead, noise),
        ):
            b.members(first, theme, docs)
        second = b.run(first, label="second")
        n_q = b.theme(second, 0, "quantum again", [("qubit", 1.0)], AXES[0])
        n_g1 = b.theme(second, 1, "graph part", [("graph", 1.0)], AXES[1])
        n_g2 = b.theme(second, 2, "hypergraph", [("graph", 0.6), ("hypergraph", 0.4)], AXES[1])
        n_b = b.theme(second, 3, "battery", [("battery", 1.0)], AXES[2])
        robots = b.documents("noise", when, 7)
        n_new = b.theme(second, 4, "robots", [("robot", 1.0)], AXES[4])
        for theme, docs in (
            (n_q, quantum),
            (n_g1, graph[:7]),
            (n_g2, graph[7:]),
            (n_b, battery),
            (n_new, robots),
        ):
            b.members(second, theme, docs)
        b.members(second, None, noise)
        old_lineage = {t.id: t.lineage_id for t in (t_q, t_g, t_b1, t_b2, t_dead)}
        ids = {"q": n_q.id, "g1": n_g1.id, "g2": n_g2.id, "b": n_b.id, "new": n_new.id}
        first_ids = {"q": t_q.id, "g": t_g.id, "b1": t_b1.id, "b2": t_b2.id, "dead": t_dead.id}
        second_id = second.id

    summary = link_run(engine, second_id)
    assert summary.previous_run_id is not None
    assert summary.counts == {"continue": 1, "birth": 1, "death": 1, "merge": 1, "split": 1}
    assert summary.inherited == 3  # continue, the split's main branch, the merge's main branch
    with session_scope(engine) as s:
        lineage = {t.id: t.lineage_id for t in s.scalars(select(Theme).where(Theme.run_id == second_id))}
        events = run_events(s, second_id)
    assert lineage[ids["q"]] == old_lineage[first_ids["q"]]
    assert lineage[ids["g1"]] == old_lineage[first_ids["g"]]
    assert lineage[ids["b"]] == old_lineage[first_ids["b1"]]
    assert lineage[ids["g2"]] not in old_lineage.values() and lineage[ids["new"]] not in old_lineage.values()
    by_kind = {e["event"]: e for e in events}
    assert [t["id"] for t in by_kind["merge"]["from_themes"]] == [first_ids["b1"], first_ids["b2"]]
    assert [t["id"] for t in by_kind["split"]["to_themes"]] == [ids["g1"], ids["g2"]]
    assert by_kind["death"]["from_themes"][0]["label"] == "survey"
    assert by_kind["birth"]["to_themes"][0]["id"] == ids["new"]
    pair = by_kind["continue"]["similarity"]["pairs"][0]
    assert pair["documents"] == 1.0 and pair["centroid"] == pytest.approx(1.0) and pair["combined"] == 1.0

    again = link_run(engine, second_id)  # re-linking replaces the events and keeps the ids
    assert again.counts == summary.counts and again.inherited == 0
    with session_scope(engine) as s:
        assert len(s.scalars(select(LineageEvent).where(LineageEvent.to_run_id == second_id)).all()) == 5
        assert {
            t.id: t.lineage_id for t in s.scalars(select(Theme).where(Theme.run_id == second_id))
        } == lineage


def test_first_run_has_no_lineage(engine: Engine) -> None:
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run = b.run()
        b.theme(run, 0, "alone")
        run_id = run.id
    summary = link_run(engine, run_id)
    assert summary.previous_run_id is None and sum(summary.counts.values()) == 0
