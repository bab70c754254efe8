"""Volume, share of corpus and growth speed of a theme or term (TNO-style dashboard, analysis.md §4.9).

Inputs are per-period counts ``r_t`` (documents of the theme) and ``d_t`` (all documents), oldest first;
every value is computed as of the last period given (slice with
:func:`foresight.metrics.series.truncate_as_of`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, as_series, last_window, ols_slope, paired_series, safe_ratio

#: Pseudo-count added to theme counts before taking logs of shares (Haldane–Anscombe style ½).
DEFAULT_PSEUDO_COUNT = 0.5


@dataclass(frozen=True, slots=True)
class VolumeShare:
    """Volume and share of corpus as of the last period."""

    total: float  #: Σ r_t over the periods given
    last: float  #: r_T
    share_last: float  #: r_T / d_T (0 for an empty period)
    share_overall: float  #: Σ r_t / Σ d_t
    shares: tuple[float, ...]  #: r_t / d_t per period


@dataclass(frozen=True, slots=True)
class LogShareSlope:
    """OLS fit of ``ln(share_t)`` on the period index ``t`` over a window."""

    slope: float  #: b: growth of ln(share) per period — growth relative to the corpus
    intercept: float
    r2: float
    n_periods: int  #: periods used (those with d_t > 0)
    relative_growth: float  #: exp(b) − 1, the share's growth rate per period


@dataclass(frozen=True, slots=True)
class GrowthIndicators:
    """Bundle of growth indicators for one series as of its last period."""

    volume: VolumeShare
    cagr: float
    log_share_slope: LogShareSlope
    acceleration: float


def volume_share(theme_counts: ArrayLike, corpus_counts: ArrayLike) -> VolumeShare:
    """Volume (documents) and share of corpus.

    ``share_t = r_t / d_t`` (0 when ``d_t = 0``) and ``share_overall = Σr / Σd`` (analysis.md §4.9).

    Parameters
    ----------
    theme_counts, corpus_counts
        ``r_t`` and ``d_t`` per period, oldest first, ``0 <= r_t <= d_t``.
    """
    r, d = paired_series(theme_counts, corpus_counts, "theme_counts", "corpus_counts")
    if r.size == 0:
        return VolumeShare(0.0, 0.0, 0.0, 0.0, ())
    shares = safe_ratio(r, d)
    total_d = float(d.sum())
    return VolumeShare(
        total=float(r.sum()),
        last=float(r[-1]),
        share_last=float(shares[-1]),
        share_overall=float(r.sum() / total_d) if total_d > 0 else 0.0,
        shares=tuple(float(s) for s in shares),
    )


def cagr(values: ArrayLike, window: int | None = None, pseudo_count: float = 0.0) -> float:
    """Compound annual (per-period) growth rate over the last ``window`` periods.

    ``CAGR = ((v_T + c) / (v_{T−w+1} + c))^{1/(w−1)} − 1`` with pseudo-count ``c`` (analysis.md §4.9).

    Parameters
    ----------
    values
        Counts (or shares) per period, oldest first.
    window
        Number of periods, first and last included; ``None`` uses the whole series.
    pseudo_count
        ``c`` added to both ends; with the default 0 a zero start gives NaN (growth from nothing is
        undefined), which is honest for a dashboard. Use e.g. 0.5 to rank themes born inside the window.

    Returns
    -------
    float
        NaN for fewer than two periods or a non-positive start.
    """
    v = last_window(as_series(values, "values"), window)
    if v.size < 2:
        return float("nan")
    start, end = float(v[0]) + pseudo_count, float(v[-1]) + pseudo_count
    if start <= 0.0:
        return float("nan")
    return (end / start) ** (1.0 / (v.size - 1)) - 1.0


def _log_shares(
    theme_counts: ArrayLike, corpus_counts: ArrayLike, window: int | None, pseudo_count: float
) -> tuple[FloatArray, FloatArray]:
    """Period indices and ``ln((r_t + c) / (d_t + 2c))`` for periods with ``d_t > 0`` in the window."""
    r, d = paired_series(theme_counts, corpus_counts, "theme_counts", "corpus_counts")
    r, d = last_window(r, window), last_window(d, window)
    if pseudo_count < 0:
        raise ValueError("pseudo_count must be non-negative")
    idx = np.arange(r.size, dtype=float)
    ok = d > 0
    r, d, idx = r[ok], d[ok], idx[ok]
    if pseudo_count == 0 and np.any(r == 0):
        raise ValueError("a zero count needs a positive pseudo_count to take its log")
    return idx, np.log((r + pseudo_count) / (d + 2.0 * pseudo_count))


def log_share_slope(
    theme_counts: ArrayLike,
    corpus_counts: ArrayLike,
    window: int | None = None,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
) -> LogShareSlope:
    """Slope of the log share of corpus: growth *relative* to the corpus (analysis.md §4.9).

    ``y_t = ln((r_t + c) / (d_t + 2c))``; OLS ``y_t = a + b·t`` over the window's period index ``t``;
    ``b`` is the growth of ln(share) per period and ``exp(b) − 1`` the share's growth rate.

    The pseudo-count ``c`` (default ½, Haldane–Anscombe) keeps zero counts finite: a zero becomes
    "half a document", so a theme absent in early periods shows strong but finite growth. It is added
    to ``r`` and twice to ``d`` so the adjusted share stays in (0, 1). Periods with ``d_t = 0`` carry no
    information and are skipped (the index keeps its calendar spacing).

    Returns
    -------
    LogShareSlope
        NaN slope when fewer than two informative periods.
    """
    idx, y = _log_shares(theme_counts, corpus_counts, window, pseudo_count)
    slope, intercept, r2 = ols_slope(y, idx)
    return LogShareSlope(
        slope=slope,
        intercept=intercept,
        r2=r2,
        n_periods=int(idx.size),
        relative_growth=math.expm1(slope) if math.isfinite(slope) else float("nan"),
    )


def acceleration(
    theme_counts: ArrayLike,
    corpus_counts: ArrayLike,
    window: int | None = None,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
) -> float:
    """Acceleration of relative growth: log-share slope of the second half minus that of the first half.

    With ``n`` periods in the window, the first half is periods ``0 … ⌈n/2⌉−1`` and the second half
    ``⌊n/2⌋ … n−1`` (for odd ``n`` the middle period belongs to both, so ``n = 3`` already works).
    ``acc = b_second − b_first`` in ln-share units per period; positive means the theme's share is
    growing faster lately. analysis.md gives no formula; this is the half-window difference of slopes.

    Returns
    -------
    float
        NaN when either half has fewer than two informative periods.
    """
    r, d = paired_series(theme_counts, corpus_counts, "theme_counts", "corpus_counts")
    r, d = last_window(r, window), last_window(d, window)
    n = r.size
    if n < 3:
        return float("nan")
    first = slice(0, math.ceil(n / 2))
    second = slice(n // 2, n)
    b1 = log_share_slope(r[first], d[first], pseudo_count=pseudo_count).slope
    b2 = log_share_slope(r[second], d[second], pseudo_count=pseudo_count).slope
    return b2 - b1


def growth_indicators(
    theme_counts: ArrayLike,
    corpus_counts: ArrayLike,
    window: int | None = None,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
) -> GrowthIndicators:
    """All growth indicators of one series as of its last period (CAGR on volumes, no pseudo-count)."""
    r, d = paired_series(theme_counts, corpus_counts, "theme_counts", "corpus_counts")
    return GrowthIndicators(
        volume=volume_share(r, d),
        cagr=cagr(r, window),
        log_share_slope=log_share_slope(r, d, window, pseudo_count),
        acceleration=acceleration(r, d, window, pseudo_count),
    )
