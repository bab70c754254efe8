"""Curation operations on themes that change no memberships: relabel, hide, delete. Links, notes and
flags are in :mod:`foresight.curation.edges`; merge, split and moving documents in
:mod:`foresight.curation.restructure`; undo and redo in :mod:`foresight.curation.history`.

Each operation takes a session, checks the request (raising a :class:`knowledge_graph.CurationError`
subclass before writing anything), changes the rows, increments ``Theme.version`` of every theme it
changes and appends one ``curation_ops`` row with the before/after state and the graph-level
:class:`knowledge_graph.CurationRecord`. The caller's ``session_scope`` commits all of it or nothing.
Pass ``expected_version`` (what the client last read) to refuse edits based on a stale view with a
:class:`~foresight.curation.errors.ConflictError`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.curation.core import (
    OpResult,
    OpTransaction,
    Provenance,
    Versions,
    active_themes,
    check_versions,
    members_of,
    theme_node,
    theme_subgraph,
)
from foresight.curation.state import Touched
from foresight.db.models import RetiredTheme, ThemeMembership
from knowledge_graph.errors import InvalidRequestError

__all__ = ["delete", "hide", "relabel"]


def relabel(
    session: Session,
    theme_id: int,
    *,
    label_en: str | None = None,
    label_zh: str | None = None,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Give a theme a new English and/or Chinese label.

    Raises
    ------
    UnknownIdError, InvalidRequestError (no or blank label, no actor), ConflictError
    """
    theme = active_themes(session, [theme_id])[int(theme_id)]
    check_versions({theme.id: theme}, expected_version)
    G = theme_subgraph(session, [theme], {theme.id: []})
    _, record = kg.relabel(
        G, theme_node(theme.id), label_en=label_en, label_zh=label_zh, actor=actor, reason=reason, copy=False
    )
    payload = {"theme_id": theme.id, **{k: v for k, v in record.payload.items() if k != "node"}}
    tx = OpTransaction(
        session,
        theme.run_id,
        "relabel",
        actor=actor,
        reason=reason,
        payload=payload,
        touched=Touched(themes={theme.id}),
        provenance=provenance,
    )
    if "label_en" in payload:
        theme.label_en = payload["label_en"]
    if "label_zh" in payload:
        theme.label_zh = payload["label_zh"]
    theme.version += 1
    return tx.finish(record, themes=[theme.id])


def hide(
    session: Session,
    theme_ids: int | Sequence[int],
    *,
    hidden: bool = True,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Hide themes from lists, graphs and exports (``hidden=False`` shows them again); nothing is lost."""
    ids = [int(theme_ids)] if isinstance(theme_ids, int) else [int(i) for i in dict.fromkeys(theme_ids)]
    if not ids:
        raise InvalidRequestError("hide needs at least one theme")
    themes = active_themes(session, ids)
    check_versions(themes, expected_version)
    G = theme_subgraph(session, list(themes.values()), {i: [] for i in ids})
    _, record = kg.hide(
        G, [theme_node(i) for i in ids], hidden=hidden, actor=actor, reason=reason, copy=False
    )
    run_id = next(iter(themes.values())).run_id
    tx = OpTransaction(
        session,
        run_id,
        "hide",
        actor=actor,
        reason=reason,
        payload={"theme_ids": ids, "hidden": bool(hidden)},
        touched=Touched(themes=set(ids)),
        provenance=provenance,
    )
    for t in themes.values():
        t.hidden = bool(hidden)
        t.version += 1
    return tx.finish(record, themes=ids)


def delete(
    session: Session,
    theme_ids: int | Sequence[int],
    *,
    actor: str,
    reason: str = "",
    expected_version: Versions = None,
    provenance: Provenance | None = None,
) -> OpResult:
    """Delete themes: they are retired (kept, hidden, restorable by undo) and their documents become
    unassigned (noise) in the run."""
    ids = [int(theme_ids)] if isinstance(theme_ids, int) else [int(i) for i in dict.fromkeys(theme_ids)]
    if not ids:
        raise InvalidRequestError("delete needs at least one theme")
    themes = active_themes(session, ids)
    check_versions(themes, expected_version)
    run_id = next(iter(themes.values())).run_id
    members = members_of(session, run_id, ids)
    G = theme_subgraph(session, list(themes.values()), members)
    _, record = kg.delete(G, [theme_node(i) for i in ids], actor=actor, reason=reason, copy=False)
    docs = {d for m in members.values() for d in m}
    tx = OpTransaction(
        session,
        run_id,
        "delete",
        actor=actor,
        reason=reason,
        payload={"theme_ids": ids},
        touched=Touched(themes=set(ids), documents=docs),
        provenance=provenance,
    )
    session.execute(
        update(ThemeMembership)
        .where(ThemeMembership.run_id == run_id, ThemeMembership.theme_id.in_(ids))
        .values(theme_id=None),
        execution_options={"synchronize_session": False},
    )
    for t in themes.values():
        session.add(
            RetiredTheme(
                theme_id=t.id,
                run_id=run_id,
                reason="deleted",
                op_id=tx.op_id,
                successor_ids=[],
                documents=members[t.id],
            )
        )
        t.hidden, t.size = True, 0
        t.version += 1
    return tx.finish(record, themes=ids)
