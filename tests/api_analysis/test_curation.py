"""Curation over HTTP: actor and reason recorded, stale versions refused with the current state (also for
two analysts racing), idempotent retries."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from foresight.db.models import CurationOp, IdempotencyKey
from foresight.db.session import session_scope
from tests.api_analysis.conftest import Keys, Store, bearer


def test_relabel_records_actor_and_reason(client: TestClient, keys: Keys, store: Store) -> None:
    theme = store.theme_ids[0]
    body = {"label_en": "Large language models", "reason": "clearer", "expected_version": 1}
    r = client.post(f"/api/v1/themes/{theme}/relabel", json=body, headers=bearer(keys.analyst))
    assert r.status_code == 200, r.text
    assert r.json()["op"] == "relabel" and r.json()["themes"] == [theme]
    detail = client.get(f"/api/v1/themes/{theme}", headers=bearer(keys.planner)).json()
    assert detail["label_en"] == "Large language models" and detail["version"] == 2
    [entry] = detail["curation_history"]
    assert (entry["actor"], entry["reason"], entry["op"]) == ("alice", "clearer", "relabel")
    log = client.get(f"/api/v1/runs/{store.run_id}/curation-log", headers=bearer(keys.planner)).json()
    assert [e["id"] for e in log] == [entry["id"]]


def test_reason_is_required(client: TestClient, keys: Keys, store: Store) -> None:
    url = f"/api/v1/themes/{store.theme_ids[0]}/relabel"
    r = client.post(url, json={"label_en": "X", "expected_version": 1}, headers=bearer(keys.analyst))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = client.post(url, json={"label_en": "X", "reason": ""}, headers=bearer(keys.analyst))
    assert r.status_code == 422


def test_stale_version_gets_409_with_current_state(client: TestClient, keys: Keys, store: Store) -> None:
    theme = store.theme_ids[1]
    url = f"/api/v1/themes/{theme}/relabel"
    ok = client.post(
        url, json={"label_en": "A", "reason": "r", "expected_version": 1}, headers=bearer(keys.analyst)
    )
    assert ok.status_code == 200
    r = client.post(
        url, json={"label_en": "B", "reason": "r", "expected_version": 1}, headers=bearer(keys.analyst2)
    )
    assert r.status_code == 409
    assert r.headers["content-type"] == "application/problem+json"
    problem = r.json()
    assert problem["status"] == 409 and problem["current"][str(theme)]["version"] == 2
    assert problem["current"][str(theme)]["label_en"] == "A"


def test_hide_several_themes_with_version_map(client: TestClient, keys: Keys, store: Store) -> None:
    a, b = store.theme_ids[:2]
    body = {"theme_ids": [a, b], "reason": "noise", "expected_version": {str(a): 1, str(b): 1}}
    r = client.post("/api/v1/themes/hide", json=body, headers=bearer(keys.analyst))
    assert r.status_code == 200, r.text
    page = client.get(f"/api/v1/runs/{store.run_id}/themes", headers=bearer(keys.planner)).json()
    assert [t["id"] for t in page["items"]] == [store.theme_ids[2]]
    undo = client.post(
        f"/api/v1/runs/{store.run_id}/undo", json={"reason": "oops"}, headers=bearer(keys.analyst)
    )
    assert undo.status_code == 200, undo.text
    assert (
        client.get(f"/api/v1/runs/{store.run_id}/themes", headers=bearer(keys.planner)).json()["total"] == 3
    )
    assert client.post("/api/v1/themes/hide", json=body, headers=bearer(keys.analyst)).status_code == 409


def test_two_analysts_race_on_the_same_version(client: TestClient, keys: Keys, store: Store) -> None:
    theme = store.theme_ids[0]
    barrier = threading.Barrier(2)

    def edit(key: str, label: str) -> Any:
        barrier.wait()
        body = {"label_en": label, "reason": "race", "expected_version": 1}
        return client.post(f"/api/v1/themes/{theme}/relabel", json=body, headers=bearer(key))

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(edit, [keys.analyst, keys.analyst2], ["From Alice", "From Bob"]))
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409).json()
    winner_label = "From Alice" if results[0].status_code == 200 else "From Bob"
    assert loser["current"][str(theme)]["version"] == 2
    assert loser["current"][str(theme)]["label_en"] == winner_label
    detail = client.get(f"/api/v1/themes/{theme}", headers=bearer(keys.planner)).json()
    assert detail["label_en"] == winner_label and len(detail["curation_history"]) == 1


def test_idempotent_retry_returns_the_stored_response(
    client: TestClient, keys: Keys, store: Store, app_engine: Engine
) -> None:
    theme = store.theme_ids[2]
    url = f"/api/v1/themes/{theme}/relabel"
    body = {"label_en": "Robots", "reason": "plural", "expected_version": 1}
    h = {**bearer(keys.analyst), "Idempotency-Key": "req-1"}
    first = client.post(url, json=body, headers=h)
    again = client.post(url, json=body, headers=h)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(CurationOp)) == 1
        assert s.scalar(select(IdempotencyKey.principal)) == "alice"
    other = client.post(url, json={**body, "label_en": "Robotic systems"}, headers=h)
    assert other.status_code == 422 and other.json()["type"] == "/problems/idempotency-key-reused"
    # the same key from another principal is another request: it applies (and is stale now)
    bob = client.post(url, json=body, headers={**bearer(keys.analyst2), "Idempotency-Key": "req-1"})
    assert bob.status_code == 409


def test_unknown_theme_and_bad_request(client: TestClient, keys: Keys, store: Store) -> None:
    h = bearer(keys.analyst)
    r = client.post("/api/v1/themes/999999/relabel", json={"label_en": "X", "reason": "r"}, headers=h)
    assert r.status_code == 404
    r = client.post(
        "/api/v1/themes/merge", json={"theme_ids": [store.theme_ids[0]] * 2, "reason": "r"}, headers=h
    )
    assert r.status_code == 422 and "itself" in r.json()["detail"]
