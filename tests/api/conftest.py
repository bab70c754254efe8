"""Fixtures of the API tests: the real app on a migrated store (SQLite and PostgreSQL), a TestClient, and a
survey with invited experts set up through the admin API."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.main import create_app
from foresight.settings import Settings

ADMIN_TOKEN = "admin-token-for-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SECRET_KEY = "secret-key-for-tests-0123456789abcdef"


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        data_dir=tmp_path,
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        max_request_bytes=64 * 1024,
        public_base_url="http://testserver",
    )


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def app_engine(app: FastAPI, settings: Settings, client: TestClient) -> Engine:
    engine: Engine = app.state.engines.get(settings)[0]
    return engine


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
