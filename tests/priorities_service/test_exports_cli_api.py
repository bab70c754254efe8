"""Exports reopen (CSV, XLSX via openpyxl, schema-valid JSON, Markdown/HTML report with a diff), the
``foresight priorities`` commands via CliRunner and the API via TestClient."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.main import create_app
from foresight.apikeys.service import create_key
from foresight.cli import app as cli_app
from foresight.db.session import session_factory
from foresight.delphi.service.errors import InvalidInput
from foresight.priorities import ListSettings, Weights, load_schema, read_csv
from foresight.priorities.service import build_priority_list
from foresight.priorities.store import export_priority_list
from foresight.settings import Settings
from foresight.store import open_store
from tests.priorities_service.conftest import Seeded, seed_survey

TOKEN = "admin-token-for-tests-0123456789"
ADMIN = {"Authorization": f"Bearer {TOKEN}"}


def test_every_export_reopens(db: Session, seeded: Seeded, tmp_path: Path) -> None:
    first = build_priority_list(
        db, seeded.survey_id, ListSettings(weights=Weights.of(importance=1)), created_by="p", n_boot=10
    )
    settings = ListSettings(weights=Weights.of(importance=1, emergence=1))
    rec = build_priority_list(db, seeded.survey_id, settings, name="Energy list", created_by="p", n_boot=10)
    db.commit()
    a, b, _ = (str(i) for i in seeded.item_ids)
    [csv_path] = export_priority_list(db, rec.id, tmp_path / "l.csv")
    rows = read_csv(csv_path)
    assert [(r["rank"], r["item_id"]) for r in rows][:2] == [(1, b), (2, a)]
    [xlsx] = export_priority_list(db, rec.id, tmp_path / "l.xlsx")
    wb = load_workbook(xlsx)
    assert "priorities" in wb.sheetnames and wb["priorities"].max_row == 1 + 3
    [js] = export_priority_list(db, rec.id, tmp_path / "l.json")
    doc = json.loads(js.read_text(encoding="utf-8"))
    jsonschema.validate(doc, load_schema())
    assert doc["provenance"]["survey_id"] == seeded.survey_id
    md, html, *charts = export_priority_list(db, rec.id, tmp_path / "report" / "l.md")
    assert md.suffix == ".md" and html.suffix == ".html" and all(c.exists() for c in charts)
    text = md.read_text(encoding="utf-8")
    assert "Energy list" in text and rec.previous_list_id == first.id
    [html2, _md2, *_] = export_priority_list(db, rec.id, tmp_path / "r2" / "x.html")
    assert html2.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    with pytest.raises(InvalidInput):
        export_priority_list(db, rec.id, tmp_path / "l.pdf")


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Seeded]:
    monkeypatch.setenv("FORESIGHT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORESIGHT_DATABASE_URL", raising=False)
    engine = open_store(Settings(data_dir=tmp_path))
    session = session_factory(engine)()
    try:
        yield seed_survey(session)
    finally:
        session.close()
        engine.dispose()


def test_cli_build_export_list(cli_env: Seeded, tmp_path: Path) -> None:
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(cli_app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    a, b, c = (str(i) for i in cli_env.item_ids)
    sid = str(cli_env.survey_id)
    out = ok(
        "priorities",
        "build",
        "--survey",
        sid,
        "--weight",
        "importance=1",
        "--n-boot",
        "20",
        "--exclude",
        f"{c}:out of scope",
        "--name",
        "First",
    )
    assert "priority list 1 stored (2 entries)" in out and f"excluded {c}" in out
    lines = [ln for ln in out.splitlines() if "Solid-state" in ln or "Quantum" in ln]
    assert "Solid-state" in lines[0] and "Quantum" in lines[1]  # A (100) above B (62.5)
    out = ok(
        "priorities", "build", "--survey", sid, "--preset", "balanced", "--top", "1", "--pin", f"{c}:policy"
    )
    assert "priority list 2 stored" in out and "policy" in out
    listing = ok("priorities", "list")
    assert "First" in listing and "balanced" in listing
    target = tmp_path / "out.json"
    assert "wrote" in ok("priorities", "export", "-o", str(target), "--list", "1")
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert [e["item_id"] for e in doc["entries"]] == [a, b]
    assert doc["settings"]["exclusions"] == {c: "out of scope"}
    bad = runner.invoke(cli_app, ["priorities", "build", "--survey", sid, "--weight", "nonsense=1"])
    assert bad.exit_code != 0
    missing = runner.invoke(cli_app, ["priorities", "build", "--survey", "999"])
    assert missing.exit_code == 1


@pytest.fixture
def api_client(db_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Seeded, dict[str, str]]]:
    settings = Settings(
        database_url=db_url,
        data_dir=tmp_path,
        admin_token=TOKEN,
        secret_key="secret-key-for-tests-0123456789abcdef",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        engine = app.state.engines.get(settings)[0]
        session = session_factory(engine)()
        try:
            seeded = seed_survey(session)
            keys = {role: create_key(session, f"{role}-key", role)[1] for role in ("planner", "analyst")}
            session.commit()
        finally:
            session.close()
        yield client, seeded, keys


def test_api_build_list_read_export(api_client: tuple[TestClient, Seeded, dict[str, str]]) -> None:
    client, seeded, keys = api_client
    a, b, _ = (str(i) for i in seeded.item_ids)
    body = {"survey_id": seeded.survey_id, "weights": {"importance": 1, "emergence": 1}, "n_boot": 10}
    assert client.post("/api/priorities", json=body).status_code == 401
    r = client.post("/api/priorities", json=body, headers=ADMIN)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["weights"]["importance"] == pytest.approx(0.5)
    assert [e["item_id"] for e in made["result"]["entries"]] == [b, a, str(seeded.item_ids[2])]
    bad = client.post("/api/priorities", json={**body, "preset": "balanced"}, headers=ADMIN)
    assert bad.status_code == 422
    assert client.post("/api/priorities", json={**body, "survey_id": 999}, headers=ADMIN).status_code == 404
    assert [x["id"] for x in client.get("/api/priorities", headers=ADMIN).json()] == [made["id"]]
    one = client.get(f"/api/priorities/{made['id']}", headers=ADMIN).json()
    assert one["result"]["provenance"]["items"][a]["lineage_id"] == "L0"
    assert client.get("/api/priorities/999", headers=ADMIN).status_code == 404
    planner = {"Authorization": f"Bearer {keys['planner']}"}
    analyst = {"Authorization": f"Bearer {keys['analyst']}"}
    assert client.get("/api/priorities", headers=analyst).status_code == 403
    assert client.post("/api/priorities", json=body, headers=analyst).status_code == 403
    by_planner = client.post("/api/priorities", json={**body, "name": "planning"}, headers=planner)
    assert by_planner.status_code == 201 and by_planner.json()["created_by"] == "planner-key"
    assert by_planner.json()["previous_list_id"] == made["id"]
    for fmt in ("csv", "xlsx", "json", "md", "html"):
        r = client.get(f"/api/priorities/{made['id']}/export", params={"format": fmt}, headers=ADMIN)
        assert r.status_code == 200 and r.content, fmt
    js = client.get(f"/api/priorities/{made['id']}/export", params={"format": "json"}, headers=ADMIN).json()
    jsonschema.validate(js, load_schema())
