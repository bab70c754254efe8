"""Fingerprints of the store state an index depends on: a quick one for every search, a full one.

- ``quick_fingerprint`` reads only what an index or a small table answers at once: the largest document
  id, the import batches (count, largest id, records merged: imports and merges) and, for a run, its
  status and corpus fingerprint and its themes (count, largest id, sum of versions, number hidden:
  every curation edit bumps a theme's version). A few milliseconds on 40,000 documents.
- ``store_fingerprint`` adds what needs a scan: the number of documents (deletions), their latest
  ``updated_at`` and the number restricted (edits in place, access changes), and the run's memberships
  (count, sum of theme ids). 100-300 ms on 40,000 documents, so ``IndexCache`` reads it in the
  background every few seconds (``full_check_seconds``).
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
    batches = select(func.count(), func.max(ImportBatch.id), func.sum(ImportBatch.n_merged))
    parts: list[Any] = [session.scalar(select(func.max(Document.id)))]
    parts += session.execute(batches.select_from(ImportBatch)).one()
    if scope.run_id is None:
        return parts
    run = session.get(AnalysisRun, scope.run_id)
    if run is None:
        raise SearchError(f"analysis run {scope.run_id} does not exist")
    parts += [run.id, run.status, run.corpus_fingerprint]
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
    parts += session.execute(select(func.count(Document.id), func.max(Document.updated_at), restricted)).one()
    if scope.run_id is not None:
        members = select(func.count(), func.sum(func.coalesce(ThemeMembership.theme_id, 0)))
        parts += session.execute(members.where(ThemeMembership.run_id == scope.run_id)).one()
    return _digest(parts)
