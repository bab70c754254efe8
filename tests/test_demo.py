"""The main job (`foresight demo --no-serve`) on a small corpus: every artefact is written and real, the demo
survey is answered by generated responses that are labelled so, and a second run reuses the store."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from foresight.cli import app
from foresight.db.models import Expert, Response, Survey
from foresight.db.session import make_engine, session_scope
from foresight.delphi.service.demo import DEMO_TITLE_PREFIX
from foresight.priorities.exports import GENERATED_NOTE
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]


def _demo(demo: Path, out: Path, db_url: str) -> str:
    result = CliRunner().invoke(
        app,
        ["demo", "--demo-dir", str(demo), "--out", str(out), "--no-serve", "--stability-runs", "0",
         "--scenarios", str(ROOT / "data" / "scenarios.yaml"), "--experts", "12", "--survey-themes", "5"],
        env={"FORESIGHT_DATABASE_URL": db_url},
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_runs_the_loop_and_writes_artefacts(db_url: str, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    demo.mkdir()
    for name in ("arxiv.jsonl", "uspto.jsonl", "csl.jsonl"):
        (demo / name).write_bytes((FIXTURES / "corpora" / name).read_bytes())
    out = tmp_path / "out"
    output = _demo(demo, out, db_url)
    assert "100 documents" in output and "themes in" in output
    assert "generated demo responses" in output
    graph = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    types = {node["type"] for node in graph["nodes"]}
    assert {"theme", "field", "keyword"} <= types
    report = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "##" in report and (out / "report" / "report.html").is_file()
    assert (out / "graph.graphml").is_file()

    with session_scope(make_engine(db_url)) as session:
        (survey,) = session.scalars(select(Survey)).all()
        assert survey.generated and survey.title_en.startswith(DEMO_TITLE_PREFIX)
        assert survey.rounds and all(r.status == "closed" for r in survey.rounds)
        item_titles = {i.title_en for i in survey.items}
        assert 1 <= len(survey.items) <= 5 and len(item_titles) == len(survey.items)
        experts = session.scalars(select(Expert)).all()
        assert len(experts) == 12 and all(e.generated for e in experts)
        answers = session.scalar(
            select(func.count()).select_from(Response).where(Response.status == "submitted")
        )
        assert answers and answers >= 12 * len(item_titles) * 7
        survey_id = survey.id
    assert f"{answers:,} in" in output

    with (out / "priorities.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["title_en"] for r in rows} == item_titles
    assert {r["delphi_inputs"] for r in rows} == {GENERATED_NOTE}
    sheet = load_workbook(out / "priorities.xlsx")["priorities"]
    assert "delphi_inputs" in [c.value for c in sheet[1]]
    for name in ("priorities.md", "priorities.html"):
        text = (out / "priorities" / name).read_text(encoding="utf-8")
        assert "generated demo responses" in text and any(t in text for t in item_titles)

    # A second run on the same store: nothing new imported or embedded, a new run and a new demo survey.
    again = _demo(demo, tmp_path / "out2", db_url)
    assert re.search(r"embeddings\s+│?\s*0 new", again), again
    assert re.search(r"import\s+│?\s*0 new, 100 unchanged", again), again
    with session_scope(make_engine(db_url)) as session:
        surveys = session.scalars(select(Survey).order_by(Survey.id)).all()
        assert len(surveys) == 2 and surveys[0].id == survey_id
        assert all(s.generated for s in surveys)
        assert len(session.scalars(select(Expert)).all()) == 12  # the generated panel is reused
    assert (tmp_path / "out2" / "priorities.csv").is_file()
