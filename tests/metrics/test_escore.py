"""Porter/Carley EScore: hand-computed components, the 1.77 threshold, filters and edge cases."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.escore import (
    THRESHOLD,
    escore,
    escore_components,
    escore_filters,
    record_emergence,
    term_escores,
)

T100 = [100.0] * 10  # √T = 10 in every period


def test_components_hand_computed() -> None:
    # base (1, 1, 1); active a = (1, 2, 2, 3, 4, 6, 9); T = 100 everywhere, √T = 10
    # ActiveTrend = (4+6+9)/30 − (1+2+2)/30 = 14/30
    # RecentTrend = 10·[(a6+a7)/20 − (a4+a5)/20] = 10·[(6+9)/20 − (3+4)/20] = 4
    # Slope = 10·(a7/10 − a4/10)/3 = 10·(9/10 − 3/10)/3 = 2
    # EScore = 2·14/30 + 4 + 2 = 6.9333…
    res = escore([1, 1, 1, 1, 2, 2, 3, 4, 6, 9], T100)
    assert res.status == "ok"
    assert res.active_trend == pytest.approx(14 / 30)
    assert res.recent_trend == pytest.approx(4.0)
    assert res.slope == pytest.approx(2.0)
    assert res.escore == pytest.approx(2 * 14 / 30 + 6)
    assert res.active_counts == (1, 2, 2, 3, 4, 6, 9)
    assert res.formulas["escore"] == "2·ActiveTrend + RecentTrend + Slope"
    # filters: 30 records ≥ 7; 10 periods present; active/base = 27/3 = 9 > 2; base share 3/300 < 0.15
    f = res.filters
    assert f is not None and f.passed
    assert f.records == 30 and f.active_to_base == pytest.approx(9.0) and f.base_share == pytest.approx(0.01)
    assert res.emergent


def test_sqrt_denominator_with_unequal_totals() -> None:
    # T = (1, 4, 9, 16, 25, 36, 49): √T = 1…7; a = (1, 1, 1, 1, 1, 1, 1)
    # ActiveTrend = 3/(5+6+7) − 3/(1+2+3) = 1/6 − 1/2 = −1/3
    # RecentTrend = 10·[2/(6+7) − 2/(4+5)] = 10·(2/13 − 2/9)
    # Slope = 10·(1/7 − 1/4)/3
    at, rt, sl, score = escore_components([1] * 7, [1, 4, 9, 16, 25, 36, 49])
    assert at == pytest.approx(-1 / 3)
    assert rt == pytest.approx(10 * (2 / 13 - 2 / 9))
    assert sl == pytest.approx(10 * (1 / 7 - 1 / 4) / 3)
    assert score == pytest.approx(2 * at + rt + sl)


def _series(k: float) -> list[float]:
    # base (1, 0, 0); active (1, 1, 1, 1, 1, 1, k) with T = 100:
    # ActiveTrend = (k−1)/30, RecentTrend = (k−1)/2, Slope = (k−1)/3 → EScore = 0.9·(k−1)
    return [1, 0, 0, 1, 1, 1, 1, 1, 1, k]


def test_threshold_behaviour() -> None:
    below = escore(_series(2.9), T100)  # 0.9 · 1.9 = 1.71
    above = escore(_series(3.0), T100)  # 0.9 · 2.0 = 1.80
    assert below.escore == pytest.approx(1.71) and above.escore == pytest.approx(1.80)
    assert below.filters is not None and below.filters.passed
    assert not below.emergent and above.emergent
    assert THRESHOLD == 1.77
    # a custom threshold moves the decision
    assert escore(_series(2.9), T100, threshold=1.5).emergent


def test_high_score_fails_on_base_share() -> None:
    # base share 60/300 = 0.2 ≥ 0.15 → not emergent despite a large EScore
    res = escore([20, 20, 20, 1, 1, 1, 10, 30, 60, 90], T100)
    assert res.escore > THRESHOLD
    assert res.filters is not None and not res.filters.passed_base_share and not res.emergent


def test_filters_records_periods_growth_and_authors() -> None:
    few = escore_filters([0, 0, 0, 0, 0, 0, 0, 1, 2, 3], T100)  # 6 records < 7
    assert not few.passed_records and few.passed_periods
    two_periods = escore_filters([0, 0, 0, 0, 0, 0, 0, 0, 4, 4], T100)
    assert not two_periods.passed_periods
    flat = escore_filters([2, 2, 2, 2, 2, 2, 2, 2, 2, 2], T100)  # active/base = 14/6 = 2.33 > 2
    assert flat.passed_growth and flat.active_to_base == pytest.approx(14 / 6)
    slow = escore_filters([3, 3, 3, 2, 2, 2, 2, 2, 2, 2], T100)  # 14/9 = 1.56 ≤ 2
    assert not slow.passed_growth
    assert not escore_filters(_series(3), T100, author_sets=1).passed
    assert escore_filters(_series(3), T100, author_sets=2).passed


def test_base_absent_term_passes_growth_with_infinite_ratio() -> None:
    f = escore_filters([0, 0, 0, 1, 1, 1, 1, 1, 1, 3], T100)
    assert math.isinf(f.active_to_base) and f.passed_growth


def test_relative_growth_rule() -> None:
    # dataset: base 3·100, active 7·200 → growth 1400/300 = 4.667; term active/base = 9 ≥ 1.5·4.667 = 7
    totals = [100] * 3 + [200] * 7
    counts = [1, 1, 1, 1, 2, 2, 3, 4, 6, 9]
    assert escore_filters(counts, totals, growth_rule="relative").passed_growth
    # term active/base = 27/6 = 4.5 < 7 → fails relative, passes plain ratio (4.5 > 2)
    counts2 = [2, 2, 2, 1, 2, 2, 3, 4, 6, 9]
    assert not escore_filters(counts2, totals, growth_rule="relative").passed_growth
    assert escore_filters(counts2, totals, growth_rule="ratio").passed_growth


def test_uses_last_ten_periods_only() -> None:
    long = [50, 50, 50, 1, 1, 1, 1, 2, 2, 3, 4, 6, 9]
    assert escore(long, [100] * 13).escore == pytest.approx(escore(long[-10:], T100).escore)


def test_insufficient_periods_and_zero_totals() -> None:
    short = escore([1, 2, 3], [10, 10, 10])
    assert short.status == "insufficient data" and math.isnan(short.escore) and not short.emergent
    zeros = escore([0] * 10, [0] * 10)
    assert zeros.escore == 0.0 and not zeros.emergent


def test_terms_and_record_level_emergence() -> None:
    scores = term_escores({"a": [1, 1, 1, 1, 2, 2, 3, 4, 6, 9], "b": [2] * 10}, T100)
    assert scores["a"].emergent and not scores["b"].emergent
    # documents: {a, b} → 6.9333; {b} → 0; {a} counted once → 6.9333
    out = record_emergence([["a", "b"], ["b"], ["a", "a"]], scores)
    assert out == pytest.approx([2 * 14 / 30 + 6, 0.0, 2 * 14 / 30 + 6])
