"""Building the typed theme graph from plain analysis results."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from knowledge_graph import (
    BuildError,
    build_theme_graph,
    edge_type_counts,
    knn_similarity_edges,
    node_type_counts,
)
from knowledge_graph.schema import Similarity, Technology, Theme

from .conftest import small_inputs


def test_nodes_and_attributes(G: nx.MultiDiGraph) -> None:
    assert isinstance(G, nx.MultiDiGraph)
    assert node_type_counts(G) == {"field": 2, "theme": 4, "keyword": 4, "scenario": 1, "organization": 1}
    assert G.graph == {"ontology": "foresight-default", "ontology_version": 1}
    t1 = G.nodes["theme:1"]
    assert t1 == {
        "type": "theme",
        "label_en": "Graph neural networks",
        "label_zh": "图神经网络",
        "size": 4,
        "documents": ["d1", "d2", "d3", "d4"],
        "run": 1,
        "growth": 0.4,
        "indicators": {"volume": 4, "novelty": 0.2},
    }
    assert G.nodes["field:ai"]["label_zh"] == "人工智能"
    assert G.nodes["field:aero"]["label_en"] == "aero"  # no labels given: the key
    assert G.nodes["kw:graph"] == {"type": "keyword", "label_en": "graph", "label_zh": "", "theme_count": 2}
    assert G.nodes["scenario:drone-delivery"]["label_zh"] == "无人机配送场景"
    assert G.nodes["org:thu"]["label_en"] == "Tsinghua University"


def test_edges_types_weights_and_orientation(G: nx.MultiDiGraph) -> None:
    assert edge_type_counts(G) == {
        "contains": 3,
        "has_keyword": 5,
        "similar_to": 3,
        "relevant_to": 1,
        "active_in": 2,
        "evolves_into": 1,
        "cites": 2,
    }
    sims = {(u, v): w for u, v, k, w in G.edges(keys=True, data="weight") if k == "similar_to"}
    # centroids: t1=[1,0,0], t2=[.8,.6,0], t3=[0,0,1], t4 ~ [1,.1,0]; knn=2, threshold .3; t3 has none
    assert sims.keys() == {("theme:1", "theme:2"), ("theme:1", "theme:4"), ("theme:2", "theme:4")}
    assert sims[("theme:1", "theme:2")] == pytest.approx(0.8)
    assert sims[("theme:1", "theme:4")] == pytest.approx(1 / np.sqrt(1.01))
    assert sims[("theme:2", "theme:4")] == pytest.approx(0.86 / np.sqrt(1.01))
    assert G.edges["field:ai", "theme:1", "contains"] == {"type": "contains", "weight": 1.0}
    assert G.edges["theme:1", "kw:gnn", "has_keyword"]["weight"] == 2.0
    assert G.edges["org:thu", "theme:1", "active_in"]["weight"] == 6.0
    assert G.edges["theme:1", "theme:4", "evolves_into"]["weight"] == 0.75
    assert G.edges["theme:3", "scenario:drone-delivery", "relevant_to"]["weight"] == 0.8
    assert G.has_edge("theme:2", "theme:1", "cites") and G.has_edge("theme:1", "theme:2", "cites")


def test_knn_parameter_limits_neighbours() -> None:
    G = build_theme_graph(**{**small_inputs(), "knn": 1})
    sims = {(u, v) for u, v, k in G.edges(keys=True) if k == "similar_to"}
    assert sims == {("theme:1", "theme:4"), ("theme:2", "theme:4")}


def test_precomputed_similarities_are_filtered_by_knn_and_threshold() -> None:
    sims = [
        Similarity(1, 2, 0.9),
        {"source": "theme:1", "target": 3, "weight": 0.5},
        Similarity(1, 4, 0.2),
        Similarity(2, 3, 0.4),
        Similarity(3, 2, 0.35),  # same pair: the larger weight wins
    ]
    G = build_theme_graph(**{**small_inputs(), "similarities": sims, "knn": 1})
    got = {(u, v): w for u, v, k, w in G.edges(keys=True, data="weight") if k == "similar_to"}
    assert got == {("theme:1", "theme:2"): 0.9, ("theme:1", "theme:3"): 0.5}


def test_keyword_options_and_chinese_keywords() -> None:
    themes = [
        Theme(id="a", label_en="A", keywords=["图神经网络", "graph  Learning"]),
        Theme(id="b", label_en="B", keywords=["Graph learning"]),
    ]
    G = build_theme_graph(themes, keywords=[{"term": "GRAPH learning", "label_zh": "图学习"}])
    assert G.nodes["kw:图神经网络"]["label_zh"] == "图神经网络" and G.nodes["kw:图神经网络"]["label_en"] == ""
    assert G.nodes["kw:graph learning"]["label_zh"] == "图学习"
    assert G.nodes["kw:graph learning"]["theme_count"] == 2
    shared_only = build_theme_graph(themes, min_keyword_themes=2)
    assert [n for n, t in shared_only.nodes(data="type") if t == "keyword"] == ["kw:graph learning"]


def test_technologies_and_hierarchy() -> None:
    G = build_theme_graph(
        [Theme(id=1, label_en="parent"), Theme(id=2, label_en="child", parent=1)],
        fields=[{"id": "ict", "label_en": "ICT"}, {"id": "ai", "label_en": "AI", "parent": "ict"}],
        technologies=[Technology(id="T01", label_zh="量子计算机", themes={1: 0.6}, scenarios={"lab": 1.0})],
    )
    assert G.has_edge("theme:1", "theme:2", "contains")
    assert G.has_edge("field:ict", "field:ai", "contains")
    assert G.edges["tech:T01", "theme:1", "covers"]["weight"] == 0.6
    assert G.has_edge("tech:T01", "scenario:lab", "relevant_to")
    assert G.nodes["tech:T01"]["label_zh"] == "量子计算机"


def test_inconsistent_input_is_refused() -> None:
    with pytest.raises(BuildError, match="duplicate theme id 1"):
        build_theme_graph([Theme(id=1, label_en="a"), Theme(id=1, label_en="b")])
    with pytest.raises(BuildError) as err:
        build_theme_graph(
            [Theme(id=1, label_en="a")],
            lineage=[{"source": 1, "target": 7}],
            organization_links=[{"organization": "x", "theme": 8}],
        )
    assert "evolves_into: unknown theme 7" in str(err.value)
    assert "organization link: unknown theme 8" in str(err.value)
    with pytest.raises(TypeError, match=r"unknown keys \['lable_en'\]"):
        build_theme_graph([{"id": 1, "lable_en": "typo"}])


def test_knn_similarity_edges_docstring_example() -> None:
    got = knn_similarity_edges(["a", "b", "c"], [[1, 0], [0.9, 0.1], [0, 1]], k=1, threshold=0.5)
    assert got == [("a", "b", pytest.approx(0.9 / np.sqrt(0.82)))]


def test_knn_similarity_edges_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 8))
    X[5] = 0.0  # a zero centroid gets no edges
    ids = [f"t{i}" for i in range(60)]
    k, threshold = 3, 0.2
    got = knn_similarity_edges(ids, X, k=k, threshold=threshold, block_size=7)
    norms = np.linalg.norm(X, axis=1)
    S = (X @ X.T) / np.outer(np.where(norms > 0, norms, 1), np.where(norms > 0, norms, 1))
    expected = set()
    for i in range(60):
        if i == 5:
            continue
        order = [j for j in np.argsort(-S[i]) if j != i and j != 5][:k]
        expected |= {(min(i, j), max(i, j)) for j in order if S[i, j] >= threshold}
    assert {(int(a[1:]), int(b[1:])) for a, b, _ in got} == expected
    for a, b, w in got:
        assert w == pytest.approx(S[int(a[1:]), int(b[1:])])
    assert all(5 not in (int(a[1:]), int(b[1:])) for a, b, _ in got)


def test_knn_similarity_edges_edge_cases() -> None:
    assert knn_similarity_edges(["a"], [[1.0, 0.0]]) == []
    assert knn_similarity_edges(["a", "b"], [[1.0, 0.0], [1.0, 0.0]], k=10) == [
        ("a", "b", pytest.approx(1.0))
    ]
    with pytest.raises(ValueError, match="shape"):
        knn_similarity_edges(["a", "b"], [[1.0, 0.0]])
