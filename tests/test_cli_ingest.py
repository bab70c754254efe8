"""The ``foresight`` CLI: ingest, docs stats, demo — through Typer's runner, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from foresight.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()


def invoke(db_url: str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env={"FORESIGHT_DATABASE_URL": db_url}, catch_exceptions=False)


def test_ingest_json_report_and_stats(db_url: str) -> None:
    files = [str(FIXTURES / "corpora" / name) for name in ("arxiv.jsonl", "uspto.jsonl", "csl.jsonl")]
    result = invoke(db_url, "ingest", *files, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {k: report[k] for k in ("read", "new", "merged", "rejected")} == {
        "read": 100, "new": 100, "merged": 0, "rejected": 0
    }  # fmt: skip
    again = json.loads(invoke(db_url, "ingest", files[0], "--json").stdout)
    assert (again["new"], again["unchanged"]) == (0, 40)
    stats = json.loads(invoke(db_url, "docs", "stats", "--json").stdout)
    assert stats["total"] == 100
    assert stats["by_kind"] == {"paper": 70, "patent": 30}
    assert stats["by_language"] == {"en": 70, "zh": 30}
    assert stats["by_source_format"] == {"arxiv-jsonl": 40, "csl-jsonl": 30, "uspto-jsonl": 30}
    assert sum(stats["by_year"].values()) == 100


def test_bad_file_fails_clearly_and_skip_bad_rows(db_url: str, tmp_path: Path) -> None:
    good = (FIXTURES / "corpora" / "csl.jsonl").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([*good[:3], "[1, 2]", *good[3:6]]) + "\n", encoding="utf-8")
    failed = invoke(db_url, "ingest", str(path))
    assert failed.exit_code == 1
    assert "mixed.jsonl, line 4" in failed.output and "Nothing from this file was imported" in failed.output
    assert json.loads(invoke(db_url, "docs", "stats", "--json").stdout)["total"] == 0
    skipped = invoke(db_url, "ingest", str(path), "--skip-bad-rows", "--json")
    assert skipped.exit_code == 0
    report = json.loads(skipped.stdout)
    assert (report["new"], report["rejected"]) == (6, 1)
    assert Path(report["files"][0]["rejects_file"]).is_file()


def test_unknown_format_and_missing_file(db_url: str, tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some words\nnothing bibliographic\n", encoding="utf-8")
    result = invoke(db_url, "ingest", str(odd))
    assert result.exit_code == 1 and "cannot tell the export format" in result.output
    missing = invoke(db_url, "ingest", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.output
    wrong = invoke(db_url, "ingest", str(odd), "--format", "nonsense")
    assert wrong.exit_code == 1 and "unknown format 'nonsense'" in wrong.output
