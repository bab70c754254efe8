"""Rotolo five-attribute scorecard: normalisation, components, weights, missing data, formula text."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.scorecard import ATTRIBUTES, DEFAULT_WEIGHTS, emergence_scorecard

THEMES = {
    "T1": {"novelty_distance": 0.1, "new_term_share": 0.2, "burst_weight": 5.0, "cohesion": 0.9},
    "T2": {"novelty_distance": 0.5, "new_term_share": 0.6, "burst_weight": 0.0, "cohesion": 0.5},
    "T3": {"novelty_distance": 0.3, "new_term_share": 0.4, "burst_weight": 1.5, "cohesion": 0.7},
}


def by_theme(card: object) -> dict[str, dict[str, float]]:
    return {t.theme: {c.attribute: c.value for c in t.components} for t in card.themes}  # type: ignore[attr-defined]


def test_rank_normalised_components_and_composite_by_hand() -> None:
    # rank normalisation: novelty_distance (0.1, 0.5, 0.3) → (0, 1, 0.5), new_term_share the same;
    # burst_weight (5, 0, 1.5) → (1, 0, 0.5); cohesion (0.9, 0.5, 0.7) → (1, 0, 0.5)
    # novelty = (0, 1, .5), growth = (1, 0, .5), coherence = (1, 0, .5); impact, uncertainty missing
    # composite with the default weights (growth 1/3, novelty and coherence 1/6) over the 3 available:
    # (N/6 + G/3 + C/6) / (2/3) = (N + 2G + C)/4 → T1 (0+2+1)/4 = 3/4, T2 (1+0+0)/4 = 1/4, T3 2/4
    card = emergence_scorecard(THEMES)
    v = by_theme(card)
    assert v["T1"]["novelty"] == 0.0 and v["T2"]["novelty"] == 1.0 and v["T3"]["novelty"] == 0.5
    assert v["T1"]["growth"] == 1.0 and v["T1"]["coherence"] == 1.0
    assert math.isnan(v["T1"]["impact"]) and math.isnan(v["T1"]["uncertainty"])
    comp = {t.theme: t.composite for t in card.themes}
    assert comp == pytest.approx({"T1": 3 / 4, "T2": 1 / 4, "T3": 0.5})
    assert {t.theme: t.rank for t in card.themes} == {"T1": 1, "T3": 2, "T2": 3}
    assert card.themes[0].coverage == ("novelty", "growth", "coherence")
    assert card.weights == DEFAULT_WEIGHTS


def test_default_weights_count_growth_twice() -> None:
    assert DEFAULT_WEIGHTS["growth"] == pytest.approx(1 / 3)
    assert all(DEFAULT_WEIGHTS[a] == pytest.approx(1 / 6) for a in ATTRIBUTES if a != "growth")
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)
    # equal weights give back the plain mean of the three available attributes: T1 (0+1+1)/3
    equal = emergence_scorecard(THEMES, weights=dict.fromkeys(ATTRIBUTES, 0.2))
    assert equal.themes[0].composite == pytest.approx(2 / 3)


def test_log_share_slope_is_shown_but_not_scored() -> None:
    themes = {
        "a": {"log_share_slope": 0.4, "burst_weight": 0.0},
        "b": {"log_share_slope": -0.2, "burst_weight": 3.0},
        "c": {"log_share_slope": 0.1},
    }
    card = emergence_scorecard(themes)
    v = by_theme(card)
    # growth is the burst weight alone: a 0, b 1; c has no scored growth input
    assert v["a"]["growth"] == 0.0 and v["b"]["growth"] == 1.0 and math.isnan(v["c"]["growth"])
    growth_a = card.themes[0].components[1]
    shown = {i.name: i for i in growth_a.inputs}
    assert shown["log_share_slope"].raw == 0.4 and shown["log_share_slope"].normalised == 1.0
    assert not shown["log_share_slope"].scored and shown["burst_weight"].scored
    assert "shown, not scored: log_share_slope" in growth_a.formula_en
    assert "仅展示、不计分" in growth_a.formula_zh
    assert "norm(burst_weight" in growth_a.formula_en
    growth_c = card.themes[2].components[1]
    assert growth_c.formula_en.startswith("no indicator available; shown, not scored")


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
