"""Curation of a run's graph edges and notes: link, unlink, annotate, flag.

Links join any two nodes the ontology allows (themes of the run, scenarios, fields, organizations,
keywords, Delphi items); they are stored in ``graph_links`` (``added``), and unlinking a machine-made edge
stores a ``suppressed`` row so that rebuilding the graph leaves it out. Notes and "wrong" flags on nodes
or edges are ``annotations`` rows. Same conventions as :mod:`foresight.curation.service`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.curation.core import OpResult, OpTransaction, Provenance, active_themes, theme_subgraph
from foresight.curation.errors import CrossRunError, UnknownIdError
from foresight.curation.state import Touched
from foresight.db.models import Annotation, GraphLink, Theme
from foresight.graph.sources import UnknownGraphNodeError, machine_edge_weight, resolve_node
from knowledge_graph.errors import ForbiddenEdgeError, InvalidRequestError, UnknownEdgeError
from knowledge_graph.graph import add_typed_node, new_graph

__all__ = ["EdgeRef", "annotate", "flag", "link", "unlink"]

EdgeRef = tuple[int | str, int | str, str]


def _endpoint(session: Session, node: int | str, run_id: int | None) -> tuple[str, str, int | None]:
    try:
        return resolve_node(session, node, run_id)
    except UnknownGraphNodeError as exc:
        raise UnknownIdError(str(exc)) from None


def _run_of(session: Session, nodes: Sequence[tuple[str, str, int | None]], run_id: int | None) -> int:
    runs = {r for _, _, r in nodes if r is not None}
    if run_id is not None:
        runs.add(int(run_id))
    if len(runs) > 1:
        raise CrossRunError(f"the nodes belong to different runs: {sorted(runs)}")
    if not runs:
        raise InvalidRequestError("name a theme or give run_id: the link must belong to an analysis run")
    theme_ids = [int(n.split(":", 1)[1]) for n, t, _ in nodes if t == "theme"]
    if theme_ids:
        active_themes(session, theme_ids)
    return runs.pop()


def _edge_graph(
    nodes: Sequence[tuple[str, str, int | None]], edge: tuple[str, str, str, dict[str, Any]] | None
) -> nx.MultiDiGraph:
    G = new_graph()
    for node, node_type, _ in nodes:
        add_typed_node(G, node, node_type, label_en=node)
    if edge is not None:
        u, v, k, data = edge
        G.add_edge(u, v, key=k, **data)
    return G


def _oriented(nodes: Sequence[tuple[str, str, int | None]], edge_type: str) -> tuple[str, str]:
    """The stored orientation of an edge between the two nodes (undirected types: canonical order).

    Raises
    ------
    ForbiddenEdgeError
        Unknown edge type, or one the ontology does not allow between the nodes' types.
    """
    onto = kg.default_ontology()
    et = onto.edge_types.get(edge_type)
    if et is None:
        raise ForbiddenEdgeError(
            f"unknown edge type {edge_type!r} (known: {', '.join(sorted(onto.edge_types))})"
        )
    (u, tu, _), (v, tv, _) = nodes
    pair = et.orient(u, tu, v, tv)
    if pair is None:
        raise ForbiddenEdgeError(f"the ontology does not allow {edge_type!r} from {tu!r} to {tv!r}")
    return str(pair[0]), str(pair[1])


def _stored_link(session: Session, run_id: int, u: str, v: str, edge_type: str) -> GraphLink | None:
    """The run's link row for the edge ``u -> v`` as stored (oriented)."""
    return session.scalar(
        select(GraphLink).where(
            GraphLink.run_id == run_id,
            GraphLink.edge_type == edge_type,
            GraphLink.source == u,
            GraphLink.target == v,
        )
    )


def link(
    session: Session,
    source: int | str,
    target: int | str,
    edge_type: str,
    *,
    weight: float = 1.0,
    attrs: Mapping[str, Any] | None = None,
    actor: str,
    reason: str = "",
    run_id: int | None = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Add an analyst-made edge (any type the ontology allows between the two nodes) to a run's graph.

    Nodes are theme ids or node ids (see :func:`foresight.graph.sources.resolve_node`). Linking an edge
    an earlier unlink suppressed restores it with the new weight.
    """
    nodes = [_endpoint(session, source, run_id), _endpoint(session, target, run_id)]
    run = _run_of(session, nodes, run_id)
    G = _edge_graph(nodes, None)
    _, record = kg.link(
        G,
        nodes[0][0],
        nodes[1][0],
        edge_type,
        weight=weight,
        attrs=attrs,
        actor=actor,
        reason=reason,
        copy=False,
    )
    u, v = record.payload["source"], record.payload["target"]
    existing = _stored_link(session, run, u, v, edge_type)
    payload = {
        "source": u,
        "target": v,
        "edge_type": edge_type,
        "weight": float(weight),
        "attrs": dict(attrs or {}),
    }
    tx = OpTransaction(
        session,
        run,
        "link",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(links={existing.id} if existing else set()),
        provenance=provenance,
    )
    row = existing or GraphLink(run_id=run, source=u, target=v, edge_type=edge_type)
    row.kind, row.weight, row.attrs, row.actor, row.op_id = (
        "added",
        float(weight),
        dict(attrs or {}),
        actor,
        tx.op_id,
    )
    if existing is None:
        session.add(row)
        session.flush()
        tx.created(links=[row.id])
    return tx.finish(record, themes=[int(n.split(":", 1)[1]) for n, t, _ in nodes if t == "theme"])


def unlink(
    session: Session,
    source: int | str,
    target: int | str,
    edge_type: str,
    *,
    actor: str,
    reason: str = "",
    run_id: int | None = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Remove an edge from a run's graph: an analyst-made one is deleted, a machine-made one (similarity,
    keyword, scenario …) is suppressed so that rebuilding the graph leaves it out.

    Raises
    ------
    UnknownEdgeError
        The graph has no such edge.
    """
    nodes = [_endpoint(session, source, run_id), _endpoint(session, target, run_id)]
    run = _run_of(session, nodes, run_id)
    u, v = _oriented(nodes, edge_type)
    existing = _stored_link(session, run, u, v, edge_type)
    if existing is not None and existing.kind == "added":
        data = {"type": edge_type, "weight": existing.weight, "curated": True, **existing.attrs}
        edge = (existing.source, existing.target, edge_type, data)
    else:
        weight = None if existing is not None else machine_edge_weight(session, run, u, v, edge_type)
        if weight is None:
            raise UnknownEdgeError(f"the graph of run {run} has no {edge_type!r} edge between {u} and {v}")
        edge = (u, v, edge_type, {"type": edge_type, "weight": weight})
    G = _edge_graph(nodes, edge)
    _, record = kg.unlink(G, u, v, edge_type, actor=actor, reason=reason, copy=False)
    payload = {"source": edge[0], "target": edge[1], "edge_type": edge_type}
    tx = OpTransaction(
        session,
        run,
        "unlink",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(links={existing.id} if existing else set()),
        provenance=provenance,
    )
    if existing is not None:
        session.delete(existing)
    else:
        row = GraphLink(
            run_id=run,
            source=edge[0],
            target=edge[1],
            edge_type=edge_type,
            kind="suppressed",
            weight=float(edge[3]["weight"]),
            attrs={},
            actor=actor,
            op_id=tx.op_id,
        )
        session.add(row)
        session.flush()
        tx.created(links=[row.id])
    return tx.finish(record, themes=[int(n.split(":", 1)[1]) for n, t, _ in nodes if t == "theme"])


def _target(
    session: Session, target: int | str | EdgeRef, run_id: int | None
) -> tuple[int, str, Any, list[Any]]:
    """``(run id, stored target text, graph target, resolved nodes)`` of a node or an edge triple."""
    if isinstance(target, tuple | list):
        u, v, edge_type = target
        nodes = [_endpoint(session, u, run_id), _endpoint(session, v, run_id)]
        run = _run_of(session, nodes, run_id)
        a, b = _oriented(nodes, edge_type)
        stored = _stored_link(session, run, a, b, edge_type)
        weight = stored.weight if stored is not None and stored.kind == "added" else None
        if weight is None:
            weight = machine_edge_weight(session, run, a, b, edge_type)
        if weight is None:
            raise UnknownEdgeError(f"the graph of run {run} has no {edge_type!r} edge between {a} and {b}")
        return run, f"{a}|{b}|{edge_type}", (a, b, edge_type), nodes
    node = _endpoint(session, target, run_id)
    run = _run_of(session, [node], run_id)
    return run, node[0], node[0], [node]


def _annotate(
    session: Session,
    target: int | str | EdgeRef,
    kind: str,
    text: str,
    *,
    flagged: bool | None,
    actor: str,
    reason: str,
    run_id: int | None,
    provenance: Provenance | None,
) -> OpResult:
    run, stored, graph_target, nodes = _target(session, target, run_id)
    theme_ids = [int(n.split(":", 1)[1]) for n, t, _ in nodes if t == "theme"]
    if isinstance(graph_target, tuple):
        G = _edge_graph(nodes, (*graph_target, {"type": graph_target[2], "weight": 1.0}))
    else:
        themes = [session.get(Theme, i) for i in theme_ids]
        G = (
            theme_subgraph(session, [t for t in themes if t], {i: [] for i in theme_ids})
            if theme_ids
            else _edge_graph(nodes, None)
        )
    if kind == "note":
        _, record = kg.annotate(G, graph_target, text, actor=actor, reason=reason, copy=False)
    else:
        _, record = kg.flag(G, graph_target, actor=actor, reason=text, flagged=bool(flagged), copy=False)
    payload = {
        "target": stored,
        "text": text.strip(),
        **({"flagged": bool(flagged)} if kind == "flag" else {}),
    }
    tx = OpTransaction(
        session,
        run,
        "annotate" if kind == "note" else "flag",
        actor=actor,
        reason=reason if kind == "note" else text.strip(),
        payload=payload,
        touched=Touched(themes=set() if isinstance(graph_target, tuple) else set(theme_ids)),
        provenance=provenance,
    )
    row = Annotation(
        run_id=run, target=stored, kind=kind, text=text.strip(), flagged=flagged, actor=actor, op_id=tx.op_id
    )
    session.add(row)
    session.flush()
    tx.created(annotations=[row.id])
    if not isinstance(graph_target, tuple):
        for theme in session.scalars(select(Theme).where(Theme.id.in_(theme_ids))):
            theme.version += 1
    return tx.finish(record, themes=theme_ids)


def annotate(
    session: Session,
    target: int | str | EdgeRef,
    note: str,
    *,
    actor: str,
    reason: str = "",
    run_id: int | None = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Attach a note to a theme, another node or an edge ``(u, v, edge_type)`` of a run's graph."""
    return _annotate(
        session,
        target,
        "note",
        note,
        flagged=None,
        actor=actor,
        reason=reason,
        run_id=run_id,
        provenance=provenance,
    )


def flag(
    session: Session,
    target: int | str | EdgeRef,
    *,
    reason: str,
    actor: str,
    flagged: bool = True,
    run_id: int | None = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Flag a theme, node or edge as wrong, with the reason (``flagged=False`` withdraws the flag)."""
    if not str(reason or "").strip():
        raise InvalidRequestError("flagging needs a reason")
    return _annotate(
        session,
        target,
        "flag",
        reason,
        flagged=flagged,
        actor=actor,
        reason=reason,
        run_id=run_id,
        provenance=provenance,
    )
