"""as-of truncation, OLS, R² and normalisation helpers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.series import normalise, ols_slope, r_squared, safe_ratio, truncate_as_of


def test_truncate_years_keeps_periods_up_to_and_including_as_of() -> None:
    periods, values = truncate_as_of([2018, 2019, 2020, 2021], [1, 2, 3, 4], 2020)
    assert periods == [2018, 2019, 2020]
    assert values.tolist() == [1.0, 2.0, 3.0]


def test_truncate_months_as_strings_and_as_of_between_periods() -> None:
    months = ["2021-01", "2021-02", "2021-04"]
    periods, values = truncate_as_of(months, [5, 6, 7], "2021-03")
    assert periods == ["2021-01", "2021-02"]
    assert values.tolist() == [5.0, 6.0]


def test_truncate_before_first_period_is_empty_and_matrix_rows_follow() -> None:
    periods, values = truncate_as_of([2020, 2021], [[1, 2], [3, 4]], 2019)
    assert periods == [] and values.shape == (0, 2)
    _, values = truncate_as_of([2020, 2021], [[1, 2], [3, 4]], 2020)
    assert values.tolist() == [[1.0, 2.0]]


def test_truncate_does_not_share_memory_with_input() -> None:
    src = np.array([1.0, 2.0, 3.0])
    _, values = truncate_as_of([1, 2, 3], src, 3)
    values[0] = 99.0
    assert src[0] == 1.0


@pytest.mark.parametrize("periods", [[2020, 2020], [2021, 2020]])
def test_truncate_rejects_unsorted_periods(periods: list[int]) -> None:
    with pytest.raises(ValueError, match="strictly increasing"):
        truncate_as_of(periods, [1, 2], 2021)


def test_truncate_rejects_misaligned_values() -> None:
    with pytest.raises(ValueError):
        truncate_as_of([2020, 2021], [1, 2, 3], 2021)


def test_ols_slope_hand_computed() -> None:
    # y = 1 + 2x exactly at x = 0, 1, 2
    slope, intercept, r2 = ols_slope([1.0, 3.0, 5.0])
    assert (slope, intercept, r2) == pytest.approx((2.0, 1.0, 1.0))
    # y = (0, 2, 1): x̄ = 1, ȳ = 1, Σ(x−x̄)(y−ȳ) = (−1)(−1) + 0 + (1)(0) = 1, Σ(x−x̄)² = 2 → b = 0.5
    # fitted (0.5, 1, 1.5): SS_res = 0.25 + 1 + 0.25 = 1.5, SS_tot = 1 + 1 + 0 = 2 → R² = 0.25
    slope, intercept, r2 = ols_slope([0.0, 2.0, 1.0])
    assert slope == pytest.approx(0.5) and intercept == pytest.approx(0.5) and r2 == pytest.approx(0.25)


def test_ols_slope_needs_two_points_and_constant_has_nan_r2() -> None:
    assert all(math.isnan(v) for v in ols_slope([3.0]))
    slope, _, r2 = ols_slope([2.0, 2.0, 2.0])
    assert slope == 0.0 and math.isnan(r2)
    assert math.isnan(r_squared([1.0, 1.0], [1.0, 1.0]))


def test_safe_ratio_gives_zero_for_empty_periods() -> None:
    assert safe_ratio([1, 0, 2], [4, 0, 8]).tolist() == [0.25, 0.0, 0.25]


def test_normalise_rank_and_minmax() -> None:
    # ranks of (0.1, 0.5, 0.3) are (1, 3, 2) → (r − 1)/(3 − 1) = (0, 1, 0.5)
    assert normalise([0.1, 0.5, 0.3]).tolist() == [0.0, 1.0, 0.5]
    # ties share their average rank: (1, 1, 10) → ranks (1.5, 1.5, 3) → (0.25, 0.25, 1)
    assert normalise([1, 1, 10]).tolist() == [0.25, 0.25, 1.0]
    # min–max of (0, 5, 20): (0, 0.25, 1)
    assert normalise([0, 5, 20], "minmax").tolist() == [0.0, 0.25, 1.0]


def test_normalise_missing_single_and_constant() -> None:
    out = normalise([np.nan, 2.0, 4.0])
    assert math.isnan(out[0]) and out[1:].tolist() == [0.0, 1.0]
    assert normalise([7.0]).tolist() == [0.5]
    assert normalise([3.0, 3.0], "minmax").tolist() == [0.5, 0.5]
    with pytest.raises(ValueError):
        normalise([1.0, 2.0], "zscore")  # type: ignore[arg-type]
