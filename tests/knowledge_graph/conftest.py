"""A small, hand-checkable knowledge graph shared by the knowledge-graph tests."""

from __future__ import annotations

import networkx as nx
import pytest

from knowledge_graph import build_theme_graph
from knowledge_graph.schema import Field, Lineage, Theme


def small_inputs() -> dict:
    """Four themes in two fields, with keywords, a scenario, an organization, lineage and citations."""
    return {
        "themes": [
            Theme(
                id=1,
                label_en="Graph neural networks",
                label_zh="图神经网络",
                documents=["d1", "d2", "d3", "d4"],
                keywords={"GNN": 2.0, "graph": 1.0},
                field="ai",
                run=1,
                centroid=[1.0, 0.0, 0.0],
                attributes={"growth": 0.4, "indicators": {"volume": 4, "novelty": 0.2}},
            ),
            Theme(
                id=2,
                label_en="Transformers",
                documents=["d5", "d6"],
                keywords=["attention", "Graph"],
                field="ai",
                run=1,
                centroid=[0.8, 0.6, 0.0],
            ),
            Theme(
                id=3,
                label_en="Delivery drones",
                label_zh="无人机配送",
                documents=["d7", "d8", "d9"],
                keywords=["UAV"],
                field="aero",
                run=2,
                centroid=[0.0, 0.0, 1.0],
            ),
            {
                "id": 4,
                "label_en": "Graph learning",
                "documents": ["d10"],
                "run": 2,
                "centroid": [1.0, 0.1, 0.0],
            },
        ],
        "fields": [Field(id="ai", label_en="Artificial intelligence", label_zh="人工智能"), {"id": "aero"}],
        "scenarios": [{"id": "drone-delivery", "label_en": "Drone delivery", "label_zh": "无人机配送场景"}],
        "scenario_links": [{"theme": 3, "scenario": "drone-delivery", "weight": 0.8}],
        "organizations": [{"id": "thu", "label_en": "Tsinghua University", "label_zh": "清华大学"}],
        "organization_links": [
            {"organization": "thu", "theme": 1, "weight": 6},
            {"organization": "thu", "theme": 2, "weight": 2},
        ],
        "lineage": [Lineage(source=1, target=4, weight=0.75)],
        "citations": [{"source": 2, "target": 1, "weight": 3}, {"source": 1, "target": 2, "weight": 1}],
        "knn": 2,
        "min_similarity": 0.3,
    }


@pytest.fixture
def G() -> nx.MultiDiGraph:
    return build_theme_graph(**small_inputs())


def snapshot(G: nx.MultiDiGraph) -> tuple:
    """Everything that makes two graphs equal: nodes, edges with keys, all attributes, graph attributes."""
    return (
        dict(G.graph),
        {n: dict(d) for n, d in G.nodes(data=True)},
        {(u, v, k): dict(d) for u, v, k, d in G.edges(keys=True, data=True)},
    )
