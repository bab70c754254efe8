"""API keys: created once, hashed, revocable; experts' invitation tokens and unknown tokens get 401; a
planner may read but not write."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from foresight.apikeys import hash_key
from foresight.db.models import ApiKey
from foresight.db.session import session_scope
from tests.api_analysis.conftest import ADMIN_TOKEN, Keys, Store, bearer


def test_key_is_stored_hashed_and_usable(client: TestClient, app_engine: Engine, keys: Keys) -> None:
    with session_scope(app_engine) as s:
        row = s.scalar(select(ApiKey).where(ApiKey.name == "alice"))
        assert row is not None
        assert row.key_hash == hash_key(keys.analyst) and keys.analyst not in (row.key_hash, row.prefix)
        assert keys.analyst.startswith(row.prefix) and row.last_used_at is None
    r = client.get("/api/v1/runs", headers=bearer(keys.analyst))
    assert r.status_code == 200, r.text
    assert r.json() == {"total": 0, "limit": 50, "offset": 0, "items": []}
    with session_scope(app_engine) as s:
        assert s.scalar(select(ApiKey.last_used_at).where(ApiKey.name == "alice")) is not None


def test_missing_unknown_and_revoked_keys_get_401(client: TestClient, keys: Keys) -> None:
    assert client.get("/api/v1/runs").status_code == 401
    r = client.get("/api/v1/runs", headers=bearer("fsk_not-a-key"))
    assert r.status_code == 401
    assert r.headers["content-type"] == "application/problem+json"
    assert client.get("/api/v1/runs", headers=bearer(keys.planner)).status_code == 200
    admin = bearer(ADMIN_TOKEN)
    r = client.delete("/api/v1/keys/paula", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"] is not None
    assert client.get("/api/v1/runs", headers=bearer(keys.planner)).status_code == 401


def test_expert_invitation_token_gives_no_access(client: TestClient, keys: Keys) -> None:
    from tests.api.conftest import make_survey

    setup = make_survey(client, {"academia": 1}, n_items=1)
    token = setup.token(0)
    assert client.get("/api/expert/round", headers=bearer(token)).status_code != 401  # valid for experts
    assert client.get("/api/v1/runs", headers=bearer(token)).status_code == 401
    assert (
        client.post(
            "/api/v1/watchlist", json={"kind": "keyword", "target": "x"}, headers=bearer(token)
        ).status_code
        == 401
    )


def test_planner_reads_but_may_not_write(client: TestClient, keys: Keys, store: Store) -> None:
    theme = store.theme_ids[0]
    assert client.get(f"/api/v1/themes/{theme}", headers=bearer(keys.planner)).status_code == 200
    body = {"label_en": "LLMs", "reason": "shorter", "expected_version": 1}
    r = client.post(f"/api/v1/themes/{theme}/relabel", json=body, headers=bearer(keys.planner))
    assert r.status_code == 403
    assert r.json()["status"] == 403
    r = client.post("/api/v1/jobs/analysis", json={}, headers=bearer(keys.planner))
    assert r.status_code == 403
    assert client.get("/api/v1/keys", headers=bearer(keys.analyst)).status_code == 403


def test_admin_creates_lists_keys_over_http(client: TestClient) -> None:
    admin = bearer(ADMIN_TOKEN)
    r = client.post("/api/v1/keys", json={"name": "svc", "role": "analyst"}, headers=admin)
    assert r.status_code == 201
    secret = r.json()["key"]
    listed = client.get("/api/v1/keys", headers=admin).json()
    assert [k["name"] for k in listed] == ["svc"] and "key" not in listed[0]
    assert client.get("/api/v1/runs", headers=bearer(secret)).status_code == 200
    again = client.post("/api/v1/keys", json={"name": "svc", "role": "analyst"}, headers=admin)
    assert again.status_code == 422


def test_cli_create_list_revoke(db_url: str, tmp_path: object) -> None:
    from foresight.cli.app import app

    runner = CliRunner()
    env = {"FORESIGHT_DATABASE_URL": db_url, "FORESIGHT_DATA_DIR": str(tmp_path)}
    r = runner.invoke(app, ["keys", "create", "--name", "carol", "--role", "planner"], env=env)
    assert r.exit_code == 0, r.output
    secret = r.stdout.strip().splitlines()[0]
    assert secret.startswith("fsk_") and len(secret) > 40
    r = runner.invoke(app, ["keys", "list", "--json"], env=env)
    assert r.exit_code == 0, r.output
    assert secret not in r.stdout and '"carol"' in r.stdout
    r = runner.invoke(app, ["keys", "revoke", "carol"], env=env)
    assert r.exit_code == 0 and "revoked carol" in r.stdout
    r = runner.invoke(app, ["keys", "create", "--name", "dave", "--role", "boss"], env=env)
    assert r.exit_code == 1
