"""Conformance of a graph to its ontology: :func:`validate_graph` checks every node and edge and lists
every problem found (see the graph conventions in :mod:`knowledge_graph.ontology`).
"""

from __future__ import annotations

from collections.abc import Hashable

import networkx as nx

from knowledge_graph.ontology_loader import default_ontology
from knowledge_graph.ontology_model import GraphValidationError, Ontology

__all__ = ["validate_graph"]


def validate_graph(
    G: nx.MultiDiGraph, ontology: Ontology | None = None, *, raise_on_error: bool = True
) -> list[str]:
    """Check every node and edge of ``G`` against ``ontology``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    ontology : Ontology, optional
        Default: the packaged ontology.
    raise_on_error : bool, default True
        Raise :class:`GraphValidationError` when problems are found; otherwise just return them.

    Returns
    -------
    list of str
        The problems found (empty when the graph conforms).

    Notes
    -----
    Checked: node ``type`` present and known; id prefix matching the type; required attributes;
    edge type (key and ``type`` attribute) known and equal; endpoint node types allowed; undirected
    edges stored in canonical orientation; self-loops only where allowed; numeric ``weight``.
    """
    onto = ontology or default_ontology()
    problems: list[str] = []
    if not G.is_multigraph() or not G.is_directed():
        problems.append(f"graph must be a MultiDiGraph, got {type(G).__name__}")
    types: dict[Hashable, str | None] = {}
    for n, data in G.nodes(data=True):
        t = data.get("type")
        types[n] = t if t in onto.node_types else None
        if t is None:
            problems.append(f"node {n!r}: missing 'type' attribute")
            continue
        if t not in onto.node_types:
            problems.append(f"node {n!r}: unknown node type {t!r}")
            continue
        nt = onto.node_types[t]
        if not str(n).startswith(nt.prefix + ":"):
            problems.append(f"node {n!r}: id should start with {nt.prefix + ':'!r} for type {t!r}")
        for attr in nt.required:
            if data.get(attr) in (None, ""):
                problems.append(f"node {n!r}: required attribute {attr!r} missing")
    if G.is_multigraph():
        edges = G.edges(keys=True, data=True)
    else:
        edges = ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, key, data in edges:
        et_name = data.get("type", key)
        where = f"edge {u!r} -> {v!r} [{et_name}]"
        if key is not None and data.get("type") != key:
            problems.append(f"{where}: multigraph key {key!r} differs from 'type' {data.get('type')!r}")
        et = onto.edge_types.get(et_name) if isinstance(et_name, str) else None
        if et is None:
            problems.append(f"{where}: unknown edge type {et_name!r}")
            continue
        tu, tv = types.get(u), types.get(v)
        if u == v and not et.self_loops:
            problems.append(f"{where}: self-loops are not allowed for {et.name!r}")
        if tu is None or tv is None:
            continue  # already reported on the node
        if not et.allows(tu, tv):
            either = "" if et.directed else ", either way"
            problems.append(
                f"{where}: {et.name!r} may not join {tu!r} to {tv!r} "
                f"(allowed: {sorted(et.source)} -> {sorted(et.target)}{either})"
            )
        elif not et.directed and et.orient(u, tu, v, tv) != (u, v):
            problems.append(f"{where}: undirected edge not stored in canonical orientation")
        w = data.get("weight")
        if w is not None and (isinstance(w, bool) or not isinstance(w, int | float)):
            problems.append(f"{where}: weight {w!r} is not a number")
    if problems and raise_on_error:
        raise GraphValidationError(f"graph does not conform to ontology {onto.name!r}:", problems)
    return problems
