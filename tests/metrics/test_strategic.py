"""Callon strategic diagram: link indices, centrality/density by hand, quadrants and growth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.strategic import (
    centrality_density,
    cooccurrence_matrix,
    link_strengths,
    strategic_diagram,
)

# keywords a, b (theme X), c, d (theme Y); c_a = 4, c_b = 2, c_c = 2, c_d = 1; c_ab = 2, c_ac = 1, c_cd = 1
C = np.array(
    [
        [4.0, 2.0, 1.0, 0.0],
        [2.0, 2.0, 0.0, 0.0],
        [1.0, 0.0, 2.0, 1.0],
        [0.0, 0.0, 1.0, 1.0],
    ]
)


def test_link_indices_by_hand() -> None:
    e = link_strengths(C)
    # e_ab = 2²/(4·2) = 0.5; e_ac = 1/(4·2) = 0.125; e_cd = 1/(2·1) = 0.5
    assert e[0, 1] == 0.5 and e[0, 2] == 0.125 and e[2, 3] == 0.5 and e[0, 0] == 0.0
    a = link_strengths(C, "association")
    assert a[0, 1] == pytest.approx(2 / 8)  # c_ab/(c_a·c_b)
    with pytest.raises(ValueError):
        link_strengths(C, "jaccard")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        link_strengths(np.triu(C))


def test_cooccurrence_from_documents() -> None:
    docs = [["a", "b"], ["a", "b"], ["a", "c"], ["a"], ["c", "d", "d"], ["z"]]
    assert cooccurrence_matrix(docs, ["a", "b", "c", "d"]).tolist() == C.tolist()


def test_centrality_density_by_hand() -> None:
    cd = centrality_density(link_strengths(C), ["X", "X", "Y", "Y"])
    # X: internal e_ab = 0.5 → density 100·0.5/2 = 25; external e_ac = 0.125 → centrality 10·0.125 = 1.25
    assert cd["X"] == pytest.approx((1.25, 25.0, 2))
    # Y: internal e_cd = 0.5 → 25; external e_ca = 0.125 → 1.25
    assert cd["Y"] == pytest.approx((1.25, 25.0, 2))


def quadrant_links() -> tuple[np.ndarray, list[str]]:
    names = ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"]
    theme = ["A", "A", "B", "B", "C", "C", "D", "D"]
    e = np.zeros((8, 8))
    pairs = {
        ("a1", "a2"): 0.8,
        ("b1", "b2"): 0.1,
        ("c1", "c2"): 0.8,
        ("d1", "d2"): 0.1,
        ("a1", "b1"): 0.3,
        ("a2", "b2"): 0.3,
        ("b2", "d1"): 0.05,
    }
    for (u, v), w in pairs.items():
        i, j = names.index(u), names.index(v)
        e[i, j] = e[j, i] = w
    return e, theme


def test_quadrants_against_medians() -> None:
    # centrality: A 10·0.6 = 6, B 10·0.65 = 6.5, C 0, D 0.5 → median 3.25
    # density:    A 100·0.8/2 = 40, B 5, C 40, D 5 → median 22.5
    e, theme = quadrant_links()
    diagram = strategic_diagram(e, theme)
    by = {p.theme: p for p in diagram.positions}
    assert diagram.centrality_split == pytest.approx(3.25) and diagram.density_split == pytest.approx(22.5)
    assert by["A"].centrality == pytest.approx(6.0) and by["B"].centrality == pytest.approx(6.5)
    assert by["A"].quadrant == "motor"
    assert by["B"].quadrant == "basic"
    assert by["C"].quadrant == "niche"
    assert by["D"].quadrant == "emerging or declining" and by["D"].role == "emerging or declining"
    # ranks: centrality order C < D < A < B → B has rank 4/4
    assert by["B"].centrality_rank == 1.0 and by["C"].centrality_rank == 0.25


def test_growth_separates_emerging_from_declining() -> None:
    e, theme = quadrant_links()
    up = {p.theme: p.role for p in strategic_diagram(e, theme, growth={"D": 0.2, "A": -1.0}).positions}
    assert up["D"] == "emerging" and up["A"] == "motor"  # growth only splits the ambiguous quadrant
    down = {p.theme: p.role for p in strategic_diagram(e, theme, growth={"D": -0.1}).positions}
    assert down["D"] == "declining"
    nan = {p.theme: p.role for p in strategic_diagram(e, theme, growth={"D": math.nan}).positions}
    assert nan["D"] == "emerging or declining"


def test_mean_split_and_empty_input() -> None:
    e, theme = quadrant_links()
    diagram = strategic_diagram(e, theme, split="mean")
    assert diagram.centrality_split == pytest.approx((6 + 6.5 + 0 + 0.5) / 4)
    empty = strategic_diagram(np.zeros((0, 0)), [])
    assert empty.positions == () and math.isnan(empty.centrality_split)
