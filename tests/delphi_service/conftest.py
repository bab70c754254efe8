"""Fixtures of the Delphi service tests: a session on the migrated store (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from foresight.db.session import session_factory


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A plain session (the test commits where a request or command would)."""
    session = session_factory(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
