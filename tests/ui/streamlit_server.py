"""Run the dashboard with ``streamlit run ui/app.py`` on 127.0.0.1 and drive it with Playwright.

Shared by the real-browser test (``tests/ui/test_dashboard_browser.py``) and the README screenshot script
(``scripts/screenshots.py``): :func:`serve` starts Streamlit as a subprocess over a given store and waits
until it answers its health check; :func:`open_page` and :func:`wait_idle` wait on what the browser shows,
never on fixed sleeps. Playwright uses Debian's Chromium (``/usr/bin/chromium``); nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.ci import free_port
from ui.i18n import t

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"
# The dashboard's environment that must not leak in from the caller's shell.
UI_ENV = ("FORESIGHT_UI_ANALYSTS", "FORESIGHT_UI_OPEN", "FORESIGHT_UI_LANGUAGE")
# Page file stems (their url paths), in the sidebar's order.
STEMS = ("overview", "themes", "graph", "emergence", "delphi", "priorities")


def page_titles(lang: str = "en") -> dict[str, str]:
    """Page file stem → its navigation title in ``lang``."""
    return {stem: t(f"nav.{stem}", lang) for stem in STEMS}


PAGES = page_titles("en")
# Generous: the first run imports pandas/plotly and may migrate the store on a busy 2-core machine.
START_TIMEOUT = 180.0
PAGE_TIMEOUT_MS = 120_000


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def serve(
    database_url: str,
    *,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = START_TIMEOUT,
) -> Iterator[str]:
    """``streamlit run ui/app.py`` on ``127.0.0.1:<port>`` over ``database_url``; yields the base URL.

    ``env`` adds to (or, with an empty value, removes from) the subprocess's environment; the dashboard's
    access and language variables are cleared first. The process is always terminated on exit; its output
    is kept in a temporary log and quoted when it fails to start.
    """
    port = port or free_port()
    child = {k: v for k, v in os.environ.items() if k not in UI_ENV}
    child["FORESIGHT_DATABASE_URL"] = database_url
    for name, value in (env or {}).items():
        if value:
            child[name] = value
        else:
            child.pop(name, None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        "127.0.0.1",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
    ]
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=child, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout
            while not _healthy(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    state = f"exited with {process.returncode}" if process.poll() is not None else "timed out"
                    raise RuntimeError(f"streamlit did not start ({state}):\n{log.read()[-4000:]}")
                time.sleep(0.25)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def wait_idle(page: Any, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the app's script is not running and no element of a previous run is left (stale)."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=timeout_ms)
    page.locator('[data-stale="true"]').first.wait_for(state="detached", timeout=timeout_ms)


def settle(page: Any, timeout_ms: int = PAGE_TIMEOUT_MS, start_ms: int = 3_000) -> None:
    """After an action that makes the app rerun: wait (briefly) for the rerun to start, then for its end."""
    # Playwright's TimeoutError when the rerun was over before we looked, or none started
    with contextlib.suppress(Exception):
        page.locator('[data-testid="stApp"][data-test-script-state="running"]').wait_for(timeout=start_ms)
    wait_idle(page, timeout_ms)


def open_page(page: Any, title: str, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Go to the dashboard page with this navigation title by its sidebar link (the session is kept)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title, level=1).wait_for(timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def screenshot_pages(
    page: Any, out: Path, *, prefix: str = "", full_page: bool = True, lang: str = "en"
) -> list[Path]:
    """Visit every dashboard page through the sidebar and save ``<out>/<prefix><stem>.png`` for each.

    Raises ``RuntimeError`` when a page shows an exception instead of its content.
    """
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for stem, title in page_titles(lang).items():
        open_page(page, title)
        errors = page.get_by_test_id("stException")
        if errors.count():
            raise RuntimeError(f"page {stem!r} shows an exception: {errors.first.inner_text()[:2000]}")
        path = out / f"{prefix}{stem}.png"
        page.screenshot(path=str(path), full_page=full_page)
        saved.append(path)
    return saved
