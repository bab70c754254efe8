"""Shared fixtures: a migrated store on SQLite and on PostgreSQL for every database test, and the real app
on such a store (``settings``, ``app``, ``client``, ``app_engine``) for the API tests.

PostgreSQL tests use a fresh schema per test on ``FORESIGHT_TEST_POSTGRES_URL`` (default: the local
server at 127.0.0.1:5432, database ``test``). When the server cannot be reached they are skipped with a
reason, except under CI (``CI=true``) or ``FORESIGHT_REQUIRE_POSTGRES=1``, where that is a failure.
Under CI a run that skipped any test fails (``pytest_sessionfinish``): CI runs everything a laptop may
skip (see ``tests/ci.py``).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from foresight.db.migrate import upgrade
from foresight.db.session import make_engine, session_scope
from foresight.settings import Settings
from tests.ci import IN_CI, require

if TYPE_CHECKING:  # the app is imported by its fixtures only, so database-only tests do not load it
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

POSTGRES_URL = os.environ.get(
    "FORESIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = IN_CI or os.environ.get("FORESIGHT_REQUIRE_POSTGRES") == "1"
FIXTURES = Path(__file__).parent / "fixtures"
ADMIN_TOKEN = "admin-token-for-tests-0123456789"
SECRET_KEY = "secret-key-for-tests-0123456789abcdef"


def _postgres_available() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
    except Exception as exc:  # any connection problem
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI, fail a run in which any test was skipped: CI must run what a laptop may skip."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if not IN_CI or reporter is None or exitstatus != pytest.ExitCode.OK:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(f"CI=true: {len(skipped)} skipped; under CI every test must run", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_available()
    require(problem is None, f"PostgreSQL at {POSTGRES_URL} ({problem})", strict=REQUIRE_POSTGRES)
    return POSTGRES_URL


@contextmanager
def pg_schema(postgres_url: str) -> Iterator[tuple[Engine, str]]:
    """An engine whose search_path is a new, empty schema (dropped on exit)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine, schema
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def schema_url(postgres_url: str, schema: str) -> str:
    """A URL (usable by subprocesses and the CLI) whose connections use ``schema``."""
    return f"{postgres_url}?options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema_engine(postgres_url: str) -> Iterator[tuple[Engine, str]]:
    with pg_schema(postgres_url) as pair:
        yield pair


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Like ``db_url`` but shared by the tests of a module (for expensive set-ups such as analyses)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("db"))
        return
    url = request.getfixturevalue("postgres_url")
    with pg_schema(url) as (_engine, schema):
        yield schema_url(url, schema)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'foresight.db').as_posix()}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database (not yet migrated), on each backend."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    _engine, schema = request.getfixturevalue("pg_schema_engine")
    yield schema_url(request.getfixturevalue("postgres_url"), schema)


@pytest.fixture
def raw_engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(raw_engine: Engine) -> Engine:
    """A migrated store on each backend."""
    upgrade(raw_engine)
    return raw_engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_scope(engine) as s:
        yield s


# --- the app ------------------------------------------------------------------------------------------


@pytest.fixture
def max_request_bytes() -> int:
    """The body size limit of the ``settings`` fixture (a test package may override this fixture)."""
    return 64 * 1024


@pytest.fixture
def settings(db_url: str, tmp_path: Path, max_request_bytes: int) -> Settings:
    """Settings of the app under test: the ``db_url`` store, ``tmp_path`` as data folder, test secrets."""
    return Settings(
        database_url=db_url,
        data_dir=tmp_path,
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        max_request_bytes=max_request_bytes,
        public_base_url="http://testserver",
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    from api.main import create_app

    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def app_engine(app: FastAPI, settings: Settings, client: TestClient) -> Engine:
    """The app's own engine (its store migrated by the start-up of ``client``)."""
    engine: Engine = app.state.engines.get(settings)[0]
    return engine
