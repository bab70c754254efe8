"""Merge, split and move documents: effects on nodes and edges, records, refusals."""

from __future__ import annotations

import hashlib

import networkx as nx
import pytest

import knowledge_graph as kg

from .conftest import snapshot

WHO = {"actor": "analyst-1", "reason": "duplicate themes"}
SIM_14 = 1 / 1.01**0.5  # cosine(theme:1, theme:4)
SIM_24 = 0.86 / 1.01**0.5  # cosine(theme:2, theme:4)


def merged_id(*nodes: str) -> str:
    return "theme:merged-" + hashlib.sha1("|".join(sorted(nodes)).encode()).hexdigest()[:10]


def test_merge_unions_edges_and_sums_sizes(G: nx.MultiDiGraph) -> None:
    before = snapshot(G)
    H, rec = kg.merge(G, ["theme:2", "theme:1"], **WHO)
    assert snapshot(G) == before
    m = merged_id("theme:1", "theme:2")
    assert rec.payload["new_id"] == m and rec.op == "merge"
    assert "theme:1" not in H and "theme:2" not in H
    node = H.nodes[m]
    assert node["size"] == 6
    assert node["documents"] == ["d5", "d6", "d1", "d2", "d3", "d4"]  # member order
    assert node["merged_from"] == ["theme:2", "theme:1"]
    # other attributes come from the largest member (theme:1)
    assert node["label_en"] == "Graph neural networks" and node["label_zh"] == "图神经网络"
    assert node["indicators"] == {"volume": 4, "novelty": 0.2} and node["growth"] == 0.4
    edges = {(u, v, k): w for u, v, k, w in H.edges(keys=True, data="weight") if m in (u, v)}
    assert edges == {
        ("field:ai", m, "contains"): 1.0,  # max
        (m, "kw:gnn", "has_keyword"): 2.0,
        (m, "kw:graph", "has_keyword"): 2.0,  # sum of 1 + 1
        (m, "kw:attention", "has_keyword"): 1.0,
        ("org:thu", m, "active_in"): 8.0,  # sum of 6 + 2
        ("theme:4", m, "similar_to"): pytest.approx(SIM_14),  # max, canonical order "theme:4" < "theme:m..."
        (m, "theme:4", "evolves_into"): 0.75,
    }
    # 14 edges touched the members (3 of them between members); 7 merged edges replace them
    assert H.number_of_edges() == G.number_of_edges() - 14 + 7 == 10
    assert kg.validate_graph(H) == []


def test_merge_into_an_existing_member_id_with_new_labels(G: nx.MultiDiGraph) -> None:
    H, rec = kg.merge(
        G, ["theme:1", "theme:2", "theme:4"], new_id="theme:1", label_en="Graph AI", label_zh="图智能", **WHO
    )
    assert "theme:1" in H and "theme:2" not in H and "theme:4" not in H
    assert H.nodes["theme:1"]["label_en"] == "Graph AI" and H.nodes["theme:1"]["size"] == 7
    assert not any(k == "similar_to" for _, _, k in H.edges("theme:1", keys=True))
    assert not H.has_edge("theme:1", "theme:4", "evolves_into")
    assert H.edges["org:thu", "theme:1", "active_in"]["weight"] == 8.0
    assert kg.validate_graph(H) == []
    undone = kg.apply_record(H, kg.invert_record(rec))
    assert snapshot(undone) == snapshot(G)


@pytest.mark.parametrize(
    ("nodes", "kwargs", "error", "message"),
    [
        (["theme:1", "theme:1"], {}, kg.SelfMergeError, "cannot merge a node with itself: theme:1"),
        (["theme:1", "theme:2", "theme:1"], {}, kg.SelfMergeError, "listed more than once"),
        (["theme:1"], {}, kg.TooFewNodesError, "at least 2 nodes, got 1"),
        ([], {}, kg.TooFewNodesError, "got 0"),
        (["theme:1", "theme:99"], {}, kg.UnknownNodeError, "theme:99"),
        (["theme:1", "kw:gnn"], {}, kg.NodeTypeMismatchError, "different types"),
        (["theme:1", "theme:2"], {"new_id": "theme:3"}, kg.IdConflictError, "already used"),
        (["theme:1", "theme:2"], {"label_en": " "}, kg.InvalidRequestError, "label_en must not be empty"),
    ],
)
def test_merge_refusals(G: nx.MultiDiGraph, nodes: list, kwargs: dict, error: type, message: str) -> None:
    before = snapshot(G)
    with pytest.raises(error, match=message):
        kg.merge(G, nodes, copy=False, **kwargs, **WHO)
    assert snapshot(G) == before


def test_split_follows_the_ontology_rules(G: nx.MultiDiGraph) -> None:
    H, rec = kg.split(G, "theme:1", [["d3", "d1"], ["d2", "d4"]], **WHO)
    assert "theme:1" not in H and rec.payload["new_ids"] == ["theme:1.1", "theme:1.2"]
    a, b = H.nodes["theme:1.1"], H.nodes["theme:1.2"]
    assert a["documents"] == ["d1", "d3"] and b["documents"] == ["d2", "d4"]  # original order
    assert a["size"] == b["size"] == 2 and a["split_from"] == "theme:1"
    assert (a["label_en"], a["label_zh"]) == ("Graph neural networks (1)", "图神经网络（1）")
    assert a["indicators"] == {"volume": 4, "novelty": 0.2}
    for part in ("theme:1.1", "theme:1.2"):
        assert H.edges["org:thu", part, "active_in"]["weight"] == 3.0  # proportional: 6 * 2/4
        assert H.edges[part, "kw:gnn", "has_keyword"]["weight"] == 1.0  # proportional
        assert H.edges[part, "theme:2", "similar_to"]["weight"] == pytest.approx(0.8)  # copy
        assert H.edges[part, "theme:4", "similar_to"]["weight"] == pytest.approx(SIM_14)
        assert H.edges["field:ai", part, "contains"]["weight"] == 1.0  # copy
        assert H.edges["theme:2", part, "cites"]["weight"] == 1.5  # proportional
        assert H.edges[part, "theme:4", "evolves_into"]["weight"] == 0.375
    assert H.number_of_edges() == G.number_of_edges() - 9 + 2 * 9  # each part gets theme:1's 9 edges
    assert kg.validate_graph(H) == []


def test_split_edge_policy_labels_and_ids(G: nx.MultiDiGraph) -> None:
    H, _ = kg.split(
        G,
        "theme:3",
        [["d7"], ["d8", "d9"]],
        labels=["Drone hardware", {"label_en": "Drone logistics", "label_zh": "无人机物流"}],
        new_ids=["theme:3", "theme:30"],
        edge_policy="proportional",
        **WHO,
    )
    assert (
        H.nodes["theme:3"]["label_en"] == "Drone hardware"
        and H.nodes["theme:3"]["label_zh"] == "无人机配送（1）"
    )
    assert H.nodes["theme:30"]["label_zh"] == "无人机物流"
    assert H.edges["theme:30", "scenario:drone-delivery", "relevant_to"]["weight"] == pytest.approx(
        0.8 * 2 / 3
    )
    H2, _ = kg.split(G, "theme:3", [["d7"], ["d8", "d9"]], edge_policy="copy", **WHO)
    assert H2.edges["theme:3.1", "kw:uav", "has_keyword"]["weight"] == 1.0
    assert H2.edges["theme:3.2", "scenario:drone-delivery", "relevant_to"]["weight"] == 0.8


@pytest.mark.parametrize(
    ("node", "parts", "kwargs", "error", "message"),
    [
        ("theme:1", [["d1", "d2", "d3", "d4"]], {}, kg.TooFewPartsError, "at least 2 parts, got 1"),
        ("theme:4", [["d10"], []], {}, kg.TooFewDocumentsError, "has 1 document"),
        ("theme:1", [["d1", "d2", "d3", "d4"], []], {}, kg.NotAPartitionError, "empty part"),
        ("theme:1", [["d1", "d2"], ["d2", "d3", "d4"]], {}, kg.NotAPartitionError, "more than one part: d2"),
        ("theme:1", [["d1", "d2"], ["d3", "d4", "d99"]], {}, kg.NotAPartitionError, "not in 'theme:1': d99"),
        ("theme:1", [["d1"], ["d3", "d4"]], {}, kg.NotAPartitionError, "in no part: d2"),
        ("theme:77", [["a"], ["b"]], {}, kg.UnknownNodeError, "theme:77"),
        (
            "theme:1",
            [["d1"], ["d2", "d3", "d4"]],
            {"labels": ["only one"]},
            kg.InvalidRequestError,
            "1 labels",
        ),
        (
            "theme:1",
            [["d1"], ["d2", "d3", "d4"]],
            {"new_ids": ["theme:2", "x"]},
            kg.IdConflictError,
            "theme:2",
        ),
        (
            "theme:1",
            [["d1"], ["d2", "d3", "d4"]],
            {"new_ids": ["a", "a"]},
            kg.InvalidRequestError,
            "distinct",
        ),
    ],
)
def test_split_refusals(
    G: nx.MultiDiGraph, node: str, parts: list, kwargs: dict, error: type, message: str
) -> None:
    before = snapshot(G)
    with pytest.raises(error, match=message):
        kg.split(G, node, parts, copy=False, **kwargs, **WHO)
    assert snapshot(G) == before
    assert issubclass(error, kg.CurationError)


def test_split_errors_share_a_base_class(G: nx.MultiDiGraph) -> None:
    with pytest.raises(kg.SplitError):
        kg.split(G, "theme:1", [["d1"]], **WHO)


def test_move_documents(G: nx.MultiDiGraph) -> None:
    H, rec = kg.move_documents(G, ["d4", "d1", "d4"], "theme:1", "theme:2", **WHO)
    assert H.nodes["theme:1"]["documents"] == ["d2", "d3"] and H.nodes["theme:1"]["size"] == 2
    assert H.nodes["theme:2"]["documents"] == ["d5", "d6", "d4", "d1"] and H.nodes["theme:2"]["size"] == 4
    assert rec.payload == {"documents": ["d4", "d1"], "source": "theme:1", "target": "theme:2"}
    assert [n for n, _ in rec.after["nodes"]] == ["theme:1", "theme:2"]
    assert H.number_of_edges() == G.number_of_edges()


@pytest.mark.parametrize(
    ("docs", "source", "target", "error", "message"),
    [
        (["d5"], "theme:1", "theme:2", kg.DocumentNotFoundError, "not in 'theme:1': d5"),
        (["d1"], "theme:1", "theme:1", kg.InvalidRequestError, "same node"),
        ([], "theme:1", "theme:2", kg.InvalidRequestError, "no documents"),
        (["d1"], "theme:1", "kw:gnn", kg.NodeTypeMismatchError, "'theme' to a 'keyword'"),
        (["d1"], "theme:1", "theme:8", kg.UnknownNodeError, "theme:8"),
    ],
)
def test_move_documents_refusals(
    G: nx.MultiDiGraph, docs: list, source: str, target: str, error: type, message: str
) -> None:
    before = snapshot(G)
    with pytest.raises(error, match=message):
        kg.move_documents(G, docs, source, target, copy=False, **WHO)
    assert snapshot(G) == before
