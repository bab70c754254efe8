"""The dashboard's door to the knowledge graph and its curation (part of the datasource).

Reads (the run's graph as plain node and edge rows, the curation log) are cached like
:mod:`ui.datasource`; every edit runs in its own transaction, records ``actor`` and ``reason``, and clears
the caches so that the pages show the new state. Edits raise :class:`EditError` with the service's message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from foresight import curation
from foresight.db.models import Theme
from foresight.db.session import session_scope
from foresight.graph.service import GraphOptions, build_run_graph
from ui import datasource as ds

NODE_COLUMNS = (
    "node",
    "type",
    "label_en",
    "label_zh",
    "size",
    "hidden",
    "field",
    "growth",
    "escore",
    "burst",
)


class EditError(Exception):
    """A curation edit was refused (conflict, unknown id, invalid request…); the message says why."""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _graph(url: str, run_id: int) -> dict[str, list[dict[str, Any]]]:
    def work(session: Session) -> dict[str, list[dict[str, Any]]]:
        G = build_run_graph(session, run_id, GraphOptions(lineage=False))
        field_of = {v: u for u, v, d in G.edges(data=True) if d.get("type") == "contains"}
        nodes = []
        for node, data in G.nodes(data=True):
            scorecard = data.get("scorecard") or {}
            nodes.append(
                {
                    "node": str(node),
                    "type": str(data.get("type", "")),
                    "label_en": str(data.get("label_en") or node),
                    "label_zh": str(data.get("label_zh") or ""),
                    "size": _number(data.get("size")),
                    "hidden": bool(data.get("hidden", False)),
                    "field": field_of.get(node),
                    "growth": _number(scorecard.get("log_share_slope", data.get("growth"))),
                    "escore": _number(scorecard.get("escore", data.get("escore"))),
                    "burst": _number(scorecard.get("burst", data.get("burst"))),
                }
            )
        edges = [
            {
                "source": str(u),
                "target": str(v),
                "type": str(d.get("type", k)),
                "weight": _number(d.get("weight")),
            }
            for u, v, k, d in G.edges(keys=True, data=True)
        ]
        return {"nodes": nodes, "edges": edges}

    result: dict[str, list[dict[str, Any]]] = ds._read(url, work)
    return result


def graph(run_id: int) -> dict[str, list[dict[str, Any]]]:
    """The run's knowledge graph: ``nodes`` (id, type, labels, size, hidden, field, indicators) and
    ``edges`` (source, target, type, weight); empty lists when it cannot be built."""
    try:
        return _graph(ds.database_url(), run_id)
    except Exception:  # no run, or a service problem: the page shows its empty state
        return {"nodes": [], "edges": []}


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _log(url: str, run_id: int) -> list[dict[str, Any]]:
    return list(ds._read(url, lambda session: curation.log(session, run_id)))


def edit_log(run_id: int) -> list[dict[str, Any]]:
    """The run's curation log, oldest first (id, op, status, actor, reason, created_at…)."""
    return _log(ds.database_url(), run_id)


def _mentions(payload: Any, theme_id: int) -> bool:
    """Whether a log payload names the theme (``theme_id``, ``theme_ids``, ``source_id``, ``theme:<id>``…)."""
    if isinstance(payload, dict):
        return any(
            _mentions(value, theme_id)
            if isinstance(value, dict | list)
            else ("theme" in key or key in {"source_id", "target_id", "source", "target", "node"})
            and value in (theme_id, f"theme:{theme_id}")
            for key, value in payload.items()
        )
    if isinstance(payload, list):
        return any(item in (theme_id, f"theme:{theme_id}") or _mentions(item, theme_id) for item in payload)
    return False


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _theme_history(url: str, theme_id: int) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        theme = session.get(Theme, theme_id)
        if theme is None:
            return []
        return [
            {key: op[key] for key in ("created_at", "actor", "op", "status", "reason")}
            for op in reversed(curation.log(session, theme.run_id))
            if _mentions(op.get("payload") or {}, theme_id)
        ]

    return list(ds._read(url, work))


def theme_history(theme_id: int) -> list[dict[str, Any]]:
    """Curation edits naming a theme (when, who, what, status, why), newest first."""
    return _theme_history(ds.database_url(), theme_id)


def _edit(work: Callable[[Session], Any]) -> Any:
    try:
        with session_scope(ds.engine()) as session:
            result = work(session)
    except (curation.CurationError, ValueError, LookupError) as exc:
        raise EditError(str(exc)) from exc
    ds.clear_caches()
    return result


def _summary(result: curation.OpResult) -> dict[str, Any]:
    return {"op_id": result.op_id, "op": result.op, "themes": result.themes, "created": result.created}


def relabel(theme_id: int, label_en: str, label_zh: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Rename a theme (empty labels are left as they are)."""
    return _summary(
        _edit(
            lambda s: curation.relabel(
                s, theme_id, label_en=label_en or None, label_zh=label_zh or None, actor=actor, reason=reason
            )
        )
    )


def merge(theme_ids: Sequence[int], label_en: str, *, actor: str, reason: str) -> dict[str, Any]:
    """Merge themes into a new one."""
    ids = [int(i) for i in theme_ids]
    return _summary(
        _edit(lambda s: curation.merge(s, ids, label_en=label_en or None, actor=actor, reason=reason))
    )


def preview_split(
    theme_id: int, parts: Sequence[Sequence[int]] | None, n_parts: int | None
) -> list[dict[str, Any]]:
    """Proposed parts of a split (documents, size, keywords, label) without writing anything."""
    chosen = [[int(d) for d in p] for p in parts] if parts is not None else None
    try:
        with session_scope(ds.engine()) as session:
            preview = curation.preview_split(session, theme_id, n_parts=n_parts, parts=chosen)
            return [
                {
                    "documents": [int(d) for d in p["documents"]],
                    "size": int(p["size"]),
                    "keywords": [str(k[0]) if isinstance(k, list | tuple) else str(k) for k in p["keywords"]][
                        :8
                    ],
                    "label": str(p.get("label_en") or p.get("label") or ""),
                }
                for p in preview.parts
            ]
    except (curation.CurationError, ValueError, LookupError) as exc:
        raise EditError(str(exc)) from exc


def split(theme_id: int, parts: Sequence[Sequence[int]], *, actor: str, reason: str) -> dict[str, Any]:
    """Split a theme into the given parts (document ids)."""
    chosen = [[int(d) for d in p] for p in parts]
    return _summary(_edit(lambda s: curation.split(s, theme_id, chosen, actor=actor, reason=reason)))


def hide(theme_ids: Sequence[int], *, actor: str, reason: str) -> dict[str, Any]:
    """Hide themes (kept in the store, left out of views)."""
    ids = [int(i) for i in theme_ids]
    return _summary(_edit(lambda s: curation.hide(s, ids, actor=actor, reason=reason)))


def delete(theme_ids: Sequence[int], *, actor: str, reason: str) -> dict[str, Any]:
    """Delete themes (their documents become unassigned)."""
    ids = [int(i) for i in theme_ids]
    return _summary(_edit(lambda s: curation.delete(s, ids, actor=actor, reason=reason)))


def move_documents(
    documents: Sequence[int], source_id: int, target_id: int, *, actor: str, reason: str
) -> dict[str, Any]:
    """Move documents from one theme to another."""
    docs = [int(d) for d in documents]
    return _summary(
        _edit(lambda s: curation.move_documents(s, docs, source_id, target_id, actor=actor, reason=reason))
    )


def link(source: str, target: str, edge_type: str, *, run_id: int, actor: str, reason: str) -> dict[str, Any]:
    """Add an analyst link between two nodes of the run's graph."""
    return _summary(
        _edit(
            lambda s: curation.link(s, source, target, edge_type, run_id=run_id, actor=actor, reason=reason)
        )
    )


def annotate(target: str, note: str, *, run_id: int, actor: str, reason: str) -> dict[str, Any]:
    """Attach a note to a node of the run's graph."""
    return _summary(
        _edit(lambda s: curation.annotate(s, target, note, run_id=run_id, actor=actor, reason=reason))
    )


def undo(run_id: int, *, actor: str, reason: str) -> dict[str, Any]:
    """Undo the run's latest effective edit."""
    return _summary(_edit(lambda s: curation.undo(s, run_id=run_id, actor=actor, reason=reason)))


def redo(run_id: int, *, actor: str, reason: str) -> dict[str, Any]:
    """Redo the run's latest undone edit."""
    return _summary(_edit(lambda s: curation.redo(s, run_id=run_id, actor=actor, reason=reason)))


def clear_caches() -> None:
    """Forget the cached graph and log (also done by :func:`ui.datasource.clear_caches`)."""
    _graph.clear()
    _log.clear()
    _theme_history.clear()


ds.on_clear(clear_caches)
