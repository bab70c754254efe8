"""Helpers of the API tests: a survey with invited experts set up through the admin API. The app on a migrated
store (SQLite and PostgreSQL: ``settings``, ``app``, ``client``, ``app_engine``) comes from
``tests/conftest.py``, with a 64 KiB body limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tests.conftest import ADMIN_TOKEN, SECRET_KEY

__all__ = ["ADMIN", "ADMIN_TOKEN", "SECRET_KEY", "SurveySetup", "make_survey", "session_for"]

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@dataclass
class SurveySetup:
    survey_id: int
    experts: list[dict[str, Any]]
    tokens: dict[int, str]
    round: dict[str, Any]

    def token(self, k: int) -> str:
        return self.tokens[self.experts[k]["id"]]


def make_survey(
    client: TestClient,
    groups: dict[str, int] | None = None,
    n_items: int = 2,
    *,
    rules: dict[str, Any] | None = None,
    open_round: bool = True,
) -> SurveySetup:
    """Experts (names, e-mails), a survey of ``n_items`` items, invitations, and round 1 open."""
    experts = []
    for group, n in (groups or {"academia": 3, "industry": 3}).items():
        for k in range(n):
            body = {
                "name": f"Dr {group.title()} {k}",
                "email": f"{group}.{k}@example.org",
                "stakeholder_group": group,
                "organization": f"{group.title()} Institute {k}",
                "languages": ["zh", "en"],
                "fields": ["energy"],
            }
            r = client.post("/api/admin/experts", json=body, headers=ADMIN)
            assert r.status_code == 201, r.text
            experts.append(r.json())
    items = [
        {"title_zh": f"技术{k}", "title_en": f"Technology {k}", "description": f"Item {k}"}
        for k in range(n_items)
    ]
    r = client.post(
        "/api/admin/surveys",
        json={"title_zh": "能源2040", "title_en": "Energy 2040", "items": items},
        headers=ADMIN,
    )
    assert r.status_code == 201, r.text
    survey_id = r.json()["id"]
    if rules:
        assert (
            client.put(f"/api/admin/surveys/{survey_id}/rules", json=rules, headers=ADMIN).status_code == 200
        )
    r = client.post(f"/api/admin/surveys/{survey_id}/invitations", json={"expires_days": 10}, headers=ADMIN)
    assert r.status_code == 201, r.text
    tokens = {inv["expert_id"]: inv["token"] for inv in r.json()}
    rnd: dict[str, Any] = {}
    if open_round:
        r = client.post(f"/api/admin/surveys/{survey_id}/rounds", headers=ADMIN)
        assert r.status_code == 201, r.text
        rnd = r.json()
    return SurveySetup(survey_id, experts, tokens, rnd)


def session_for(engine: Engine) -> Session:
    return Session(engine)
