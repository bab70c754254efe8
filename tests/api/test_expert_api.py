"""Expert JSON API: invitation auth (one message for unknown/expired/revoked), per-field 422s, upserts under
parallel requests, read-only closed rounds, comments under pseudonyms, carried-forward items."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from foresight.db.models import Invitation, Response
from foresight.delphi.service.common import now_utc
from tests.api.conftest import ADMIN, make_survey
from tests.delphi_service.helpers import full_answers


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _put(
    client: TestClient,
    token: str,
    rnd: dict[str, Any],
    item: int,
    answers: dict[str, Any],
    submit: bool = True,
):
    return client.put(
        f"/api/expert/rounds/{rnd['id']}/items/{item}/answers",
        json={"answers": answers, "submit": submit},
        headers=_auth(token),
    )


def test_unknown_expired_and_revoked_tokens_get_the_same_401(client: TestClient, app_engine: Engine) -> None:
    setup = make_survey(client, {"academia": 3})
    ok = client.get("/api/expert/questionnaire", headers=_auth(setup.token(0)))
    assert ok.status_code == 200 and ok.json()["round"]["number"] == 1
    with Session(app_engine) as s:
        s.execute(
            update(Invitation)
            .where(Invitation.expert_id == setup.experts[1]["id"])
            .values(expires_at=now_utc() - timedelta(seconds=1))
        )
        s.commit()
        revoked_id = s.scalar(select(Invitation.id).where(Invitation.expert_id == setup.experts[2]["id"]))
    assert (
        client.post(f"/api/admin/invitations/{revoked_id}/revoke", headers=ADMIN).json()["state"] == "revoked"
    )
    bodies = []
    for token in ("not-a-token", setup.token(1), setup.token(2), ""):
        r = client.get("/api/expert/questionnaire", headers=_auth(token))
        assert r.status_code == 401
        bodies.append(r.json())
    assert all(b == bodies[0] for b in bodies)
    assert bodies[0]["detail"].startswith("This invitation link is not valid")


def test_invalid_answers_get_422_with_a_message_per_field(client: TestClient) -> None:
    setup = make_survey(client)
    item = setup.round["items_asked"][0]
    r = _put(
        client,
        setup.token(0),
        setup.round,
        item,
        full_answers(
            importance="huge",
            realization_technological=1990,
            policy_measures=["funding", "standards", "regulation", "elsi"],
            extra="x",
        ),
    )
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "/problems/invalid-answers"
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert set(messages) == {"importance", "realization_technological", "policy_measures", "extra"}
    assert "1990" in messages["realization_technological"] and "at most 3" in messages["policy_measures"]
    r = client.put(
        f"/api/expert/rounds/{setup.round['id']}/items/{item}/answers",
        json={"submit": True},
        headers=_auth(setup.token(0)),
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "answers"


def test_parallel_identical_submissions_leave_one_row(
    app: FastAPI, client: TestClient, app_engine: Engine
) -> None:
    setup = make_survey(client, {"academia": 2})
    item = setup.round["items_asked"][0]
    n = 6
    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def send() -> None:
        with TestClient(app) as own:  # a separate client (and event loop) per thread
            barrier.wait(timeout=30)
            statuses.append(_put(own, setup.token(0), setup.round, item, full_answers()).status_code)

    threads = [threading.Thread(target=send) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [200] * n
    with Session(app_engine) as s:
        rows = s.execute(select(Response.question_id, func.count()).group_by(Response.question_id)).all()
    assert len(rows) == 8 and all(count == 1 for _, count in rows)


def test_closed_round_is_read_only_and_comments_are_pseudonymous(client: TestClient) -> None:
    setup = make_survey(client, {"academia": 2})
    item = setup.round["items_asked"][0]
    r = client.post(
        f"/api/expert/rounds/{setup.round['id']}/items/{item}/comments",
        json={"text": "Cheap soon"},
        headers=_auth(setup.token(0)),
    )
    assert r.status_code == 201 and r.json()["pseudonym"].startswith("E-")
    assert _put(client, setup.token(0), setup.round, item, full_answers()).status_code == 200
    client.post(f"/api/admin/surveys/{setup.survey_id}/rounds/current/close", headers=ADMIN)
    r = _put(client, setup.token(0), setup.round, item, full_answers(importance="low"))
    assert r.status_code == 409 and "read-only" in r.json()["detail"]
    view = client.get("/api/expert/questionnaire", headers=_auth(setup.token(0))).json()
    assert view["round"]["read_only"] is True and view["items"][0]["answers"]["importance"] == "very_high"


def test_carried_forward_items_are_not_asked_again(client: TestClient) -> None:
    setup = make_survey(
        client, {"academia": 5}, rules={"stopping": {"require_stability_for_consensus": False}}
    )
    first, second = setup.round["items_asked"]
    spread = ["very_high", "very_low", "medium", "high", "low"]
    for k in range(5):
        assert _put(client, setup.token(k), setup.round, first, full_answers()).status_code == 200
        assert (
            _put(client, setup.token(k), setup.round, second, full_answers(importance=spread[k])).status_code
            == 200
        )
    client.post(f"/api/admin/surveys/{setup.survey_id}/rounds/current/close", headers=ADMIN)
    r = client.post(f"/api/admin/surveys/{setup.survey_id}/rounds", headers=ADMIN)
    rnd2 = r.json()
    assert rnd2["items_asked"] == [second] and rnd2["carried_forward"] == [first]
    view = client.get("/api/expert/questionnaire", headers=_auth(setup.token(0))).json()
    assert [i["id"] for i in view["items"]] == [second]
    assert [i["id"] for i in view["carried_forward"]] == [first]
    r = _put(client, setup.token(0), rnd2, first, full_answers())
    assert r.status_code == 409 and "not asked again" in r.json()["detail"]
    # Round 2 asks for a reason outside last round's IQR (Q1 = low … Q3 = high on item 2).
    r = _put(client, setup.token(0), rnd2, second, full_answers(importance="very_high"))
    assert r.status_code == 422 and [e["field"] for e in r.json()["errors"]] == ["reason"]
    r = _put(
        client, setup.token(0), rnd2, second, full_answers(importance="very_high", reason={"text": "data"})
    )
    assert r.status_code == 200 and r.json()["reason_rule_applies"] is True
