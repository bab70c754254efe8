"""Curation operations that append to the history of a node or an edge: ``annotate`` (a note) and
``flag`` (disputed as wrong, or the dispute cleared). Same conventions as :mod:`knowledge_graph.curation`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx

from knowledge_graph.curation_common import Target, check_actor, finish, resolve_target
from knowledge_graph.errors import InvalidRequestError
from knowledge_graph.ontology import Ontology, default_ontology
from knowledge_graph.records import Change, CurationRecord, now

__all__ = ["annotate", "flag"]


def _append_to(
    G: nx.MultiDiGraph,
    target: Target,
    op: str,
    list_attr: str,
    entry: dict[str, Any],
    extra: Mapping[str, Any],
    *,
    actor: str,
    reason: str,
    copy: bool,
    ontology: Ontology | None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    kind, key = resolve_target(G, target, ontology or default_ontology())
    change = Change(G)
    ts = now()
    entry = {**entry, "actor": actor, "timestamp": ts}
    attrs = (change.node(key) if kind == "node" else change.edge(key)) or {}
    attrs[list_attr] = [*attrs.get(list_attr, []), entry]
    attrs.update(extra)
    if kind == "node":
        change.set_node(key, attrs)
        payload: dict[str, Any] = {"node": key}
    else:
        change.set_edge(key, attrs)
        payload = {"edge": list(key)}
    payload.update({k: v for k, v in entry.items() if k not in ("actor", "timestamp")}, **extra)
    return finish(G, change, op, actor=actor, reason=reason, payload=payload, copy=copy, timestamp=ts)


def annotate(
    G: nx.MultiDiGraph,
    target: Target,
    note: str,
    *,
    actor: str,
    reason: str = "",
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Append a note ``{"text", "actor", "timestamp"}`` to the ``notes`` of a node or an edge.

    ``target`` is a node id or an edge triple ``(u, v, edge_type)``.

    Raises
    ------
    UnknownNodeError, UnknownEdgeError, InvalidRequestError
        Unknown target, or an empty note.
    """
    check_actor(actor)
    text = str(note).strip()
    if not text:
        raise InvalidRequestError("a note must not be empty")
    return _append_to(
        G,
        target,
        "annotate",
        "notes",
        {"text": text},
        {},
        actor=actor,
        reason=reason,
        copy=copy,
        ontology=ontology,
    )


def flag(
    G: nx.MultiDiGraph,
    target: Target,
    *,
    actor: str,
    reason: str,
    flagged: bool = True,
    copy: bool = True,
    ontology: Ontology | None = None,
) -> tuple[nx.MultiDiGraph, CurationRecord]:
    """Flag a node or an edge as wrong (``flagged=True``), or clear the flag with ``flagged=False``.

    Each call appends ``{"flagged", "reason", "actor", "timestamp"}`` to the target's ``flags`` list,
    so the history of who disputed what stays on the node.

    Raises
    ------
    UnknownNodeError, UnknownEdgeError, InvalidRequestError
        Unknown target, or no reason given.
    """
    check_actor(actor)
    text = str(reason).strip()
    if not text:
        raise InvalidRequestError("flagging needs a reason")
    entry = {"flagged": bool(flagged), "reason": text}
    return _append_to(
        G,
        target,
        "flag",
        "flags",
        entry,
        {"flagged": bool(flagged)},
        actor=actor,
        reason=text,
        copy=copy,
        ontology=ontology,
    )
