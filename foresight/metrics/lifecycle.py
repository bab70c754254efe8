"""Logistic life cycle of a theme (Meyer, Yung & Ausubel 1999; bibliometrix ``lifeCycle``; analysis.md §4.8).

Cumulative output follows ``N(t) = K / (1 + exp(−(ln 81 / Δt)·(t − t_m)))``: ``K`` saturation, ``t_m``
midpoint (peak of per-period output), ``Δt`` time from 10 % to 90 % of ``K``. Because
``exp(ln 81 / 2) = 9``, ``N(t_m ± Δt/2) = K/10`` and ``9K/10``: the phase boundaries below are exactly
the 10 % and 90 % points of the fitted curve.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import OptimizeWarning, curve_fit
from scipy.special import expit

from foresight.metrics.series import FloatArray, as_series, r_squared

LN81 = math.log(81.0)
#: Fewer periods than this → "insufficient data" (bibliometrix refuses < 3; 3 parameters need slack).
MIN_PERIODS = 5
MIN_DOCUMENTS = 20
#: Periods with output needed for a fit (a single spike cannot place a midpoint).
MIN_ACTIVE_PERIODS = 3
#: Upper bound of K as a multiple of the observed cumulative total.
K_MAX_FACTOR = 10.0

Phase = Literal["emerging", "growing", "saturating", "unknown"]
Status = Literal["ok", "insufficient data", "fit failed"]


@dataclass(frozen=True, slots=True)
class LifeCycleFit:
    """Result of a logistic life-cycle fit as of the last period."""

    status: Status
    saturation: float  #: K
    midpoint: float  #: t_m (in the units of ``times``)
    duration: float  #: Δt, 10 % → 90 % of K
    r2: float  #: R² on cumulative counts (flattering: cumulation smooths noise)
    r2_rate: float  #: R² of fitted per-period increments against the observed counts
    saturation_share: float  #: observed cumulative total / K
    position: float  #: (t_T − t_m) / Δt
    phase: Phase
    k_at_upper_bound: bool  #: K hit its bound: saturation not identified by the data
    n_periods: int
    n_documents: float
    message: str = ""


def logistic_cumulative(t: ArrayLike, saturation: float, midpoint: float, duration: float) -> FloatArray:
    """``N(t) = K / (1 + exp(−(ln 81/Δt)(t − t_m)))`` (Meyer et al. 1999)."""
    tt = np.asarray(t, dtype=float)
    return np.asarray(saturation * expit(LN81 / duration * (tt - midpoint)), dtype=float)


def phase_of(position: float) -> Phase:
    """Phase from ``x = (t_T − t_m)/Δt``: ``x < −½`` emerging (below 10 % of K), ``−½ ≤ x ≤ ½`` growing
    (around the output peak), ``x > ½`` saturating (above 90 % of K) — analysis.md §4.8."""
    if not math.isfinite(position):
        return "unknown"
    if position < -0.5:
        return "emerging"
    if position <= 0.5:
        return "growing"
    return "saturating"


def _insufficient(n: int, docs: float, message: str, status: Status = "insufficient data") -> LifeCycleFit:
    nan = float("nan")
    return LifeCycleFit(status, nan, nan, nan, nan, nan, nan, nan, "unknown", False, n, docs, message)


def fit_life_cycle(
    counts: ArrayLike,
    times: ArrayLike | None = None,
    min_periods: int = MIN_PERIODS,
    min_documents: float = MIN_DOCUMENTS,
    k_max_factor: float = K_MAX_FACTOR,
    initial_cumulative: float = 0.0,
) -> LifeCycleFit:
    """Fit the logistic to cumulative per-period counts, only where the data allow it.

    ``N_t = Σ_{u≤t} n_u`` is fitted by bounded non-linear least squares (``scipy.optimize.curve_fit``,
    trust-region reflective) from several starting points, keeping the lowest residual. Bounds:
    ``K ∈ [½·N_T, k_max_factor·N_T]``, ``t_m ∈ [t_0 − S, t_T + 2S]``, ``Δt ∈ [0.01·step, 10·S]`` with ``S``
    the observed span. A series that is still exponential pins ``K`` at its upper bound
    (``k_at_upper_bound``); the phase is then "emerging" (the data fit an even earlier position just as
    well) and ``K`` and ``t_m`` are not meaningful.

    Parameters
    ----------
    counts
        Documents per period, oldest first, the full history up to the as-of period (the cumulative sum
        starts at the first period given).
    times
        Period positions (e.g. years); default ``0, 1, …``. Must be strictly increasing.
    min_periods, min_documents
        Below either, the status is "insufficient data" (also with fewer than 3 periods with output).
    k_max_factor
        Upper bound of ``K`` as a multiple of the observed cumulative total.
    initial_cumulative
        Documents before the first period given (``N`` at the start). The logistic starts at 0, so a
        series cut after the theme's beginning is biased unless its earlier mass is passed here.

    Returns
    -------
    LifeCycleFit
        ``r2`` on cumulative counts, ``r2_rate`` on per-period counts (short emerging series fit poorly;
        analysis.md §4.8 asks to report fit quality).
    """
    n_t = as_series(counts, "counts")
    n = n_t.size
    t = np.arange(n, dtype=float) if times is None else as_series(times, "times", nonnegative=False)
    if t.size != n:
        raise ValueError("times and counts differ in length")
    if n > 1 and np.any(np.diff(t) <= 0):
        raise ValueError("times must be strictly increasing")
    docs = float(n_t.sum())
    if n < max(min_periods, 4):
        return _insufficient(n, docs, f"{n} periods < {max(min_periods, 4)}")
    if docs < min_documents:
        return _insufficient(n, docs, f"{docs:g} documents < {min_documents:g}")
    if int(np.count_nonzero(n_t)) < MIN_ACTIVE_PERIODS:
        return _insufficient(n, docs, f"fewer than {MIN_ACTIVE_PERIODS} periods with output")

    cum = initial_cumulative + np.cumsum(n_t)
    total = float(cum[-1])
    span = float(t[-1] - t[0])
    step = float(np.median(np.diff(t)))
    lower = [0.5 * total, float(t[0]) - span, 0.01 * step]
    upper = [k_max_factor * total, float(t[-1]) + 2.0 * span, 10.0 * span]
    best: tuple[float, FloatArray] | None = None
    for k0 in (1.05 * total, 2.0 * total, 0.5 * k_max_factor * total):
        half = 0.5 * k0
        tm0 = float(np.interp(half, cum, t)) if half <= total else float(t[-1]) + 0.5 * span
        for dt0 in (0.5 * span, span):
            p0 = np.clip([k0, tm0, dt0], np.add(lower, 1e-9), np.subtract(upper, 1e-9))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", OptimizeWarning)
                    popt, _ = curve_fit(
                        logistic_cumulative, t, cum, p0=p0, bounds=(lower, upper), maxfev=20000
                    )
            except (RuntimeError, ValueError):
                continue
            sse = float(np.sum((logistic_cumulative(t, *popt) - cum) ** 2))
            if best is None or sse < best[0]:
                best = (sse, np.asarray(popt, dtype=float))
    if best is None:
        return _insufficient(n, docs, "least squares did not converge", status="fit failed")

    k, tm, dt = (float(x) for x in best[1])
    fitted = logistic_cumulative(t, k, tm, dt)
    before = logistic_cumulative(np.array([t[0] - step]), k, tm, dt)[0]
    rate = np.diff(np.concatenate([[before], fitted]))
    position = (float(t[-1]) - tm) / dt
    at_bound = bool(k >= 0.999 * upper[0])
    return LifeCycleFit(
        status="ok",
        saturation=k,
        midpoint=tm,
        duration=dt,
        r2=r_squared(cum, fitted),
        r2_rate=r_squared(n_t, rate),
        saturation_share=total / k,
        position=position,
        phase="emerging" if at_bound else phase_of(position),
        k_at_upper_bound=at_bound,
        n_periods=n,
        n_documents=docs,
    )
