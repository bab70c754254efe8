"""Building priority inputs from stored Delphi answers."""

from __future__ import annotations

import pytest

from foresight.delphi import NEVER, AnswerRecord, ItemState, default_template
from foresight.priorities import (
    ListSettings,
    PriorityInput,
    Weights,
    bootstrap_rank_intervals,
    build_list,
    component_questions,
    delphi_components,
    expert_rows,
    median_realization_year,
)

T = default_template()
RECORDS = [
    AnswerRecord("e1", "x", "familiarity", "high", group="academia"),
    AnswerRecord("e1", "x", "importance", "very_high", group="academia"),
    AnswerRecord("e1", "x", "realization_technological", "y2026_2030", group="academia"),
    AnswerRecord("e1", "x", "realization_social", "y2036_2040", group="academia"),
    AnswerRecord(
        "e1", "x", "rd_position", {"position": "behind", "leading_countries": ["US"]}, group="academia"
    ),
    AnswerRecord("e1", "x", "constraints", ["technical"], group="academia"),
    AnswerRecord("e2", "x", "familiarity", "low", group="industry"),
    AnswerRecord("e2", "x", "importance", "medium", group="industry"),
    AnswerRecord("e2", "x", "realization_technological", NEVER, group="industry"),
    AnswerRecord(
        "e2", "x", "rd_position", {"position": "on_par", "leading_countries": ["US"]}, group="industry"
    ),
    AnswerRecord("e2", "x", "constraints", ["none"], group="industry"),
    AnswerRecord("e1", "y", "familiarity", "medium"),
    AnswerRecord("e1", "y", "importance", "low"),
    AnswerRecord("e2", "y", "familiarity", "high"),
    AnswerRecord("e2", "y", "importance", "high"),
]


def test_component_questions_of_default_template() -> None:
    assert component_questions(T) == {
        "importance": ("importance",),
        "urgency": ("realization_technological",),
        "urgency_social": ("realization_social",),
        "gap": ("rd_position",),
        "feasibility": ("constraints",),
    }
    dims = default_template(importance_dimensions=("economy", "security"), include_social=False)
    q = component_questions(dims)
    assert q["importance"] == ("importance_economy", "importance_security") and q["urgency_social"] == ()


def test_expert_rows_carry_points_weights_and_groups() -> None:
    e1, e2 = expert_rows(T, RECORDS, "x")
    # points as in foresight.delphi.aggregation: very high 100; bin 1 of 6 → 100; bin 3 → 100·4/6;
    # behind → gap 100; one of 8 weighted constraints → 100·(1 − 1/8) = 87.5
    assert e1.points == pytest.approx(
        {"importance": 100, "urgency": 100, "urgency_social": 400 / 6, "gap": 100, "feasibility": 87.5}
    )
    assert (e1.weight, e1.high, e1.group) == (1.0, True, "academia")
    assert e2.points == pytest.approx({"importance": 50, "urgency": 0, "gap": 50, "feasibility": 100})
    assert (e2.weight, e2.high, e2.group) == (0.3, False, "industry")


def test_delphi_components_match_item_indices() -> None:
    comps = delphi_components(T, RECORDS, "x", assessments={"importance": ItemState.CONSENSUS})
    a, w, h = comps["all"], comps["weighted"], comps["high_expertise"]
    assert a["importance"].value == pytest.approx(75) and a["importance"].n == 2
    assert a["importance"].consensus is ItemState.CONSENSUS and a["importance"].question_id == "importance"
    assert a["urgency"].value == pytest.approx(50) and a["urgency"].consensus is None
    assert a["urgency_social"].n == 1
    assert w["importance"].value == pytest.approx((100 * 1 + 50 * 0.3) / 1.3)
    assert h["importance"].value == 100 and h["importance"].n == 1
    assert median_realization_year(T, RECORDS, "x") == pytest.approx(2028)


def test_end_to_end_from_records() -> None:
    inputs = []
    for item_id, title in (("x", "Solid-state batteries"), ("y", "Quantum sensors")):
        rows = expert_rows(T, RECORDS, item_id)
        inputs.append(
            PriorityInput(
                item_id=item_id,
                title_en=title,
                delphi=delphi_components(T, RECORDS, item_id, rows=rows),
                expert_rows=rows,
            )
        )
    # importance: x 75, y (25 + 75)/2 = 50  → x first (all view)
    s = ListSettings(weights=Weights.of(importance=1))
    assert [e.item_id for e in build_list(inputs, s).entries] == ["x", "y"]
    # weighted: x (100 + 15)/1.3 = 88.5;  y (25·0.6 + 75·1)/1.6 = 56.25 → still x
    # high only: x 100 (e1), y 75 (e2) → x
    for view in ("weighted", "high_expertise"):
        plist = build_list(inputs, s.model_copy(update={"view": view}))
        assert [e.item_id for e in plist.entries] == ["x", "y"]
    ci = bootstrap_rank_intervals(inputs, s, n_boot=200, random_state=5)
    assert set(ci) == {"x", "y"} and all(1 <= v.lower <= v.upper <= 2 for v in ci.values())
