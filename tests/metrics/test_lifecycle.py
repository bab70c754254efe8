"""Logistic life-cycle fit: parameter recovery on a synthetic S-curve, phases, insufficient data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.lifecycle import LN81, fit_life_cycle, logistic_cumulative, phase_of

YEARS = np.arange(2000, 2021, dtype=float)
K, TM, DT = 1000.0, 2012.0, 8.0


def s_curve_counts(end: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-year counts whose cumulative sum is exactly the logistic (first year holds the prehistory)."""
    cum = logistic_cumulative(YEARS, K, TM, DT)
    counts = np.diff(np.concatenate([[0.0], cum]))
    keep = end >= YEARS
    return counts[keep], YEARS[keep]


def test_logistic_hits_ten_and_ninety_percent_at_half_duration() -> None:
    # exp(ln 81 / 2) = 9 → N(t_m − Δt/2) = K/(1 + 9) = K/10, N(t_m + Δt/2) = K/(1 + 1/9) = 0.9 K
    assert logistic_cumulative([TM - DT / 2, TM, TM + DT / 2], K, TM, DT) == pytest.approx([100, 500, 900])
    assert math.exp(LN81 / 2) == pytest.approx(9.0)


def test_recovers_parameters_of_a_full_s_curve() -> None:
    counts, years = s_curve_counts(2020)
    fit = fit_life_cycle(counts, years)
    assert fit.status == "ok"
    assert fit.saturation == pytest.approx(K, rel=1e-3)
    assert fit.midpoint == pytest.approx(TM, abs=0.01)
    assert fit.duration == pytest.approx(DT, rel=1e-3)
    assert fit.r2 > 0.9999 and fit.r2_rate > 0.999
    # position (2020 − 2012)/8 = 1 > ½ → saturating; observed share ≈ N(2020)/K = 1/(1 + 81^-1) ≈ 0.988
    assert fit.position == pytest.approx(1.0, abs=0.01)
    assert fit.phase == "saturating" and not fit.k_at_upper_bound
    assert fit.saturation_share == pytest.approx(1 / (1 + 1 / 81), rel=1e-3)


def test_recovers_parameters_with_poisson_noise() -> None:
    counts, years = s_curve_counts(2020)
    noisy = np.random.default_rng(0).poisson(counts).astype(float)
    fit = fit_life_cycle(noisy, years)
    assert fit.saturation == pytest.approx(K, rel=0.05)
    assert fit.midpoint == pytest.approx(TM, abs=0.5)
    assert fit.duration == pytest.approx(DT, rel=0.1)


def test_phases_along_the_curve() -> None:
    # as of 2012 the theme sits at its midpoint → growing; parameters recoverable from 2009 on
    mid, years = s_curve_counts(2012)
    fit = fit_life_cycle(mid, years)
    assert fit.phase == "growing" and fit.midpoint == pytest.approx(TM, abs=0.05)
    assert phase_of(-0.6) == "emerging" and phase_of(0.0) == "growing" and phase_of(0.6) == "saturating"
    assert phase_of(float("nan")) == "unknown"


def test_exponential_series_pins_saturation_and_is_emerging() -> None:
    fit = fit_life_cycle([1, 2, 4, 8, 16, 32, 64])
    assert fit.status == "ok" and fit.k_at_upper_bound and fit.phase == "emerging"
    # early part of the S-curve (before 2006) is indistinguishable from exponential growth
    early, years = s_curve_counts(2005)
    assert fit_life_cycle(early, years).phase == "emerging"


def test_initial_cumulative_corrects_a_cut_history() -> None:
    cum = logistic_cumulative(YEARS, K, TM, DT)
    counts = np.diff(cum)  # years 2001…2020 only, N(2000) missing from the counts
    fit = fit_life_cycle(counts, YEARS[1:], initial_cumulative=float(cum[0]))
    assert fit.saturation == pytest.approx(K, rel=1e-3) and fit.midpoint == pytest.approx(TM, abs=0.01)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([10, 20, 30], "periods"),
        ([1, 1, 1, 1, 1, 1], "documents"),
        ([0, 0, 0, 0, 50, 0], "periods with output"),
        ([], "periods"),
    ],
)
def test_insufficient_data(counts: list[float], message: str) -> None:
    fit = fit_life_cycle(counts)
    assert fit.status == "insufficient data" and message in fit.message
    assert math.isnan(fit.saturation) and fit.phase == "unknown"


def test_constant_output_is_fitted_without_error() -> None:
    fit = fit_life_cycle([10] * 8)  # a straight cumulative line: any phase is a guess, but no crash
    assert fit.status == "ok" and math.isnan(fit.r2_rate)


def test_times_are_validated() -> None:
    with pytest.raises(ValueError):
        fit_life_cycle([5] * 6, [0, 1, 2, 2, 3, 4])
