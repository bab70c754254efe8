"""Shared checks and bookkeeping of the curation operations (:mod:`knowledge_graph.curation`,
:mod:`knowledge_graph.links`, :mod:`knowledge_graph.annotations`, :mod:`knowledge_graph.restructure`).

They validate a request (actor, node ids, labels), resolve a node id or an edge triple, and turn a
planned :class:`~knowledge_graph.records.Change` into an applied
:class:`~knowledge_graph.records.CurationRecord`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import networkx as nx

from knowledge_graph.errors import InvalidRequestError, UnknownEdgeError, UnknownNodeError
from knowledge_graph.graph import find_edge
from knowledge_graph.ontology import Ontology
from knowledge_graph.records import Change, CurationRecord, apply_record

__all__ = ["Target", "as_node_list", "check_actor", "check_nodes", "clean_label", "finish", "resolve_target"]

Target = Hashable | tuple[Hashable, Hashable, str]
"""What an annotation or a flag is attached to: a node id, or an edge triple ``(u, v, edge_type)``."""


def check_actor(actor: str) -> None:
    if not isinstance(actor, str) or not actor.strip():
        raise InvalidRequestError("every curation operation needs a non-empty actor")


def check_nodes(G: nx.MultiDiGraph, nodes: Iterable[Hashable]) -> None:
    missing = [n for n in nodes if n not in G]
    if missing:
        raise UnknownNodeError(f"unknown node id(s): {', '.join(map(repr, missing))}")


def as_node_list(nodes: Hashable | Sequence[Hashable]) -> list[Hashable]:
    if isinstance(nodes, str | bytes) or not isinstance(nodes, Sequence):
        return [nodes]
    return list(nodes)


def finish(
    G: nx.MultiDiGraph,
    change: Change,
    op: str,
    *,
    actor: str,
    reason: str,
    payload: dict[str, Any],
    copy: bool,
    timestamp: str | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    record = change.record(op, actor, reason, payload, timestamp)
    return apply_record(G, record, copy=copy, check=False), record


def resolve_target(G: nx.MultiDiGraph, target: Target, ontology: Ontology) -> tuple[str, Any]:
    """``("node", id)`` or ``("edge", (u, v, type))`` for a node id or an edge triple."""
    if target in G:
        return "node", target
    if isinstance(target, tuple) and len(target) == 3:
        u, v, k = target
        check_nodes(G, (u, v))
        key = find_edge(G, u, v, str(k), ontology)
        if key is None:
            raise UnknownEdgeError(f"no {k!r} edge between {u!r} and {v!r}")
        return "edge", key
    raise UnknownNodeError(f"unknown node id: {target!r}")


def clean_label(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        raise InvalidRequestError(f"{name} must not be empty")
    return text
