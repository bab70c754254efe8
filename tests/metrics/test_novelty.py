"""First appearance, semantic distance from the pre-window corpus, new-term share, cohesion."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.novelty import (
    centroid_distance,
    cohesion,
    cosine_distance,
    first_appearance,
    nearest_prior_distance,
    new_term_share,
    new_terms_in_window,
)


def test_first_appearance() -> None:
    years = [2018, 2019, 2020, 2021]
    assert first_appearance([0, 0, 3, 1], years) == 2020
    assert first_appearance([0, 1, 3, 1], years, min_count=2) == 2020
    assert first_appearance([0, 0, 3, 1]) == 2
    assert first_appearance([0, 0, 0, 0], years) is None
    assert first_appearance([], []) is None


def test_centroid_distance_hand_computed() -> None:
    assert centroid_distance([[1, 0], [1, 0]], [[0, 1]]) == pytest.approx(1.0)
    # centroid (0.5, 0.5) vs (1, 0): cos = 0.5/√0.5 = 0.70711 → 1 − 0.70711
    assert centroid_distance([[1, 0], [0, 1]], [[1, 0]]) == pytest.approx(1 - math.sqrt(0.5))
    # vectors are normalised before averaging: length does not matter
    assert centroid_distance([[10, 0]], [[1, 0], [3, 0]]) == pytest.approx(0.0)


def test_distance_is_undefined_without_reference_or_zero_vectors() -> None:
    assert math.isnan(centroid_distance([[1, 0]], np.zeros((0, 2))))
    assert math.isnan(nearest_prior_distance([[1, 0]], []))
    assert math.isnan(cosine_distance([0, 0], [1, 0]))
    with pytest.raises(ValueError):
        centroid_distance([[1, 0]], [[1, 0, 0]])


def test_nearest_prior_distance_hand_computed() -> None:
    ref = [[1, 0], [0, 1], [-1, 0]]  # distances from (1, 0): 0, 1, 2
    assert nearest_prior_distance([[1, 0]], ref, k=1) == pytest.approx(0.0)
    assert nearest_prior_distance([[1, 0]], ref, k=2) == pytest.approx(0.5)
    assert nearest_prior_distance([[1, 0]], ref, k=5) == pytest.approx(1.0)  # k capped at 3
    # two theme docs: (1,0) → nearest 0; (0,1) → nearest 0 → mean 0
    assert nearest_prior_distance([[1, 0], [0, 1]], ref, k=1) == pytest.approx(0.0)


def test_cohesion_hand_computed() -> None:
    # unit centroid (√½, √½); each member has cos √½ with it
    assert cohesion([[1, 0], [0, 1]]) == pytest.approx(math.sqrt(0.5))
    assert cohesion([[2, 0], [5, 0]]) == pytest.approx(1.0)
    assert cohesion([[1, 0], [-1, 0]]) == 0.0
    assert math.isnan(cohesion(np.zeros((0, 3))))


def test_new_term_share() -> None:
    res = new_term_share(["a", "b", "c", "d"], {"a", "b"})
    assert res.share == 0.5 and res.new_terms == ("c", "d") and res.n_terms == 4
    # weighted: new term c carries 1 of 4 units
    weighted = new_term_share({"a": 3.0, "c": 1.0}, {"a"})
    assert weighted.share == 0.5 and weighted.weighted_share == pytest.approx(0.25)
    assert math.isnan(new_term_share([], {"a"}).share)


def test_new_terms_in_window_from_counts() -> None:
    # window = last period: a (1) and b (2) present; a and c seen before → new = {b}: 1/2, weighted 2/3
    res = new_terms_in_window({"a": [1, 0, 1], "b": [0, 0, 2], "c": [1, 0, 0]}, window=1)
    assert res.new_terms == ("b",) and res.share == 0.5 and res.weighted_share == pytest.approx(2 / 3)
    # window covering everything: all terms are new
    assert new_terms_in_window({"a": [1, 1]}, window=5).share == 1.0
