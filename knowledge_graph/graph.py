"""Small helpers on typed knowledge graphs shared by the builder, curation and analytics.

A knowledge graph is a :class:`networkx.MultiDiGraph` whose edges are keyed by their edge type (see
:mod:`knowledge_graph.ontology`). These helpers add nodes and edges in that convention and find an edge
whatever orientation the caller names it in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from typing import Any

import networkx as nx

from knowledge_graph.ontology import Ontology, OntologyError, default_ontology

__all__ = [
    "add_typed_edge",
    "add_typed_node",
    "combine_weights",
    "find_edge",
    "has_cjk",
    "new_graph",
    "normalize_term",
]

EdgeKey = tuple[Hashable, Hashable, str]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPACE = re.compile(r"\s+")


def has_cjk(text: str) -> bool:
    """Whether ``text`` contains Chinese (CJK unified) characters."""
    return bool(_CJK.search(text))


def normalize_term(term: str) -> str:
    """Normalise a keyword for use as a node key: NFKC, lower case, single spaces, no ':' edges."""
    text = unicodedata.normalize("NFKC", str(term)).strip().lower()
    return _SPACE.sub(" ", text)


def new_graph(ontology: Ontology | None = None) -> nx.MultiDiGraph:
    """An empty knowledge graph recording the ontology's name and version in ``G.graph``."""
    onto = ontology or default_ontology()
    return nx.MultiDiGraph(ontology=onto.name, ontology_version=onto.version)


def add_typed_node(
    G: nx.MultiDiGraph,
    node: str,
    node_type: str,
    *,
    label_en: str = "",
    label_zh: str = "",
    **attrs: Any,
) -> str:
    """Add ``node`` with its ``type`` and bilingual labels (merging into an existing node's attributes)."""
    data = {"type": node_type, "label_en": label_en, "label_zh": label_zh, **attrs}
    if node in G:
        G.nodes[node].update({k: v for k, v in data.items() if v not in ("", None)})
    else:
        G.add_node(node, **data)
    return node


def combine_weights(rule: str, values: Iterable[float]) -> float:
    """Combine edge weights by an ontology ``combine`` rule: sum, max, min or mean."""
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError("no weights to combine")
    if rule == "sum":
        return float(sum(vals))
    if rule == "max":
        return max(vals)
    if rule == "min":
        return min(vals)
    if rule == "mean":
        return float(sum(vals) / len(vals))
    raise ValueError(f"unknown combine rule {rule!r}")


def oriented(G: nx.MultiDiGraph, ontology: Ontology, u: Hashable, v: Hashable, edge_type: str) -> EdgeKey:
    """The stored ``(u, v, edge_type)`` of an edge between ``u`` and ``v``.

    Raises
    ------
    OntologyError
        If the edge type is unknown or may not join the two nodes' types.
    """
    et = ontology.edge_type(edge_type)
    tu, tv = G.nodes[u].get("type"), G.nodes[v].get("type")
    pair = et.orient(u, str(tu), v, str(tv))
    if pair is None:
        ends = f"{sorted(et.source)} -> {sorted(et.target)}"
        raise OntologyError(
            f"edge type {edge_type!r} may not join {u!r} ({tu}) to {v!r} ({tv}); allowed: {ends}"
            + ("" if et.directed else ", either way")
        )
    if u == v and not et.self_loops:
        raise OntologyError(f"edge type {edge_type!r} does not allow self-loops ({u!r})")
    return pair[0], pair[1], edge_type


def add_typed_edge(
    G: nx.MultiDiGraph,
    ontology: Ontology,
    u: Hashable,
    v: Hashable,
    edge_type: str,
    weight: float = 1.0,
    **attrs: Any,
) -> EdgeKey:
    """Add (or combine into) the edge of ``edge_type`` between ``u`` and ``v``; return its stored key.

    An existing edge of the same type keeps its attributes, updated with ``attrs``; its weight becomes
    the ontology's ``combine`` of the old and new weights.
    """
    a, b, k = oriented(G, ontology, u, v, edge_type)
    if G.has_edge(a, b, k):
        data = G.edges[a, b, k]
        rule = ontology.edge_types[k].combine
        data["weight"] = combine_weights("max" if rule == "mean" else rule, [data.get("weight", 1.0), weight])
        data.update(attrs)
    else:
        G.add_edge(a, b, key=k, type=k, weight=float(weight), **attrs)
    return a, b, k


def find_edge(
    G: nx.MultiDiGraph, u: Hashable, v: Hashable, edge_type: str, ontology: Ontology | None = None
) -> EdgeKey | None:
    """The stored key of the ``edge_type`` edge between ``u`` and ``v`` (either orientation if undirected)."""
    if G.has_edge(u, v, edge_type):
        return u, v, edge_type
    onto = ontology or default_ontology()
    et = onto.edge_types.get(edge_type)
    if et is not None and not et.directed and G.has_edge(v, u, edge_type):
        return v, u, edge_type
    return None
