"""Dashboard test fixtures: one small known store per test session, and AppTest runs pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.fixture_store import build_store
from ui import auth, state

APP = Path(__file__).resolve().parents[2] / "ui" / "app.py"
UI_ENV = (auth.ANALYSTS_ENV, auth.OPEN_ENV, state.LANGUAGE_ENV)
# The first run of a process imports plotly/pandas and migrates the store: allow for a slow CI machine.
TIMEOUT = 60


@pytest.fixture(scope="session")
def ui_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The fixture store (built once): its URL and the ids the tests need."""
    url = f"sqlite:///{(tmp_path_factory.mktemp('ui') / 'foresight.db').as_posix()}"
    return {"url": url, **build_store(url)}


@pytest.fixture(scope="session")
def empty_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with no document and no run (migrated on first use by the dashboard)."""
    return f"sqlite:///{(tmp_path_factory.mktemp('ui-empty') / 'foresight.db').as_posix()}"


@pytest.fixture
def ui_env(monkeypatch: pytest.MonkeyPatch, ui_store: dict[str, Any]) -> dict[str, Any]:
    """The environment of an AppTest run: the fixture store, no access configuration, English."""
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", ui_store["url"])
    for name in UI_ENV:
        monkeypatch.delenv(name, raising=False)
    return ui_store


@pytest.fixture
def open_app(ui_env: dict[str, Any]) -> Iterator[Callable[..., AppTest]]:
    """``open_app(page=None)``: the dashboard run once, then switched to ``app_pages/<page>.py``."""

    def run(page: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        assert not at.exception, [e.value for e in at.exception]
        if page is not None:
            at.switch_page(f"app_pages/{page}.py").run()
        return at

    yield run


EDITOR = "Li Wei"


@pytest.fixture
def edit_store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fresh copy of the fixture store for a test that edits it."""
    url = f"sqlite:///{(tmp_path_factory.mktemp('ui-edit') / 'foresight.db').as_posix()}"
    return {"url": url, **build_store(url)}


@pytest.fixture
def edit_app(
    monkeypatch: pytest.MonkeyPatch, edit_store: dict[str, Any]
) -> Iterator[Callable[[str], AppTest]]:
    """``edit_app(page)``: the dashboard on :func:`edit_store` in open mode, edits recorded as
    :data:`EDITOR`, switched to ``app_pages/<page>.py``."""
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", edit_store["url"])
    for name in UI_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(auth.OPEN_ENV, "1")

    def run(page: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
        at.sidebar.text_input(key=state.OPEN_NAME_KEY).input(EDITOR).run()
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield run
