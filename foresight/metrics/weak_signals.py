"""Weak-signal maps after Yoon (2012), Expert Systems with Applications 39:12543–12550 (analysis.md §4.7).

**The formulas are marked unverified in analysis.md** (taken from secondary descriptions, not checked
against the paper). As implemented here:

* degree of visibility ``DoV_j = (TF_j / NN_j) · (1 − tw·(n − j))``, ``j = 1…n`` (degree of diffusion
  ``DoD`` is the same with document frequencies ``DF_j``), ``NN_j`` = documents in period ``j``,
  ``tw`` = time weight (default 0.05) that discounts older periods;
* Keyword Emergence Map (TF/DoV) or Keyword Issue Map (DF/DoD): ``x`` = mean frequency over the periods,
  ``y`` = geometric-mean growth of ``DoV``;
* quadrants against thresholds (default: medians over the items mapped): weak signal (low ``x``, high
  ``y``), strong signal (high, high), latent (low, low), well-known but not strong (high, low).

The time weight alone lifts growth: a constant frequency over ``n`` periods has
``y = (1 − tw·(n−1))^{−1/(n−1)} − 1`` (about 5 % per period for ``tw = 0.05``), so ``y`` is meaningful
relative to the other items on the map, which is why the default thresholds are medians.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, as_series, last_window

DEFAULT_TIME_WEIGHT = 0.05
#: Added to frequencies before growth is measured, so a term born inside the window has finite growth.
DEFAULT_PSEUDO_COUNT = 0.5

SignalQuadrant = Literal["weak signal", "strong signal", "latent signal", "well-known", "undetermined"]


@dataclass(frozen=True, slots=True)
class SignalPoint:
    """One item (term or theme) on the map."""

    label: str
    mean_frequency: float  #: x: mean TF (or DF) per period
    growth: float  #: y: geometric-mean growth of DoV (or DoD) per period
    visibility: tuple[float, ...]  #: DoV_j (NaN for periods without documents)
    quadrant: SignalQuadrant


@dataclass(frozen=True, slots=True)
class WeakSignalMap:
    """All items with the thresholds used for the quadrants."""

    kind: Literal["emergence", "issue"]  #: Keyword Emergence Map (TF) or Keyword Issue Map (DF)
    points: tuple[SignalPoint, ...]
    frequency_threshold: float
    growth_threshold: float
    time_weight: float


def time_weights(n: int, tw: float = DEFAULT_TIME_WEIGHT) -> FloatArray:
    """``w_j = 1 − tw·(n − j)`` for ``j = 1…n`` (the last period weighs 1).

    Raises
    ------
    ValueError
        When the oldest weight ``1 − tw·(n − 1)`` is not positive: shorten the window or lower ``tw``.
    """
    if tw < 0:
        raise ValueError("tw must be non-negative")
    w = 1.0 - tw * (n - np.arange(1, n + 1, dtype=float))
    if n and w[0] <= 0:
        raise ValueError(f"time weight {tw} over {n} periods makes old weights non-positive")
    return w


def degree_of_visibility(
    frequencies: ArrayLike,
    docs_per_period: ArrayLike,
    tw: float = DEFAULT_TIME_WEIGHT,
    pseudo_count: float = 0.0,
) -> FloatArray:
    """``DoV_j = ((TF_j + c) / NN_j) · (1 − tw·(n − j))``; NaN where ``NN_j = 0``.

    With document frequencies instead of term frequencies this is the degree of diffusion ``DoD``.
    ``c`` (default 0, Yoon's form) is an optional pseudo-count.
    """
    tf = as_series(frequencies, "frequencies")
    nn = as_series(docs_per_period, "docs_per_period")
    if tf.shape != nn.shape:
        raise ValueError("frequencies and docs_per_period differ in length")
    out = np.full(tf.shape, np.nan)
    np.divide(tf + pseudo_count, nn, out=out, where=nn > 0)
    return out * time_weights(tf.size, tw)


def geometric_mean_growth(values: ArrayLike) -> float:
    """Geometric-mean growth rate per period of a positive series, ignoring NaN periods.

    ``g = (Π_j v_j / v_{j−1})^{1/m} − 1 = (v_last / v_first)^{1/m} − 1`` where the product telescopes,
    ``first``/``last`` are the first and last finite values and ``m`` the number of periods between them.
    NaN with fewer than two finite values; ``inf`` when the first is 0 and the last positive; −1 when it
    falls to 0.
    """
    v = np.asarray(values, dtype=float)
    idx = np.flatnonzero(np.isfinite(v))
    if idx.size < 2:
        return float("nan")
    first, last = float(v[idx[0]]), float(v[idx[-1]])
    steps = int(idx[-1] - idx[0])
    if first <= 0:
        return float("inf") if last > 0 else float("nan")
    return float((last / first) ** (1.0 / steps) - 1.0)


def _quadrant(x: float, y: float, x_thr: float, y_thr: float) -> SignalQuadrant:
    if not (np.isfinite(x) and not np.isnan(y)):
        return "undetermined"
    high_x, high_y = x >= x_thr, y >= y_thr
    if high_y:
        return "strong signal" if high_x else "weak signal"
    return "well-known" if high_x else "latent signal"


def weak_signal_map(
    frequencies: Mapping[str, ArrayLike],
    docs_per_period: ArrayLike,
    kind: Literal["emergence", "issue"] = "emergence",
    tw: float = DEFAULT_TIME_WEIGHT,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
    window: int | None = None,
    frequency_threshold: float | None = None,
    growth_threshold: float | None = None,
) -> WeakSignalMap:
    """Yoon (2012) Keyword Emergence Map (TF) or Keyword Issue Map (DF) for many items at once.

    ``x_i = (1/n) Σ_j TF_ij``; ``y_i`` = :func:`geometric_mean_growth` of
    ``DoV_ij = ((TF_ij + c)/NN_j)·(1 − tw·(n − j))`` over the last ``window`` periods. Quadrants: weak
    signal (x < x*, y ≥ y*), strong (x ≥ x*, y ≥ y*), latent (x < x*, y < y*), well-known (x ≥ x*, y < y*),
    with ``x*``, ``y*`` the given thresholds or the medians over the finite values. The pseudo-count
    ``c`` (default ½) keeps the growth of a term born inside the window finite (unverified formulas: see
    the module docstring).
    """
    nn = last_window(as_series(docs_per_period, "docs_per_period"), window)
    rows: list[tuple[str, float, float, FloatArray]] = []
    for label, series in frequencies.items():
        tf = last_window(as_series(series, f"frequencies of {label!r}"), window)
        if tf.shape != nn.shape:
            raise ValueError(f"frequencies of {label!r} and docs_per_period differ in length")
        dov = degree_of_visibility(tf, nn, tw, pseudo_count)
        rows.append(
            (str(label), float(tf.mean()) if tf.size else float("nan"), geometric_mean_growth(dov), dov)
        )
    xs = np.array([r[1] for r in rows])
    ys = np.array([r[2] for r in rows])

    def median(v: FloatArray) -> float:
        finite = v[np.isfinite(v)]
        return float(np.median(finite)) if finite.size else float("nan")

    x_thr = median(xs) if frequency_threshold is None else frequency_threshold
    y_thr = median(ys) if growth_threshold is None else growth_threshold
    points = tuple(
        SignalPoint(label, x, y, tuple(float(v) for v in dov), _quadrant(x, y, x_thr, y_thr))
        for label, x, y, dov in rows
    )
    return WeakSignalMap(kind, points, x_thr, y_thr, tw)
