"""The schema comes only from Alembic migrations, and they agree with the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from foresight.db.base import Base
from foresight.db.migrate import current_revision, downgrade, upgrade
from foresight.db.session import SQLITE_PAGE_SIZE, make_engine


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


def test_new_sqlite_store_uses_8_kib_pages_and_an_existing_file_keeps_its_own(tmp_path: Path) -> None:
    fresh = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    upgrade(fresh)
    with fresh.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == SQLITE_PAGE_SIZE == 8192
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    fresh.dispose()
    old = tmp_path / "old.db"
    with sqlite3.connect(old) as conn:  # a store made before the page size was set
        conn.execute("CREATE TABLE t (x)")
    engine = make_engine(f"sqlite:///{old}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA page_size").scalar() == 4096
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    engine.dispose()
