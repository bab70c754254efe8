"""expert pool and online Delphi rounds

Experts, surveys, items and their wording versions, rounds, invitations (hashed tokens), responses (one per
round × item × expert × question, enforced here), comments, the outbox and the hash-chained audit log.
A branch off 0003, next to 0004; ``foresight.db.migrate.upgrade`` applies every head.

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _tz() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, name: str, columns: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(name, columns, unique=False)


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _tz(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    _index("audit_events", op.f("ix_audit_events_action"), ["action"])
    _index("audit_events", op.f("ix_audit_events_at"), ["at"])

    op.create_table(
        "experts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("organization", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("stakeholder_group", sa.String(length=20), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("languages", _json(), nullable=False),
        sa.Column("coi_notes", sa.Text(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.CheckConstraint(
            "stakeholder_group IN ('academia', 'industry', 'government', 'finance', 'other')",
            name=op.f("ck_experts_stakeholder_group"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experts")),
        sa.UniqueConstraint("email", name=op.f("uq_experts_email")),
    )

    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("template", _json(), nullable=False),
        sa.Column("consensus_rules", _json(), nullable=False),
        sa.Column("stability_rule", _json(), nullable=False),
        sa.Column("stopping_rule", _json(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("realtime", sa.Boolean(), nullable=False),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("opened_at", _tz(), nullable=True),
        sa.Column("closed_at", _tz(), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_surveys_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("expires_at", _tz(), nullable=False),
        sa.Column("revoked_at", _tz(), nullable=True),
        sa.Column("last_used_at", _tz(), nullable=True),
        _fk("invitations", "expert_id", "experts", "CASCADE"),
        _fk("invitations", "survey_id", "surveys", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    _index("invitations", op.f("ix_invitations_expert_id"), ["expert_id"])
    _index("invitations", "ix_invitations_survey_id_expert_id", ["survey_id", "expert_id"])

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("sent_at", _tz(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f("ck_outbox_status")),
        _fk("outbox", "expert_id", "experts", "SET NULL"),
        _fk("outbox", "survey_id", "surveys", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    _index("outbox", op.f("ix_outbox_status"), ["status"])

    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("opened_at", _tz(), nullable=True),
        sa.Column("closed_at", _tz(), nullable=True),
        sa.Column("items_asked", _json(), nullable=False),
        sa.Column("carried_forward", _json(), nullable=False),
        sa.Column("snapshot", _json(), nullable=True),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=True),
        sa.CheckConstraint("status IN ('draft', 'open', 'closed')", name=op.f("ck_rounds_status")),
        _fk("rounds", "survey_id", "surveys", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("survey_id", "number", name=op.f("uq_rounds_survey_id_number")),
    )

    op.create_table(
        "survey_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("lineage_id", sa.String(length=40), nullable=True),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("wording_version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        _fk("survey_items", "survey_id", "surveys", "CASCADE"),
        _fk("survey_items", "theme_id", "themes", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_items")),
        sa.UniqueConstraint("survey_id", "position", name=op.f("uq_survey_items_survey_id_position")),
    )

    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        _fk("comments", "expert_id", "experts", "CASCADE"),
        _fk("comments", "item_id", "survey_items", "CASCADE"),
        _fk("comments", "round_id", "rounds", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    _index("comments", op.f("ix_comments_expert_id"), ["expert_id"])
    _index("comments", "ix_comments_round_id_item_id", ["round_id", "item_id"])

    op.create_table(
        "item_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        _fk("item_versions", "item_id", "survey_items", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_versions")),
        sa.UniqueConstraint("item_id", "version", name=op.f("uq_item_versions_item_id_version")),
    )

    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("value", _json(), nullable=True),
        sa.Column("wording_version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f("ck_responses_status")),
        _fk("responses", "expert_id", "experts", "CASCADE"),
        _fk("responses", "item_id", "survey_items", "CASCADE"),
        _fk("responses", "round_id", "rounds", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        # One vote per expert × item × question × round, enforced by the database (delphi.md §5).
        sa.UniqueConstraint(
            "round_id",
            "item_id",
            "expert_id",
            "question_id",
            name=op.f("uq_responses_round_id_item_id_expert_id_question_id"),
        ),
    )
    _index("responses", op.f("ix_responses_expert_id"), ["expert_id"])
    _index("responses", "ix_responses_round_id_item_id", ["round_id", "item_id"])


def downgrade() -> None:
    for table, indexes in (
        ("responses", ["ix_responses_round_id_item_id", "ix_responses_expert_id"]),
        ("item_versions", []),
        ("comments", ["ix_comments_round_id_item_id", "ix_comments_expert_id"]),
        ("survey_items", []),
        ("rounds", []),
        ("outbox", ["ix_outbox_status"]),
        ("invitations", ["ix_invitations_survey_id_expert_id", "ix_invitations_expert_id"]),
        ("surveys", []),
        ("experts", []),
        ("audit_events", ["ix_audit_events_at", "ix_audit_events_action"]),
    ):
        if indexes:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name in indexes:
                    batch_op.drop_index(name)
        op.drop_table(table)
