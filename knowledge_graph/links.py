"""Curation operations on typed edges: ``link`` adds (or reweights) a curated edge the ontology allows,
``unlink`` removes one. Same conventions as :mod:`knowledge_graph.curation`.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx

from knowledge_graph.curation_common import check_actor, check_nodes, finish
from knowledge_graph.errors import ForbiddenEdgeError, InvalidRequestError, UnknownEdgeError
from knowledge_graph.graph import find_edge
from knowledge_graph.ontology import Ontology, default_ontology
from knowledge_graph.records import Change, CurationRecord

__all__ = ["link", "unlink"]


def link(
    G: nx.MultiDiGraph,
    u: Hashable,
    v: Hashable,
    edge_type: str,
    *,
    weight: float = 1.0,
    attrs: Mapping[str, Any] | None = None,
    actor: str,
    reason: str,
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Add a typed edge between ``u`` and ``v`` (or update the weight of the existing one).

    The edge is marked ``curated=True``. For undirected types it is stored in canonical orientation.

    Raises
    ------
    UnknownNodeError
    ForbiddenEdgeError
        The edge type is unknown, or the ontology does not allow it between the nodes' types.
    """
    check_actor(actor)
    check_nodes(G, [u, v])
    onto = ontology or default_ontology()
    et = onto.edge_types.get(edge_type)
    if et is None:
        known = ", ".join(sorted(onto.edge_types))
        raise ForbiddenEdgeError(f"unknown edge type {edge_type!r} (known: {known})")
    tu, tv = str(G.nodes[u].get("type")), str(G.nodes[v].get("type"))
    pair = et.orient(u, tu, v, tv)
    if pair is None:
        raise ForbiddenEdgeError(
            f"the ontology does not allow {edge_type!r} from {tu!r} to {tv!r} ({u!r} -> {v!r}); "
            f"allowed: {sorted(et.source)} -> {sorted(et.target)}" + ("" if et.directed else ", either way")
        )
    if u == v and not et.self_loops:
        raise ForbiddenEdgeError(f"{edge_type!r} does not allow self-loops ({u!r})")
    if isinstance(weight, bool) or not isinstance(weight, int | float) or not math.isfinite(weight):
        raise InvalidRequestError(f"weight must be a finite number, got {weight!r}")
    key = (pair[0], pair[1], edge_type)
    change = Change(G)
    data = change.edge(key) or {}
    data.update(dict(attrs or {}))
    data.update({"type": edge_type, "weight": float(weight), "curated": True})
    change.set_edge(key, data)
    payload: dict[str, Any] = {"source": key[0], "target": key[1], "edge_type": edge_type}
    payload["weight"] = float(weight)
    if attrs:
        payload["attrs"] = dict(attrs)
    return finish(G, change, "link", actor=actor, reason=reason, payload=payload, copy=copy)


def unlink(
    G: nx.MultiDiGraph,
    u: Hashable,
    v: Hashable,
    edge_type: str,
    *,
    actor: str,
    reason: str,
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Remove the ``edge_type`` edge between ``u`` and ``v`` (either orientation if undirected).

    Raises
    ------
    UnknownNodeError, UnknownEdgeError
    """
    check_actor(actor)
    check_nodes(G, [u, v])
    key = find_edge(G, u, v, edge_type, ontology or default_ontology())
    if key is None:
        raise UnknownEdgeError(f"no {edge_type!r} edge between {u!r} and {v!r}")
    change = Change(G)
    change.set_edge(key, None)
    payload = {"source": key[0], "target": key[1], "edge_type": edge_type}
    return finish(G, change, "unlink", actor=actor, reason=reason, payload=payload, copy=copy)
