"""Fingerprints of the store state an index depends on: a quick one for every search, a full one.

- ``quick_fingerprint`` reads only what indexes answer at once: the number and largest id of the
  documents and of the import batches (imports and merges), and for a run its status, corpus
  fingerprint, memberships count and themes (count, largest id, sum of versions, number hidden — every
  curation edit bumps a theme's version). About a millisecond on 40,000 documents.
- ``store_fingerprint`` adds what needs a scan of the documents table: the latest ``updated_at`` and the
  number of restricted documents (edits in place, access changes), and the sum of the run's membership
  theme ids. About 100 ms on 40,000 documents in SQLite, so ``IndexCache`` runs it at most every few
  seconds (``full_check_seconds``); restricted documents are hidden from the fresh rows whatever the
  index says, so a stale index never shows restricted text.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from foresight.db.models import AnalysisRun, Document, ImportBatch, Theme, ThemeMembership
from foresight.search.index import IndexScope
from foresight.search.spaces import SearchError

__all__ = ["quick_fingerprint", "store_fingerprint"]


def _digest(parts: list[Any]) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def _quick_parts(session: Session, scope: IndexScope) -> list[Any]:
    parts: list[Any] = list(
        session.execute(select(func.count(), func.max(Document.id)).select_from(Document)).one()
    )
    parts += session.execute(
        select(func.count(), func.max(ImportBatch.id), func.sum(ImportBatch.n_merged)).select_from(
            ImportBatch
        )
    ).one()
    if scope.run_id is None:
        return parts
    run = session.get(AnalysisRun, scope.run_id)
    if run is None:
        raise SearchError(f"analysis run {scope.run_id} does not exist")
    parts += [run.id, run.status, run.corpus_fingerprint]
    parts.append(session.scalar(select(func.count()).where(ThemeMembership.run_id == scope.run_id)))
    hidden = func.sum(case((Theme.hidden.is_(True), 1), else_=0))
    parts += session.execute(
        select(func.count(Theme.id), func.max(Theme.id), func.sum(Theme.version), hidden).where(
            Theme.run_id == scope.run_id
        )
    ).one()
    return parts


def quick_fingerprint(session: Session, scope: IndexScope) -> str:
    """Digest of the cheap, index-answered parts of the state (see the module docstring)."""
    return _digest(_quick_parts(session, scope))


def store_fingerprint(session: Session, scope: IndexScope) -> str:
    """Digest of everything an index of ``scope`` depends on (see the module docstring).

    Raises
    ------
    SearchError
        When the scope's run does not exist.
    """
    parts = _quick_parts(session, scope)
    restricted = func.sum(case((Document.access_level == "restricted", 1), else_=0))
    parts += session.execute(select(func.max(Document.updated_at), restricted)).one()
    if scope.run_id is not None:
        parts.append(
            session.scalar(
                select(func.sum(func.coalesce(ThemeMembership.theme_id, 0))).where(
                    ThemeMembership.run_id == scope.run_id
                )
            )
        )
    return _digest(parts)
