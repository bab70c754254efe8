"""Monitoring and early warning (监测预警): emergence indicators per theme, theme lineage across runs,
watchlists and the alerts raised on them.

The schema is created only by the Alembic migrations (``0004_monitoring``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from foresight.db.base import Base, utcnow

GRANULARITIES = ("year", "month")
LINEAGE_EVENTS = ("continue", "birth", "death", "merge", "split")
WATCH_KINDS = ("theme", "keyword", "field")
ALERT_RULES = ("escore_above_threshold", "burst_started", "weak_to_strong", "new_theme_near_watch")


class ThemeIndicators(Base):
    """Emergence indicators of one theme as of a date, at one period granularity.

    ``indicators`` holds ``{"values": {name: {"value": …, "formula": formula id, …}}, "series": {…}}``:
    every value names the formula that produced it (``foresight.monitoring.formulas``), and the
    per-period series (oldest first, up to ``as_of``) feed the charts. ``scorecard`` is the Rotolo
    five-attribute scorecard with ``composite`` its weighted mean.
    """

    __tablename__ = "theme_indicators"
    __table_args__ = (
        UniqueConstraint("theme_id", "as_of", "granularity"),
        CheckConstraint(f"granularity IN {GRANULARITIES!r}", name="granularity"),
        Index("ix_theme_indicators_run_id_as_of", "run_id", "as_of"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    as_of: Mapped[date] = mapped_column(Date)
    granularity: Mapped[str] = mapped_column(String(8))
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    scorecard: Mapped[dict[str, Any]] = mapped_column(default=dict)
    composite: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LineageEvent(Base):
    """How themes of one run relate to those of the previous run: continue, birth, death, merge, split."""

    __tablename__ = "lineage_events"
    __table_args__ = (
        CheckConstraint(f"event IN {LINEAGE_EVENTS!r}", name="event"),
        Index("ix_lineage_events_to_run_id", "to_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    to_run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    event: Mapped[str] = mapped_column(String(12))
    from_theme_ids: Mapped[list[Any]] = mapped_column(default=list)
    to_theme_ids: Mapped[list[Any]] = mapped_column(default=list)
    similarity: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Watch(Base):
    """An item someone wants to be warned about: a theme lineage, a keyword or a field label."""

    __tablename__ = "watches"
    __table_args__ = (CheckConstraint(f"kind IN {WATCH_KINDS!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    target: Mapped[str] = mapped_column(String(255), doc="Lineage id, keyword or field label.")
    label: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Alert(Base):
    """An early warning raised after an analysis run, with bilingual text and its evidence."""

    __tablename__ = "alerts"
    __table_args__ = (
        CheckConstraint(f"rule IN {ALERT_RULES!r}", name="rule"),
        Index("ix_alerts_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    watch_id: Mapped[int | None] = mapped_column(ForeignKey("watches.id", ondelete="SET NULL"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("analysis_runs.id", ondelete="CASCADE"))
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    message_en: Mapped[str] = mapped_column(Text)
    message_zh: Mapped[str] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged: Mapped[bool] = mapped_column(Boolean, default=False)
