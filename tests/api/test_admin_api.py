"""Admin API over real HTTP (TestClient) on a real store: auth, problem JSON, panel, surveys from themes,
invitations, rounds, results, exports, reminders, audit log, body-size limit."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from foresight.db.models import Invitation
from tests.api.conftest import ADMIN, make_survey
from tests.delphi_service.helpers import build_run_with_themes, full_answers


def test_admin_endpoints_need_the_admin_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"X-Admin-Token": "wrong"}):
        r = client.get("/api/admin/experts", headers=headers)
        assert r.status_code == 401
        assert r.headers["content-type"] == "application/problem+json"
        body = r.json()
        assert set(body) == {"type", "title", "status", "detail"} and body["status"] == 401
        assert r.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/admin/experts", headers=ADMIN).json() == []


def test_validation_errors_name_each_field(client: TestClient) -> None:
    r = client.post(
        "/api/admin/experts", json={"email": "nope", "stakeholder_group": "church"}, headers=ADMIN
    )
    assert r.status_code == 422
    body = r.json()
    assert body["type"] == "/problems/validation-error" and body["status"] == 422
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"name", "email", "stakeholder_group"}
    assert all(e["message"] for e in body["errors"])
    r = client.get("/api/admin/surveys/12345", headers=ADMIN)
    assert r.status_code == 404 and r.json()["detail"] == "survey 12345 does not exist"


def test_panel_import_and_coverage(client: TestClient) -> None:
    data = "姓名,邮箱,类别,领域\n王芳,wang@example.cn,政府,能源;交通\nNo Mail,bad,academia,energy\n"
    r = client.post(
        "/api/admin/experts/import", files={"file": ("panel.csv", data.encode(), "text/csv")}, headers=ADMIN
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["created"] == 1
    assert report["errors"] == [{"row": 3, "field": "email", "message": "'bad' is not an e-mail address"}]
    cov = client.get("/api/admin/panel/coverage", headers=ADMIN).json()
    assert {r["field"]: r["counts"]["government"] for r in cov["rows"]} == {"能源": 1, "交通": 1}
    expert_id = report["expert_ids"][0]
    r = client.patch(f"/api/admin/experts/{expert_id}", json={"region": "北京"}, headers=ADMIN)
    assert r.json()["region"] == "北京"
    assert client.delete(f"/api/admin/experts/{expert_id}", headers=ADMIN).json() == {"outcome": "deleted"}


def test_survey_from_themes_invitations_rounds_results_exports_and_audit(
    client: TestClient, app_engine: Engine
) -> None:
    with Session(app_engine) as s:
        theme_ids = build_run_with_themes(s, n_themes=2)
        s.commit()
    r = client.post(
        "/api/admin/surveys", json={"title_zh": "主题调查", "theme_ids": theme_ids}, headers=ADMIN
    )
    assert r.status_code == 201, r.text
    survey = r.json()
    assert [i["title_en"] for i in survey["items"]] == ["Solid-state batteries", "Quantum sensing"]
    assert survey["items"][0]["evidence"]["keywords"] == ["battery", "material"]
    for k in range(5):
        client.post(
            "/api/admin/experts",
            json={"name": f"E{k}", "email": f"e{k}@x.org", "stakeholder_group": "industry"},
            headers=ADMIN,
        )
    r = client.post(f"/api/admin/surveys/{survey['id']}/invitations", json={"expires_days": 3}, headers=ADMIN)
    issued = r.json()
    assert len(issued) == 5 and issued[0]["link"] == f"http://testserver/e/{issued[0]['token']}"
    listed = client.get(f"/api/admin/surveys/{survey['id']}/invitations", headers=ADMIN).json()
    assert all("token" not in i and i["state"] == "active" for i in listed)
    with Session(app_engine) as s:
        hashes = set(s.scalars(select(Invitation.token_hash)))
        dump = " ".join(str(row) for row in s.execute(text("SELECT * FROM invitations")))
    assert issued[0]["token"] not in dump and len(hashes) == 5

    r = client.post(f"/api/admin/surveys/{survey['id']}/rounds", headers=ADMIN)
    rnd = r.json()
    assert r.status_code == 201 and rnd["number"] == 1
    assert client.post(f"/api/admin/surveys/{survey['id']}/rounds", headers=ADMIN).status_code == 409
    r = client.put(
        f"/api/admin/surveys/{survey['id']}/rules", json={"stopping": {"max_rounds": 4}}, headers=ADMIN
    )
    assert r.status_code == 409 and r.json()["type"] == "/problems/conflict"
    for inv in issued:
        for item_id in rnd["items_asked"]:
            r = client.put(
                f"/api/expert/rounds/{rnd['id']}/items/{item_id}/answers",
                json={"answers": full_answers(importance="high"), "submit": True},
                headers={"Authorization": f"Bearer {inv['token']}"},
            )
            assert r.status_code == 200, r.text
    rates = client.get(f"/api/admin/surveys/{survey['id']}/response-rates", headers=ADMIN).json()
    assert rates["rounds"][0]["complete"] == 5 and rates["rounds"][0]["rate"] == 1.0
    live = client.get(f"/api/admin/surveys/{survey['id']}/results", headers=ADMIN).json()
    assert live["provisional"] is True
    r = client.post(f"/api/admin/surveys/{survey['id']}/rounds/current/close", headers=ADMIN)
    assert r.status_code == 200 and r.json()["snapshot_sha256"]
    res = client.get(f"/api/admin/surveys/{survey['id']}/results?round=1", headers=ADMIN).json()
    entry = res["items"][str(rnd["items_asked"][0])]
    assert entry["questions"]["importance"]["ordinal"]["all"]["median"] == 4.0
    assert entry["assessments"]["importance"]["state"] == "consensus"

    r = client.get(f"/api/admin/surveys/{survey['id']}/export?format=csv", headers=ADMIN)
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {row["title_zh"] for row in rows} == {"固态电池", "量子传感"}
    r = client.get(f"/api/admin/surveys/{survey['id']}/export?format=xlsx", headers=ADMIN)
    assert load_workbook(io.BytesIO(r.content)).active.max_row == len(rows) + 1
    assert (
        client.get(f"/api/admin/surveys/{survey['id']}/export?format=pdf", headers=ADMIN).status_code == 422
    )

    preview = client.get(f"/api/admin/invitations/{issued[0]['id']}/preview", headers=ADMIN).json()
    assert preview["round"]["number"] == 1
    audit = client.get("/api/admin/audit?limit=100", headers=ADMIN).json()
    actions = [e["action"] for e in reversed(audit["events"])]
    assert actions[:3] == ["survey.create", "expert.create", "expert.create"]
    for needed in ("invitation.issue", "round.open", "round.close", "results.export", "expert.impersonate"):
        assert needed in actions
    assert actions.count("results.export") == 2
    assert audit["chain_broken_at"] is None
    exports = client.get("/api/admin/audit?action=results.", headers=ADMIN).json()["events"]
    assert [e["details"]["format"] for e in exports] == ["xlsx", "csv"] and exports[0]["actor"] == "admin"


def test_reminders_and_outbox_without_smtp(client: TestClient) -> None:
    setup = make_survey(client, {"academia": 2})
    r = client.post(f"/api/admin/surveys/{setup.survey_id}/reminders", headers=ADMIN)
    assert r.json() == {"queued": 2}
    outbox = client.get("/api/admin/outbox?status=queued", headers=ADMIN).json()
    assert sorted(m["recipient"] for m in outbox) == ["academia.0@example.org", "academia.1@example.org"]
    r = client.post("/api/admin/outbox/deliver", headers=ADMIN)
    assert r.status_code == 409 and "FORESIGHT_SMTP_HOST" in r.json()["detail"]


def test_oversized_bodies_get_413(client: TestClient) -> None:
    big = {"name": "x" * (70 * 1024)}
    r = client.post("/api/admin/experts", json=big, headers=ADMIN)
    assert r.status_code == 413 and r.json()["status"] == 413

    def chunks():  # no Content-Length: the limit is enforced while streaming
        for _ in range(80):
            yield b"x" * 1024

    r = client.post(
        "/api/admin/experts", content=chunks(), headers={**ADMIN, "content-type": "application/json"}
    )
    assert r.status_code == 413
    assert client.get("/api/admin/experts", headers=ADMIN).status_code == 200
