"""Expert pool and online Delphi rounds: experts, surveys, items and their wordings, rounds, invitations,
responses, comments, the outbox of reminders and the append-only audit log.

Integrity is enforced by the database where it can be (delphi.md §5): one answer per
round × item × expert × question (``uq_responses_…``), invitation tokens stored only as SHA-256 hashes,
one round number per survey. Identities live only in ``experts``; responses and comments refer to the
expert by id, and other experts only ever see round-scoped pseudonyms.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from foresight.db.base import Base, JSONType, utcnow

STAKEHOLDER_GROUPS = ("academia", "industry", "government", "finance", "other")
SURVEY_STATUSES = ("draft", "open", "closed")
ROUND_STATUSES = ("draft", "open", "closed")
RESPONSE_STATUSES = ("draft", "submitted")
OUTBOX_STATUSES = ("queued", "sent", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Expert(Base):
    """A member of the expert pool (专家库): identity, affiliation, stakeholder group, fields, languages."""

    __tablename__ = "experts"
    __table_args__ = (
        CheckConstraint(_in("stakeholder_group", STAKEHOLDER_GROUPS), name="stakeholder_group"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    organization: Mapped[str | None] = mapped_column(String(300))
    region: Mapped[str | None] = mapped_column(String(100))
    stakeholder_group: Mapped[str] = mapped_column(String(20), default="other")
    fields: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    coi_notes: Mapped[str | None] = mapped_column(Text)
    generated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), doc="A generated demo expert, not a real person."
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Survey(Base):
    """A Delphi survey: bilingual title, the question template and the rules frozen when it opens."""

    __tablename__ = "surveys"
    __table_args__ = (CheckConstraint(_in("status", SURVEY_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str | None] = mapped_column(Text)
    template: Mapped[dict[str, Any]] = mapped_column()
    consensus_rules: Mapped[dict[str, Any]] = mapped_column(default=dict, doc="question id → ConsensusRule")
    stability_rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    stopping_rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    realtime: Mapped[bool] = mapped_column(Boolean, default=False)
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    generated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), doc="Answered by generated demo responses only."
    )
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="Rules frozen here.")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list[SurveyItem]] = relationship(back_populates="survey", order_by="SurveyItem.position")
    rounds: Mapped[list[Round]] = relationship(back_populates="survey", order_by="Round.number")


class SurveyItem(Base):
    """An item (a technology): linked to a curated theme with its evidence pack, or hand-written."""

    __tablename__ = "survey_items"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id", ondelete="SET NULL"))
    lineage_id: Mapped[str | None] = mapped_column(String(40))
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    wording_version: Mapped[int] = mapped_column(Integer, default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    survey: Mapped[Survey] = relationship(back_populates="items")
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.version", cascade="all, delete-orphan"
    )


class ItemVersion(Base):
    """One wording of an item; answers are compared across rounds only within the same wording version."""

    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text, doc="Why the item was reworded.")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[SurveyItem] = relationship(back_populates="versions")


class Round(Base):
    """A round of a survey; closing it freezes a statistics snapshot (with its hash) used as feedback."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("survey_id", "number"),
        CheckConstraint(_in("status", ROUND_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    items_asked: Mapped[list[Any]] = mapped_column(default=list, doc="Item ids asked in this round.")
    carried_forward: Mapped[list[Any]] = mapped_column(default=list, doc="Item ids done, not asked again.")
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(
        deferred=True, doc="Statistics and assessments at close (loaded on access)."
    )
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))

    survey: Mapped[Survey] = relationship(back_populates="rounds")


class Invitation(Base):
    """An expert's invitation to a survey; only the SHA-256 of the bearer token is stored."""

    __tablename__ = "invitations"
    __table_args__ = (Index("ix_invitations_survey_id_expert_id", "survey_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    expert: Mapped[Expert] = relationship()


class Response(Base):
    """One expert's answer to one question of one item in one round (a draft until submitted)."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("round_id", "item_id", "expert_id", "question_id"),
        Index("ix_responses_round_id_item_id", "round_id", "item_id"),
        CheckConstraint(_in("status", RESPONSE_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Any | None] = mapped_column(
        JSONType, nullable=True, doc="Normalized answer (see foresight.delphi.validation)."
    )
    wording_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Comment(Base):
    """A free-text comment on an item in a round, shown to other experts under a round pseudonym."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_round_id_item_id", "round_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id", ondelete="CASCADE"))
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="CASCADE"), index=True)
    pseudonym: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, doc="Hidden by a moderator.")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class OutboxMessage(Base):
    """An e-mail waiting to be sent (reminders); delivered by SMTP only when a host is configured."""

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint(_in("status", OUTBOX_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="reminder")
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Append-only, hash-chained log of admin actions, exports and impersonation (delphi.md §5)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
