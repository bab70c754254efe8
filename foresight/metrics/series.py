"""Shared helpers for per-period series: as-of truncation, validation, safe ratios and normalisation.

Every indicator in :mod:`foresight.metrics` is computed *as of the last period it is given*. Callers
slice their series with :func:`truncate_as_of` first, so nothing published after the as-of date can leak
into an indicator (the no-look-ahead rule; cf. BERTopic issue #142 on look-ahead bias).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.stats import rankdata

P = TypeVar("P")

FloatArray = NDArray[np.float64]


def truncate_as_of(periods: Sequence[P], values: ArrayLike, as_of: Any) -> tuple[list[P], FloatArray]:
    """Keep the periods up to and including ``as_of`` and the values aligned with them.

    Parameters
    ----------
    periods
        Strictly increasing period labels (years as ``int``, months as ``"2021-03"`` strings, ``(2021, 3)``
        tuples or dates — anything ordered and comparable with ``as_of``).
    values
        Array whose first axis is aligned with ``periods`` (1-D series or a periods × items matrix).
    as_of
        The as-of period. Periods ``p`` with ``p <= as_of`` are kept; ``as_of`` need not be one of them.

    Returns
    -------
    tuple
        ``(kept_periods, kept_values)`` with ``kept_values`` a float array of ``len(kept_periods)`` rows.

    Raises
    ------
    ValueError
        If the periods are not strictly increasing or the values are not aligned with them.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim == 0 or arr.shape[0] != len(periods):
        raise ValueError(f"values have {arr.shape[:1]} rows, periods have {len(periods)} entries")
    for earlier, later in itertools.pairwise(periods):
        if not earlier < later:  # type: ignore[operator]
            raise ValueError(f"periods must be strictly increasing: {earlier!r} then {later!r}")
    keep = 0
    while keep < len(periods) and periods[keep] <= as_of:
        keep += 1
    return list(periods[:keep]), arr[:keep].copy()


def as_series(values: ArrayLike, name: str = "values", *, nonnegative: bool = True) -> FloatArray:
    """Return ``values`` as a finite 1-D float array, checking the sign if asked.

    Raises
    ------
    ValueError
        If the input is not 1-D, contains NaN/inf, or has negative entries when ``nonnegative``.
    """
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite")
    if nonnegative and np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative")
    return arr


def paired_series(
    part: ArrayLike, whole: ArrayLike, part_name: str = "counts", whole_name: str = "totals"
) -> tuple[FloatArray, FloatArray]:
    """Validate a (part, whole) pair of count series: same length, non-negative, ``part <= whole``."""
    r = as_series(part, part_name)
    d = as_series(whole, whole_name)
    if r.shape != d.shape:
        raise ValueError(f"{part_name} and {whole_name} differ in length: {r.size} vs {d.size}")
    if np.any(r > d + 1e-9):
        raise ValueError(f"{part_name} exceed {whole_name} in some period")
    return r, d


def last_window(values: FloatArray, window: int | None) -> FloatArray:
    """The last ``window`` entries of ``values`` (all of them when ``window`` is ``None``)."""
    if window is None:
        return values
    if window < 1:
        raise ValueError("window must be at least 1")
    return values[-window:]


def safe_ratio(num: ArrayLike, den: ArrayLike) -> FloatArray:
    """Elementwise ``num / den`` with 0 where ``den == 0`` (an empty period has share 0)."""
    n = np.asarray(num, dtype=float)
    d = np.asarray(den, dtype=float)
    out = np.zeros(np.broadcast(n, d).shape, dtype=float)
    np.divide(n, d, out=out, where=d != 0)
    return out


def ols_slope(y: ArrayLike, x: ArrayLike | None = None) -> tuple[float, float, float]:
    """Ordinary least squares of ``y`` on ``x`` (default ``0, 1, …``).

    ``b = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)²``, ``a = ȳ − b·x̄``, ``R² = 1 − SS_res/SS_tot``.

    Returns
    -------
    tuple
        ``(slope, intercept, r2)``; NaNs when fewer than two distinct ``x``. ``R²`` is 1 for a perfect
        fit and NaN for a constant ``y`` (nothing to explain).
    """
    yy = np.asarray(y, dtype=float)
    xx = np.arange(yy.size, dtype=float) if x is None else np.asarray(x, dtype=float)
    if yy.size < 2:
        return float("nan"), float("nan"), float("nan")
    xc = xx - xx.mean()
    sxx = float(np.dot(xc, xc))
    if sxx == 0.0:
        return float("nan"), float("nan"), float("nan")
    slope = float(np.dot(xc, yy - yy.mean()) / sxx)
    intercept = float(yy.mean() - slope * xx.mean())
    return slope, intercept, r_squared(yy, intercept + slope * xx)


def r_squared(observed: ArrayLike, fitted: ArrayLike) -> float:
    """Coefficient of determination ``1 − Σ(y−ŷ)² / Σ(y−ȳ)²`` (NaN when ``y`` is constant)."""
    y = np.asarray(observed, dtype=float)
    f = np.asarray(fitted, dtype=float)
    if y.size == 0 or float(np.ptp(y)) == 0.0:
        return float("nan")
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    ss_res = float(np.sum((y - f) ** 2))
    return 1.0 - ss_res / ss_tot


Normalisation = Literal["rank", "minmax"]


def normalise(values: ArrayLike, method: Normalisation = "rank") -> FloatArray:
    """Map values onto [0, 1] across items, leaving NaN (missing) entries as NaN.

    ``rank``: average rank among the finite values, ``(rank − 1) / (m − 1)``, so the smallest is 0 and the
    largest 1; ties share their average rank. ``minmax``: ``(x − min) / (max − min)``. Either gives 0.5 to
    every item when only one finite value exists or all are equal (no information to separate them).
    """
    x = np.asarray(values, dtype=float)
    out = np.full(x.shape, np.nan)
    ok = np.isfinite(x)
    m = int(ok.sum())
    if m == 0:
        return out
    v = x[ok]
    if m == 1 or float(v.max()) == float(v.min()):
        out[ok] = 0.5
        return out
    if method == "minmax":
        out[ok] = (v - v.min()) / (v.max() - v.min())
    elif method == "rank":
        out[ok] = (rankdata(v, method="average") - 1.0) / (m - 1.0)
    else:
        raise ValueError(f"unknown normalisation {method!r}")
    return out
