"""Relabel, hide, delete, link, unlink, annotate and flag: effects, records and refusals."""

from __future__ import annotations

import json

import networkx as nx
import pytest

import knowledge_graph as kg

from .conftest import snapshot

WHO = {"actor": "analyst-1", "reason": "review round 1"}


def test_relabel_copy_leaves_original_and_records_change(G: nx.MultiDiGraph) -> None:
    before = snapshot(G)
    H, rec = kg.relabel(G, "theme:2", label_en="Attention models", label_zh="注意力模型", **WHO)
    assert snapshot(G) == before and H is not G
    assert H.nodes["theme:2"]["label_en"] == "Attention models"
    assert H.nodes["theme:2"]["label_zh"] == "注意力模型"
    assert (rec.op, rec.actor, rec.reason) == ("relabel", "analyst-1", "review round 1")
    assert rec.payload == {"node": "theme:2", "label_en": "Attention models", "label_zh": "注意力模型"}
    [[node, old]] = rec.before["nodes"]
    [[_, new]] = rec.after["nodes"]
    assert node == "theme:2" and old["label_en"] == "Transformers" and new["label_en"] == "Attention models"
    assert rec.before["edges"] == rec.after["edges"] == []
    assert rec.timestamp.endswith("Z") and len(rec.id) == 32
    json.loads(rec.to_json())  # serialisable


def test_relabel_in_place_and_single_language(G: nx.MultiDiGraph) -> None:
    H, rec = kg.relabel(G, "theme:1", label_zh="图学习", copy=False, **WHO)
    assert H is G
    assert (
        G.nodes["theme:1"]["label_zh"] == "图学习"
        and G.nodes["theme:1"]["label_en"] == "Graph neural networks"
    )
    assert rec.payload == {"node": "theme:1", "label_zh": "图学习"}


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"node": "theme:404", "label_en": "x"}, kg.UnknownNodeError, "theme:404"),
        ({"node": "theme:1"}, kg.InvalidRequestError, "label_en and/or label_zh"),
        ({"node": "theme:1", "label_en": "   "}, kg.InvalidRequestError, "label_en must not be empty"),
    ],
)
def test_relabel_refusals(G: nx.MultiDiGraph, kwargs: dict, error: type, message: str) -> None:
    before = snapshot(G)
    node = kwargs.pop("node")
    with pytest.raises(error, match=message):
        kg.relabel(G, node, **kwargs, **WHO, copy=False)
    assert snapshot(G) == before


def test_every_operation_needs_an_actor(G: nx.MultiDiGraph) -> None:
    with pytest.raises(kg.InvalidRequestError, match="actor"):
        kg.relabel(G, "theme:1", label_en="x", actor=" ", reason="r")
    with pytest.raises(kg.CurationError):
        kg.hide(G, "theme:1", actor="", reason="r")


def test_hide_unhide_and_soft_delete(G: nx.MultiDiGraph) -> None:
    H, rec = kg.hide(G, ["theme:3", "kw:uav"], **WHO)
    assert H.nodes["theme:3"]["hidden"] is True and H.nodes["kw:uav"]["hidden"] is True
    assert H.number_of_edges() == G.number_of_edges()  # nothing removed
    assert rec.payload == {"nodes": ["theme:3", "kw:uav"], "hidden": True}
    H2, _ = kg.hide(H, "theme:3", hidden=False, **WHO)
    assert H2.nodes["theme:3"]["hidden"] is False
    H3, rec = kg.delete(G, "theme:4", **WHO)
    assert H3.nodes["theme:4"]["hidden"] is True and H3.nodes["theme:4"]["deleted"] is True
    assert "theme:4" in H3 and rec.op == "delete"
    with pytest.raises(kg.UnknownNodeError, match="theme:9"):
        kg.delete(G, ["theme:1", "theme:9"], **WHO)
    with pytest.raises(kg.InvalidRequestError):
        kg.hide(G, [], **WHO)


def test_link_undirected_is_stored_once_canonically(G: nx.MultiDiGraph) -> None:
    H, rec = kg.link(G, "theme:4", "theme:3", "similar_to", weight=0.42, **WHO)
    assert H.edges["theme:3", "theme:4", "similar_to"] == {
        "type": "similar_to",
        "weight": 0.42,
        "curated": True,
    }
    assert not H.has_edge("theme:4", "theme:3", "similar_to")
    assert rec.payload == {
        "source": "theme:3",
        "target": "theme:4",
        "edge_type": "similar_to",
        "weight": 0.42,
    }
    assert rec.before["edges"] == [["theme:3", "theme:4", "similar_to", None]]
    # linking again, named the other way round, updates the same edge
    H2, rec2 = kg.link(H, "theme:3", "theme:4", "similar_to", weight=0.6, attrs={"evidence": "expert"}, **WHO)
    assert H2.edges["theme:3", "theme:4", "similar_to"]["weight"] == 0.6
    assert H2.edges["theme:3", "theme:4", "similar_to"]["evidence"] == "expert"
    assert rec2.before["edges"][0][3]["weight"] == 0.42
    assert H2.number_of_edges() == G.number_of_edges() + 1


def test_link_refuses_a_bad_weight(G: nx.MultiDiGraph) -> None:
    for weight in ("strong", float("nan"), True):
        with pytest.raises(kg.InvalidRequestError, match="finite number"):
            kg.link(G, "theme:3", "theme:4", "similar_to", weight=weight, **WHO)  # type: ignore[arg-type]


def test_link_directed_scenario(G: nx.MultiDiGraph) -> None:
    H, _ = kg.link(G, "theme:1", "scenario:drone-delivery", "relevant_to", weight=0.3, **WHO)
    assert H.edges["theme:1", "scenario:drone-delivery", "relevant_to"]["weight"] == 0.3


@pytest.mark.parametrize(
    ("u", "v", "edge_type", "message"),
    [
        ("kw:gnn", "theme:1", "has_keyword", "does not allow 'has_keyword' from 'keyword' to 'theme'"),
        ("field:ai", "scenario:drone-delivery", "contains", "from 'field' to 'scenario'"),
        ("scenario:drone-delivery", "theme:1", "relevant_to", "from 'scenario' to 'theme'"),
        ("theme:1", "theme:2", "is_friend_of", "unknown edge type 'is_friend_of'"),
        ("theme:1", "theme:1", "similar_to", "does not allow self-loops"),
    ],
)
def test_link_refuses_what_the_ontology_forbids(
    G: nx.MultiDiGraph, u: str, v: str, edge_type: str, message: str
) -> None:
    before = snapshot(G)
    with pytest.raises(kg.ForbiddenEdgeError, match=message):
        kg.link(G, u, v, edge_type, copy=False, **WHO)
    assert snapshot(G) == before


def test_link_with_a_custom_ontology(G: nx.MultiDiGraph) -> None:
    spec = kg.default_ontology().to_dict()
    spec["edge_types"]["competes_with"] = {
        "source": ["organization"],
        "target": ["organization"],
        "directed": False,
    }
    onto = kg.load_ontology(spec)
    G.add_node("org:pku", type="organization", label_en="Peking University")
    H, _ = kg.link(G, "org:thu", "org:pku", "competes_with", ontology=onto, **WHO)
    assert H.has_edge("org:pku", "org:thu", "competes_with")
    assert kg.validate_graph(H, onto) == []
    with pytest.raises(kg.ForbiddenEdgeError):
        kg.link(G, "org:thu", "org:pku", "competes_with", **WHO)  # not in the default ontology


def test_unlink(G: nx.MultiDiGraph) -> None:
    H, rec = kg.unlink(G, "theme:2", "theme:1", "similar_to", **WHO)  # either orientation
    assert not H.has_edge("theme:1", "theme:2", "similar_to")
    assert H.has_edge("theme:1", "theme:2", "cites")  # other types untouched
    assert rec.after["edges"] == [["theme:1", "theme:2", "similar_to", None]]
    assert rec.before["edges"][0][3]["weight"] == pytest.approx(0.8)
    with pytest.raises(kg.UnknownEdgeError, match="no 'evolves_into' edge"):
        kg.unlink(G, "theme:4", "theme:1", "evolves_into", **WHO)  # directed: not reversible
    with pytest.raises(kg.UnknownNodeError):
        kg.unlink(G, "theme:1", "theme:77", "cites", **WHO)


def test_annotate_nodes_and_edges(G: nx.MultiDiGraph) -> None:
    H, rec = kg.annotate(G, "theme:1", "Overlaps with the 6th national foresight list", **WHO)
    H, rec2 = kg.annotate(H, "theme:1", "第二条意见", actor="expert-7", reason="")
    notes = H.nodes["theme:1"]["notes"]
    assert [n["text"] for n in notes] == ["Overlaps with the 6th national foresight list", "第二条意见"]
    assert [n["actor"] for n in notes] == ["analyst-1", "expert-7"]
    assert notes[1]["timestamp"] == rec2.timestamp
    assert rec.payload == {"node": "theme:1", "text": "Overlaps with the 6th national foresight list"}
    H, rec3 = kg.annotate(H, ("theme:2", "theme:1", "similar_to"), "weak link", **WHO)
    assert H.edges["theme:1", "theme:2", "similar_to"]["notes"][0]["text"] == "weak link"
    assert rec3.payload["edge"] == ["theme:1", "theme:2", "similar_to"]
    with pytest.raises(kg.InvalidRequestError, match="note must not be empty"):
        kg.annotate(G, "theme:1", "  ", **WHO)
    with pytest.raises(kg.UnknownEdgeError):
        kg.annotate(G, ("theme:1", "theme:3", "cites"), "x", **WHO)
    with pytest.raises(kg.UnknownNodeError):
        kg.annotate(G, "theme:42", "x", **WHO)


def test_flag_as_wrong_and_clear(G: nx.MultiDiGraph) -> None:
    H, rec = kg.flag(G, "theme:4", actor="expert-2", reason="mixes two unrelated topics")
    assert H.nodes["theme:4"]["flagged"] is True
    [entry] = H.nodes["theme:4"]["flags"]
    assert entry == {
        "flagged": True,
        "reason": "mixes two unrelated topics",
        "actor": "expert-2",
        "timestamp": rec.timestamp,
    }
    assert rec.reason == "mixes two unrelated topics"
    H, _ = kg.flag(H, "theme:4", actor="analyst-1", reason="checked: fine", flagged=False)
    assert H.nodes["theme:4"]["flagged"] is False and len(H.nodes["theme:4"]["flags"]) == 2
    H, _ = kg.flag(H, ("org:thu", "theme:2", "active_in"), actor="expert-2", reason="wrong organization")
    assert H.edges["org:thu", "theme:2", "active_in"]["flagged"] is True
    with pytest.raises(kg.InvalidRequestError, match="needs a reason"):
        kg.flag(G, "theme:4", actor="expert-2", reason="")
