"""Stored priority-technology lists (关键技术清单): each list with the weights and settings it was built
with, the full :class:`~foresight.priorities.model.PriorityList` (entries, uncertainty, provenance) as JSON,
and a fingerprint of its inputs so a rebuild can be recognised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from foresight.db.base import Base, utcnow


class PriorityListRecord(Base):
    """One built priority list of a Delphi survey."""

    __tablename__ = "priority_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(Text, default="")
    preset: Mapped[str | None] = mapped_column(String(40))
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="component → normalised weight")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="ListSettings as JSON")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    previous_list_id: Mapped[int | None] = mapped_column(ForeignKey("priority_lists.id", ondelete="SET NULL"))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="The PriorityList as JSON.")
    fingerprint: Mapped[str] = mapped_column(String(64))
    n_entries: Mapped[int] = mapped_column(Integer, default=0)
