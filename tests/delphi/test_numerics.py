"""Weighted quantiles and moments, ranks, and distribution tails."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foresight.delphi.numerics import (
    binomial_two_sided_half,
    chi2_sf,
    midranks,
    rank_rows,
    signed_rank_null_counts,
    weighted_mean,
    weighted_quantile,
    weighted_sd,
)


def test_weighted_median_by_hand() -> None:
    # Five experts rate importance; weights from familiarity (high 1.0, medium 0.6, low 0.3):
    #   sorted x:  2    3    4    5    5
    #   weight :  0.3  0.3  0.6  1.0  1.0      total W = 3.2
    #   cum S  :  0.3  0.6  1.2  2.2  3.2
    # median: first S_k >= 0.5·3.2 = 1.6 is S_4 = 2.2  -> 5   (unweighted median would be 4)
    # Q1    : first S_k >= 0.25·3.2 = 0.8 is S_3 = 1.2 -> 4
    # Q3    : first S_k >= 0.75·3.2 = 2.4 is S_5 = 3.2 -> 5
    x = [5, 2, 3, 4, 5]
    w = [1.0, 0.3, 0.3, 0.6, 1.0]
    assert weighted_quantile(x, 0.5, w) == 5
    assert weighted_quantile(x, 0.5) == 4
    assert weighted_quantile(x, 0.25, w) == 4
    assert weighted_quantile(x, 0.75, w) == 5
    # mean = (5·1 + 2·0.3 + 3·0.3 + 4·0.6 + 5·1)/3.2 = 13.9/3.2 = 4.34375
    assert weighted_mean(x, w) == pytest.approx(4.34375)


def test_weighted_median_exact_half_averages() -> None:
    # x = 1, 2, 3 with weights 1, 1, 2: W = 4, S = 1, 2, 4; S_2 = 2 = W/2 exactly -> (2 + 3)/2 = 2.5,
    # the median of the replicated sample 1, 2, 3, 3.
    assert weighted_quantile([1, 2, 3], 0.5, [1, 1, 2]) == 2.5
    assert weighted_quantile([1, 2, 3], 0.5, [1, 1, 2], method="inverted_cdf") == 2


def test_quantile_edges_and_errors() -> None:
    assert math.isnan(weighted_quantile([], 0.5))
    assert weighted_quantile([3, 1, 2], 0.0) == 1 and weighted_quantile([3, 1, 2], 1.0) == 3
    assert weighted_quantile([1, 2, 9], 0.5, [1, 0, 1]) == 5  # zero weight dropped: median of 1, 9
    # Hazen (type 5): positions (k − 0.5)/n = 0.125, 0.375, 0.625, 0.875 for 1, 2, 3, 4; q = 0.25 -> 1.5
    assert weighted_quantile([1, 2, 3, 4], 0.25, method="hazen") == pytest.approx(1.5)
    with pytest.raises(ValueError):
        weighted_quantile([1, 2], 1.5)
    with pytest.raises(ValueError):
        weighted_quantile([1, 2], 0.5, [1, -1])
    with pytest.raises(ValueError):
        weighted_quantile([1, 2], 0.5, [1])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=30),
    st.sampled_from([0.1, 0.25, 0.5, 0.75, 0.9]),
)
def test_unweighted_matches_numpy_type2(xs: list[int], q: float) -> None:
    assert weighted_quantile(xs, q) == pytest.approx(np.quantile(xs, q, method="averaged_inverted_cdf"))
    assert weighted_quantile(xs, q, method="hazen") == pytest.approx(np.quantile(xs, q, method="hazen"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 5), st.integers(1, 4)), min_size=1, max_size=15),
    st.sampled_from([0.25, 0.5, 0.75]),
)
def test_integer_weights_equal_replication(pairs: list[tuple[int, int]], q: float) -> None:
    xs = [x for x, _ in pairs]
    ws = [w for _, w in pairs]
    replicated = np.repeat(xs, ws)
    assert weighted_quantile(xs, q, ws) == pytest.approx(
        np.quantile(replicated, q, method="averaged_inverted_cdf")
    )
    assert weighted_mean(xs, ws) == pytest.approx(replicated.mean())


def test_weighted_sd() -> None:
    # equal weights -> sample SD (n − 1): x = 2, 4, 4, 4, 5, 5, 7, 9: mean 5, Σ(x − 5)² = 32, s² = 32/7
    assert weighted_sd([2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(math.sqrt(32 / 7))
    assert weighted_sd([2, 4, 4, 4, 5, 5, 7, 9], [3] * 8) == pytest.approx(math.sqrt(32 / 7))
    # reliability weights, by hand: x = 5, 2, 3, 4, 5 with w = 1, .3, .3, .6, 1; mean 4.34375
    # Σ w (x − m)² = 2·0.65625² + 0.3·2.34375² + 0.3·1.34375² + 0.6·0.34375² = 3.121875
    # V1 = 3.2, V2 = 1 + .09 + .09 + .36 + 1 = 2.54, V1 − V2/V1 = 2.40625 -> s² = 1.2974026
    assert weighted_sd([5, 2, 3, 4, 5], [1, 0.3, 0.3, 0.6, 1]) == pytest.approx(math.sqrt(3.121875 / 2.40625))
    assert math.isnan(weighted_sd([3]))


def test_midranks_and_rank_rows() -> None:
    assert midranks([10, 20, 20, 5]).tolist() == [2.0, 3.5, 3.5, 1.0]
    m = np.array([[3.0, 1.0, 2.0, 2.0], [np.inf, 0.0, np.inf, 1.0]])
    assert rank_rows(m).tolist() == [[4.0, 1.0, 2.5, 2.5], [3.5, 1.0, 3.5, 2.0]]
    rng = np.random.default_rng(0)
    data = rng.integers(0, 4, size=(20, 9)).astype(float)
    assert np.array_equal(rank_rows(data), np.vstack([midranks(r) for r in data]))


def test_distribution_tails() -> None:
    assert chi2_sf(0.0, 3) == 1.0
    # χ²(2) tail is exp(−x/2); 3.841459 is the 95 % point of χ²(1); 11.0705 of χ²(5)
    assert chi2_sf(4.0, 2) == pytest.approx(math.exp(-2.0), rel=1e-12)
    assert chi2_sf(3.841459, 1) == pytest.approx(0.05, rel=1e-5)
    assert chi2_sf(11.0705, 5) == pytest.approx(0.05, rel=1e-4)
    assert chi2_sf(200.0, 10) < 1e-30
    # n = 3: W⁺ over 8 sign patterns: 0,1,2,3,3,4,5,6
    assert signed_rank_null_counts(3).tolist() == [1, 1, 1, 2, 1, 1, 1]
    # 5 of 5 discordant pairs in one direction: 2 · (1/2)^5 = 0.0625
    assert binomial_two_sided_half(5, 5) == pytest.approx(0.0625)
    assert binomial_two_sided_half(0, 0) == 1.0


def test_chi2_sf_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    for df in (1, 2, 5, 11, 40):
        for x in (0.3, 1.0, 4.5, 12.0, 60.0):
            assert chi2_sf(x, df) == pytest.approx(stats.chi2.sf(x, df), rel=1e-9, abs=1e-300)
