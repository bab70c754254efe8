"""The dashboard in real headless Chromium (Playwright, sync API) against ``streamlit run ui/app.py`` on
127.0.0.1 over a temporary SQLite copy of the fixture store: sign in as an analyst, visit every page, then
on the knowledge-graph page merge two themes and split the merged theme (preview first) — and find both
edits in the database. Screenshots go to ``test-artifacts/dashboard/`` (git-ignored).

Without Debian's Chromium at ``/usr/bin/chromium`` the test is skipped, except under CI (``CI=true``),
where that is a failure (``scripts/ensure-chromium.sh`` installs it).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright import sync_api as playwright_api
from sqlalchemy import func, select

from foresight.db.models import CurationOp, RetiredTheme, Theme, ThemeMembership
from foresight.db.session import make_engine, session_scope
from tests.ci import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.ui.fixture_store import build_store
from tests.ui.streamlit_server import (
    PAGE_TIMEOUT_MS,
    PAGES,
    ROOT,
    open_page,
    screenshot_pages,
    serve,
    settle,
    wait_idle,
)
from ui import auth

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ARTIFACTS = ROOT / "test-artifacts" / "dashboard"
ANALYST, PASSWORD = "Li Wei", "browser-test-password"
REASON = "Reason (recorded in the edit log)"


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(base URL, store URL, fixture ids)``: Streamlit over a fresh fixture store with one analyst."""
    require_chromium()
    url = f"sqlite:///{(tmp_path / 'foresight.db').as_posix()}"
    ids = build_store(url)
    analysts = f"{ANALYST}:{auth.hash_password(PASSWORD, iterations=auth.MIN_ITERATIONS)}"
    with serve(url, env={auth.ANALYSTS_ENV: analysts}) as base:
        yield base, url, ids


def _ops(url: str) -> list[tuple[str, str, str]]:
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            return [(o.op, o.actor, o.reason) for o in s.scalars(select(CurationOp).order_by(CurationOp.id))]
    finally:
        engine.dispose()


def _choose(page: Any, label: str, options: list[str]) -> None:
    """Pick ``options`` (by their exact text) in the multiselect labelled ``label``; close its list.

    Each option is typed into the widget's search box and clicked in the filtered list; on a busy machine
    the list can close again while a rerun redraws the widget, so that is retried a few times.
    """
    box = page.get_by_role("combobox", name=label, exact=True)
    for option in options:
        choice = page.get_by_role("option", name=option, exact=True)
        for attempt in range(5):
            wait_idle(page)
            box.click()
            box.fill(option)
            try:
                choice.click(timeout=15_000)
                settle(page)
                break
            except playwright_api.TimeoutError:
                if attempt == 4:
                    raise
                page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    tags = page.get_by_test_id("stMultiSelect").filter(has=box)
    for option in options:  # the chosen options are shown as tags in the widget
        tags.get_by_text(option, exact=True).wait_for()


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_visit_every_page_then_merge_and_split(dashboard: tuple[str, str, dict[str, Any]]) -> None:
    base, url, ids = dashboard
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = None
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="en-US")
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(base)
            page.get_by_role("heading", name=PAGES["overview"], level=1).wait_for()
            wait_idle(page)

            # sign in as the configured analyst (a wrong password is refused first)
            sidebar = page.get_by_test_id("stSidebar")
            sidebar.get_by_role("textbox", name="Name", exact=True).fill(ANALYST)
            sidebar.get_by_role("textbox", name="Password", exact=True).fill("not the password")
            sidebar.get_by_role("button", name="Sign in").click()
            sidebar.get_by_text("Name or password is wrong.").wait_for()
            sidebar.get_by_role("textbox", name="Name", exact=True).fill(ANALYST)
            sidebar.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
            sidebar.get_by_role("button", name="Sign in").click()
            sidebar.get_by_text(f"Signed in as {ANALYST} (analyst).").wait_for()
            wait_idle(page)

            saved = screenshot_pages(page, ARTIFACTS)
            assert [path.stem for path in saved] == list(PAGES)

            # merge "language models" and "learning systems"
            open_page(page, PAGES["graph"])
            _choose(page, "Selected themes", ["language models", "learning systems"])
            page.get_by_role("tab", name="Merge", exact=True).click()
            panel = page.get_by_role("tabpanel")
            panel.get_by_role("textbox", name="Label of the merged theme (optional)").fill(
                "learning and language"
            )
            panel.get_by_role("textbox", name=REASON).fill("same topic")
            _shot(page, "merge-1-filled")
            panel.get_by_role("button", name="Merge", exact=True).click()
            page.get_by_text("Edit #1 recorded.").wait_for()
            wait_idle(page)
            _shot(page, "merge-2-done")
            page.get_by_role("heading", name="Edit log").scroll_into_view_if_needed()
            _shot(page, "merge-3-edit-log")
            assert page.get_by_test_id("stException").count() == 0
            assert _ops(url) == [("merge", ANALYST, "same topic")]
            merged = _merge_in_store(url, ids)

            # split the merged theme: three documents by hand, preview, then confirm
            _choose(page, "Selected themes", ["learning and language"])
            page.get_by_role("tab", name="Split", exact=True).click()
            panel = page.get_by_role("tabpanel")
            panel.get_by_text("Preview the parts before confirming the split.").wait_for()
            assert panel.get_by_role("button", name="Confirm the split").count() == 0
            docs = panel.get_by_role("combobox", name="Documents of the new part", exact=True)
            docs.click()
            docs.fill("#")  # every option starts with "#<document id>": typing opens the full list
            documents = page.get_by_role("option").filter(has_text=re.compile(r"^#\d+ · "))
            moved = [documents.nth(k).inner_text() for k in range(3)]
            page.keyboard.press("Escape")
            _choose(page, "Documents of the new part", moved)
            panel.get_by_role("button", name="Preview the parts").click()
            confirm = panel.get_by_role("button", name="Confirm the split")
            confirm.wait_for()
            wait_idle(page)
            panel.get_by_test_id("stDataFrame").wait_for()
            _shot(page, "split-1-preview")
            assert _ops(url) == [("merge", ANALYST, "same topic")]  # a preview writes nothing
            panel.get_by_role("textbox", name=REASON).fill("two topics after all")
            confirm.click()
            page.get_by_text("Edit #2 recorded.").wait_for()
            wait_idle(page)
            _shot(page, "split-2-done")
            assert page.get_by_test_id("stException").count() == 0
        except Exception:
            if page is not None:  # what the browser showed when it went wrong
                _shot(page, "failure")
            raise
        finally:
            browser.close()

    assert _ops(url) == [("merge", ANALYST, "same topic"), ("split", ANALYST, "two topics after all")]
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            retired = s.scalar(select(RetiredTheme).where(RetiredTheme.theme_id == merged))
            assert retired is not None and retired.reason == "split"
            retired_theme = s.get(Theme, merged)
            assert retired_theme is not None and retired_theme.hidden
            parts = s.scalars(select(Theme).where(Theme.origin == "split")).all()
            assert sorted(p.size for p in parts) == [3, 33]
            (part,) = [p for p in parts if p.size == 3]
            in_part = s.scalars(
                select(ThemeMembership.document_id).where(ThemeMembership.theme_id == part.id)
            )
            assert sorted(in_part) == sorted(int(m.split(" ")[0].lstrip("#")) for m in moved)
    finally:
        engine.dispose()


def _merge_in_store(url: str, ids: dict[str, Any]) -> int:
    """Check the merge of themes 0 and 1 in the store; return the merged theme's id."""
    sources = [ids["theme_ids"][0], ids["theme_ids"][1]]
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            merged = s.scalar(select(Theme).where(Theme.label_en == "learning and language"))
            assert merged is not None and merged.origin == "merge" and merged.run_id == ids["latest_run"]
            members = s.scalar(
                select(func.count()).select_from(ThemeMembership).where(ThemeMembership.theme_id == merged.id)
            )
            assert merged.size == members == 16 + 20
            for source in sources:
                theme = s.get(Theme, source)
                assert theme is not None and theme.hidden and theme.size == 0
            retired = s.scalars(select(RetiredTheme).where(RetiredTheme.theme_id.in_(sources))).all()
            assert {(r.reason, tuple(r.successor_ids)) for r in retired} == {("merged", (merged.id,))}
            return int(merged.id)
    finally:
        engine.dispose()
