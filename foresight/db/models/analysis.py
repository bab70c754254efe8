"""Analysis runs and their results: themes, fields (the level above themes) and memberships."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foresight.db.base import Base, utcnow


class AnalysisRun(Base):
    """One execution of the theme pipeline, with everything needed to reproduce and explain it."""

    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="running")
    label: Mapped[str | None] = mapped_column(String(200))
    seed: Mapped[int] = mapped_column(Integer)
    model_id: Mapped[str] = mapped_column(String(255))
    representation: Mapped[str] = mapped_column(String(20), doc="neural, lexical or fused")
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    corpus_fingerprint: Mapped[str] = mapped_column(String(64))
    n_documents: Mapped[int] = mapped_column(Integer, default=0)
    n_themes: Mapped[int] = mapped_column(Integer, default=0)
    n_fields: Mapped[int] = mapped_column(Integer, default=0)
    noise_share: Mapped[float | None] = mapped_column(Float)
    versions: Mapped[dict[str, Any]] = mapped_column(default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    warnings: Mapped[list[str]] = mapped_column(default=list)
    previous_run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_runs.id"))

    themes: Mapped[list[Theme]] = relationship(back_populates="run", order_by="Theme.number")
    fields: Mapped[list[ThemeField]] = relationship(back_populates="run", order_by="ThemeField.number")


class ThemeField(Base):
    """A field: a group of themes (agglomerative clustering of theme centroids)."""

    __tablename__ = "theme_fields"
    __table_args__ = (UniqueConstraint("run_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    label_en: Mapped[str] = mapped_column(Text, default="")
    label_zh: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)

    run: Mapped[AnalysisRun] = relationship(back_populates="fields")
    themes: Mapped[list[Theme]] = relationship(back_populates="field")


class Theme(Base):
    """A theme of one run: labels, keywords, centroid, size, quality, and a lineage id stable across runs."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("run_id", "number"), Index("ix_themes_lineage_id", "lineage_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer, doc="Cluster number within the run.")
    field_id: Mapped[int | None] = mapped_column(ForeignKey("theme_fields.id", ondelete="SET NULL"))
    label_en: Mapped[str] = mapped_column(Text, default="")
    label_zh: Mapped[str] = mapped_column(Text, default="")
    keywords: Mapped[list[Any]] = mapped_column(default=list, doc="[[term, weight], …] by c-TF-IDF.")
    size: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    representative_doc_ids: Mapped[list[Any]] = mapped_column(default=list)
    quality: Mapped[dict[str, Any]] = mapped_column(default=dict)
    lineage_id: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(String(20), default="machine", doc="machine, merge, split")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    run: Mapped[AnalysisRun] = relationship(back_populates="themes")
    field: Mapped[ThemeField | None] = relationship(back_populates="themes")


class ThemeMembership(Base):
    """Which theme a document belongs to in a run (``theme_id`` null: left as noise)."""

    __tablename__ = "theme_memberships"
    __table_args__ = (
        UniqueConstraint("run_id", "document_id"),
        Index("ix_theme_memberships_theme_id", "theme_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    probability: Mapped[float] = mapped_column(Float, default=0.0)
    reassigned: Mapped[bool] = mapped_column(Boolean, default=False, doc="Noise point moved to a theme.")
    x: Mapped[float | None] = mapped_column(Float, doc="2-D map coordinate.")
    y: Mapped[float | None] = mapped_column(Float)
