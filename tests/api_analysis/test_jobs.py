"""Background jobs: 202 at once, success with the import report, failure with the error, and jobs left
running by a stopped process marked failed when the app starts."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api.main import create_app
from foresight.db.models import Document, Job
from foresight.db.session import session_scope
from foresight.jobs import INTERRUPTED
from foresight.settings import Settings
from tests.api_analysis.conftest import Keys, bearer


def finished(client: TestClient, job_id: int, key: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(key)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")


def test_import_job_succeeds(client: TestClient, keys: Keys, data_file: str, app_engine: Engine) -> None:
    r = client.post("/api/v1/jobs/import", json={"path": data_file}, headers=bearer(keys.analyst))
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "queued" and r.json()["created_by"] == "alice"
    job = finished(client, r.json()["id"], keys.planner)
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["new"] == 40 and job["error"] is None
    assert job["started_at"] and job["finished_at"]
    with session_scope(app_engine) as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 40


def test_upload_import_job(client: TestClient, keys: Keys, data_file: str, settings: Settings) -> None:
    content = (settings.data_dir / data_file).read_bytes()
    files = {"file": ("my export.jsonl", content, "application/x-ndjson")}
    r = client.post("/api/v1/jobs/import/upload", files=files, headers=bearer(keys.analyst))
    assert r.status_code == 202, r.text
    assert r.json()["params"]["path"].startswith("uploads/") and r.json()["params"]["path"].endswith(
        "my_export.jsonl"
    )
    assert finished(client, r.json()["id"], keys.analyst)["result"]["new"] == 40


def test_paths_outside_the_data_folder_are_refused(client: TestClient, keys: Keys) -> None:
    for path in ("../../etc/passwd", "/etc/passwd", "missing.jsonl"):
        r = client.post("/api/v1/jobs/import", json={"path": path}, headers=bearer(keys.analyst))
        assert r.status_code == 422, path


def test_analysis_job_failure_carries_the_error(client: TestClient, keys: Keys) -> None:
    r = client.post("/api/v1/jobs/analysis", json={"representation": "lexical"}, headers=bearer(keys.analyst))
    assert r.status_code == 202
    job = finished(client, r.json()["id"], keys.analyst)
    assert job["status"] == "failed"
    assert "only 0 documents match" in job["error"] and job["finished_at"]
    assert client.get("/api/v1/jobs/999999", headers=bearer(keys.analyst)).status_code == 404


def test_restart_marks_running_jobs_failed(app: FastAPI, settings: Settings, app_engine: Engine) -> None:
    with session_scope(app_engine) as s:
        running = Job(kind="analysis", status="running", params={}, progress={"step": "embed"}, result={},
                      created_by="alice")  # fmt: skip
        done = Job(kind="import", status="succeeded", params={}, progress={}, result={}, created_by="alice")
        s.add_all([running, done])
        s.flush()
        running_id, done_id = running.id, done.id
    with TestClient(create_app(settings)):  # a new process starting
        pass
    with session_scope(app_engine) as s:
        again = s.get(Job, running_id)
        assert again is not None and again.status == "failed" and again.error == INTERRUPTED
        assert again.finished_at is not None
        kept = s.get(Job, done_id)
        assert kept is not None and kept.status == "succeeded" and kept.error is None


def test_import_path_with_nul_byte_is_refused(client, keys) -> None:  # type: ignore[no-untyped-def]
    # found by schemathesis: a NUL byte in the path used to raise inside pathlib (500)
    from tests.api_analysis.conftest import bearer

    response = client.post("/api/v1/jobs/import", json={"path": "a\u0000b"}, headers=bearer(keys.analyst))
    assert response.status_code == 422 and "NUL" in response.text
