"""The schema comes only from Alembic migrations, and they agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from foresight.db.base import Base
from foresight.db.migrate import current_revision, downgrade, upgrade


def test_models_and_migrations_agree(engine: Engine) -> None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_upgrade_creates_every_table_and_downgrade_removes_them(raw_engine: Engine) -> None:
    assert current_revision(raw_engine) is None
    upgrade(raw_engine)
    tables = set(inspect(raw_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    downgrade(raw_engine, "base")
    assert not set(Base.metadata.tables) & set(inspect(raw_engine).get_table_names())
    upgrade(raw_engine)
    assert current_revision(raw_engine) is not None
