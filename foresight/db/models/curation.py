"""Human curation of the theme graph and the scenario catalogue.

``curation_ops`` is the append-only log of what analysts did to a run (who, when, why, and the before
and after state of every row touched, so an operation can be undone, redone and carried to the next
run); the other curation tables hold the current effect of those operations: themes taken out of a run
by a merge, split or delete (``retired_themes``), analyst-made or suppressed graph edges
(``graph_links``), notes and "wrong" flags (``annotations``) and the per-run term statistics that let
keywords be recomputed without re-reading the whole corpus (``run_term_stats``).

The scenario catalogue (``catalogue_fields``, ``scenarios``) is run-independent; ``theme_scenarios``
links the themes of one run to it, with scores and evidence.

The schema is created only by the Alembic migrations (``0006_curation``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from foresight.db.base import Base, utcnow

OPS = (
    "relabel",
    "merge",
    "split",
    "hide",
    "delete",
    "move_documents",
    "link",
    "unlink",
    "annotate",
    "flag",
    "undo",
    "redo",
)
OP_STATUSES = ("applied", "undone", "carried", "needs_review")
RETIRE_REASONS = ("merged", "split", "deleted")
LINK_KINDS = ("added", "suppressed")
ANNOTATION_KINDS = ("note", "flag")
SCENARIO_TIERS = ("major", "industry", "niche")
SCENARIO_DOMAINS = ("industry", "consumption", "society", "city", "digital-infrastructure")


class CurationOp(Base):
    """One curation operation on a run, append-only.

    ``before`` and ``after`` hold the state of every row the operation touched (themes, memberships,
    links, annotations, retirements; see ``foresight.curation.state``), ``record`` the
    ``knowledge_graph.CurationRecord`` of the same change on the graph. Rows are never deleted; only
    ``status`` and ``undone_at`` change when the operation is undone or redone.
    """

    __tablename__ = "curation_ops"
    __table_args__ = (
        CheckConstraint(f"op IN {OPS!r}", name="op"),
        CheckConstraint(f"status IN {OP_STATUSES!r}", name="status"),
        Index("ix_curation_ops_run_id_id", "run_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    op: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16), default="applied")
    actor: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    record: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undoes_op_id: Mapped[int | None] = mapped_column(ForeignKey("curation_ops.id", ondelete="SET NULL"))
    redoes_op_id: Mapped[int | None] = mapped_column(ForeignKey("curation_ops.id", ondelete="SET NULL"))
    carried_from_op_id: Mapped[int | None] = mapped_column(
        ForeignKey("curation_ops.id", ondelete="SET NULL"), index=True
    )
    review_reason: Mapped[str | None] = mapped_column(Text, doc="Why a carried operation needs review.")


class RetiredTheme(Base):
    """A theme taken out of its run by a merge, split or delete (kept, hidden, for history and undo)."""

    __tablename__ = "retired_themes"
    __table_args__ = (CheckConstraint(f"reason IN {RETIRE_REASONS!r}", name="reason"),)

    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(12))
    op_id: Mapped[int | None] = mapped_column(ForeignKey("curation_ops.id", ondelete="SET NULL"))
    successor_ids: Mapped[list[Any]] = mapped_column(default=list)
    documents: Mapped[list[Any]] = mapped_column(default=list, doc="Member documents when retired.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GraphLink(Base):
    """An edge an analyst added to a run's graph (``added``) or removed from it (``suppressed``).

    ``source`` and ``target`` are graph node ids (``theme:12``, ``scenario:3``, ``org:…``).
    """

    __tablename__ = "graph_links"
    __table_args__ = (
        UniqueConstraint("run_id", "source", "target", "edge_type"),
        CheckConstraint(f"kind IN {LINK_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(255))
    target: Mapped[str] = mapped_column(String(255))
    edge_type: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(12), default="added")
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    attrs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    actor: Mapped[str] = mapped_column(String(255), default="")
    op_id: Mapped[int | None] = mapped_column(ForeignKey("curation_ops.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Annotation(Base):
    """A note on, or a "wrong" flag against, a node or an edge (``u|v|edge_type``) of a run's graph."""

    __tablename__ = "annotations"
    __table_args__ = (
        CheckConstraint(f"kind IN {ANNOTATION_KINDS!r}", name="kind"),
        Index("ix_annotations_run_id_target", "run_id", "target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(600))
    kind: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    flagged: Mapped[bool | None] = mapped_column(Boolean, doc="For flags: set (true) or cleared (false).")
    actor: Mapped[str] = mapped_column(String(255))
    op_id: Mapped[int | None] = mapped_column(ForeignKey("curation_ops.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RunTermStats(Base):
    """Corpus term frequencies of a run: what c-TF-IDF needs to re-describe a few curated themes."""

    __tablename__ = "run_term_stats"

    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), primary_key=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    n_documents: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float, doc="Occurrences of vocabulary terms in all documents.")
    frequencies: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="{term: occurrences}.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CatalogueField(Base):
    """A frontier field of the scenario catalogue (人工智能, 低空经济 …)."""

    __tablename__ = "catalogue_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label_zh: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Scenario(Base):
    """An application scenario (场景) of the catalogue."""

    __tablename__ = "scenarios"
    __table_args__ = (
        CheckConstraint(f"tier IN {SCENARIO_TIERS!r}", name="tier"),
        CheckConstraint(f"domain IN {SCENARIO_DOMAINS!r}", name="domain"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    label_zh: Mapped[str] = mapped_column(Text, default="")
    label_en: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(12))
    domain: Mapped[str] = mapped_column(String(40))
    fields: Mapped[list[Any]] = mapped_column(default=list, doc="Keys of catalogue fields.")
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class ThemeScenario(Base):
    """How relevant a theme of a run is to a scenario, with the evidence (terms, nearest documents)."""

    __tablename__ = "theme_scenarios"
    __table_args__ = (UniqueConstraint("theme_id", "scenario_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
