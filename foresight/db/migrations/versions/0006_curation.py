"""curation: operation log, retired themes, graph links, annotations, term statistics, scenarios

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-22 18:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPS = (
    "'relabel', 'merge', 'split', 'hide', 'delete', 'move_documents', 'link', 'unlink', 'annotate', "
    "'flag', 'undo', 'redo'"
)


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _run_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["analysis_runs.id"], name=op.f(f"fk_{table}_run_id_analysis_runs"), ondelete="CASCADE"
    )


def _op_fk(table: str, column: str = "op_id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["curation_ops.id"], name=op.f(f"fk_{table}_{column}_curation_ops"), ondelete="SET NULL"
    )


def upgrade() -> None:
    op.create_table(
        "curation_ops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("payload", _json(), nullable=False),
        sa.Column("before", _json(), nullable=False),
        sa.Column("after", _json(), nullable=False),
        sa.Column("record", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undoes_op_id", sa.Integer(), nullable=True),
        sa.Column("redoes_op_id", sa.Integer(), nullable=True),
        sa.Column("carried_from_op_id", sa.Integer(), nullable=True),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(f"op IN ({OPS})", name=op.f("ck_curation_ops_op")),
        sa.CheckConstraint(
            "status IN ('applied', 'undone', 'carried', 'needs_review')", name=op.f("ck_curation_ops_status")
        ),
        _run_fk("curation_ops"),
        _op_fk("curation_ops", "undoes_op_id"),
        _op_fk("curation_ops", "redoes_op_id"),
        _op_fk("curation_ops", "carried_from_op_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_curation_ops")),
    )
    with op.batch_alter_table("curation_ops", schema=None) as batch_op:
        batch_op.create_index("ix_curation_ops_run_id_id", ["run_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_curation_ops_carried_from_op_id"), ["carried_from_op_id"], unique=False
        )

    op.create_table(
        "retired_themes",
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("op_id", sa.Integer(), nullable=True),
        sa.Column("successor_ids", _json(), nullable=False),
        sa.Column("documents", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reason IN ('merged', 'split', 'deleted')", name=op.f("ck_retired_themes_reason")),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_retired_themes_theme_id_themes"), ondelete="CASCADE"
        ),
        _run_fk("retired_themes"),
        _op_fk("retired_themes"),
        sa.PrimaryKeyConstraint("theme_id", name=op.f("pk_retired_themes")),
    )
    with op.batch_alter_table("retired_themes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retired_themes_run_id"), ["run_id"], unique=False)

    op.create_table(
        "graph_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("target", sa.String(length=255), nullable=False),
        sa.Column("edge_type", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("attrs", _json(), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("op_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('added', 'suppressed')", name=op.f("ck_graph_links_kind")),
        _run_fk("graph_links"),
        _op_fk("graph_links"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graph_links")),
        sa.UniqueConstraint(
            "run_id",
            "source",
            "target",
            "edge_type",
            name=op.f("uq_graph_links_run_id_source_target_edge_type"),
        ),
    )

    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=600), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("op_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('note', 'flag')", name=op.f("ck_annotations_kind")),
        _run_fk("annotations"),
        _op_fk("annotations"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotations")),
    )
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.create_index("ix_annotations_run_id_target", ["run_id", "target"], unique=False)

    op.create_table(
        "run_term_stats",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("parameters", _json(), nullable=False),
        sa.Column("n_documents", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("frequencies", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _run_fk("run_term_stats"),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_run_term_stats")),
    )

    op.create_table(
        "catalogue_fields",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label_zh", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_fields")),
        sa.UniqueConstraint("key", name=op.f("uq_catalogue_fields_key")),
    )

    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label_zh", sa.Text(), nullable=False),
        sa.Column("label_en", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=12), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("fields", _json(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("tier IN ('major', 'industry', 'niche')", name=op.f("ck_scenarios_tier")),
        sa.CheckConstraint(
            "domain IN ('industry', 'consumption', 'society', 'city', 'digital-infrastructure')",
            name=op.f("ck_scenarios_domain"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scenarios")),
        sa.UniqueConstraint("key", name=op.f("uq_scenarios_key")),
    )

    op.create_table(
        "theme_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", _json(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _run_fk("theme_scenarios"),
        sa.ForeignKeyConstraint(
            ["theme_id"], ["themes.id"], name=op.f("fk_theme_scenarios_theme_id_themes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["scenario_id"],
            ["scenarios.id"],
            name=op.f("fk_theme_scenarios_scenario_id_scenarios"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_scenarios")),
        sa.UniqueConstraint("theme_id", "scenario_id", name=op.f("uq_theme_scenarios_theme_id_scenario_id")),
    )
    with op.batch_alter_table("theme_scenarios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_theme_scenarios_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_theme_scenarios_scenario_id"), ["scenario_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("theme_scenarios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_theme_scenarios_scenario_id"))
        batch_op.drop_index(batch_op.f("ix_theme_scenarios_run_id"))
    op.drop_table("theme_scenarios")
    op.drop_table("scenarios")
    op.drop_table("catalogue_fields")
    op.drop_table("run_term_stats")
    with op.batch_alter_table("annotations", schema=None) as batch_op:
        batch_op.drop_index("ix_annotations_run_id_target")
    op.drop_table("annotations")
    op.drop_table("graph_links")
    with op.batch_alter_table("retired_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retired_themes_run_id"))
    op.drop_table("retired_themes")
    with op.batch_alter_table("curation_ops", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_curation_ops_carried_from_op_id"))
        batch_op.drop_index("ix_curation_ops_run_id_id")
    op.drop_table("curation_ops")
