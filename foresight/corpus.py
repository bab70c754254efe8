"""Read-side services over the document store: statistics and listings that respect access levels."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import Document, ImportBatch

RESTRICTED_TEXT = "[restricted]"


def corpus_stats(session: Session) -> dict[str, Any]:
    """Counts of documents by kind, language, year and source format (restricted ones included)."""

    def counts(column: Any) -> dict[str, int]:
        rows = session.execute(select(column, func.count()).group_by(column).order_by(column)).all()
        return {("unknown" if key is None else str(key)): n for key, n in rows}

    total = session.scalar(select(func.count()).select_from(Document)) or 0
    restricted = session.scalar(select(func.count()).where(Document.access_level == "restricted")) or 0
    batches = session.scalar(select(func.count()).select_from(ImportBatch)) or 0
    return {
        "total": total,
        "restricted": restricted,
        "import_batches": batches,
        "by_kind": counts(Document.kind),
        "by_language": counts(Document.language),
        "by_year": counts(Document.year),
        "by_source_format": counts(Document.source_format),
    }


def document_view(doc: Document) -> dict[str, Any]:
    """A document as it may be shown: restricted documents keep their metadata, never their text."""
    hidden = doc.access_level == "restricted"
    return {
        "id": doc.id,
        "kind": doc.kind,
        "title": RESTRICTED_TEXT if hidden else doc.title,
        "abstract": None if hidden else doc.abstract,
        "language": doc.language,
        "year": doc.year,
        "publication_date": doc.publication_date.isoformat() if doc.publication_date else None,
        "doi": doc.doi,
        "arxiv_id": doc.arxiv_id,
        "patent_number": doc.patent_number,
        "source_id": doc.source_id,
        "authors": doc.authors,
        "organizations": doc.organizations,
        "countries": doc.countries,
        "keywords": [] if hidden else doc.keywords,
        "categories": doc.categories,
        "ipc_codes": doc.ipc_codes,
        "venue": doc.venue,
        "source_format": doc.source_format,
        "access_level": doc.access_level,
    }


def list_documents(
    session: Session,
    *,
    kind: str | None = None,
    language: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> list[dict[str, Any]]:
    stmt = select(Document).order_by(Document.id).limit(limit).offset(offset)
    if kind:
        stmt = stmt.where(Document.kind == kind)
    if language:
        stmt = stmt.where(Document.language == language)
    return [document_view(doc) for doc in session.scalars(stmt)]
