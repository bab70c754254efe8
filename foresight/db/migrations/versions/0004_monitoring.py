"""monitoring: theme indicators, lineage events, watches and alerts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "theme_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("granularity", sa.String(length=8), nullable=False),
        sa.Column("indicators", _json(), nullable=False),
        sa.Column("scorecard", _json(), nullable=False),
        sa.Column("composite", sa.Float(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("granularity IN ('year', 'month')", name=op.f("ck_theme_indicators_granularity")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["analysis_runs.id"],
            name=op.f("fk_theme_indicators_run_id_analysis_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_theme_indicators_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_indicators")),
        sa.UniqueConstraint(
            "theme_id", "as_of", "granularity", name=op.f("uq_theme_indicators_theme_id_as_of_granularity")
        ),
    )
    with op.batch_alter_table("theme_indicators", schema=None) as batch_op:
        batch_op.create_index("ix_theme_indicators_run_id_as_of", ["run_id", "as_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_indicators_theme_id"), ["theme_id"], unique=False)

    op.create_table(
        "lineage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_run_id", sa.Integer(), nullable=True),
        sa.Column("to_run_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=12), nullable=False),
        sa.Column("from_theme_ids", _json(), nullable=False),
        sa.Column("to_theme_ids", _json(), nullable=False),
        sa.Column("similarity", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "event IN ('continue', 'birth', 'death', 'merge', 'split')", name=op.f("ck_lineage_events_event")
        ),
        sa.ForeignKeyConstraint(
            ["from_run_id"],
            ["analysis_runs.id"],
            name=op.f("fk_lineage_events_from_run_id_analysis_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_run_id"],
            ["analysis_runs.id"],
            name=op.f("fk_lineage_events_to_run_id_analysis_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lineage_events")),
    )
    with op.batch_alter_table("lineage_events", schema=None) as batch_op:
        batch_op.create_index("ix_lineage_events_to_run_id", ["to_run_id"], unique=False)

    op.create_table(
        "watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint("kind IN ('theme', 'keyword', 'field')", name=op.f("ck_watches_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watches")),
    )

    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "rule IN ('escore_above_threshold', 'burst_started', 'weak_to_strong', 'new_theme_near_watch')",
            name=op.f("ck_alerts_rule"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["analysis_runs.id"], name=op.f("fk_alerts_run_id_analysis_runs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_alerts_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"], ["watches.id"], name=op.f("fk_alerts_watch_id_watches"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_run_id", ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_alerts_watch_id"), ["watch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_watch_id"))
        batch_op.drop_index("ix_alerts_run_id")

    op.drop_table("alerts")
    op.drop_table("watches")
    with op.batch_alter_table("lineage_events", schema=None) as batch_op:
        batch_op.drop_index("ix_lineage_events_to_run_id")

    op.drop_table("lineage_events")
    with op.batch_alter_table("theme_indicators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_indicators_theme_id"))
        batch_op.drop_index("ix_theme_indicators_run_id_as_of")

    op.drop_table("theme_indicators")
