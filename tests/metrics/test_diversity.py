"""Shannon, Gini, Rao–Stirling (3-category hand example), co-occurrence and IPC distances."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.diversity import (
    category_distribution,
    cooccurrence_distance,
    gini,
    ipc_distance,
    ipc_distance_matrix,
    ipc_subclass,
    rao_stirling,
    rao_stirling_from_lists,
    shannon,
)


def test_shannon_hand_computed() -> None:
    two = shannon([1, 1])
    assert two.entropy == pytest.approx(math.log(2)) and two.evenness == pytest.approx(1.0)
    assert two.richness == 2 and two.effective_number == pytest.approx(2.0)
    # p = (.5, .25, .25): H = .5 ln 2 + 2·.25 ln 4 = 1.039721; J = H / ln 3 = 0.946395
    h = shannon([2, 1, 1, 0])
    assert h.entropy == pytest.approx(1.0397208) and h.evenness == pytest.approx(0.9463946)
    assert h.richness == 3


def test_shannon_single_and_empty() -> None:
    one = shannon([5])
    assert one.entropy == 0.0 and math.isnan(one.evenness) and one.effective_number == 1.0
    empty = shannon([])
    assert empty.entropy == 0.0 and empty.richness == 0


def test_gini_hand_computed() -> None:
    assert gini([1, 1, 1]) == pytest.approx(0.0)
    # sorted (0, 0, 3): Σ(2i − 4)x_i = 2·3 = 6; / (3·3) → 2/3, the maximum for S = 3
    assert gini([3, 0, 0]) == pytest.approx(2 / 3)
    assert math.isnan(gini([0, 0]))


def test_rao_stirling_three_categories_by_hand() -> None:
    p = [0.5, 0.3, 0.2]
    d = [[0.0, 0.2, 0.6], [0.2, 0.0, 1.0], [0.6, 1.0, 0.0]]
    # Σ_{i≠j} d_ij p_i p_j = 2·(0.2·0.5·0.3 + 0.6·0.5·0.2 + 1.0·0.3·0.2) = 2·(0.03 + 0.06 + 0.06) = 0.30
    assert rao_stirling(p, d) == pytest.approx(0.30)
    # all distances 1 → Gini–Simpson 1 − Σp² = 1 − 0.38 = 0.62; counts are normalised first
    assert rao_stirling([5, 3, 2], 1 - np.eye(3)) == pytest.approx(0.62)
    assert rao_stirling([1.0], [[0.0]]) == 0.0
    with pytest.raises(ValueError):
        rao_stirling(p, np.zeros((2, 2)))


def test_ipc_distance_levels() -> None:
    assert ipc_distance("H01L 21/02", "H01L29/66") == 0.0
    assert ipc_distance("H01L", "h01m") == pytest.approx(1 / 3)
    assert ipc_distance("H01L", "H04W") == pytest.approx(2 / 3)
    assert ipc_distance("H01L", "G06N") == 1.0
    assert ipc_distance("??", "??") == 0.0 and ipc_distance("??", "H01L") == 1.0
    assert ipc_subclass("g06n 3/08") == "G06N"
    assert ipc_distance_matrix(["H01L", "H01M"]).tolist() == [[0.0, 1 / 3], [1 / 3, 0.0]]


def test_rao_stirling_from_ipc_lists_by_hand() -> None:
    # labels (G06N, H01L, H01M), p = (0.5, 0.25, 0.25); d = 1, 1, 1/3
    # Δ = 2·(1·.5·.25 + 1·.5·.25 + (1/3)·.25·.25) = 0.5416667
    docs = [["H01L"], ["H01M"], ["G06N"], ["G06N"]]
    assert rao_stirling_from_lists(docs, "ipc") == pytest.approx(0.5416667)


def test_cooccurrence_distance_by_hand() -> None:
    # docs {a,b}, {a}, {c}: C = [[2,1,0],[1,1,0],[0,0,1]]
    # cos(a,b) = (2·1 + 1·1)/(√5·√2) = 3/√10 → d = 1 − 0.948683 = 0.051317; c shares no partner → 1
    d = cooccurrence_distance([["a", "b"], ["a"], ["c"]], ["a", "b", "c"])
    assert d[0, 1] == pytest.approx(1 - 3 / math.sqrt(10)) and d[1, 0] == d[0, 1]
    assert d[0, 2] == 1.0 and d[1, 2] == 1.0 and np.all(np.diag(d) == 0)


def test_rao_stirling_with_given_matrix_and_labels() -> None:
    labels = ["x", "y", "z"]
    d = [[0.0, 0.2, 0.6], [0.2, 0.0, 1.0], [0.6, 1.0, 0.0]]
    docs = [["x"]] * 5 + [["y"]] * 3 + [["z"]] * 2  # p = (0.5, 0.3, 0.2) → 0.30 as above
    assert rao_stirling_from_lists(docs, d, labels=labels) == pytest.approx(0.30)
    with pytest.raises(ValueError):
        rao_stirling_from_lists([["w"]], d, labels=labels)
    assert rao_stirling_from_lists([], "ipc") == 0.0


def test_category_distribution_full_and_fractional() -> None:
    full = category_distribution([["a", "b", "a"], ["a"]])
    assert full.labels == ("a", "b") and full.counts == (2.0, 1.0)
    frac = category_distribution([["a", "b"], ["a"]], fractional=True)
    assert frac.counts == (1.5, 0.5) and frac.proportions == (0.75, 0.25)
