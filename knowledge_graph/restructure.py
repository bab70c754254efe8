"""Curation operations that restructure themes: merge, split and move documents.

Same conventions as :mod:`knowledge_graph.curation`: ``op(G, ..., *, actor, reason, copy=True) ->
(G, CurationRecord)``, refusals raise a :class:`~knowledge_graph.errors.CurationError` subclass and leave
``G`` unchanged, and the record redoes or (inverted) undoes the operation exactly.

Attribute rules
---------------
* ``size`` of a node with ``documents`` is ``len(documents)`` after every operation here; a merged
  node without documents gets the sum of the members' sizes.
* On merge, list-valued attributes (``documents``, ``keywords``, ``notes``, ``flags`` ...) are joined
  without duplicates in member order; every other attribute is taken from the largest member (by
  size). Indicators computed per theme are therefore those of the largest member until recomputed.
* Edges follow the ontology's rules per edge type: on merge, parallel edges to the same neighbour
  combine their weights by ``combine`` (sum, max, min, mean) and edges between members are dropped; on
  split, each part gets every edge of the original, with the weight scaled by the part's share of the
  documents when the type's ``split`` rule is ``proportional`` (counts: citations, organization
  strength, keyword weight) and copied unchanged when it is ``copy`` (similarity, hierarchy, scenario
  relevance). ``edge_policy`` overrides the per-type rule for all edges.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal

import networkx as nx

from knowledge_graph.curation import check_actor, check_nodes, clean_label, finish
from knowledge_graph.errors import (
    DocumentNotFoundError,
    IdConflictError,
    InvalidRequestError,
    NodeTypeMismatchError,
    NotAPartitionError,
    SelfMergeError,
    TooFewDocumentsError,
    TooFewNodesError,
    TooFewPartsError,
)
from knowledge_graph.graph import combine_weights
from knowledge_graph.ontology import Ontology, default_ontology
from knowledge_graph.records import Change, CurationRecord

__all__ = ["merge", "move_documents", "split"]

DocId = int | str
Label = str | Mapping[str, str]


def _edge_rules(ontology: Ontology, edge_type: str) -> tuple[bool, str, str]:
    et = ontology.edge_types.get(edge_type)
    if et is None:
        return True, "max", "copy"
    return et.directed, et.combine, et.split


def _stored_key(
    ontology: Ontology, types: Mapping[Hashable, str], a: Hashable, b: Hashable, k: str
) -> tuple[Hashable, Hashable, str]:
    directed, _, _ = _edge_rules(ontology, k)
    if directed:
        return a, b, k
    pair = ontology.edge_types[k].orient(a, types[a], b, types[b])
    return (a, b, k) if pair is None else (pair[0], pair[1], k)


def _union(lists: Sequence[Sequence[Any]]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for items in lists:
        for x in items:
            key = json.dumps(x, sort_keys=True, default=str)
            if key not in seen:
                seen.add(key)
                out.append(x)
    return out


def _incident(G: nx.MultiDiGraph, n: Hashable) -> list[tuple[Hashable, Hashable, str]]:
    return list(G.out_edges(n, keys=True)) + [e for e in G.in_edges(n, keys=True) if e[0] != n]


def merge(
    G: nx.MultiDiGraph,
    nodes: Sequence[Hashable],
    *,
    new_id: Hashable | None = None,
    label_en: str | None = None,
    label_zh: str | None = None,
    actor: str,
    reason: str,
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Merge two or more nodes of one type into a single node.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    nodes : sequence of node ids
        At least two distinct nodes of the same type.
    new_id : node id, optional
        Id of the merged node: one of ``nodes`` (it keeps its id) or a new id. Default: a deterministic
        ``"<prefix>:merged-<hash of the member ids>"``.
    label_en, label_zh : str, optional
        Labels of the merged node; default those of the largest member.
    actor, reason : str
    copy : bool, default True
    ontology : Ontology, optional

    Returns
    -------
    (networkx.MultiDiGraph, CurationRecord)
        The merged node has the members' edges (see the module notes), summed size, joined
        ``documents`` and ``merged_from`` (the member ids); the other members are removed.

    Raises
    ------
    SelfMergeError, TooFewNodesError, UnknownNodeError, NodeTypeMismatchError, IdConflictError
    """
    check_actor(actor)
    label_en, label_zh = clean_label(label_en, "label_en"), clean_label(label_zh, "label_zh")
    members = list(nodes)
    distinct = list(dict.fromkeys(members))
    if len(distinct) < len(members):
        dup = sorted(str(n) for n, c in Counter(members).items() if c > 1)
        raise SelfMergeError(f"cannot merge a node with itself: {', '.join(dup)} listed more than once")
    if len(members) < 2:
        raise TooFewNodesError(f"a merge needs at least 2 nodes, got {len(members)}")
    check_nodes(G, members)
    types = {n: str(G.nodes[n].get("type")) for n in members}
    if len(set(types.values())) > 1:
        raise NodeTypeMismatchError(f"cannot merge nodes of different types: {types}")
    node_type = types[members[0]]
    onto = ontology or default_ontology()
    if new_id is None:
        digest = hashlib.sha1("|".join(sorted(map(str, members))).encode()).hexdigest()[:10]
        prefix = onto.node_types[node_type].prefix if node_type in onto.node_types else node_type
        new_id = f"{prefix}:merged-{digest}"
    if new_id in G and new_id not in members:
        raise IdConflictError(f"new id {new_id!r} is already used by another node")

    change = Change(G)
    data = [change.node(n) or {} for n in members]
    sizes = [float(d.get("size", 0) or 0) for d in data]
    base = dict(data[max(range(len(members)), key=lambda i: (sizes[i], -i))])
    attrs = {k: v for k, v in base.items() if k not in ("hidden", "deleted", "split_from")}
    for key in sorted({k for d in data for k, v in d.items() if isinstance(v, list)}):
        attrs[key] = _union([d.get(key, []) for d in data if isinstance(d.get(key, []), list)])
    total = float(sum(sizes))
    if "documents" in attrs:
        attrs["size"] = len(attrs["documents"])
    else:
        attrs["size"] = int(total) if total.is_integer() else total
    attrs["merged_from"] = [str(n) for n in members]
    attrs["type"] = node_type
    if label_en is not None:
        attrs["label_en"] = label_en
    if label_zh is not None:
        attrs["label_zh"] = label_zh

    # Re-point edges; group parallel ones by their new key.
    member_set = set(members)
    all_types = dict(types)
    all_types[new_id] = node_type
    groups: dict[tuple[Hashable, Hashable, str], list[dict[str, Any]]] = {}
    for n in members:
        for u, v, k in _incident(G, n):
            edge = change.edge((u, v, k)) or {}
            if u in member_set and v in member_set:
                continue  # edge inside the merged group
            a = new_id if u in member_set else u
            b = new_id if v in member_set else v
            for end in (a, b):
                if end not in all_types:
                    all_types[end] = str(G.nodes[end].get("type"))
            groups.setdefault(_stored_key(onto, all_types, a, b, k), []).append(edge)
    for n in members:
        change.remove_node(n)
    change.set_node(new_id, attrs)
    for edge_key, edges in groups.items():
        _, rule, _ = _edge_rules(onto, edge_key[2])
        combined = dict(edges[0])
        combined["type"] = edge_key[2]
        combined["weight"] = combine_weights(rule, [e.get("weight", 1.0) for e in edges])
        change.set_edge(edge_key, combined)
    payload = {"nodes": members, "new_id": new_id, "label_en": label_en, "label_zh": label_zh}
    return finish(G, change, "merge", actor=actor, reason=reason, payload=payload, copy=copy)


def _parse_label(label: Label, fallback_en: str, fallback_zh: str) -> tuple[str, str]:
    if isinstance(label, str):
        return label, fallback_zh
    unknown = set(label) - {"label_en", "label_zh"}
    if unknown:
        raise InvalidRequestError(f"labels may only have label_en and label_zh, got {sorted(unknown)}")
    return str(label.get("label_en", fallback_en)), str(label.get("label_zh", fallback_zh))


def split(
    G: nx.MultiDiGraph,
    node: Hashable,
    parts: Sequence[Sequence[DocId]],
    *,
    labels: Sequence[Label] | None = None,
    new_ids: Sequence[Hashable] | None = None,
    edge_policy: Literal["ontology", "proportional", "copy"] = "ontology",
    actor: str,
    reason: str,
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Split a theme into parts given a partition of its documents.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    node : node id
        A node with a ``documents`` list of at least two documents.
    parts : sequence of sequences of doc ids
        At least two non-empty parts that together hold each of the node's documents exactly once.
    labels : sequence of str or {"label_en", "label_zh"} mappings, optional
        One per part; default ``"<label> (i)"``.
    new_ids : sequence of node ids, optional
        One per part; default ``"<node>.<i>"`` (i from 1). One part may keep the original id.
    edge_policy : {"ontology", "proportional", "copy"}, default "ontology"
        How the original's edges are given to the parts: by each edge type's ``split`` rule, or one
        rule for all (see the module notes).
    actor, reason : str
    copy : bool, default True
    ontology : Ontology, optional

    Returns
    -------
    (networkx.MultiDiGraph, CurationRecord)
        The original node is replaced by the parts; each carries ``split_from``.

    Raises
    ------
    UnknownNodeError, TooFewPartsError, TooFewDocumentsError, NotAPartitionError, IdConflictError,
    InvalidRequestError
    """
    check_actor(actor)
    check_nodes(G, [node])
    if edge_policy not in ("ontology", "proportional", "copy"):
        raise InvalidRequestError(f"unknown edge_policy {edge_policy!r}")
    docs = list(G.nodes[node].get("documents") or [])
    if len(docs) < 2:
        raise TooFewDocumentsError(f"{node!r} has {len(docs)} document(s); a split needs at least 2")
    part_lists = [list(p) for p in parts]
    if len(part_lists) < 2:
        raise TooFewPartsError(f"a split needs at least 2 parts, got {len(part_lists)}")
    problems = []
    if any(not p for p in part_lists):
        problems.append("empty part(s): " + ", ".join(str(i + 1) for i, p in enumerate(part_lists) if not p))
    doc_set = set(docs)
    flat = [d for p in part_lists for d in p]
    repeated = sorted(str(d) for d, c in Counter(flat).items() if c > 1)
    if repeated:
        problems.append(f"documents in more than one part: {', '.join(repeated[:10])}")
    foreign = [d for d in dict.fromkeys(flat) if d not in doc_set]
    if foreign:
        problems.append(f"documents not in {node!r}: {', '.join(map(str, foreign[:10]))}")
    flat_set = set(flat)
    missing = [d for d in docs if d not in flat_set]
    if missing:
        problems.append(f"documents of {node!r} in no part: {', '.join(map(str, missing[:10]))}")
    if problems:
        detail = "; ".join(problems)
        raise NotAPartitionError(f"the parts do not partition the documents of {node!r}: {detail}")

    n_parts = len(part_lists)
    original = dict(G.nodes[node])
    label_en, label_zh = str(original.get("label_en", "")), str(original.get("label_zh", ""))
    if labels is not None and len(labels) != n_parts:
        raise InvalidRequestError(f"{len(labels)} labels for {n_parts} parts")
    ids = list(new_ids) if new_ids is not None else [f"{node}.{i + 1}" for i in range(n_parts)]
    if len(ids) != n_parts or len(set(ids)) != n_parts:
        raise InvalidRequestError(f"new_ids must be {n_parts} distinct ids, got {ids!r}")
    taken = [i for i in ids if i in G and i != node]
    if taken:
        raise IdConflictError(f"new id(s) already used: {', '.join(map(repr, taken))}")

    onto = ontology or default_ontology()
    change = Change(G)
    base = change.node(node) or {}
    order = {d: i for i, d in enumerate(docs)}
    incident = [e for e in _incident(G, node) if not (e[0] == node and e[1] == node)]
    edge_data = {e: change.edge(e) or {} for e in incident}
    change.remove_node(node)
    types = {n: str(G.nodes[n].get("type")) for e in incident for n in e[:2]}
    for i, (pid, part) in enumerate(zip(ids, part_lists, strict=True)):
        attrs = dict(base)
        attrs["documents"] = sorted(part, key=order.__getitem__)
        attrs["size"] = len(part)
        attrs["split_from"] = str(node)
        fallback = (f"{label_en} ({i + 1})" if label_en else "", f"{label_zh}（{i + 1}）" if label_zh else "")
        attrs["label_en"], attrs["label_zh"] = (
            _parse_label(labels[i], *fallback) if labels is not None else fallback
        )
        change.set_node(pid, attrs)
        types[pid] = types.get(node, str(base.get("type")))
        share = len(part) / len(docs)
        for (u, v, k), data in edge_data.items():
            a, b = (pid if u == node else u), (pid if v == node else v)
            rule = _edge_rules(onto, k)[2] if edge_policy == "ontology" else edge_policy
            new = dict(data)
            new["weight"] = float(data.get("weight", 1.0)) * (share if rule == "proportional" else 1.0)
            change.set_edge(_stored_key(onto, types, a, b, k), new)
    payload = {
        "node": node,
        "parts": part_lists,
        "new_ids": ids,
        "labels": [dict(x) if isinstance(x, Mapping) else x for x in labels] if labels is not None else None,
        "edge_policy": edge_policy,
    }
    return finish(G, change, "split", actor=actor, reason=reason, payload=payload, copy=copy)


def move_documents(
    G: nx.MultiDiGraph,
    documents: Sequence[DocId],
    source: Hashable,
    target: Hashable,
    *,
    actor: str,
    reason: str,
    copy: bool = True,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Move documents from one theme to another, updating both ``documents`` lists and sizes.

    Edge weights are left as they are (recompute indicators and edges on the next run). A source
    left without documents stays in the graph with size 0; hide or merge it if it should go.

    Raises
    ------
    UnknownNodeError, InvalidRequestError, NodeTypeMismatchError, DocumentNotFoundError
        Unknown nodes; no documents or source equal to target; nodes of different types; documents
        that are not in the source.
    """
    check_actor(actor)
    check_nodes(G, [source, target])
    moving = list(dict.fromkeys(documents))
    if not moving:
        raise InvalidRequestError("no documents to move")
    if source == target:
        raise InvalidRequestError(f"source and target are the same node {source!r}")
    ts, tt = G.nodes[source].get("type"), G.nodes[target].get("type")
    if ts != tt:
        raise NodeTypeMismatchError(f"cannot move documents from a {ts!r} to a {tt!r}")
    change = Change(G)
    src, tgt = change.node(source) or {}, change.node(target) or {}
    src_docs = list(src.get("documents") or [])
    present = set(src_docs)
    absent = [d for d in moving if d not in present]
    if absent:
        raise DocumentNotFoundError(f"not in {source!r}: {', '.join(map(str, absent[:10]))}")
    gone = set(moving)
    src["documents"] = [d for d in src_docs if d not in gone]
    tgt_docs = list(tgt.get("documents") or [])
    have = set(tgt_docs)
    tgt["documents"] = tgt_docs + [d for d in moving if d not in have]
    src["size"], tgt["size"] = len(src["documents"]), len(tgt["documents"])
    change.set_node(source, src)
    change.set_node(target, tgt)
    payload = {"documents": moving, "source": source, "target": target}
    return finish(G, change, "move_documents", actor=actor, reason=reason, payload=payload, copy=copy)
