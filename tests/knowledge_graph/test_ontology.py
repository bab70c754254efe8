"""The ontology is configuration: loading, checking it, and validating graphs against it."""

from __future__ import annotations

import networkx as nx
import pytest
import yaml

from knowledge_graph import (
    GraphValidationError,
    OntologyError,
    default_ontology,
    load_ontology,
    validate_graph,
)


def test_default_ontology_types() -> None:
    onto = load_ontology()
    assert onto is default_ontology()
    assert set(onto.node_types) == {"field", "theme", "keyword", "organization", "scenario", "technology"}
    assert set(onto.edge_types) == {
        "similar_to",
        "has_keyword",
        "contains",
        "evolves_into",
        "relevant_to",
        "active_in",
        "cites",
        "covers",
    }
    assert onto.node_types["keyword"].prefix == "kw"
    assert onto.node_types["scenario"].label_zh == "应用场景"
    sim = onto.edge_types["similar_to"]
    assert not sim.directed and sim.combine == "max" and sim.split == "copy"
    assert onto.edge_types["active_in"].split == "proportional"
    assert onto.edge_types["cites"].neo4j_type == "CITES"
    assert onto.node_id("theme", 123) == "theme:123"
    assert onto.node_id("keyword", "kw:graph") == "kw:graph"
    assert onto.type_of_id("kw:graph neural network") == "keyword"
    assert onto.type_of_id("nothing:1") is None


def test_edge_type_allows_and_orients() -> None:
    onto = default_ontology()
    sim, has_kw = onto.edge_types["similar_to"], onto.edge_types["has_keyword"]
    assert sim.orient("theme:9", "theme", "theme:10", "theme") == ("theme:10", "theme:9")  # str order
    assert has_kw.orient("theme:1", "theme", "kw:x", "keyword") == ("theme:1", "kw:x")
    assert has_kw.orient("kw:x", "keyword", "theme:1", "theme") is None  # directed: no reversal
    assert has_kw.allows("technology", "keyword") and not has_kw.allows("keyword", "theme")
    assert onto.edge_types["active_in"].orient("org:a", "organization", "theme:1", "theme") == (
        "org:a",
        "theme:1",
    )


def test_load_from_yaml_file_and_dict_round_trip(tmp_path) -> None:
    spec = {
        "name": "policy-study",
        "version": 3,
        "node_types": {
            "theme": {"prefix": "theme", "label_en": "Theme", "label_zh": "主题", "required": ["label_en"]},
            "policy": {"prefix": "pol", "label_en": "Policy", "label_zh": "政策"},
        },
        "edge_types": {
            "supports": {
                "source": ["policy"],
                "target": ["theme"],
                "combine": "sum",
                "split": "proportional",
            },
        },
    }
    path = tmp_path / "onto.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    onto = load_ontology(path)
    assert onto.name == "policy-study" and onto.version == 3
    assert onto.node_types["policy"].neo4j_label == "Policy"
    assert onto.edge_types["supports"].neo4j_type == "SUPPORTS"
    assert onto.edge_types["supports"].directed is True
    assert load_ontology(onto.to_dict()) == onto
    assert load_ontology(default_ontology().to_dict()) == default_ontology()


def test_invalid_ontology_lists_every_problem() -> None:
    spec = {
        "node_types": {"theme": {"prefix": "t"}, "field": {"prefix": "t"}},
        "edge_types": {
            "contains": {"source": ["field"], "target": ["galaxy"], "combine": "product"},
            "bad": {"source": ["theme"], "target": ["theme"], "split": "halve", "colour": "red"},
        },
    }
    with pytest.raises(OntologyError) as err:
        load_ontology(spec)
    problems = err.value.problems
    assert len(problems) == 5
    text = str(err.value)
    assert "prefix 't' already used by 'theme'" in text
    assert "target node type 'galaxy' is not defined" in text
    assert "combine 'product' is not one of sum, max, min, mean" in text
    assert "split 'halve' is not one of copy, proportional" in text
    assert "unknown keys ['colour']" in text


def test_built_graph_conforms(G: nx.MultiDiGraph) -> None:
    assert validate_graph(G) == []


def test_validation_reports_each_problem(G: nx.MultiDiGraph) -> None:
    G.add_node("theme:99", label_en="no type")
    G.add_node("planet:1", type="planet")
    G.add_node("kw:wrongprefix", type="theme", label_en="x")
    G.add_node("theme:100", type="theme")  # required label_en missing
    G.add_edge("kw:gnn", "theme:1", key="has_keyword", type="has_keyword", weight=1.0)
    G.add_edge("theme:1", "theme:3", key="teleports", type="teleports")
    G.add_edge("theme:1", "theme:3", key="cites", type="similar_to")
    G.add_edge("theme:3", "theme:1", key="similar_to", type="similar_to", weight=0.5)  # not canonical
    G.add_edge("theme:1", "theme:4", key="cites", type="cites", weight="many")
    problems = validate_graph(G, raise_on_error=False)
    expected = [
        "node 'theme:99': missing 'type' attribute",
        "node 'planet:1': unknown node type 'planet'",
        "node 'kw:wrongprefix': id should start with 'theme:' for type 'theme'",
        "node 'theme:100': required attribute 'label_en' missing",
        "edge 'kw:gnn' -> 'theme:1' [has_keyword]: 'has_keyword' may not join 'keyword' to 'theme'",
        "edge 'theme:1' -> 'theme:3' [teleports]: unknown edge type 'teleports'",
        "edge 'theme:1' -> 'theme:3' [similar_to]: multigraph key 'cites' differs from 'type' 'similar_to'",
        "edge 'theme:3' -> 'theme:1' [similar_to]: undirected edge not stored in canonical orientation",
        "edge 'theme:1' -> 'theme:4' [cites]: weight 'many' is not a number",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), line
    assert len(problems) == len(expected)
    with pytest.raises(GraphValidationError) as err:
        validate_graph(G)
    assert len(err.value.problems) == len(expected)
    assert "unknown node type 'planet'" in str(err.value)


def test_validation_rejects_non_multigraph() -> None:
    problems = validate_graph(nx.Graph(), raise_on_error=False)
    assert problems == ["graph must be a MultiDiGraph, got Graph"]
