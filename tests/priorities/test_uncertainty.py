"""Bootstrap rank intervals, Kendall's W passthrough, weight sensitivity."""

from __future__ import annotations

import numpy as np
import pytest

from foresight.delphi import kendalls_w
from foresight.priorities import (
    ListSettings,
    PriorityInput,
    Weights,
    analyse,
    bootstrap_rank_intervals,
    build_list,
    expert_agreement,
    ranks_by_view,
    sensitivity_table,
    shifted_weights,
)
from tests.priorities.conftest import expert_row, item


def panel(points: dict[str, list[float]], emergence: dict[str, float] | None = None) -> list[PriorityInput]:
    """Items whose importance comes from experts e0…e{m-1}; the stored index is the mean."""
    out = []
    for item_id, pts in points.items():
        rows = tuple(
            expert_row(f"e{k}", importance=p, weight=1.0, high=k % 2 == 0) for k, p in enumerate(pts)
        )
        base = item(item_id, item_id.upper(), importance=float(np.mean(pts)))
        extra = {"emergence": emergence[item_id]} if emergence else {}
        out.append(base.model_copy(update={"expert_rows": rows, **extra}))
    return out


def test_sensitivity_flips_two_items_at_plus_and_minus_twenty_percent() -> None:
    # importance P 100, Q 60, R 0 → x̃ 1, 0.6, 0;  urgency P 30, Q 100, R 0 → x̃ 0.3, 1, 0
    # base weights importance .6, urgency .4:  P = .6 + .12 = .72;  Q = .36 + .4 = .76;  R = 0 → Q, P, R
    # importance +20 %: w = .72, urgency .4·(1 − .72)/(1 − .6) = .28
    #     P = .72 + .084 = .804;  Q = .432 + .28 = .712  → P, Q (flip)
    # importance −20 %: w = .48, urgency .52:  P = .48 + .156 = .636;  Q = .288 + .52 = .808  → no change
    # urgency −20 %: w = .32, importance .68:  P = .68 + .096 = .776;  Q = .408 + .32 = .728  → flip
    # urgency +20 %: w = .48, importance .52:  P = .52 + .144 = .664;  Q = .312 + .48 = .792  → no change
    items = [
        item("P", "Pearl", importance=100.0, urgency=30.0),
        item("Q", "Quartz", importance=60.0, urgency=100.0),
        item("R", "Ruby", importance=0.0, urgency=0.0),
    ]
    s = ListSettings(weights=Weights.of(importance=0.6, urgency=0.4))
    t = sensitivity_table(items, s)
    assert t.base_ranks == {"P": 2, "Q": 1, "R": 3}
    rows = {(r.component, round(r.change, 2)): r for r in t.rows}
    assert set(rows) == {("importance", -0.2), ("importance", 0.2), ("urgency", -0.2), ("urgency", 0.2)}
    up = rows[("importance", 0.2)]
    assert up.weights["importance"] == pytest.approx(0.72) and up.weights["urgency"] == pytest.approx(0.28)
    assert up.ranks == {"P": 1, "Q": 2, "R": 3}
    assert up.deltas == {"P": -1, "Q": 1, "R": 0} and up.max_abs_delta == 1
    assert rows[("importance", -0.2)].max_abs_delta == 0
    assert rows[("urgency", -0.2)].deltas == {"P": -1, "Q": 1, "R": 0}
    assert rows[("urgency", 0.2)].max_abs_delta == 0
    assert t.max_abs_delta_by_component == {"importance": 1, "urgency": 1}
    assert t.max_abs_delta_by_item == {"P": 1, "Q": 1, "R": 0}


def test_shifted_weights_renormalise_the_others() -> None:
    w = Weights.of(importance=0.5, urgency=0.3, emergence=0.2)
    down = shifted_weights(w, "importance", -0.2)  # .4; others × (.6/.5) = 1.2 → .36, .24
    assert down["importance"] == pytest.approx(0.4)
    assert down["urgency"] == pytest.approx(0.36) and down["emergence"] == pytest.approx(0.24)
    assert sum(down.values.values()) == pytest.approx(1)
    single = Weights.of(importance=1)
    assert shifted_weights(single, "importance", 0.2) == single
    big = shifted_weights(Weights.of(importance=0.9, urgency=0.1), "importance", 0.2)  # capped at 1
    assert big["importance"] == 1 and big["urgency"] == 0


def test_bootstrap_is_seeded_and_bounded() -> None:
    # T: every expert 100 → always first; B: every expert 0 → always last;
    # M1 and M2 split the panel (means 50 vs 45) → they trade places 2 and 3 across resamples
    items = panel(
        {
            "t": [100.0] * 8,
            "m1": [100.0, 0.0, 100.0, 0.0, 100.0, 0.0, 50.0, 50.0],
            "m2": [0.0, 100.0, 0.0, 100.0, 60.0, 60.0, 0.0, 40.0],
            "b": [0.0] * 8,
        }
    )
    s = ListSettings(weights=Weights.of(importance=1))
    ci = bootstrap_rank_intervals(items, s, n_boot=400, random_state=11)
    again = bootstrap_rank_intervals(items, s, n_boot=400, random_state=11)
    assert ci == again
    assert (ci["t"].lower, ci["t"].upper) == (1, 1)
    assert (ci["b"].lower, ci["b"].upper) == (4, 4)
    assert (ci["m1"].lower, ci["m1"].upper) == (2, 3) and (ci["m2"].lower, ci["m2"].upper) == (2, 3)
    assert all(1 <= r.lower <= r.upper <= 4 and r.n_boot == 400 and r.confidence == 0.95 for r in ci.values())
    gen = bootstrap_rank_intervals(items, s, n_boot=400, random_state=np.random.default_rng(11))
    assert gen == ci
    with pytest.raises(ValueError):
        bootstrap_rank_intervals(items, s, n_boot=0)


def test_bootstrap_keeps_data_indicators_fixed_and_respects_pins() -> None:
    # importance identical for all experts → Delphi part never varies; emergence decides; pin keeps r first
    items = panel(
        {"p": [50.0] * 5, "q": [50.0] * 5, "r": [50.0] * 5}, emergence={"p": 0.9, "q": 0.5, "r": 0.1}
    )
    s = ListSettings(weights=Weights.of(importance=0.5, emergence=0.5), pins={"r": "mandate"})
    ci = bootstrap_rank_intervals(items, s, n_boot=50, random_state=0)
    assert {k: (v.lower, v.upper) for k, v in ci.items()} == {"r": (1, 1), "p": (2, 2), "q": (3, 3)}
    excluded = bootstrap_rank_intervals(items, s.model_copy(update={"exclusions": {"q": "dup"}}), n_boot=5)
    assert set(excluded) == {"p", "r"}
    with pytest.raises(ValueError, match="no expert rows"):
        bootstrap_rank_intervals([item("x", "X", importance=1.0)], s.model_copy(update={"pins": {}}))


def test_kendalls_w_passthrough() -> None:
    pts = {"a": [100.0, 75.0, 100.0, 50.0], "b": [50.0, 100.0, 75.0, 25.0], "c": [0.0, 25.0, 50.0, 75.0]}
    items = panel(pts)
    # e9 scored only item a: left out of the complete-case matrix
    items[0] = items[0].model_copy(
        update={"expert_rows": (*items[0].expert_rows, expert_row("e9", importance=0.0))}
    )
    ag = expert_agreement(items, ["a", "b", "c"])
    matrix = [[pts[j][k] for j in "abc"] for k in range(4)]  # experts × items
    assert ag.kendall == kendalls_w(matrix)
    assert ag.n_experts_total == 5 and ag.n_experts_complete == 4
    # scores (a, b, c) → ranks (1 = lowest): e0 (100, 50, 0) → 3,2,1;  e1 (75, 100, 25) → 2,3,1;
    # e2 (100, 75, 50) → 3,2,1;  e3 (50, 25, 75) → 2,1,3.  R = 10, 8, 6, mean 8, S = 4 + 0 + 4 = 8
    # no ties:  W = 12·S/(m²(n³ − n)) = 96/(16·24) = 0.25;  χ² = m(n − 1)W = 4·2·0.25 = 2
    assert (
        ag.kendall is not None and ag.kendall.w == pytest.approx(0.25) and ag.kendall.chi2 == pytest.approx(2)
    )
    high = expert_agreement(items, ["a", "b", "c"], view="high_expertise")  # e0 and e2 only: identical
    assert high.n_experts_complete == 2 and high.kendall is not None and high.kendall.w == pytest.approx(1.0)
    assert expert_agreement(items, ["a"]).kendall is None


def test_analyse_attaches_everything() -> None:
    items = panel({"t": [100.0] * 6, "m": [60.0, 40.0] * 3, "b": [0.0] * 6})
    plist = build_list(items, ListSettings(weights=Weights.of(importance=1), top_n=2))
    out = analyse(plist, items, n_boot=100, random_state=3)
    assert [e.rank_ci is not None for e in out.entries] == [True, True]
    assert out.entries[0].rank_ci is not None and out.entries[0].rank_ci.upper == 1
    assert out.agreement is not None and out.agreement.kendall is not None
    assert out.agreement.kendall.m == 6 and out.agreement.kendall.n == 2
    assert out.sensitivity is not None and out.sensitivity.max_abs_delta_by_item == {"t": 0, "m": 0, "b": 0}
    assert plist.entries[0].rank_ci is None  # the input is not modified


def test_ranks_by_view() -> None:
    a = item("a", "A", importance=90.0)
    b = item("b", "B", importance=60.0)
    a = a.model_copy(update={"delphi": {"all": a.delphi["all"], "weighted": b.delphi["all"]}})
    b = b.model_copy(update={"delphi": {"all": b.delphi["all"], "weighted": a.delphi["all"]}})
    views = ranks_by_view([a, b], ListSettings(weights=Weights.of(importance=1)))
    assert views["all"] == {"a": 1, "b": 2} and views["weighted"] == {"a": 2, "b": 1}
    assert views["high_expertise"] == {"a": 1, "b": 2}  # no values: both unscored, title order
