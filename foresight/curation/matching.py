"""Successors of curated themes in the next run, at national scale.

The matching is that of :func:`foresight.monitoring.lineage.match_themes` (combined centroid, document
and keyword similarity; one-to-one assignment, then merge and split links). Comparing every pair of two
5,000-theme runs in Python would take minutes, so the themes are first grouped: an earlier theme and a
later one are *candidates* when they share a document (or, for an earlier theme sharing none, when the
later one is among its 3 nearest centroids), and ``match_themes`` runs on each connected component of
the candidate graph that contains a curated theme. Pairs in different components share no document and
are not near neighbours, so they could only have matched below the thresholds anyway.

The earlier run's side is its machine-made themes as they were before curation changed them: hidden
and retired ones included, a retired theme with the documents it had when it was retired.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import RetiredTheme, Theme, ThemeMembership
from foresight.monitoring.lineage import ThemeSignature, match_themes
from foresight.themes.persist import decode_centroid

__all__ = ["signatures", "successors"]

NEAREST = 3


def _documents(session: Session, run_id: int, *, earlier: bool) -> dict[int, frozenset[int]]:
    """Member documents of a run's themes: for the earlier run its machine themes (retired ones with the
    documents they had when retired), for the later run every theme not retired."""
    stmt = select(Theme.id).where(Theme.run_id == run_id)
    if earlier:
        stmt = stmt.where(Theme.origin == "machine")
    ids = set(session.scalars(stmt))
    retired: dict[int, list[int]] = dict(
        session.execute(
            select(RetiredTheme.theme_id, RetiredTheme.documents).where(RetiredTheme.run_id == run_id)
        ).all()
    )
    members: dict[int, set[int]] = defaultdict(set)
    rows = session.execute(
        select(ThemeMembership.theme_id, ThemeMembership.document_id).where(
            ThemeMembership.run_id == run_id, ThemeMembership.theme_id.is_not(None)
        )
    )
    for theme_id, doc_id in rows:
        if theme_id is not None:
            members[theme_id].add(doc_id)
    out = {}
    for i in ids:
        if i in retired:
            if earlier:
                out[i] = frozenset(int(d) for d in retired[i])
        else:
            out[i] = frozenset(members.get(i, ()))
    return out


def signatures(
    session: Session, documents: dict[int, frozenset[int]], ids: Iterable[int]
) -> list[ThemeSignature]:
    """Signatures (centroid, documents, keywords) of the given themes, by id."""
    wanted = sorted(set(ids))
    out = []
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Theme.id, Theme.lineage_id, Theme.centroid, Theme.keywords).where(
                Theme.id.in_(wanted[start : start + 500])
            )
        )
        for theme_id, lineage_id, centroid, keywords in rows:
            out.append(
                ThemeSignature(
                    id=theme_id,
                    lineage_id=lineage_id,
                    centroid=decode_centroid(centroid) if centroid else None,
                    documents=documents.get(theme_id, frozenset()),
                    keywords={str(term): float(w) for term, w in keywords or []},
                )
            )
    return sorted(out, key=lambda sig: sig.id)


def _centroids(session: Session, ids: Iterable[int]) -> dict[int, np.ndarray]:
    wanted = sorted(set(ids))
    out = {}
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(Theme.id, Theme.centroid).where(Theme.id.in_(wanted[start : start + 500]))
        )
        out.update({i: decode_centroid(c) for i, c in rows if c})
    return out


def _nearest(old: dict[int, np.ndarray], new: dict[int, np.ndarray]) -> dict[int, list[int]]:
    """The ``NEAREST`` later themes by centroid cosine of each earlier theme (same dimension only)."""
    out: dict[int, list[int]] = {}
    if not old or not new:
        return out
    dim = next(iter(new.values())).shape[0]
    rows = [(i, v) for i, v in new.items() if v.shape[0] == dim]
    M = np.vstack([v for _, v in rows]).astype(np.float64)
    M /= np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)
    for theme_id, c in old.items():
        if c.shape[0] != dim:
            continue
        sims = M @ (c / max(float(np.linalg.norm(c)), 1e-12))
        out[theme_id] = [rows[i][0] for i in np.argsort(-sims)[:NEAREST]]
    return out


def successors(
    session: Session, from_run_id: int, to_run_id: int, involved: Iterable[int] | None = None
) -> dict[int, int]:
    """Machine theme of the earlier run → its successor in the later run (continue, merge, split).

    Parameters
    ----------
    session : Session
    from_run_id, to_run_id : int
    involved : iterable of int, optional
        Earlier themes whose successors are wanted (default: all); only their components are matched.

    Returns
    -------
    dict
        ``{earlier theme id: later theme id}``; themes that died are absent.
    """
    old_docs = _documents(session, from_run_id, earlier=True)
    new_docs = _documents(session, to_run_id, earlier=False)
    wanted = set(old_docs) if involved is None else set(involved) & set(old_docs)
    by_doc_new: dict[int, list[int]] = defaultdict(list)
    by_doc_old: dict[int, list[int]] = defaultdict(list)
    for theme_id, docs in new_docs.items():
        for d in docs:
            by_doc_new[d].append(theme_id)
    for theme_id, docs in old_docs.items():
        for d in docs:
            by_doc_old[d].append(theme_id)
    old_edges = {i: {n for d in old_docs[i] for n in by_doc_new.get(d, ())} for i in wanted}
    lonely = [i for i, e in old_edges.items() if not e]
    near = _nearest(_centroids(session, lonely), _centroids(session, new_docs)) if lonely else {}
    reverse_near: dict[int, set[int]] = defaultdict(set)
    for old_id, ns in near.items():
        old_edges[old_id] |= set(ns)
        for new_id in ns:
            reverse_near[new_id].add(old_id)
    out: dict[int, int] = {}
    seen_old: set[int] = set()
    for start in sorted(wanted):
        if start in seen_old:
            continue
        comp_old: set[int] = {start}
        comp_new: set[int] = set()
        queue: deque[tuple[str, int]] = deque([("old", start)])
        while queue:
            side, node = queue.popleft()
            if side == "old":
                nbrs = old_edges.get(node)
                if nbrs is None:
                    nbrs = {n for d in old_docs[node] for n in by_doc_new.get(d, ())}
                for new_id in nbrs - comp_new:
                    comp_new.add(new_id)
                    queue.append(("new", new_id))
            else:
                olds = {i for d in new_docs[node] for i in by_doc_old.get(d, ())} | reverse_near[node]
                for other in olds - comp_old:
                    comp_old.add(other)
                    queue.append(("old", other))
        seen_old |= comp_old
        events = match_themes(
            signatures(session, old_docs, comp_old), signatures(session, new_docs, comp_new)
        )
        for e in events:
            if e.event in ("continue", "split"):
                out[e.from_ids[0]] = e.to_ids[0]
            elif e.event == "merge":
                out.update(dict.fromkeys(e.from_ids, e.to_ids[0]))
    return {k: v for k, v in out.items() if involved is None or k in wanted}
