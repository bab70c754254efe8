"""Numerical building blocks of the Delphi statistics, re-implemented from their formulas.

Only numpy is needed: weighted quantiles and moments, mid-ranks, and the few distribution tails the tests of
consensus and stability need (normal, χ², exact Wilcoxon signed-rank, exact binomial).

Quantile definitions follow Hyndman & Fan (1996), "Sample quantiles in statistical packages",
*The American Statistician* 50(4):361–365. Their *type 2* (numpy ``averaged_inverted_cdf``) is the default
of this package because, on an ordinal scale, it only ever returns a category or the midpoint of two
adjacent categories, its median is the textbook median, and it has an exact weighted form: with integer
weights it equals the unweighted estimator on the data with each value repeated ``weight`` times.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

QuantileMethod = Literal["averaged_inverted_cdf", "inverted_cdf", "hazen"]
"""``averaged_inverted_cdf`` = Hyndman–Fan type 2 (default); ``inverted_cdf`` = type 1; ``hazen`` = type 5."""

DEFAULT_QUANTILE_METHOD: QuantileMethod = "averaged_inverted_cdf"


def _as_values_weights(
    values: ArrayLike, weights: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = np.asarray(values, dtype=float).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
    if x.shape != w.shape:
        raise ValueError(f"values and weights differ in length ({x.size} vs {w.size})")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(w))):
        raise ValueError("values and weights must be finite")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    keep = w > 0
    return x[keep], w[keep]


def weighted_quantile(
    values: ArrayLike,
    q: float,
    weights: ArrayLike | None = None,
    method: QuantileMethod = DEFAULT_QUANTILE_METHOD,
) -> float:
    """Quantile ``q`` of ``values`` with non-negative ``weights`` (all 1 when omitted).

    Parameters
    ----------
    values, weights
        Observations and their weights; zero-weight observations are ignored.
    q
        Probability in [0, 1].
    method
        * ``averaged_inverted_cdf`` (Hyndman–Fan type 2): with sorted ``x`` and cumulative weights
          ``S_k`` of total ``W``, take the smallest ``k`` with ``S_k ≥ q·W``; when ``S_k = q·W`` exactly
          the result is ``(x_k + x_{k+1})/2``, otherwise ``x_k``.
        * ``inverted_cdf`` (type 1): ``x_k`` for that smallest ``k`` (no averaging).
        * ``hazen`` (type 5): each observation's weight is centred at ``p_k = (S_k − w_k/2)/W``; the
          quantile interpolates linearly between those points and is clamped to ``x_1`` / ``x_n``.

    Returns
    -------
    float
        ``nan`` when no observation has positive weight.
    """
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"q must lie in [0, 1], got {q}")
    x, w = _as_values_weights(values, weights)
    if x.size == 0:
        return math.nan
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cum = np.cumsum(w)
    total = float(cum[-1])
    if method == "hazen":
        centres = (cum - w / 2.0) / total
        return float(np.interp(q, centres, x))
    target = q * total
    tol = 1e-9 * total
    k = int(np.searchsorted(cum, target - tol, side="left"))
    k = min(k, x.size - 1)
    if method == "averaged_inverted_cdf" and abs(cum[k] - target) <= tol and k + 1 < x.size and q > 0.0:
        return float((x[k] + x[k + 1]) / 2.0)
    if method in ("averaged_inverted_cdf", "inverted_cdf"):
        return float(x[k])
    raise ValueError(f"unknown quantile method {method!r}")


def weighted_mean(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """``x̄_w = Σ w_i x_i / Σ w_i`` (delphi.md §4.5); ``nan`` when the weights sum to zero."""
    x, w = _as_values_weights(values, weights)
    if x.size == 0:
        return math.nan
    return float(np.dot(w, x) / w.sum())


def weighted_sd(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Standard deviation with *reliability* weights, unbiased form.

    ``s² = Σ w_i (x_i − x̄_w)² / (V₁ − V₂/V₁)`` with ``V₁ = Σ w_i`` and ``V₂ = Σ w_i²`` (as in the GNU
    Scientific Library's ``gsl_stats_wvariance``). With equal weights this is the usual sample SD with
    ``n − 1`` in the denominator. Returns ``nan`` for fewer than two weighted observations.
    """
    x, w = _as_values_weights(values, weights)
    if x.size < 2:
        return math.nan
    v1, v2 = float(w.sum()), float(np.dot(w, w))
    denom = v1 - v2 / v1
    if denom <= 0:
        return math.nan
    mean = float(np.dot(w, x) / v1)
    return math.sqrt(float(np.dot(w, (x - mean) ** 2)) / denom)


def midranks(values: ArrayLike) -> NDArray[np.float64]:
    """Ranks 1..n of ``values`` (ascending), ties sharing the mean of the ranks they span."""
    x = np.asarray(values, dtype=float).ravel()
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size, dtype=float)
    sorted_x = x[order]
    i = 0
    while i < x.size:
        j = i
        while j + 1 < x.size and sorted_x[j + 1] == sorted_x[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return ranks


def tie_sizes(values: ArrayLike) -> NDArray[np.int64]:
    """Sizes ``t`` of the groups of tied values (groups of one included)."""
    _, counts = np.unique(np.asarray(values, dtype=float), return_counts=True)
    return counts.astype(np.int64)


def normal_sf(z: float) -> float:
    """Upper tail ``P(Z > z)`` of the standard normal, ``erfc(z/√2)/2``."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, x)``.

    Series for ``x < a + 1`` and Lentz's continued fraction otherwise (Press et al., *Numerical Recipes*,
    3rd ed., §6.2, routines ``gser``/``gcf``).
    """
    if x <= 0:
        return 1.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefactor))
    tiny = 1e-300
    b = x + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return min(1.0, math.exp(log_prefactor) * h)


def chi2_sf(x: float, df: float) -> float:
    """Upper tail of the χ² distribution, ``P(χ²_df > x) = Q(df/2, x/2)``."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    return _gamma_q(df / 2.0, x / 2.0)


def signed_rank_null_counts(n: int) -> NDArray[np.float64]:
    """Number of sign patterns giving each ``W⁺ = 0 … n(n+1)/2`` among ``2ⁿ`` (no ties, no zeros).

    Dynamic programme over ranks: adding rank ``r`` either leaves ``W⁺`` or raises it by ``r``.
    """
    top = n * (n + 1) // 2
    counts = np.zeros(top + 1, dtype=float)
    counts[0] = 1.0
    for r in range(1, n + 1):
        counts[r:] = counts[r:] + counts[:-r].copy()
    return counts


def binomial_two_sided_half(k: int, n: int) -> float:
    """Exact two-sided p-value of ``k`` successes in ``n`` trials with p = ½ (sign/McNemar test)."""
    if n == 0:
        return 1.0
    k = min(k, n - k)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2.0**n
    return min(1.0, 2.0 * tail)


def rank_rows(matrix: ArrayLike) -> NDArray[np.float64]:
    """Ascending mid-ranks computed separately within each row of a 2-D array (vectorized).

    Within a row, a group of tied values spanning sorted positions ``a … b`` (0-based) gets rank
    ``(a + b)/2 + 1``. ``+inf`` values tie with each other like any other value.
    """
    arr = np.asarray(matrix, dtype=float)
    if arr.ndim != 2:
        raise ValueError("expected a 2-D array (rows × items)")
    rows, n = arr.shape
    if rows == 0 or n == 0:
        return arr.copy()
    order = np.argsort(arr, axis=1, kind="stable")
    sorted_vals = np.take_along_axis(arr, order, axis=1)
    pos = np.broadcast_to(np.arange(n), (rows, n))
    is_start = np.ones((rows, n), dtype=bool)
    is_start[:, 1:] = sorted_vals[:, 1:] != sorted_vals[:, :-1]
    is_end = np.ones((rows, n), dtype=bool)
    is_end[:, :-1] = is_start[:, 1:]
    start = np.maximum.accumulate(np.where(is_start, pos, 0), axis=1)
    end = np.minimum.accumulate(np.where(is_end, pos, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty_like(arr)
    np.put_along_axis(ranks, order, (start + end) / 2.0 + 1.0, axis=1)
    return ranks
