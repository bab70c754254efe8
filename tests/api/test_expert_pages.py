"""Server-rendered expert pages without JavaScript: language switch, drafts, progress, CSRF, 401 pages,
per-field errors, round-2 anonymous feedback next to the expert's previous answer, security headers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from foresight.db.models import Response
from tests.api.conftest import ADMIN, SurveySetup, make_survey
from tests.delphi_service.helpers import full_answers


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def _form(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The answers as the browser would post the questionnaire form."""
    fields: list[tuple[str, str]] = []
    for qid, value in answers.items():
        if value is None:
            continue
        if qid == "rd_position":
            fields.append(("q.rd_position", value["position"]))
            fields += [("q.rd_position.countries", c) for c in value.get("leading_countries", [])]
        elif qid == "reason":
            fields.append(("q.reason", value["text"]))
        elif isinstance(value, list):
            fields += [(f"q.{qid}", v) for v in value]
        else:
            fields.append((f"q.{qid}", value))
    return fields


def _post_item(
    client: TestClient,
    setup: SurveySetup,
    k: int,
    item: int,
    answers: dict[str, Any],
    action: str,
    lang: str = "en",
    csrf: str | None = None,
):
    url = f"/e/{setup.token(k)}/items/{item}"
    page = client.get(f"{url}?lang={lang}")
    token = _csrf(page.text) if csrf is None else csrf
    data = [
        ("csrf_token", token),
        ("lang", lang),
        ("round_id", str(page_round(page.text))),
        ("action", action),
    ]
    body = urlencode(data + _form(answers))
    headers = {"content-type": "application/x-www-form-urlencoded"}
    return client.post(url, content=body, headers=headers, follow_redirects=False)


def page_round(html: str) -> int:
    found = re.search(r'name="round_id" value="(\d+)"', html)
    assert found
    return int(found.group(1))


def test_invitation_link_opens_the_questionnaire_in_both_languages(client: TestClient) -> None:
    setup = make_survey(client)
    r = client.get(f"/e/{setup.token(0)}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in r.text and "已提交 0 / 2 项" in r.text and "技术0" in r.text
    en = client.get(f"/e/{setup.token(0)}?lang=en")
    assert '<html lang="en">' in en.text and "0 of 2 items submitted" in en.text and "Technology 0" in en.text
    assert "<script" not in r.text and "<script" not in en.text
    assert "Dr Academia 0" in r.text  # own name only
    for other in setup.experts[1:]:
        assert other["name"] not in r.text and other["email"] not in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script" not in csp
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"


def test_bad_links_get_the_same_401_page(client: TestClient) -> None:
    setup = make_survey(client, {"academia": 2})
    invitations = client.get(f"/api/admin/surveys/{setup.survey_id}/invitations", headers=ADMIN).json()
    client.post(f"/api/admin/invitations/{invitations[1]['id']}/revoke", headers=ADMIN)
    fake = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
    unknown = client.get(f"/e/{fake}")
    revoked = client.get(f"/e/{setup.token(1)}")
    assert unknown.status_code == revoked.status_code == 401
    assert unknown.text.replace(fake, "T") == revoked.text.replace(setup.token(1), "T")
    assert "This invitation link is not valid" in unknown.text


def test_draft_then_submit_with_progress(client: TestClient, app_engine: Engine) -> None:
    setup = make_survey(client)
    first, second = setup.round["items_asked"]
    r = _post_item(client, setup, 0, first, {"importance": "high", "constraints": ["cost"]}, "draft")
    assert r.status_code == 422 and "not an allowed option" in r.text  # 'cost' is no option code
    r = _post_item(client, setup, 0, first, {"importance": "high", "constraints": ["commercial"]}, "draft")
    assert r.status_code == 303 and r.headers["location"].endswith(f"/items/{first}?lang=en&saved=draft")
    page = client.get(r.headers["location"])
    assert "Draft saved." in page.text and 'value="high" checked' in page.text
    with Session(app_engine) as s:
        rows = s.execute(select(Response.question_id, Response.value, Response.status)).all()
    assert {(q, str(v), st) for q, v, st in rows if v is not None} == {
        ("importance", "high", "draft"),
        ("constraints", "['commercial']", "draft"),
    }
    overview = client.get(f"/e/{setup.token(0)}?lang=en").text
    assert "0 of 2 items submitted" in overview and "(1 saved as drafts" in overview
    r = _post_item(client, setup, 0, first, {"importance": "high"}, "submit")
    assert r.status_code == 422
    for field in ("familiarity", "realization_technological", "rd_position", "constraints"):
        assert f'href="#f-{field}"' in r.text
    assert "an answer is required" in r.text and 'value="high" checked' in r.text  # answers kept
    r = _post_item(client, setup, 0, first, full_answers(), "submit")
    assert r.status_code == 303 and f"/items/{second}?" in r.headers["location"]
    assert "Submitted — thank you!" in client.get(r.headers["location"]).text
    assert "1 of 2 items submitted" in client.get(f"/e/{setup.token(0)}?lang=en").text


def test_posts_without_a_valid_csrf_token_are_rejected(client: TestClient, app_engine: Engine) -> None:
    setup = make_survey(client, {"academia": 2})
    item = setup.round["items_asked"][0]
    for csrf in ("", "123.abc", _csrf(client.get(f"/e/{setup.token(1)}/items/{item}").text)):
        r = _post_item(client, setup, 0, item, full_answers(), "submit", csrf=csrf)
        assert r.status_code == 403 and "expired" in r.text
    r = client.post(f"/e/{setup.token(0)}/items/{item}/comments", data={"text": "hi", "round_id": "1"})
    assert r.status_code == 403
    with Session(app_engine) as s:
        assert s.scalars(select(Response)).all() == []


def test_round_two_page_shows_anonymous_feedback_next_to_the_previous_answer(client: TestClient) -> None:
    setup = make_survey(client, {"academia": 3, "industry": 3}, n_items=1)
    item = setup.round["items_asked"][0]
    levels = ["very_high", "high", "high", "medium", "high", "very_low"]
    for k in range(6):
        answers = full_answers(importance=levels[k], reason={"text": f"reason number {k}"})
        assert _post_item(client, setup, k, item, answers, "submit").status_code == 303
    page = client.get(f"/e/{setup.token(1)}/items/{item}?lang=en")
    client.post(
        f"/e/{setup.token(1)}/items/{item}/comments",
        data={
            "csrf_token": _csrf(page.text),
            "lang": "en",
            "round_id": str(setup.round["id"]),
            "text": "Pilot plants exist <script>alert(1)</script>",
        },
    )
    client.post(f"/api/admin/surveys/{setup.survey_id}/rounds/current/close", headers=ADMIN)
    rnd2 = client.post(f"/api/admin/surveys/{setup.survey_id}/rounds", headers=ADMIN).json()
    html = client.get(f"/e/{setup.token(0)}/items/{item}?lang=en").text
    assert "Round 1 anonymous results (6 experts)" in html
    assert "Your answer last round: <strong>Very high</strong>" in html
    assert "Median: <strong>High</strong>" in html and "Interquartile range: Medium – High" in html
    assert '<meter min="0" max="100" value="50">' in html  # 3 of 6 answered "high"
    assert "Pilot plants exist &lt;script&gt;alert(1)&lt;/script&gt;" in html and "reason number 3" in html
    assert "<script" not in html  # comments are escaped
    assert len(set(re.findall(r"E-[0-9A-Z]{8}", html))) == 5  # five other experts, pseudonymous
    for other in setup.experts[1:]:
        assert other["name"] not in html and other["email"] not in html and other["organization"] not in html
    zh = client.get(f"/e/{setup.token(0)}/items/{item}?lang=zh").text
    assert "第1轮匿名统计（6 位专家）" in zh and "您上一轮的回答" in zh
    # Outside the IQR without a reason: the page says so and keeps the answers.
    r = _post_item(client, setup, 0, item, full_answers(importance="very_high"), "submit")
    assert r.status_code == 422 and "outside the previous round" in r.text
    assert page_round(r.text) == rnd2["id"]
