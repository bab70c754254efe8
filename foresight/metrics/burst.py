"""Kleinberg two-state burst detection for batched counts (Kleinberg 2002/2003; analysis.md §4.2).

Per period ``t`` there are ``d_t`` documents, ``r_t`` of which belong to the theme or contain the term.
State 0 emits at the base rate ``p₀ = Σr / Σd``, state 1 (burst) at ``p₁ = min(s·p₀, p_cap)``. The fit
cost is the negative log binomial likelihood
``σ(i,t) = −ln[ C(d_t, r_t) · p_i^{r_t} · (1 − p_i)^{d_t − r_t} ]`` computed with ``gammaln``; moving up
costs ``τ(0→1) = γ·ln n`` (``n`` = number of periods), moving down is free. The optimal state sequence
minimises ``Σσ + Στ`` and is found exactly by the Viterbi algorithm (not by a greedy per-step choice).
The chain starts in the base state, so a burst in the first period pays ``τ`` as well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import gammaln, xlog1py, xlogy

from foresight.metrics.series import FloatArray, paired_series

#: Default cap keeping the burst rate strictly below 1.
DEFAULT_P_CAP = 0.9999


@dataclass(frozen=True, slots=True)
class Burst:
    """One maximal run of burst states; ``start`` and ``end`` are inclusive period indices."""

    start: int
    end: int
    weight: float  #: Σ_{t=start..end} [σ(0,t) − σ(1,t)]

    def labels(self, periods: Sequence[Any]) -> tuple[Any, Any]:
        """The burst's first and last period labels, given the periods the series was aligned with."""
        return periods[self.start], periods[self.end]


@dataclass(frozen=True, slots=True)
class BurstResult:
    """Decoded burst states of a series as of its last period."""

    states: tuple[int, ...]  #: 0 = base, 1 = burst, one per period
    bursts: tuple[Burst, ...]
    p0: float
    p1: float
    transition_cost: float  #: τ(0→1) = γ·ln n
    total_cost: float  #: Σσ + Στ of the optimal sequence

    @property
    def total_weight(self) -> float:
        """Sum of the weights of all bursts (0 when there is none)."""
        return float(sum(b.weight for b in self.bursts))

    @property
    def in_burst(self) -> bool:
        """Whether the last period is in a burst (an "active" burst as of the as-of date)."""
        return bool(self.states) and self.states[-1] == 1


def fit_costs(theme_counts: ArrayLike, totals: ArrayLike, p: float) -> FloatArray:
    """Binomial fit cost ``σ_t = −ln[C(d_t, r_t) p^{r_t} (1−p)^{d_t−r_t}]`` for each period.

    Uses ``gammaln`` for ``ln C(d, r)`` and ``xlogy``/``xlog1py`` so that ``0·ln 0 = 0`` (a period with
    ``d_t = 0`` costs nothing; ``p = 0`` with ``r_t = 0`` costs nothing).
    """
    r, d = paired_series(theme_counts, totals, "theme_counts", "totals")
    log_choose = gammaln(d + 1.0) - gammaln(r + 1.0) - gammaln(d - r + 1.0)
    with np.errstate(divide="ignore"):
        loglik = log_choose + xlogy(r, p) + xlog1py(d - r, -p)
    return np.asarray(-loglik, dtype=float)


def viterbi_two_state(costs: FloatArray, up_cost: float) -> tuple[list[int], float]:
    """Exact minimum-cost state path for two states with costs ``costs[t, i]`` and ``τ(0→1) = up_cost``.

    ``C_t(j) = σ(j,t) + min_i [C_{t−1}(i) + τ(i→j)]`` with ``C_{−1} = (0, ∞)`` (start in state 0);
    back-pointers recover the path. Ties prefer the lower state, so the decode is deterministic.
    """
    n = costs.shape[0]
    if n == 0:
        return [], 0.0
    inf = math.inf
    best = [0.0, inf]  # cost of being in state 0 / 1 just before the first period
    back = np.zeros((n, 2), dtype=np.int8)
    for t in range(n):
        stay0, from1_down = best[0], best[1]  # into state 0: from 0 (free) or from 1 (down, free)
        into0 = min(stay0, from1_down)
        back[t, 0] = 0 if stay0 <= from1_down else 1
        up, stay1 = best[0] + up_cost, best[1]  # into state 1: from 0 (pay τ) or stay in 1
        into1 = min(up, stay1)
        back[t, 1] = 0 if up <= stay1 else 1
        best = [into0 + float(costs[t, 0]), into1 + float(costs[t, 1])]
    state = 0 if best[0] <= best[1] else 1
    total = best[state]
    path = [0] * n
    for t in range(n - 1, -1, -1):
        path[t] = state
        state = int(back[t, state])
    return path, float(total)


def kleinberg_bursts(
    theme_counts: ArrayLike,
    totals: ArrayLike,
    s: float = 2.0,
    gamma: float = 1.0,
    p_cap: float = DEFAULT_P_CAP,
) -> BurstResult:
    """Two-state Kleinberg burst detection on batched counts, decoded by true Viterbi.

    ``p₀ = Σr/Σd``, ``p₁ = min(s·p₀, p_cap)``;
    ``σ(i,t) = −ln[C(d_t,r_t) p_i^{r_t} (1−p_i)^{d_t−r_t}]``; ``τ(0→1) = γ ln n``, ``τ(1→0) = 0``;
    minimise ``Σ_t σ(q_t,t) + Σ_t τ(q_{t−1},q_t)``. Burst weight ``= Σ_{t∈burst} [σ(0,t) − σ(1,t)]``.
    Source: Kleinberg (2003) "Bursty and hierarchical structure in streams", §4 (enumerating bursts);
    analysis.md §4.2.

    Parameters
    ----------
    theme_counts, totals
        ``r_t`` and ``d_t`` per period, oldest first (theme documents and all documents, or documents
        containing a term and documents of the theme).
    s
        Rate ratio of the burst state (> 1).
    gamma
        Cost multiplier for entering the burst state (≥ 0).
    p_cap
        Upper bound for ``p₁`` (strictly below 1).

    Returns
    -------
    BurstResult
        All-zero states when the series has no events, fewer than two periods (``ln 1 = 0`` would make
        bursting free), or ``p₀ ≥ p_cap`` (no room for a higher rate).
    """
    if s <= 1.0:
        raise ValueError("s must exceed 1")
    if gamma < 0.0:
        raise ValueError("gamma must be non-negative")
    if not 0.0 < p_cap < 1.0:
        raise ValueError("p_cap must lie in (0, 1)")
    r, d = paired_series(theme_counts, totals, "theme_counts", "totals")
    n = r.size
    total_d = float(d.sum())
    p0 = float(r.sum()) / total_d if total_d > 0 else 0.0
    p1 = min(s * p0, p_cap)
    tau = gamma * math.log(n) if n > 0 else 0.0
    sigma0 = fit_costs(r, d, p0)
    if n < 2 or p0 == 0.0 or p0 >= p_cap:
        return BurstResult((0,) * n, (), p0, p1, tau, float(sigma0.sum()))
    sigma1 = fit_costs(r, d, p1)
    path, total = viterbi_two_state(np.column_stack([sigma0, sigma1]), tau)
    gain = sigma0 - sigma1
    bursts: list[Burst] = []
    t = 0
    while t < n:
        if path[t] == 1:
            start = t
            while t + 1 < n and path[t + 1] == 1:
                t += 1
            bursts.append(Burst(start, t, float(gain[start : t + 1].sum())))
        t += 1
    return BurstResult(tuple(path), tuple(bursts), p0, p1, tau, total)
