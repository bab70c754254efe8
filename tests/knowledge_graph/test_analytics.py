"""Degree, strength, betweenness, communities and the theme projection on graphs with known answers."""

from __future__ import annotations

import networkx as nx
import pytest

import knowledge_graph as kg
from knowledge_graph.graph import add_typed_edge, add_typed_node, new_graph

WHO = {"actor": "analyst-1", "reason": "test"}
SIM_14 = 1 / 1.01**0.5
SIM_24 = 0.86 / 1.01**0.5


def typed_barbell(m: int = 5) -> nx.MultiDiGraph:
    """Two cliques of ``m`` themes in two fields joined by one bridge edge (theme:m-1 -- theme:m)."""
    onto = kg.default_ontology()
    plain = nx.barbell_graph(m, 0)
    G = new_graph(onto)
    for i in plain:
        add_typed_node(G, f"theme:{i}", "theme", label_en=f"T{i}", size=1)
        field = "field:a" if i < m else "field:b"
        add_typed_node(G, field, "field", label_en=field)
        add_typed_edge(G, onto, field, f"theme:{i}", "contains")
    for u, v in plain.edges():
        add_typed_edge(G, onto, f"theme:{u}", f"theme:{v}", "similar_to", 0.9)
    return G


METHODS = [
    "louvain",
    pytest.param(
        "leiden",
        marks=pytest.mark.skipif(kg.community_backend() != "leiden", reason="igraph/leidenalg not installed"),
    ),
]


def test_bridge_has_top_betweenness() -> None:
    G = typed_barbell()
    bc = kg.betweenness(G, projection=True)
    top = sorted(bc, key=bc.get, reverse=True)[:2]
    assert set(top) == {"theme:4", "theme:5"}
    # theme:4 lies on the shortest paths from theme:0-3 to theme:5-9: 4 * 5 of the 9 * 8 / 2 pairs
    assert bc["theme:4"] == pytest.approx(20 / 36)
    assert bc["theme:0"] == 0.0
    weighted = kg.betweenness(G, projection=True, weighted=True)
    assert max(weighted, key=weighted.get) in {"theme:4", "theme:5"}


@pytest.mark.parametrize("method", METHODS)
def test_two_communities_in_a_barbell(method: str) -> None:
    G = typed_barbell()
    comm = kg.communities(G, projection=True, method=method, seed=1)
    groups: dict[int, set[str]] = {}
    for n, c in comm.items():
        groups.setdefault(c, set()).add(n)
    assert sorted(map(sorted, groups.values())) == [
        [f"theme:{i}" for i in range(5)],
        [f"theme:{i}" for i in range(5, 10)],
    ]
    assert comm["theme:0"] == 0  # ties broken by the smallest node id


def test_communities_are_reproducible_with_a_seed() -> None:
    G = nx.MultiDiGraph(nx.connected_caveman_graph(6, 5))
    onto = kg.default_ontology()
    H = new_graph(onto)
    for n in G:
        add_typed_node(H, f"theme:{n}", "theme", label_en=str(n))
    for u, v in nx.Graph(G).edges():
        add_typed_edge(H, onto, f"theme:{u}", f"theme:{v}", "similar_to", 1.0)
    first = kg.communities(H, seed=3)
    assert first == kg.communities(H, seed=3)
    assert len(set(first.values())) == 6
    assert kg.communities(new_graph()) == {}
    with pytest.raises(ValueError, match="unknown community method"):
        kg.communities(H, method="girvan")  # type: ignore[arg-type]


def test_sampled_betweenness_is_seeded() -> None:
    G = nx.MultiDiGraph()
    for n in range(40):
        G.add_node(f"theme:{n}", type="theme")
    for u, v in nx.random_regular_graph(3, 40, seed=2).edges():
        G.add_edge(f"theme:{u}", f"theme:{v}", key="similar_to", type="similar_to", weight=1.0)
    a = kg.betweenness(G, exact_max_nodes=10, sample_size=8, seed=5)
    assert a == kg.betweenness(G, k=8, seed=5)
    assert a != kg.betweenness(G)  # exact differs from the 8-source estimate


def test_degree_and_strength_on_the_small_graph(G: nx.MultiDiGraph) -> None:
    deg = kg.degree(G)
    # theme:1 -- field:ai, kw:gnn, kw:graph, theme:2, theme:4, org:thu
    assert deg["theme:1"] == 6 and deg["kw:graph"] == 2 and deg["scenario:drone-delivery"] == 1
    s = kg.strength(G)
    # contains 1 + keywords 2+1 + theme:2 (0.8 similar + 3 + 1 cites) + theme:4 (similar + 0.75) + org 6
    assert s["theme:1"] == pytest.approx(1 + 3 + 4.8 + SIM_14 + 0.75 + 6)
    H, _ = kg.hide(G, "org:thu", **WHO)
    assert "org:thu" not in kg.degree(H) and kg.degree(H)["theme:1"] == 5
    assert kg.degree(H, include_hidden=True)["theme:1"] == 6
    assert kg.degree(G, projection=True) == {"theme:1": 2, "theme:2": 2, "theme:3": 0, "theme:4": 2}


def test_theme_projection(G: nx.MultiDiGraph) -> None:
    P = kg.theme_projection(G)
    assert set(P) == {"theme:1", "theme:2", "theme:3", "theme:4"}
    assert P.edges["theme:1", "theme:2"]["weight"] == pytest.approx(0.8 + 3 + 1)
    assert sorted(P.edges["theme:1", "theme:2"]["types"]) == ["cites", "similar_to"]
    assert P.edges["theme:1", "theme:4"]["weight"] == pytest.approx(SIM_14 + 0.75)
    assert P.edges["theme:2", "theme:4"]["weight"] == pytest.approx(SIM_24)
    only_sim = kg.theme_projection(G, edge_types={"similar_to"})
    assert only_sim.edges["theme:1", "theme:2"]["weight"] == pytest.approx(0.8)
    via = kg.theme_projection(G, edge_types=(), via=("keyword",))
    assert list(via.edges(data=True)) == [
        ("theme:1", "theme:2", {"weight": 1.0, "types": ["via:keyword"], "shared": 1})
    ]
    assert P.nodes["theme:1"]["label_zh"] == "图神经网络"  # attributes come along


def test_bridging_fields(G: nx.MultiDiGraph) -> None:
    # theme:4 has no field of its own; its neighbours theme:1 and theme:2 are in field:ai
    assert kg.bridging_fields(G) == {"theme:1": 0, "theme:2": 0, "theme:3": 0, "theme:4": 1}
    H, _ = kg.link(G, "theme:3", "theme:1", "similar_to", weight=0.5, **WHO)
    assert kg.bridging_fields(H) == {"theme:1": 1, "theme:2": 0, "theme:3": 1, "theme:4": 1}


def test_type_counts(G: nx.MultiDiGraph) -> None:
    assert kg.node_type_counts(G)["theme"] == 4
    H, _ = kg.hide(G, "theme:4", **WHO)
    assert kg.node_type_counts(H, include_hidden=False)["theme"] == 3
    assert sum(kg.edge_type_counts(G).values()) == G.number_of_edges()
