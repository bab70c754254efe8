"""Composite scores, ranking, presets, missing values, pins, exclusions and the cut — by hand."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from foresight.priorities import (
    PRESETS,
    ListSettings,
    PriorityInput,
    Weights,
    build_list,
    indices_from_rows,
    minmax_normalise,
)
from foresight.priorities.scoring import composite, weight_vector
from tests.priorities.conftest import expert_row, item

W = Weights.of(importance=0.5, urgency=0.3, emergence=0.2)


def ranking(plist) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.item_id for e in plist.entries]


def test_hand_computed_ranking_with_a_missing_value(four: list[PriorityInput]) -> None:
    # min–max normalised (x − min)/(max − min):
    #   importance 40…80:  A 1.0, B 0.5, C 0.0, D 0.75
    #   urgency    40…80:  A 0.0, B 1.0, C 0.5, D missing
    #   emergence 0.1…0.9: A 1.0, B 0.5, C 0.0, D 0.25
    # P_A = 0.5·1 + 0.3·0 + 0.2·1                 = 0.70
    # P_B = 0.5·0.5 + 0.3·1 + 0.2·0.5             = 0.65
    # P_C = 0.5·0 + 0.3·0.5 + 0.2·0               = 0.15
    # P_D = (0.5·0.75 + 0.2·0.25)/(0.5 + 0.2)     = 0.425/0.7 = 0.607142…  (urgency left out, renormalised)
    plist = build_list(four, ListSettings(weights=W))
    assert ranking(plist) == ["A", "B", "D", "C"]
    assert [e.rank for e in plist.entries] == [1, 2, 3, 4]
    scores = {e.item_id: e.score for e in plist.entries}
    assert scores["A"] == pytest.approx(0.70)
    assert scores["B"] == pytest.approx(0.65)
    assert scores["C"] == pytest.approx(0.15)
    assert scores["D"] == pytest.approx(0.425 / 0.7)
    d = plist.entry("D")
    assert d.missing == ("urgency",) and d.coverage == pytest.approx(0.7)
    imp, urg = d.component("importance"), d.component("urgency")
    assert imp.value == 70 and imp.normalised == pytest.approx(0.75) and imp.weight == pytest.approx(0.5)
    assert imp.effective_weight == pytest.approx(0.5 / 0.7)
    assert imp.contribution == pytest.approx(0.375 / 0.7)
    assert urg.missing and urg.value is None and urg.contribution == 0 and urg.effective_weight == 0
    assert sum(c.contribution for c in d.components) == pytest.approx(d.score)
    # unweighted components are not flagged as missing and contribute nothing
    a = plist.entry("A")
    assert a.missing == () and a.coverage == pytest.approx(1.0)
    assert not a.component("gap").missing and a.component("gap").contribution == 0
    assert a.component("importance").n == 10 and a.component("emergence").n is None


def test_each_preset_by_hand(three: list[PriorityInput]) -> None:
    # normalised values (min–max across X, Y, Z):
    #             imp  urg  urg_soc gap  feas  emer  growth burst
    #   X         1    0    0.5     0    1     0     1      0
    #   Y         0.5  0.5  0.5     1    0.5   0.5   0      0.5
    #   Z         0    1    0.5     0.5  0     1     0.5    1
    # importance-first (imp .5, urg .2, feas .1, gap .1, em .1):
    #   X = .5 + 0 + .1 + 0 + 0 = .60; Y = .25 + .1 + .05 + .1 + .05 = .55; Z = 0 + .2 + 0 + .05 + .1 = .35
    # emergence-first (em .4, growth .15, burst .1, imp .25, urg .1):
    #   X = 0 + .15 + 0 + .25 + 0 = .40;  Y = .2 + 0 + .05 + .125 + .05 = .425;
    #   Z = .4 + .075 + .1 + 0 + .1 = .675
    # gap-first (gap .4, imp .35, urg .1, feas .15):
    #   X = 0 + .35 + 0 + .15 = .50; Y = .4 + .175 + .05 + .075 = .70; Z = .2 + 0 + .1 + 0 = .30
    # balanced (.2 each on imp, urg, gap, feas, em):
    #   X = .2·(1+0+0+1+0) = .40; Y = .2·(.5+.5+1+.5+.5) = .60; Z = .2·(0+1+.5+0+1) = .50
    expected = {
        "importance-first": (["X", "Y", "Z"], [0.60, 0.55, 0.35]),
        "emergence-first": (["Z", "Y", "X"], [0.675, 0.425, 0.40]),
        "gap-first": (["Y", "X", "Z"], [0.70, 0.50, 0.30]),
        "balanced": (["Y", "Z", "X"], [0.60, 0.50, 0.40]),
    }
    assert set(expected) == set(PRESETS)
    for name, (order, scores) in expected.items():
        plist = build_list(three, ListSettings.from_preset(name))
        assert ranking(plist) == order, name
        assert [e.score for e in plist.entries] == pytest.approx(scores), name
        assert plist.settings.preset == name
        assert sum(plist.weights.values.values()) == pytest.approx(1.0)
    # urgency_social is constant (50, 50, 50) → 0.5 for every item
    assert build_list(three, ListSettings(weights=Weights.of(urgency_social=1))).entries[0].score == 0.5


def test_weights_are_validated_and_normalised() -> None:
    w = Weights.of(importance=2, urgency=1, gap=1)
    assert w["importance"] == 0.5 and w["urgency"] == 0.25 and w["growth"] == 0
    assert w.active() == ("importance", "urgency", "gap")
    for bad in ({"importance": -1, "urgency": 2}, {"importance": 0}, {"importance": float("nan")}):
        with pytest.raises(ValidationError):
            Weights.model_validate({"values": bad})
    with pytest.raises(ValidationError):
        Weights.of(novelty=1)
    with pytest.raises(ValidationError):
        ListSettings(weights=w, preset="balanced")  # weights differ from the named preset
    with pytest.raises(ValidationError):
        ListSettings.from_preset("nope")


def test_ties_are_broken_by_title() -> None:
    same = {"importance": 50.0, "emergence": 0.5}
    items = [
        item("z", "Zeta", **same),
        item("e", "eta", **same),
        item("a", "Alpha", importance=90.0, emergence=0.9),
    ]
    plist = build_list(items, ListSettings(weights=W))
    assert ranking(plist) == ["a", "e", "z"]  # eta < Zeta case-insensitively
    assert plist.entry("e").score == plist.entry("z").score
    # equal up to float noise: weights 1/6, 1/3, 1/2 on x̃ = (1, 1, 0), (0, 0, 1), (.5, .5, .5) → all 0.5,
    # but 1/6 + 1/3 ≠ 0.5 in floating point; the tie must still go to the titles (Quantum, R, Solid)
    w = Weights.of(importance=0.1, urgency=0.2, gap=0.3)
    noisy = [
        item("s", "Solid", importance=100.0, urgency=100.0, gap=0.0),
        item("q", "Quantum", importance=0.0, urgency=0.0, gap=100.0),
        item("r", "R", importance=50.0, urgency=50.0, gap=50.0),
    ]
    assert ranking(build_list(noisy, ListSettings(weights=w))) == ["q", "r", "s"]


def test_item_without_any_weighted_value_ranks_last(four: list[PriorityInput]) -> None:
    empty = item("E", "Epsilon", gap=10.0)
    plist = build_list([*four, empty], ListSettings(weights=W))
    e = plist.entries[-1]
    assert e.item_id == "E" and e.rank == 5 and e.score is None and e.coverage == 0
    assert e.missing == ("importance", "urgency", "emergence")
    assert ranking(plist)[:4] == ["A", "B", "D", "C"]  # the others are unaffected


def test_minmax_normalise_edge_cases() -> None:
    raw = np.array([[1.0, np.nan, 5.0, 2.0], [3.0, np.nan, 5.0, np.nan], [2.0, 7.0, 5.0, np.nan]])
    out = minmax_normalise(raw)
    assert out[:, 0] == pytest.approx([0.0, 1.0, 0.5])
    assert np.isnan(out[0, 1]) and out[2, 1] == 0.5  # one value → 0.5
    assert out[:, 2] == pytest.approx([0.5, 0.5, 0.5])  # all equal → 0.5
    assert out[0, 3] == 0.5 and np.isnan(out[1, 3])


def test_pins_on_top_and_cut(four: list[PriorityInput]) -> None:
    # scores A .70, B .65, D .607, C .15; pinning C (top) puts it first; top 2 keeps C and A
    s = ListSettings(weights=W, pins={"C": "national security mandate"}, top_n=2)
    plist = build_list(four, s)
    assert ranking(plist) == ["C", "A"] and [e.rank for e in plist.entries] == [1, 2]
    c = plist.entry("C")
    assert c.pinned and c.pin_reason == "national security mandate" and c.score == pytest.approx(0.15)
    assert [(b.item_id, b.rank) for b in plist.below_cut] == [("B", 3), ("D", 4)]


def test_pins_keep_rank_survive_the_cut(four: list[PriorityInput]) -> None:
    s = ListSettings(weights=W, pins={"C": "ministry request"}, pin_mode="keep_rank", top_n=2)
    plist = build_list(four, s)
    assert [(e.item_id, e.rank) for e in plist.entries] == [("A", 1), ("B", 2), ("C", 4)]
    assert [(b.item_id, b.rank) for b in plist.below_cut] == [("D", 3)]


def test_exclusions_keep_reasons_and_leave_other_scores(four: list[PriorityInput]) -> None:
    plist = build_list(four, ListSettings(weights=W, exclusions={"A": "duplicate of B"}))
    assert ranking(plist) == ["B", "D", "C"] and [e.rank for e in plist.entries] == [1, 2, 3]
    # normalised before exclusion: B keeps 0.65
    assert plist.entry("B").score == pytest.approx(0.65)
    assert [(x.item_id, x.reason, x.lineage_id) for x in plist.excluded] == [("A", "duplicate of B", "L-A")]
    assert plist.n_in_scope == 4


def test_threshold_cut(four: list[PriorityInput]) -> None:
    assert ranking(build_list(four, ListSettings(weights=W, threshold=0.6))) == ["A", "B", "D"]  # D .607
    assert ranking(build_list(four, ListSettings(weights=W, threshold=0.61))) == ["A", "B"]
    both = build_list(four, ListSettings(weights=W, threshold=0.6, top_n=2))
    assert ranking(both) == ["A", "B"] and [b.item_id for b in both.below_cut] == ["D", "C"]


def test_filters_normalise_within_scope(four: list[PriorityInput]) -> None:
    # health only: C (40, 60, 0.1) and D (70, —, 0.3): importance C 0 D 1; urgency C alone → 0.5;
    # emergence C 0 D 1.  P_C = 0.3·0.5 = 0.15; P_D = (0.5·1 + 0.2·1)/0.7 = 1
    plist = build_list(four, ListSettings(weights=W, fields=("health",)))
    assert ranking(plist) == ["D", "C"]
    assert plist.entry("D").score == pytest.approx(1.0) and plist.entry("C").score == pytest.approx(0.15)
    assert ranking(build_list(four, ListSettings(weights=W, scenarios=("smart-grid",)))) == ["D"]
    with pytest.raises(ValueError, match="outside"):
        build_list(four, ListSettings(weights=W, fields=("health",), pins={"A": "x"}))


def test_settings_validation(four: list[PriorityInput]) -> None:
    with pytest.raises(ValidationError, match="reason"):
        ListSettings(weights=W, exclusions={"A": "  "})
    with pytest.raises(ValidationError, match="both pinned and excluded"):
        ListSettings(weights=W, pins={"A": "x"}, exclusions={"A": "y"})
    with pytest.raises(ValueError, match="unknown items"):
        build_list(four, ListSettings(weights=W, pins={"Q": "typo"}))
    with pytest.raises(ValueError, match="unique"):
        build_list([*four, four[0]], ListSettings(weights=W))
    everything_out = build_list(four, ListSettings(weights=W, exclusions={i.item_id: "r" for i in four}))
    assert everything_out.entries == () and len(everything_out.excluded) == 4


def test_views_and_provenance_pass_through(four: list[PriorityInput]) -> None:
    a = four[0].model_copy(update={"delphi": {**four[0].delphi, "high_expertise": {}}})
    plist = build_list(
        [a, *four[1:]], ListSettings(weights=W, view="high_expertise"), provenance={"round": 2}
    )
    # no high-expertise indices anywhere: only emergence is left → order by emergence A .9, B .5, D .3, C .1
    assert ranking(plist) == ["A", "B", "D", "C"]
    assert plist.entry("A").missing == ("importance", "urgency")
    assert plist.provenance == {"round": 2}


def test_indices_from_rows_views_and_stakeholder_suppression() -> None:
    r = [
        expert_row("e1", "academia", 1.0, True, importance=100.0, urgency=None),
        expert_row("e2", "academia", 0.6, False, importance=50.0, urgency=40.0),
        expert_row("e3", "industry", 0.3, False, importance=0.0, urgency=80.0),
    ]
    # all: (100 + 50 + 0)/3 = 50;  weighted: (100 + 30 + 0)/1.9;  high only: 100
    assert indices_from_rows(r)["importance"].value == pytest.approx(50)
    assert indices_from_rows(r, view="weighted")["importance"].value == pytest.approx(130 / 1.9)
    hi = indices_from_rows(r, view="high_expertise")
    assert hi["importance"].value == 100 and hi["urgency"].value is None and hi["importance"].n == 1
    ac = indices_from_rows(r, group="academia", min_group_size=2)
    assert ac["importance"].value == pytest.approx(75) and ac["importance"].n == 2
    assert ac["urgency"].value is None and ac["urgency"].n == 1  # one answer < 2: suppressed


def test_stakeholder_list_recomputes_from_rows() -> None:
    # industry experts rate P low and Q high; academia the opposite
    def rows_for(acad: float, ind: float) -> tuple:  # type: ignore[type-arg]
        return tuple(
            [expert_row(f"a{k}", "academia", importance=acad) for k in range(3)]
            + [expert_row(f"i{k}", "industry", importance=ind) for k in range(3)]
        )

    p = item("P", "Pearl", importance=50.0).model_copy(update={"expert_rows": rows_for(100.0, 0.0)})
    q = item("Q", "Quartz", importance=50.0).model_copy(update={"expert_rows": rows_for(0.0, 100.0)})
    w = Weights.of(importance=1)
    assert ranking(
        build_list([p, q], ListSettings(weights=w, stakeholder_group="academia", min_group_size=3))
    ) == [
        "P",
        "Q",
    ]
    industry = build_list([p, q], ListSettings(weights=w, stakeholder_group="industry", min_group_size=3))
    assert ranking(industry) == ["Q", "P"] and industry.entry("Q").component("importance").value == 100
    suppressed = build_list([p, q], ListSettings(weights=w, stakeholder_group="industry", min_group_size=4))
    assert all(e.score is None and e.missing == ("importance",) for e in suppressed.entries)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_full_coverage_is_exactly_one_for_every_preset(preset: str) -> None:
    """The JSON schema caps coverage at 1: float rounding of the weight sum must not exceed it."""
    w = weight_vector(ListSettings.from_preset(preset).weights)
    _, _, cover = composite(np.full((3, w.size), 0.5), w)
    assert np.all(cover <= 1.0) and np.allclose(cover, 1.0)
