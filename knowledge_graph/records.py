"""Curation records: what one curation operation changed, enough to redo or undo it.

A :class:`CurationRecord` holds the before and after state of every node and edge the operation
touched (``None`` meaning "absent"). Applying the *after* state to a graph in the *before* state redoes
the operation; :func:`invert_record` swaps the two, so applying the inverse undoes it. Records are plain
JSON (``to_json`` / ``from_json``), which is how the application stores them append-only.

Snapshot layout (JSON)::

    {"nodes": [[node_id, {attrs} | null], ...],
     "edges": [[u, v, edge_type, {attrs} | null], ...]}
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import numpy as np

from knowledge_graph.errors import CurationError, RecordConflictError

__all__ = [
    "CurationError",
    "CurationRecord",
    "RecordConflictError",
    "apply_record",
    "apply_records",
    "invert_record",
    "plain",
]

EdgeKey = tuple[Hashable, Hashable, str]


def plain(value: Any) -> Any:
    """A deep copy of ``value`` in JSON types: tuples and sets become lists, numpy scalars Python ones."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((plain(v) for v in value), key=repr)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class CurationRecord:
    """One curation operation with its provenance and the state it changed.

    Attributes
    ----------
    op : str
        Operation name (``relabel``, ``merge``, ``split``, ``hide``, ``delete``, ``move_documents``,
        ``link``, ``unlink``, ``annotate``, ``flag``, ``undo``, ``redo``).
    actor, reason : str
        Who made the change and why.
    payload : dict
        The operation's arguments.
    before, after : dict
        Snapshots of the touched nodes and edges (see the module docstring).
    timestamp : str
        ISO 8601 UTC time.
    id : str
        Unique record id.
    """

    op: str
    actor: str
    reason: str
    payload: dict[str, Any]
    before: dict[str, list[Any]]
    after: dict[str, list[Any]]
    timestamp: str = field(default_factory=now)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON-ready dict."""
        return {
            "id": self.id,
            "op": self.op,
            "actor": self.actor,
            "reason": self.reason,
            "timestamp": self.timestamp,
            "payload": plain(self.payload),
            "before": plain(self.before),
            "after": plain(self.after),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CurationRecord:
        """Rebuild a record from :meth:`to_dict` output."""
        return cls(
            op=data["op"],
            actor=data["actor"],
            reason=data.get("reason", ""),
            payload=dict(data.get("payload", {})),
            before={"nodes": list(data["before"]["nodes"]), "edges": list(data["before"]["edges"])},
            after={"nodes": list(data["after"]["nodes"]), "edges": list(data["after"]["edges"])},
            timestamp=data["timestamp"],
            id=data["id"],
        )

    def to_json(self, **kwargs: Any) -> str:
        """JSON text of the record (``ensure_ascii=False`` keeps Chinese labels readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    @classmethod
    def from_json(cls, text: str) -> CurationRecord:
        """Rebuild a record from :meth:`to_json` output."""
        return cls.from_dict(json.loads(text))

    @property
    def touched_nodes(self) -> list[Hashable]:
        """Ids of the nodes the operation touched."""
        return [n for n, _ in self.after["nodes"]]


class Change:
    """Collects the before/after state of an operation without mutating the graph (internal)."""

    def __init__(self, G: nx.MultiDiGraph) -> None:
        self.G = G
        self.nodes_before: dict[Hashable, dict[str, Any] | None] = {}
        self.nodes_after: dict[Hashable, dict[str, Any] | None] = {}
        self.edges_before: dict[EdgeKey, dict[str, Any] | None] = {}
        self.edges_after: dict[EdgeKey, dict[str, Any] | None] = {}

    def node(self, n: Hashable) -> dict[str, Any] | None:
        """The planned state of node ``n`` (a copy to edit), or None if absent."""
        if n in self.nodes_after:
            after = self.nodes_after[n]
            return None if after is None else plain(after)
        return plain(self.G.nodes[n]) if n in self.G else None

    def set_node(self, n: Hashable, attrs: Mapping[str, Any] | None) -> None:
        if n not in self.nodes_before:
            self.nodes_before[n] = plain(self.G.nodes[n]) if n in self.G else None
        self.nodes_after[n] = None if attrs is None else plain(dict(attrs))

    def edge(self, key: EdgeKey) -> dict[str, Any] | None:
        """The planned state of edge ``key`` (a copy), or None if absent."""
        if key in self.edges_after:
            after = self.edges_after[key]
            return None if after is None else plain(after)
        u, v, k = key
        return plain(self.G.edges[u, v, k]) if self.G.has_edge(u, v, k) else None

    def set_edge(self, key: EdgeKey, attrs: Mapping[str, Any] | None) -> None:
        if key not in self.edges_before:
            u, v, k = key
            self.edges_before[key] = plain(self.G.edges[u, v, k]) if self.G.has_edge(u, v, k) else None
        self.edges_after[key] = None if attrs is None else plain(dict(attrs))

    def remove_node(self, n: Hashable) -> None:
        """Plan removing ``n`` and every edge incident to it."""
        for u, v, k in list(self.G.out_edges(n, keys=True)) + list(self.G.in_edges(n, keys=True)):
            self.set_edge((u, v, k), None)
        self.set_node(n, None)

    def record(
        self, op: str, actor: str, reason: str, payload: dict[str, Any], timestamp: str | None = None
    ) -> CurationRecord:
        def snap(nodes: dict[Hashable, Any], edges: dict[EdgeKey, Any]) -> dict[str, list[Any]]:
            return {
                "nodes": [[n, a] for n, a in nodes.items()],
                "edges": [[u, v, k, a] for (u, v, k), a in edges.items()],
            }

        return CurationRecord(
            op=op,
            actor=actor,
            reason=reason,
            payload=plain(payload),
            before=snap(self.nodes_before, self.edges_before),
            after=snap({n: self.nodes_after[n] for n in self.nodes_before}, self.edges_after),
            timestamp=timestamp or now(),
        )


def _conflicts(G: nx.MultiDiGraph, state: Mapping[str, list[Any]]) -> list[str]:
    problems = []
    for n, attrs in state["nodes"]:
        current = plain(G.nodes[n]) if n in G else None
        if current != attrs:
            problems.append(f"node {n!r}: expected {'absent' if attrs is None else 'other attributes'}")
    for u, v, k, attrs in state["edges"]:
        current = plain(G.edges[u, v, k]) if G.has_edge(u, v, k) else None
        if current != attrs:
            expected = "absent" if attrs is None else "other attributes"
            problems.append(f"edge {u!r} -> {v!r} [{k}]: expected {expected}")
    return problems


def apply_record(
    G: nx.MultiDiGraph, record: CurationRecord, *, copy: bool = True, check: bool = True
) -> nx.MultiDiGraph:
    """Bring the touched nodes and edges of ``G`` to ``record.after`` (redo the operation).

    Parameters
    ----------
    G : networkx.MultiDiGraph
    record : CurationRecord
        Typically read back from storage; use ``invert_record(record)`` to undo.
    copy : bool, default True
        Work on ``G.copy()`` (O(nodes + edges)); with False ``G`` is changed in place in time
        proportional to the size of the record.
    check : bool, default True
        First verify that the touched nodes and edges are exactly in ``record.before``.

    Returns
    -------
    networkx.MultiDiGraph
        The changed graph (``G`` itself when ``copy=False``).

    Raises
    ------
    RecordConflictError
        With ``check``, when the graph has moved on since the record was made.
    """
    if check:
        problems = _conflicts(G, record.before)
        if problems:
            raise RecordConflictError(
                f"cannot apply {record.op} record {record.id}: the graph is not in its starting state\n"
                + "\n".join(f"  - {p}" for p in problems[:20])
            )
    H = G.copy() if copy else G
    after_nodes = {n: a for n, a in record.after["nodes"]}
    removed = {n for n, a in after_nodes.items() if a is None}
    for u, v, k, attrs in record.after["edges"]:
        if attrs is None and H.has_edge(u, v, k):
            H.remove_edge(u, v, k)
    for n in removed:
        if n in H:
            stray = [e for e in H.in_edges(n, keys=True)] + [e for e in H.out_edges(n, keys=True)]
            if stray:
                raise RecordConflictError(f"record {record.id} removes {n!r} but not its edges {stray[:5]}")
            H.remove_node(n)
    for n, attrs in after_nodes.items():
        if attrs is not None:
            if n in H:
                H.nodes[n].clear()
                H.nodes[n].update(plain(attrs))
            else:
                H.add_node(n, **plain(attrs))
    for u, v, k, attrs in record.after["edges"]:
        if attrs is None:
            continue
        if u not in H or v not in H:
            raise RecordConflictError(f"record {record.id} adds edge {u!r} -> {v!r} [{k}] to a missing node")
        if H.has_edge(u, v, k):
            H.edges[u, v, k].clear()
            H.edges[u, v, k].update(plain(attrs))
        else:
            H.add_edge(u, v, key=k, **plain(attrs))
    return H


def apply_records(
    G: nx.MultiDiGraph, records: Iterable[CurationRecord], *, copy: bool = True, check: bool = True
) -> nx.MultiDiGraph:
    """Apply ``records`` in order (one copy at most); see :func:`apply_record`."""
    H = G.copy() if copy else G
    for rec in records:
        apply_record(H, rec, copy=False, check=check)
    return H


def invert_record(
    record: CurationRecord, *, actor: str | None = None, reason: str | None = None
) -> CurationRecord:
    """The record that undoes ``record`` (its before and after swapped).

    The inverse of an ``undo`` record is a ``redo`` record, and vice versa; ``payload`` names the
    inverted record's id and operation.
    """
    op = "redo" if record.op == "undo" else "undo"
    return CurationRecord(
        op=op,
        actor=record.actor if actor is None else actor,
        reason=f"{op} {record.op} {record.id}" if reason is None else reason,
        payload={"inverts": record.id, "op": record.op, "inverted_payload": plain(record.payload)},
        before=plain(record.after),
        after=plain(record.before),
    )
