"""Volume, CAGR, log-share slope and acceleration against hand-computed values."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.growth import acceleration, cagr, growth_indicators, log_share_slope, volume_share


def test_volume_share_hand_computed() -> None:
    # shares 1/10, 2/20, 3/30 = 0.1 each; Σr = 6, Σd = 60 → 0.1
    v = volume_share([1, 2, 3], [10, 20, 30])
    assert v.total == 6 and v.last == 3
    assert v.shares == pytest.approx((0.1, 0.1, 0.1))
    assert v.share_last == pytest.approx(0.1) and v.share_overall == pytest.approx(0.1)


def test_volume_share_empty_period_and_empty_series() -> None:
    v = volume_share([0, 2], [0, 4])
    assert v.shares == (0.0, 0.5)
    assert volume_share([], []).total == 0.0


def test_volume_share_rejects_part_above_whole() -> None:
    with pytest.raises(ValueError):
        volume_share([5], [4])


def test_cagr_hand_computed() -> None:
    assert cagr([100, 121]) == pytest.approx(0.21)  # 121/100 − 1
    assert cagr([100, 110, 121]) == pytest.approx(0.10)  # (1.21)^(1/2) − 1
    assert cagr([50, 100, 110, 121], window=2) == pytest.approx(0.10)  # 121/110 − 1


def test_cagr_zero_start_single_period_and_pseudo_count() -> None:
    assert math.isnan(cagr([0, 3]))
    assert math.isnan(cagr([5]))
    assert cagr([0, 3], pseudo_count=1.0) == pytest.approx(3.0)  # (3+1)/(0+1) − 1


def test_log_share_slope_doubling_share() -> None:
    # shares 0.1, 0.2, 0.4, 0.8 → ln share = ln 0.1 + t·ln 2 exactly (no pseudo-count)
    res = log_share_slope([1, 2, 4, 8], [10, 10, 10, 10], pseudo_count=0.0)
    assert res.slope == pytest.approx(math.log(2))
    assert res.intercept == pytest.approx(math.log(0.1))
    assert res.relative_growth == pytest.approx(1.0)
    assert res.r2 == pytest.approx(1.0) and res.n_periods == 4


def test_log_share_slope_is_relative_to_corpus() -> None:
    # theme doubles but so does the corpus: share constant, slope 0
    res = log_share_slope([1, 2, 4], [10, 20, 40], pseudo_count=0.0)
    assert res.slope == pytest.approx(0.0, abs=1e-12)


def test_log_share_slope_pseudo_count_for_zero() -> None:
    # y0 = ln(0.5/11), y1 = ln(1.5/11) → slope = ln 3
    res = log_share_slope([0, 1], [10, 10], pseudo_count=0.5)
    assert res.slope == pytest.approx(math.log(3))
    with pytest.raises(ValueError):
        log_share_slope([0, 1], [10, 10], pseudo_count=0.0)


def test_log_share_slope_skips_periods_without_documents() -> None:
    # points (t=0, ln 0.1) and (t=2, ln 0.4): slope = ln 4 / 2 = ln 2
    res = log_share_slope([1, 0, 4], [10, 0, 10], pseudo_count=0.0)
    assert res.slope == pytest.approx(math.log(2)) and res.n_periods == 2


def test_log_share_slope_window_uses_last_periods() -> None:
    # last three shares 0.2, 0.2, 0.2 → slope 0 although the first period was 0.8
    res = log_share_slope([8, 2, 2, 2], [10, 10, 10, 10], window=3, pseudo_count=0.0)
    assert res.slope == pytest.approx(0.0, abs=1e-12)


def test_acceleration_even_and_odd_windows() -> None:
    # n = 4: halves (0,1) slope ln 2 and (2,3) slope ln(16/4) = ln 4 → ln 4 − ln 2 = ln 2
    assert acceleration([1, 2, 4, 16], [100] * 4, pseudo_count=0.0) == pytest.approx(math.log(2))
    # n = 3: halves (0,1) slope ln 2 and (1,2) slope ln 4, the middle period shared → ln 2
    assert acceleration([1, 2, 8], [100] * 3, pseudo_count=0.0) == pytest.approx(math.log(2))
    # steady exponential growth: no acceleration
    assert acceleration([1, 2, 4, 8, 16], [100] * 5, pseudo_count=0.0) == pytest.approx(0.0, abs=1e-12)


def test_constant_series_has_zero_growth() -> None:
    g = growth_indicators([5, 5, 5, 5], [50, 50, 50, 50])
    assert g.cagr == 0.0
    assert g.log_share_slope.slope == pytest.approx(0.0, abs=1e-12)
    assert g.acceleration == pytest.approx(0.0, abs=1e-12)


def test_single_period_growth_is_undefined() -> None:
    g = growth_indicators([3], [10])
    assert g.volume.share_last == pytest.approx(0.3)
    assert math.isnan(g.cagr) and math.isnan(g.log_share_slope.slope) and math.isnan(g.acceleration)
