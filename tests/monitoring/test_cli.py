"""``foresight indicators | lineage | watch | alerts | report`` through Typer's runner, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from foresight.cli import app
from foresight.db.migrate import upgrade
from foresight.db.session import make_engine
from tests.monitoring.conftest import build_monthly_store

runner = CliRunner()


def invoke(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    env = {"FORESIGHT_DATABASE_URL": db_url, "COLUMNS": "160"}
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)


def test_monitoring_commands(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    store = build_monthly_store(engine)
    engine.dispose()

    table = invoke(db_url, "indicators", "--period", "month")
    assert table.exit_code == 0, table.output
    assert (
        "quantum error correction" in table.output
        and "2 themes, 363 documents up to 2025-06-15" in table.output
    )
    data = json.loads(invoke(db_url, "indicators", "--as-of", "2025-03", "--json").stdout)
    assert data["as_of"] == "2025-03-31" and data["granularity"] == "month" and data["n_after_as_of"] == 60
    assert data["ranking"][0]["theme_id"] == store.quantum_id
    detail = json.loads(invoke(db_url, "indicators", "--theme", str(store.quantum_id), "--json").stdout)
    assert (
        detail["as_of"] == "2025-06-15" and detail["indicators"][0]["formula"]["id"] == "scorecard.composite"
    )
    shown = invoke(db_url, "indicators", "--theme", str(store.quantum_id))
    assert shown.exit_code == 0 and "EScore" in shown.output
    bad = invoke(db_url, "indicators", "--as-of", "last week")
    assert bad.exit_code == 2 and "expected YYYY" in bad.output
    early = invoke(db_url, "indicators", "--as-of", "2020")
    assert early.exit_code == 1 and "no dated document" in early.output

    added = invoke(db_url, "watch", "add", "keyword", "Qubit", "--by", "analyst")
    assert added.exit_code == 0 and "keyword 'qubit'" in added.output
    wrong = invoke(db_url, "watch", "add", "planet", "mars")
    assert wrong.exit_code == 1 and "unknown watch kind 'planet'" in wrong.output
    watches = json.loads(invoke(db_url, "watch", "list", "--json").stdout)
    assert [(w["kind"], w["target"], w["created_by"]) for w in watches] == [("keyword", "qubit", "analyst")]

    alerts = json.loads(invoke(db_url, "alerts", "--json").stdout)
    escore = [a for a in alerts if a["rule"] == "escore_above_threshold"]
    assert escore and escore[0]["theme_id"] == store.quantum_id and escore[0]["watch_id"] == watches[0]["id"]
    text = invoke(db_url, "alerts", "--refresh")
    assert text.exit_code == 0 and "on watched items" in text.output

    lineage = json.loads(invoke(db_url, "lineage", "--json").stdout)
    assert lineage["previous_run_id"] is None and lineage["events"] == []

    out = tmp_path / "report"
    made = invoke(db_url, "report", "-o", str(out), "--top", "2")
    assert made.exit_code == 0, made.output
    assert (out / "report.md").is_file() and (out / "report.html").is_file()
    assert len(list((out / "charts").glob("*.png"))) == 4
    assert "graph neural networks" in (out / "report.html").read_text(encoding="utf-8")
    missing = invoke(db_url, "report", "-o", str(out), "--templates", str(tmp_path / "nope"))
    assert missing.exit_code == 2

    removed = invoke(db_url, "watch", "remove", str(watches[0]["id"]))
    assert removed.exit_code == 0 and json.loads(invoke(db_url, "watch", "list", "--json").stdout) == []
    assert invoke(db_url, "watch", "remove", "999").exit_code == 2
