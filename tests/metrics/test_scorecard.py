"""Rotolo five-attribute scorecard: normalisation, components, weights, missing data, formula text."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.scorecard import ATTRIBUTES, DEFAULT_WEIGHTS, emergence_scorecard

THEMES = {
    "T1": {"novelty_distance": 0.1, "new_term_share": 0.2, "log_share_slope": 0.5, "cohesion": 0.9},
    "T2": {"novelty_distance": 0.5, "new_term_share": 0.6, "log_share_slope": 0.1, "cohesion": 0.5},
    "T3": {"novelty_distance": 0.3, "new_term_share": 0.4, "log_share_slope": 0.3, "cohesion": 0.7},
}


def by_theme(card: object) -> dict[str, dict[str, float]]:
    return {t.theme: {c.attribute: c.value for c in t.components} for t in card.themes}  # type: ignore[attr-defined]


def test_rank_normalised_components_and_composite_by_hand() -> None:
    # rank normalisation: novelty_distance (0.1, 0.5, 0.3) → (0, 1, 0.5), new_term_share the same;
    # log_share_slope (0.5, 0.1, 0.3) → (1, 0, 0.5); cohesion (0.9, 0.5, 0.7) → (1, 0, 0.5)
    # novelty = (0, 1, .5), growth = (1, 0, .5), coherence = (1, 0, .5); impact, uncertainty missing
    # composite with equal weights over the 3 available: T1 (0+1+1)/3, T2 1/3, T3 0.5
    card = emergence_scorecard(THEMES)
    v = by_theme(card)
    assert v["T1"]["novelty"] == 0.0 and v["T2"]["novelty"] == 1.0 and v["T3"]["novelty"] == 0.5
    assert v["T1"]["growth"] == 1.0 and v["T1"]["coherence"] == 1.0
    assert math.isnan(v["T1"]["impact"]) and math.isnan(v["T1"]["uncertainty"])
    comp = {t.theme: t.composite for t in card.themes}
    assert comp == pytest.approx({"T1": 2 / 3, "T2": 1 / 3, "T3": 0.5})
    assert {t.theme: t.rank for t in card.themes} == {"T1": 1, "T3": 2, "T2": 3}
    assert card.themes[0].coverage == ("novelty", "growth", "coherence")
    assert card.weights == DEFAULT_WEIGHTS


def test_custom_weights_change_the_ranking() -> None:
    card = emergence_scorecard(THEMES, weights={"novelty": 1.0})
    assert {t.theme: t.rank for t in card.themes}["T2"] == 1
    assert card.weights["growth"] == 0.0


def test_minmax_normalisation() -> None:
    card = emergence_scorecard(
        {"a": {"escore": 0.0}, "b": {"escore": 5.0}, "c": {"escore": 20.0}}, None, "minmax"
    )
    assert [t.composite for t in card.themes] == pytest.approx([0.0, 0.25, 1.0])


def test_missing_values_are_left_out_not_zeroed() -> None:
    themes: dict[str, dict[str, float | None]] = {
        "a": {"novelty_distance": 0.9, "escore": 1.0},
        "b": {"novelty_distance": None, "escore": 3.0},
        "c": {"novelty_distance": 0.1, "escore": math.nan},
    }
    v = by_theme(emergence_scorecard(themes))
    # novelty over a, c only: (1, −, 0); growth over a, b only: (0, 1, −)
    assert v["a"]["novelty"] == 1.0 and math.isnan(v["b"]["novelty"]) and v["c"]["novelty"] == 0.0
    assert v["b"]["growth"] == 1.0 and math.isnan(v["c"]["growth"])


def test_uncertainty_inputs_and_theme_without_data() -> None:
    themes = {
        "a": {"seed_instability": 0.4, "dispersion": 2.0},
        "b": {"seed_instability": 0.1, "dispersion": 1.0},
        "c": {},
    }
    card = emergence_scorecard(themes)
    v = by_theme(card)
    assert v["a"]["uncertainty"] == 1.0 and v["b"]["uncertainty"] == 0.0
    last = next(t for t in card.themes if t.theme == "c")
    assert math.isnan(last.composite) and last.rank == 3 and last.coverage == ()


def test_single_theme_scores_one_half() -> None:
    card = emergence_scorecard({"only": {"escore": 4.2, "cohesion": 0.3}})
    assert card.themes[0].composite == 0.5


def test_formula_text_in_both_languages() -> None:
    card = emergence_scorecard(THEMES)
    novelty = card.themes[0].components[0]
    assert novelty.label_en == ATTRIBUTES["novelty"][0] and novelty.label_zh == "根本新颖性"
    assert "novelty_distance" in novelty.formula_en and "new_term_share" in novelty.formula_en
    assert "余弦距离" in novelty.formula_zh and "归一化" in novelty.formula_zh
    impact = card.themes[0].components[3]
    assert impact.formula_en == "no indicator available" and impact.inputs == ()
    raw = {i.name: i.raw for i in novelty.inputs}
    assert raw == {"novelty_distance": 0.1, "new_term_share": 0.2}


def test_validation() -> None:
    with pytest.raises(ValueError, match="unknown indicators"):
        emergence_scorecard({"a": {"novelty": 1.0}})
    with pytest.raises(ValueError):
        emergence_scorecard(THEMES, weights={"growth": -1.0})
    with pytest.raises(ValueError):
        emergence_scorecard(THEMES, weights={"speed": 1.0})
