"""Yoon-style weak-signal map: degree of visibility, geometric-mean growth, quadrants."""

from __future__ import annotations

import math

import pytest

from foresight.metrics.weak_signals import (
    degree_of_visibility,
    geometric_mean_growth,
    time_weights,
    weak_signal_map,
)


def test_time_weights() -> None:
    # w_j = 1 − 0.05·(3 − j) for j = 1, 2, 3
    assert time_weights(3, 0.05) == pytest.approx([0.9, 0.95, 1.0])
    with pytest.raises(ValueError):
        time_weights(21, 0.05)  # oldest weight 1 − 0.05·20 = 0


def test_degree_of_visibility_by_hand() -> None:
    # (2/10)·0.9, (4/10)·0.95, (8/10)·1.0
    assert degree_of_visibility([2, 4, 8], [10, 10, 10]) == pytest.approx([0.18, 0.38, 0.8])
    out = degree_of_visibility([1, 0], [0, 5])
    assert math.isnan(out[0]) and out[1] == 0.0


def test_geometric_mean_growth_by_hand() -> None:
    # (0.8/0.18)^(1/2) − 1 = 2.108185 − 1
    assert geometric_mean_growth([0.18, 0.38, 0.8]) == pytest.approx(math.sqrt(0.8 / 0.18) - 1)
    assert geometric_mean_growth([1.0, math.nan, 4.0]) == pytest.approx(1.0)  # two steps: √4 − 1
    assert math.isnan(geometric_mean_growth([2.0]))
    assert math.isinf(geometric_mean_growth([0.0, 1.0]))
    assert geometric_mean_growth([1.0, 0.0]) == -1.0


def test_quadrants_against_medians() -> None:
    # tw = 0, c = 0, NN = 10 in both periods: growth = last/first − 1
    # weak [1, 4]: x 2.5, y 3; strong [10, 30]: x 20, y 2; latent [1, 1]: x 1, y 0; known [20, 20]: x 20, y 0
    # medians: x (1, 2.5, 20, 20) → 11.25; y (0, 0, 2, 3) → 1
    freqs = {"weak": [1, 4], "strong": [10, 30], "latent": [1, 1], "known": [20, 20]}
    m = weak_signal_map(freqs, [10, 10], tw=0.0, pseudo_count=0.0)
    assert m.frequency_threshold == pytest.approx(11.25) and m.growth_threshold == pytest.approx(1.0)
    q = {p.label: p.quadrant for p in m.points}
    assert q == {
        "weak": "weak signal",
        "strong": "strong signal",
        "latent": "latent signal",
        "known": "well-known",
    }
    weak = next(p for p in m.points if p.label == "weak")
    assert weak.mean_frequency == 2.5 and weak.growth == pytest.approx(3.0)


def test_explicit_thresholds_window_and_new_terms() -> None:
    freqs = {"new": [0, 0, 3], "old": [5, 5, 5]}
    m = weak_signal_map(freqs, [10, 10, 10], window=2, frequency_threshold=2.0, growth_threshold=0.5)
    by = {p.label: p for p in m.points}
    # window (0, 3) with c = ½ and tw = 0.05: DoV = (0.5/10)·0.95, (3.5/10)·1 → growth 0.35/0.0475 − 1
    assert by["new"].growth == pytest.approx(0.35 / 0.0475 - 1)
    assert by["new"].quadrant == "weak signal" and by["old"].quadrant == "well-known"
    with pytest.raises(ValueError):
        weak_signal_map({"x": [1, 2]}, [10, 10, 10])
