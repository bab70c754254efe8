"""``GET /api/v1/search``: semantic + keyword search over HTTP, with the real bundled model."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.ingest.service import import_file
from tests.api_analysis.conftest import Keys, bearer
from tests.conftest import FIXTURES


def test_search_documents_with_score_parts(client: TestClient, keys: Keys, app_engine: Engine) -> None:
    with session_scope(app_engine) as s:
        import_file(s, FIXTURES / "corpora" / "uspto.jsonl")
    response = client.get(
        "/api/v1/search", params={"q": "cabergoline synthesis", "limit": 5}, headers=bearer(keys.planner)
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] >= 1 and 1 <= len(body["hits"]) <= 5
    first = body["hits"][0]
    assert "cabergoline" in first["document"]["title"].lower()
    assert {"semantic", "bm25", "fused"} <= set(first["scores"])
    assert "cabergoline" in first["matching_terms"]
    assert client.get("/api/v1/search", params={"q": "cabergoline"}).status_code == 401
    assert client.get("/api/v1/search", params={"q": ""}, headers=bearer(keys.planner)).status_code == 422
