"""The expert questionnaire in real headless Chromium (Playwright, sync API) on a phone viewport, served by
uvicorn on 127.0.0.1 over a temporary SQLite store: open the invitation link with JavaScript disabled, switch
to Chinese, answer, save a draft, submit — and find the answers in the database. Screenshots go to
``test-artifacts/`` (git-ignored)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright import sync_api as playwright_api
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.main import create_app
from foresight.db.models import Response, Round
from foresight.settings import Settings
from foresight.store import open_store
from tests.ci import CHROMIUM, CHROMIUM_ARGS, free_port, require_chromium
from tests.delphi_service.helpers import build_panel, open_survey

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Settings, dict[int, str], list[int]]]:
    """uvicorn on a free 127.0.0.1 port over a SQLite store with a survey whose round 1 is open."""
    require_chromium()
    settings = Settings(
        data_dir=tmp_path,
        secret_key="browser-test-secret-0123456789ab",
        admin_token="browser-admin-token",
    )
    engine = open_store(settings)
    with Session(engine) as s:
        experts = build_panel(s, {"academia": 1, "industry": 1})
        _, tokens, rnd = open_survey(s, experts, n_items=2)
        items = list(rnd.items_asked)
        s.commit()
    engine.dispose()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}", settings, tokens, items
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_expert_answers_on_a_phone_without_javascript(
    served: tuple[str, Settings, dict[int, str], list[int]],
) -> None:
    base, settings, tokens, items = served
    token = next(iter(tokens.values()))  # the academia expert: languages ["zh", "en"] → Chinese by default
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**PHONE, java_script_enabled=False, locale="en-US")
            page = context.new_page()
            page.goto(f"{base}/e/{token}?lang=en")
            assert page.get_by_test_id("progress").inner_text() == "0 of 2 items submitted"
            page.screenshot(path=str(ARTIFACTS / "expert-overview-en.png"), full_page=True)
            page.get_by_role("link", name="中文").click()
            assert page.locator("html").get_attribute("lang") == "zh-CN"
            assert page.get_by_test_id("progress").inner_text() == "已提交 0 / 2 项"
            page.get_by_role("link", name="技术0").click()
            assert page.locator("h1").inner_text() == "技术0"

            page.get_by_label("很熟悉（目前正在从事相关研究或工作）").check()
            page.locator('input[name="q.importance"][value="high"]').check()
            page.get_by_role("button", name="保存草稿").click()
            assert page.get_by_test_id("notice").inner_text() == "草稿已保存。"
            assert page.locator('input[name="q.importance"][value="high"]').is_checked()
            with Session(open_store(settings, migrate=False)) as s:
                drafts = {r.question_id: (r.value, r.status) for r in s.scalars(select(Response))}
            assert drafts == {"familiarity": ("high", "draft"), "importance": ("high", "draft")}

            page.locator('input[name="q.realization_technological"][value="y2031_2035"]').check()
            page.locator('input[name="q.realization_social"][value="y2036_2040"]').check()
            page.locator('input[name="q.rd_position"][value="behind"]').check()
            page.locator('input[name="q.rd_position.countries"][value="US"]').check()
            page.locator('input[name="q.rd_position.countries"][value="JP"]').check()
            page.locator('input[name="q.constraints"][value="rd_funding"]').check()
            page.locator('input[name="q.policy_measures"][value="funding"]').check()
            page.locator('textarea[name="q.reason"]').fill("中试线已建成")
            page.screenshot(path=str(ARTIFACTS / "expert-item-zh-phone.png"), full_page=True)
            page.get_by_role("button", name="提交本条目").click()
            assert page.get_by_test_id("notice").inner_text() == "已提交，谢谢！"
            assert page.locator("h1").inner_text() == "技术1"  # moved on to the next item
            page.goto(f"{base}/e/{token}?lang=zh")
            assert page.get_by_test_id("progress").inner_text() == "已提交 1 / 2 项"
            page.screenshot(path=str(ARTIFACTS / "expert-overview-zh-after-submit.png"), full_page=True)

            measured = browser.new_context(**PHONE).new_page()  # JavaScript on, only to measure the layout
            measured.goto(f"{base}/e/{token}/items/{items[1]}?lang=zh")
            overflow = measured.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"page is {overflow}px wider than the phone screen"
        finally:
            browser.close()

    with Session(open_store(settings, migrate=False)) as s:
        rows = {r.question_id: r for r in s.scalars(select(Response).where(Response.item_id == items[0]))}
    assert {r.status for r in rows.values()} == {"submitted"} and len(rows) == 8
    assert rows["rd_position"].value == {"position": "behind", "leading_countries": ["US", "JP"]}
    assert rows["constraints"].value == ["rd_funding"] and rows["reason"].value == {
        "text": "中试线已建成",
        "stance": None,
    }


def test_round_two_feedback_on_a_phone(served: tuple[str, Settings, dict[int, str], list[int]]) -> None:
    base, settings, tokens, items = served
    engine = open_store(settings, migrate=False)
    with Session(engine) as s:
        from foresight.delphi.service.answers import save_answers
        from foresight.delphi.service.invitations import create_invitations, resolve_invitation
        from foresight.delphi.service.rounds import close_current_round, open_next_round
        from tests.delphi_service.helpers import full_answers

        more = build_panel(s, {"government": 2, "finance": 2})
        survey_id = resolve_invitation(s, next(iter(tokens.values()))).survey_id
        tokens |= {
            i.invitation.expert_id: i.token
            for i in create_invitations(s, survey_id, [e.id for e in more], "t")
        }
        round_id = s.scalar(select(Round.id).where(Round.survey_id == survey_id))
        levels = ["very_high", "high", "high", "medium", "low", "high"]
        for k, token in enumerate(tokens.values()):
            inv = resolve_invitation(s, token)
            answers = full_answers(importance=levels[k], reason={"text": f"论据 {k}"})
            assert round_id is not None
            save_answers(s, inv, round_id, items[0], answers, submit=True)
        close_current_round(s, survey_id, "t")
        open_next_round(s, survey_id, "t")
        s.commit()
    engine.dispose()
    token = next(iter(tokens.values()))
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(**PHONE, java_script_enabled=False).new_page()
            page.goto(f"{base}/e/{token}/items/{items[0]}?lang=zh")
            feedback = page.get_by_test_id("feedback")
            assert "第1轮匿名统计（6 位专家）" in feedback.inner_text()
            importance = page.locator("#f-importance")
            assert "您上一轮的回答：很大" in importance.inner_text().replace(" ", "").replace(":", "：")
            assert importance.locator("meter").count() == 6
            page.screenshot(path=str(ARTIFACTS / "expert-round2-feedback-zh-phone.png"), full_page=True)
        finally:
            browser.close()
