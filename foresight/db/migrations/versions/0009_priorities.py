"""priorities: stored priority-technology lists

Revision ID: 0009
Revises: 0007
Create Date: 2026-11-22 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _fk(column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_priority_lists_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "priority_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("preset", sa.String(length=40), nullable=True),
        sa.Column("weights", _json(), nullable=False),
        sa.Column("settings", _json(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("previous_list_id", sa.Integer(), nullable=True),
        sa.Column("result", _json(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("n_entries", sa.Integer(), nullable=False),
        _fk("survey_id", "surveys", "CASCADE"),
        _fk("run_id", "analysis_runs", "SET NULL"),
        _fk("previous_list_id", "priority_lists", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_lists")),
    )
    with op.batch_alter_table("priority_lists", schema=None) as batch_op:
        batch_op.create_index(op.f("ix_priority_lists_survey_id"), ["survey_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("priority_lists", schema=None) as batch_op:
        batch_op.drop_index(op.f("ix_priority_lists_survey_id"))
    op.drop_table("priority_lists")
