"""The main job (`foresight demo --no-serve`) on a small corpus: every artefact is written and real."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from foresight.cli import app
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def test_demo_runs_the_loop_and_writes_artefacts(db_url: str, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    for name in ("arxiv.jsonl", "uspto.jsonl", "csl.jsonl"):
        (demo / name).write_bytes((FIXTURES / "corpora" / name).read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        ["demo", "--demo-dir", str(demo), "--out", str(out), "--no-serve", "--stability-runs", "0",
         "--scenarios", str(ROOT / "data" / "scenarios.yaml")],
        env={"FORESIGHT_DATABASE_URL": db_url},
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "100 documents" in result.output and "themes in" in result.output
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    types = {node["type"] for node in graph["nodes"]}
    assert {"theme", "field", "keyword"} <= types
    report = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "##" in report and (out / "report" / "report.html").is_file()
    assert (out / "graph.graphml").is_file()
