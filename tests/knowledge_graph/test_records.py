"""Undo and redo from curation records alone, including records read back from JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import networkx as nx
import pytest

import knowledge_graph as kg

from .conftest import snapshot

WHO = {"actor": "analyst-1", "reason": "curation"}

OPERATIONS: dict[str, Callable[..., tuple[nx.MultiDiGraph, kg.CurationRecord]]] = {
    "relabel": lambda G, **kw: kg.relabel(G, "theme:1", label_en="GNN", label_zh="图网络", **kw),
    "merge": lambda G, **kw: kg.merge(G, ["theme:1", "theme:2", "theme:4"], **kw),
    "merge_keep_id": lambda G, **kw: kg.merge(G, ["theme:2", "theme:1"], new_id="theme:1", **kw),
    "split": lambda G, **kw: kg.split(G, "theme:1", [["d1", "d2", "d3"], ["d4"]], **kw),
    "split_keep_id": lambda G, **kw: kg.split(
        G, "theme:3", [["d7"], ["d8", "d9"]], new_ids=["x:1", "theme:3"], **kw
    ),
    "hide": lambda G, **kw: kg.hide(G, ["theme:1", "kw:gnn"], **kw),
    "delete": lambda G, **kw: kg.delete(G, "theme:3", **kw),
    "move_documents": lambda G, **kw: kg.move_documents(G, ["d1", "d2"], "theme:1", "theme:3", **kw),
    "link": lambda G, **kw: kg.link(G, "theme:3", "theme:1", "similar_to", weight=0.5, **kw),
    "relink": lambda G, **kw: kg.link(G, "theme:1", "theme:2", "similar_to", weight=0.1, **kw),
    "unlink": lambda G, **kw: kg.unlink(G, "theme:1", "theme:2", "cites", **kw),
    "annotate": lambda G, **kw: kg.annotate(G, "theme:2", "注释", **kw),
    "annotate_edge": lambda G, **kw: kg.annotate(G, ("theme:4", "theme:1", "similar_to"), "edge note", **kw),
    "flag": lambda G, **kw: kg.flag(G, "theme:4", actor="expert", reason="wrong", copy=kw["copy"]),
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_invert_record_restores_the_graph_exactly(G: nx.MultiDiGraph, name: str) -> None:
    original = snapshot(G)
    H, rec = OPERATIONS[name](G, copy=False, **WHO)
    assert H is G
    changed = snapshot(G)
    assert changed != original
    kg.apply_record(G, kg.invert_record(rec), copy=False)
    assert snapshot(G) == original
    # redo from the original record gives the operation's result again
    kg.apply_record(G, rec, copy=False)
    assert snapshot(G) == changed


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_records_survive_json_and_copy_mode_leaves_input_alone(G: nx.MultiDiGraph, name: str) -> None:
    original = snapshot(G)
    H, rec = OPERATIONS[name](G, copy=True, **WHO)
    assert snapshot(G) == original  # copy=True never touches the input, lists included
    text = rec.to_json()
    stored = kg.CurationRecord.from_json(text)
    assert stored.to_dict() == rec.to_dict() == json.loads(text)
    assert snapshot(kg.apply_record(G, stored)) == snapshot(H)
    undo = kg.CurationRecord.from_json(kg.invert_record(stored).to_json())
    assert snapshot(kg.apply_record(H, undo)) == original


def test_invert_names_undo_and_redo(G: nx.MultiDiGraph) -> None:
    _, rec = kg.relabel(G, "theme:1", label_en="GNN", **WHO)
    undo = kg.invert_record(rec, actor="lead", reason="premature")
    assert (undo.op, undo.actor, undo.reason) == ("undo", "lead", "premature")
    assert undo.payload["inverts"] == rec.id and undo.payload["op"] == "relabel"
    assert undo.before == rec.after and undo.after == rec.before and undo.id != rec.id
    redo = kg.invert_record(undo)
    assert redo.op == "redo" and redo.after == rec.after and redo.actor == "lead"


def test_undo_refuses_when_the_graph_moved_on(G: nx.MultiDiGraph) -> None:
    _, rec = kg.relabel(G, "theme:1", label_en="GNN", copy=False, **WHO)
    kg.relabel(G, "theme:1", label_en="Graph nets", copy=False, **WHO)
    with pytest.raises(kg.RecordConflictError, match="not in its starting state"):
        kg.apply_record(G, kg.invert_record(rec))
    forced = kg.apply_record(G, kg.invert_record(rec), check=False)
    assert forced.nodes["theme:1"]["label_en"] == "Graph neural networks"
    _, merge_rec = kg.merge(G, ["theme:1", "theme:2"], **WHO)  # planned, G not changed
    with pytest.raises(kg.RecordConflictError):
        kg.apply_record(G, kg.invert_record(merge_rec))


def test_a_session_of_edits_undone_in_reverse_order(G: nx.MultiDiGraph) -> None:
    original = snapshot(G)
    records = []
    H = G.copy()
    for step in (
        lambda H: kg.split(H, "theme:1", [["d1", "d2"], ["d3", "d4"]], copy=False, **WHO),
        lambda H: kg.merge(H, ["theme:1.2", "theme:2"], new_id="theme:12", copy=False, **WHO),
        lambda H: kg.move_documents(H, ["d1"], "theme:1.1", "theme:12", copy=False, **WHO),
        lambda H: kg.link(H, "theme:12", "scenario:drone-delivery", "relevant_to", copy=False, **WHO),
        lambda H: kg.relabel(H, "theme:12", label_zh="图与注意力", copy=False, **WHO),
    ):
        records.append(step(H)[1])
    assert H.nodes["theme:12"]["documents"] == ["d3", "d4", "d5", "d6", "d1"]
    assert kg.validate_graph(H) == []
    replayed = kg.apply_records(G, [kg.CurationRecord.from_json(r.to_json()) for r in records])
    assert snapshot(replayed) == snapshot(H)
    undone = kg.apply_records(H, [kg.invert_record(r) for r in reversed(records)])
    assert snapshot(undone) == original


def test_plain_converts_to_json_types() -> None:
    import numpy as np

    value = {"a": (1, 2), "b": {3, 1}, "c": np.float32(0.5), "d": np.arange(2), "e": [{"f": (np.int64(4),)}]}
    assert kg.records.plain(value) == {"a": [1, 2], "b": [1, 3], "c": 0.5, "d": [0, 1], "e": [{"f": [4]}]}
