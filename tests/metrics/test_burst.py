"""Kleinberg two-state burst detection: hand-computed costs, an obvious burst, Viterbi versus greedy."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest

from foresight.metrics.burst import fit_costs, kleinberg_bursts, viterbi_two_state


def greedy_decode(r: Sequence[float], d: Sequence[float], s: float = 2.0, gamma: float = 1.0) -> list[int]:
    """The per-step decoder of PyPI ``burst-detection`` 0.1.3: choose the cheaper state given the last one."""
    p0 = sum(r) / sum(d)
    sigma0 = fit_costs(r, d, p0)
    sigma1 = fit_costs(r, d, min(s * p0, 0.9999))
    tau = gamma * math.log(len(r))
    state, out = 0, []
    for t in range(len(r)):
        stay_or_drop = sigma0[t]
        burst = sigma1[t] + (tau if state == 0 else 0.0)
        state = 0 if stay_or_drop <= burst else 1
        out.append(state)
    return out


def test_fit_cost_hand_computed() -> None:
    # σ = −ln[C(2,0)·0.5⁰·0.5²] = −ln 0.25 ; σ = −ln[C(4,1)·0.25·0.75³] = −ln(0.421875)
    assert fit_costs([0, 1], [2, 4], 0.5)[0] == pytest.approx(-math.log(0.25))
    assert fit_costs([1], [4], 0.25)[0] == pytest.approx(-math.log(4 * 0.25 * 0.75**3))
    # an empty period costs nothing; p = 0 with r = 0 costs nothing
    assert fit_costs([0], [0], 0.3)[0] == 0.0
    assert fit_costs([0], [5], 0.0)[0] == pytest.approx(0.0)


def test_two_period_case_hand_computed() -> None:
    # r = (0, 2), d = (2, 2): p0 = 2/4 = 0.5, p1 = min(1.0, 0.9999) = 0.9999, τ = ln 2
    # σ(0,0) = σ(0,1) = −ln 0.25 = 1.386294; σ(1,0) = −2 ln(1e-4) = 18.42068; σ(1,1) = −2 ln 0.9999
    # paths: 00 → 2.772589; 01 → 1.386294 + 0.693147 + 0.0002 = 2.079641 (best); 1x → > 18
    res = kleinberg_bursts([0, 2], [2, 2])
    assert res.p0 == 0.5 and res.p1 == pytest.approx(0.9999)
    assert res.states == (0, 1)
    assert res.total_cost == pytest.approx(math.log(4) + math.log(2) - 2 * math.log(0.9999))
    (burst,) = res.bursts
    assert (burst.start, burst.end) == (1, 1)
    assert burst.weight == pytest.approx(math.log(4) + 2 * math.log(0.9999))
    assert res.in_burst


def test_obvious_burst_is_found_with_positive_weight() -> None:
    r = [5, 5, 5, 30, 35, 5, 5, 5]
    res = kleinberg_bursts(r, [100] * 8)
    assert res.states == (0, 0, 0, 1, 1, 0, 0, 0)
    (burst,) = res.bursts
    assert (burst.start, burst.end) == (3, 4)
    assert burst.labels(list(range(2010, 2018))) == (2013, 2014)
    p0, p1 = 95 / 800, 2 * 95 / 800
    gain = fit_costs(r, [100] * 8, p0) - fit_costs(r, [100] * 8, p1)
    assert burst.weight == pytest.approx(gain[3] + gain[4]) and burst.weight > 0
    assert res.total_weight == pytest.approx(burst.weight)
    assert res.transition_cost == pytest.approx(math.log(8))
    assert not res.in_burst


def test_viterbi_differs_from_greedy_on_a_long_moderate_burst() -> None:
    # Each elevated period gains σ0 − σ1 ≈ 1.39 < τ = ln 12 ≈ 2.48, so greedy never pays to enter;
    # together the four periods gain ≈ 5.56 > τ, so the optimal path does.
    r = [10] * 4 + [22] * 4 + [10] * 4
    d = [100] * 12
    assert greedy_decode(r, d) == [0] * 12
    res = kleinberg_bursts(r, d)
    assert res.states == (0,) * 4 + (1,) * 4 + (0,) * 4
    assert res.bursts[0].weight > res.transition_cost


def test_viterbi_matches_brute_force_on_random_series() -> None:
    rng = np.random.default_rng(7)
    for _ in range(40):
        n = int(rng.integers(2, 9))
        d = rng.integers(1, 40, size=n).astype(float)
        r = np.floor(d * rng.random(n) * rng.choice([0.3, 1.0], size=n))
        if r.sum() == 0:
            continue
        res = kleinberg_bursts(r, d)
        sigma = np.column_stack([fit_costs(r, d, res.p0), fit_costs(r, d, res.p1)])

        def cost(path: tuple[int, ...], sigma: np.ndarray = sigma, tau: float = res.transition_cost) -> float:
            prev, acc = 0, 0.0
            for t, q in enumerate(path):
                acc += sigma[t, q] + (tau if q > prev else 0.0)
                prev = q
            return acc

        best = min(cost(p) for p in itertools.product((0, 1), repeat=n))
        assert res.total_cost == pytest.approx(best)
        assert cost(res.states) == pytest.approx(best)


def test_viterbi_two_state_on_given_costs() -> None:
    # costs favour state 1 at t = 1 by 1.0 < τ = 1.5, and at t = 2 by 1.0: together 2.0 > 1.5
    costs = np.array([[0.0, 5.0], [1.0, 0.0], [1.0, 0.0], [0.0, 5.0]])
    path, total = viterbi_two_state(costs, 1.5)
    assert path == [0, 1, 1, 0] and total == pytest.approx(1.5)
    assert viterbi_two_state(np.zeros((0, 2)), 1.0) == ([], 0.0)


def test_no_events_constant_share_and_single_period() -> None:
    assert kleinberg_bursts([0, 0, 0], [10, 10, 10]).bursts == ()
    assert kleinberg_bursts([3, 3, 3, 3], [30, 30, 30, 30]).states == (0, 0, 0, 0)
    single = kleinberg_bursts([5], [10])
    assert single.states == (0,) and single.bursts == ()
    assert kleinberg_bursts([], []).states == ()


def test_all_documents_relevant_cannot_burst() -> None:
    res = kleinberg_bursts([5, 5], [5, 5])
    assert res.p0 == 1.0 and res.bursts == ()


def test_higher_gamma_suppresses_weak_bursts() -> None:
    r, d = [10] * 4 + [22] * 4 + [10] * 4, [100] * 12
    assert kleinberg_bursts(r, d, gamma=1.0).bursts
    assert not kleinberg_bursts(r, d, gamma=3.0).bursts


def test_parameters_are_validated() -> None:
    with pytest.raises(ValueError):
        kleinberg_bursts([1], [2], s=1.0)
    with pytest.raises(ValueError):
        kleinberg_bursts([1], [2], gamma=-1.0)
    with pytest.raises(ValueError):
        kleinberg_bursts([1], [2], p_cap=1.0)
