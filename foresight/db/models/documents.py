"""Typed models of the document store.

The schema is created only by the Alembic migrations in ``foresight/db/migrations``; a test checks that
these models and the migrations agree.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foresight.db.base import Base, utcnow

DOCUMENT_KINDS = ("paper", "patent", "project", "news", "policy", "other")
LANGUAGES = ("zh", "en", "other")
ACCESS_LEVELS = ("public", "restricted")


class ImportBatch(Base):
    """One imported file: what was read and what it did to the store."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(1024))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_format: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="running")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    n_read: Mapped[int] = mapped_column(Integer, default=0)
    n_new: Mapped[int] = mapped_column(Integer, default=0)
    n_merged: Mapped[int] = mapped_column(Integer, default=0)
    n_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    n_rejected: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Document(Base):
    """One normalized document: paper, patent, project, news item or policy text."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(f"kind IN {DOCUMENT_KINDS!r}", name="kind"),
        CheckConstraint(f"language IN {LANGUAGES!r}", name="language"),
        CheckConstraint(f"access_level IN {ACCESS_LEVELS!r}", name="access_level"),
        UniqueConstraint("doi"),
        UniqueConstraint("arxiv_id"),
        UniqueConstraint("patent_key"),
        Index("ix_documents_kind_year", "kind", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="paper")
    title: Mapped[str] = mapped_column(Text)
    abstract: Mapped[str | None] = mapped_column(Text)
    full_text: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8), default="other", index=True)

    publication_date: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    priority_date: Mapped[date | None] = mapped_column(Date)
    application_date: Mapped[date | None] = mapped_column(Date)
    grant_date: Mapped[date | None] = mapped_column(Date)

    doi: Mapped[str | None] = mapped_column(String(255))
    arxiv_id: Mapped[str | None] = mapped_column(String(64))
    patent_number: Mapped[str | None] = mapped_column(String(64))
    patent_key: Mapped[str | None] = mapped_column(String(64))
    family_id: Mapped[str | None] = mapped_column(String(64), index=True)
    source_id: Mapped[str | None] = mapped_column(String(255))
    identifiers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    title_key: Mapped[str] = mapped_column(String(80), index=True)

    authors: Mapped[list[str]] = mapped_column(default=list)
    organizations: Mapped[list[str]] = mapped_column(default=list)
    countries: Mapped[list[str]] = mapped_column(default=list)
    keywords: Mapped[list[str]] = mapped_column(default=list)
    categories: Mapped[list[str]] = mapped_column(default=list)
    ipc_codes: Mapped[list[str]] = mapped_column(default=list)
    cpc_codes: Mapped[list[str]] = mapped_column(default=list)

    venue: Mapped[str | None] = mapped_column(Text)
    patent_office: Mapped[str | None] = mapped_column(String(8))
    citation_count: Mapped[int | None] = mapped_column(Integer)
    url: Mapped[str | None] = mapped_column(Text)

    source_format: Mapped[str] = mapped_column(String(40))
    import_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    access_level: Mapped[str] = mapped_column(String(16), default="public")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    sources: Mapped[list[DocumentSource]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentSource.id"
    )

    @property
    def is_restricted(self) -> bool:
        return self.access_level == "restricted"


class DocumentSource(Base):
    """Provenance: one source record (as read from a file) that created or enriched a document."""

    __tablename__ = "document_sources"
    __table_args__ = (UniqueConstraint("record_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    import_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id"), index=True)
    source_format: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(String(1100), doc="File and line or record number.")
    record_hash: Mapped[str] = mapped_column(String(64))
    #: Plain JSON (text) even on PostgreSQL: kept verbatim for provenance, never queried, and far cheaper
    #: to write than JSONB. On PostgreSQL it is TOAST-compressed with LZ4 where the server has it
    #: (migration 0012; SQLAlchemy has no notation for a column's compression method).
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)

    document: Mapped[Document] = relationship(back_populates="sources")
