"""The whole foresight loop on a small corpus, on SQLite and on PostgreSQL (issue #9).

One module-scoped store per backend goes through every stage with the real components — the CLI for
import, analysis and the priority list (``typer.testing.CliRunner`` on :data:`foresight.cli.app`), the
bundled sentence-transformers model, the curation services, and the HTTP app of
:func:`api.main.create_app` for the Delphi survey, where the experts answer with their invitation tokens:

1. import a corpus of papers and patents (eight technologies) and find its themes;
2. relabel (zh + en), merge and split themes, each with an actor and a reason;
3. import more documents and re-run the analysis, which carries the curation over;
4. import an expert panel, build a survey from the new run's top themes, invite, open round 1, answer as
   the experts through the expert API, close the round;
5. build the priority list, export it as CSV, XLSX and JSON.

The tests then check the artefacts this left in the store and on disk.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from api.main import create_app
from foresight.cli import app as cli
from foresight.curation import carry_over, merge, relabel, split
from foresight.curation.history import PRIMARY
from foresight.db.models import (
    AnalysisRun,
    CurationOp,
    Document,
    Response,
    RetiredTheme,
    Theme,
    ThemeIndicators,
    ThemeMembership,
)
from foresight.db.session import make_engine, session_scope
from foresight.priorities import load_schema, read_csv, read_json
from foresight.settings import Settings

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"
ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SECRET_KEY = "e2e-secret-key-0123456789abcdefghij"
ACTOR = "analyst:e2e"

#: documents per arXiv primary category and per patent IPC subclass in the first import; the second
#: import adds about a third more of each (the next records of the same groups)
PAPER_GROUPS = {"cs.CV": 14, "cs.CL": 14, "cs.IT": 12, "cs.RO": 12}
PATENT_GROUPS = {"E21B": 14, "A61K": 14, "H04L": 12, "A01H": 12}
SECOND_SHARE = 0.35
ABSTRACT_CHARS = 400  # shorter abstracts keep the CPU embedding quick; the topics stay recognisable

RELABEL_EN, RELABEL_ZH = "Curated technology (e2e)", "人工校订的技术主题"
N_EXPERTS, N_COMPLETE = 7, 5  # five answer everything, one answers part, one nothing
PANEL_CSV = "姓名,邮箱,工作单位,类别,领域,语言\n" + "".join(
    f"专家{k},expert{k}@example.org,Institute {k},{('高校', '企业', '政府')[k % 3]},energy;ict,中文;English\n"
    for k in range(N_EXPERTS)
)
IMPORTANCE = ("very_high", "high", "medium", "high", "very_high", "low")
REALIZATION = ("y2026_2030", "y2031_2035", "y2036_2040", "y2031_2035", "y2041_2045", "y2031_2035")


# --- the corpus ---------------------------------------------------------------------------------------


def _records(name: str) -> list[dict[str, Any]]:
    with gzip.open(DEMO / name, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _grouped(
    records: list[dict[str, Any]], key: Any, groups: dict[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The first ``n`` records of each group, then the next ``SECOND_SHARE * n`` (abstracts shortened)."""
    first: list[dict[str, Any]] = []
    second: list[dict[str, Any]] = []
    for group, n in groups.items():
        members = [r for r in records if key(r) == group]
        n_more = round(n * SECOND_SHARE)
        assert len(members) >= n + n_more, f"the demo corpus has too few records of {group}"
        shortened = [{**r, "abstract": (r.get("abstract") or "")[:ABSTRACT_CHARS]} for r in members]
        first += shortened[:n]
        second += shortened[n : n + n_more]
    return first, second


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def write_corpus(folder: Path) -> tuple[list[Path], list[Path], int, int]:
    """JSONL files (arXiv and USPTO formats) of the first and the second import and their sizes."""

    def category(r: dict[str, Any]) -> str:
        cats = r["categories"]
        return str(cats[0] if isinstance(cats, list) else cats.split()[0])

    def ipc(r: dict[str, Any]) -> str:
        return str(r["ipc"][0][:4]) if r.get("ipc") else ""

    papers = _grouped(_records("arxiv-cs-sample.jsonl.gz"), category, PAPER_GROUPS)
    patents = _grouped(_records("uspto-ipc-sample.jsonl.gz"), ipc, PATENT_GROUPS)
    first = [_write(folder / "papers-1.jsonl", papers[0]), _write(folder / "patents-1.jsonl", patents[0])]
    second = [_write(folder / "papers-2.jsonl", papers[1]), _write(folder / "patents-2.jsonl", patents[1])]
    return first, second, len(papers[0]) + len(patents[0]), len(papers[1]) + len(patents[1])


# --- the loop -----------------------------------------------------------------------------------------


@dataclass
class Loop:
    """What the loop did, for the tests to compare with what it left behind."""

    url: str
    engine: Engine
    folder: Path
    n_first: int
    n_second: int
    imports: list[dict[str, Any]] = field(default_factory=list)
    run1: int = 0
    run2: int = 0
    run2_summary: dict[str, Any] = field(default_factory=dict)
    ops: dict[str, int] = field(default_factory=dict)  # relabel / merge / split → op id (run 1)
    relabelled: int = 0  # theme of run 1
    split_parts: list[int] = field(default_factory=list)
    survey_id: int = 0
    round: dict[str, Any] = field(default_factory=dict)
    survey: dict[str, Any] = field(default_factory=dict)
    experts: list[int] = field(default_factory=list)
    submitted: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    sent: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    draft: tuple[int, int] = (0, 0)
    questionnaires: dict[int, dict[str, Any]] = field(default_factory=dict)
    rates: dict[str, Any] = field(default_factory=dict)
    closed: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    late_answer_status: int = 0
    exports: dict[str, Path] = field(default_factory=dict)


def invoke(loop: Loop, *args: str) -> str:
    """Run the CLI on the loop's store; returns stdout (fails the test on a non-zero exit)."""
    env = {"FORESIGHT_DATABASE_URL": loop.url, "FORESIGHT_DATA_DIR": str(loop.folder)}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, f"foresight {' '.join(args)} failed:\n{result.output}"
    return result.stdout


def analyze(loop: Loop, label: str) -> dict[str, Any]:
    out = invoke(loop, "analyze", "--stability-runs", "0", "--seed", "7", "--label", label, "--json")
    summary: dict[str, Any] = json.loads(out)
    return summary


def curate(loop: Loop) -> None:
    """Relabel the largest theme, split the second largest, merge the two smallest (run 1)."""
    with session_scope(loop.engine) as s:
        themes = sorted(
            s.scalars(select(Theme).where(Theme.run_id == loop.run1, Theme.hidden.is_(False))),
            key=lambda t: (-t.size, t.number),
        )
        assert len(themes) >= 4, f"run {loop.run1} has {len(themes)} themes; the loop needs at least 4"
        big, second, small = themes[0].id, themes[1].id, [themes[-2].id, themes[-1].id]
        done = relabel(
            s, big, label_en=RELABEL_EN, label_zh=RELABEL_ZH, actor=ACTOR, reason="expert wording (e2e)"
        )
        loop.ops["relabel"], loop.relabelled = done.op_id, big
        done = merge(s, small, actor=ACTOR, reason="same technology (e2e)")
        loop.ops["merge"] = done.op_id
        done = split(s, second, n_parts=2, seed=0, actor=ACTOR, reason="two distinct approaches (e2e)")
        loop.ops["split"], loop.split_parts = done.op_id, list(done.created)


def answers_of(k: int) -> dict[str, Any]:
    """A complete answer set of the default template for expert ``k`` (opinions vary by expert)."""
    out: dict[str, Any] = {
        "familiarity": ("high", "medium", "high")[k % 3],
        "importance": IMPORTANCE[k % len(IMPORTANCE)],
        "realization_technological": REALIZATION[k % len(REALIZATION)],
        "realization_social": "y2036_2040",
        "rd_position": {"position": ("on_par", "behind", "leading")[k % 3], "leading_countries": ["US"]},
        "constraints": [("technical", "commercial", "rd_funding")[k % 3]],
        "policy_measures": ["funding", "standards"][: 1 + k % 2],
    }
    if k % 2 == 0:
        out["reason"] = f"Expert {k}: the evidence documents show steady progress."
    return out


def delphi(loop: Loop) -> None:
    """Panel, survey from the new run's top themes, invitations, round 1 answered over HTTP, closed."""
    settings = Settings(
        database_url=loop.url,
        data_dir=loop.folder,
        admin_token=ADMIN_TOKEN,
        secret_key=SECRET_KEY,
        public_base_url="http://testserver",
    )
    with session_scope(loop.engine) as s:
        top = list(
            s.scalars(
                select(Theme.id)
                .where(Theme.run_id == loop.run2, Theme.hidden.is_(False))
                .order_by(Theme.size.desc(), Theme.number)
                .limit(3)
            )
        )
        relabelled = s.scalar(
            select(Theme.id).where(
                Theme.run_id == loop.run2, Theme.label_en == RELABEL_EN, Theme.hidden.is_(False)
            )
        )
    theme_ids = top + ([relabelled] if relabelled is not None and relabelled not in top else [])
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/api/admin/experts/import",
            files={"file": ("panel.csv", PANEL_CSV.encode("utf-8"), "text/csv")},
            headers=ADMIN,
        )
        assert r.status_code == 200, r.text
        report = r.json()
        assert (report["created"], report["errors"]) == (N_EXPERTS, []), report
        loop.experts = sorted(report["expert_ids"])

        body = {"title_zh": "技术预见 2040", "title_en": "Foresight 2040", "theme_ids": theme_ids}
        r = client.post("/api/admin/surveys", json=body, headers=ADMIN)
        assert r.status_code == 201, r.text
        loop.survey = r.json()
        loop.survey_id = loop.survey["id"]
        r = client.post(f"/api/admin/surveys/{loop.survey_id}/invitations", json={}, headers=ADMIN)
        assert r.status_code == 201, r.text
        tokens = {inv["expert_id"]: inv["token"] for inv in r.json()}
        r = client.post(f"/api/admin/surveys/{loop.survey_id}/rounds", headers=ADMIN)
        assert r.status_code == 201, r.text
        loop.round = r.json()
        items = loop.round["items_asked"]

        for k, expert in enumerate(loop.experts):
            auth = {"Authorization": f"Bearer {tokens[expert]}"}
            r = client.get("/api/expert/questionnaire", headers=auth)
            assert r.status_code == 200, r.text
            loop.questionnaires[expert] = r.json()
            if k >= N_COMPLETE + 1:
                continue  # invited, opened the questionnaire, answered nothing
            answering = items if k < N_COMPLETE else items[:1]
            for item in answering:
                sent = answers_of(k)
                r = client.put(
                    f"/api/expert/rounds/{loop.round['id']}/items/{item}/answers",
                    json={"answers": sent, "submit": True},
                    headers=auth,
                )
                assert r.status_code == 200, r.text
                assert r.json()["status"] == "submitted"
                loop.submitted[(expert, item)] = r.json()["answers"]
                loop.sent[(expert, item)] = sent
            if k == N_COMPLETE:  # the partial expert leaves a draft of the second item
                r = client.put(
                    f"/api/expert/rounds/{loop.round['id']}/items/{items[1]}/answers",
                    json={"answers": {"familiarity": "low"}, "submit": False},
                    headers=auth,
                )
                assert r.status_code == 200 and r.json()["status"] == "draft", r.text
                loop.draft = (expert, items[1])
                r = client.get("/api/expert/questionnaire", headers=auth)
                loop.questionnaires[expert] = r.json()

        r = client.get(f"/api/admin/surveys/{loop.survey_id}/response-rates", headers=ADMIN)
        assert r.status_code == 200, r.text
        loop.rates = r.json()
        r = client.post(f"/api/admin/surveys/{loop.survey_id}/rounds/current/close", headers=ADMIN)
        assert r.status_code == 200, r.text
        loop.closed = r.json()
        late = client.put(
            f"/api/expert/rounds/{loop.round['id']}/items/{items[0]}/answers",
            json={"answers": answers_of(N_COMPLETE + 1), "submit": True},
            headers={"Authorization": f"Bearer {tokens[loop.experts[-1]]}"},
        )
        loop.late_answer_status = late.status_code
        r = client.get(f"/api/admin/surveys/{loop.survey_id}/results", headers=ADMIN)
        assert r.status_code == 200, r.text
        loop.results = r.json()


def priorities(loop: Loop) -> None:
    out = invoke(loop, "priorities", "build", "--survey", str(loop.survey_id), "--n-boot", "200")
    assert "priority list" in out and "stored" in out, out
    for fmt in ("csv", "xlsx", "json"):
        path = loop.folder / f"priorities.{fmt}"
        invoke(loop, "priorities", "export", "-o", str(path))
        loop.exports[fmt] = path


@pytest.fixture(scope="module")
def loop(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loop]:
    """The whole loop, run once per backend."""
    folder = tmp_path_factory.mktemp("loop")
    first, second, n_first, n_second = write_corpus(folder)
    engine = make_engine(module_db_url)
    state = Loop(module_db_url, engine, folder, n_first, n_second)
    state.imports.append(json.loads(invoke(state, "ingest", *map(str, first), "--json")))
    state.run1 = analyze(state, "first import")["run_id"]
    curate(state)
    state.imports.append(json.loads(invoke(state, "ingest", *map(str, second), "--json")))
    state.run2_summary = analyze(state, "after the second import")
    state.run2 = state.run2_summary["run_id"]
    delphi(state)
    priorities(state)
    yield state
    engine.dispose()


@pytest.fixture
def db(loop: Loop) -> Iterator[Session]:
    """A session on the loop's store (for reading what it left behind)."""
    with Session(loop.engine) as s:
        yield s


# --- the artefacts ------------------------------------------------------------------------------------


def test_imports_and_themes(loop: Loop, db: Session) -> None:
    """Both imports stored every record; both runs have themes with keywords, fields and indicators."""
    assert [(i["read"], i["new"], i["rejected"]) for i in loop.imports] == [
        (loop.n_first, loop.n_first, 0),
        (loop.n_second, loop.n_second, 0),
    ]
    n_docs = db.scalar(select(func.count()).select_from(Document))
    assert n_docs == loop.n_first + loop.n_second
    assert loop.run2_summary["n_documents"] == n_docs
    for run_id, n_covered in ((loop.run1, loop.n_first), (loop.run2, n_docs)):
        run = db.get(AnalysisRun, run_id)
        assert run is not None and run.status == "completed"
        assert run.representation == "neural" and "MiniLM" in run.model_id
        assert run.parameters["options"]["stability_runs"] == 0
        assert run.n_documents == n_covered and run.n_themes >= 4 and run.n_fields >= 1
        members = db.execute(
            select(ThemeMembership.document_id, ThemeMembership.theme_id).where(
                ThemeMembership.run_id == run_id
            )
        ).all()
        assert len(members) == n_covered and all(theme is not None for _, theme in members)
        machine = list(db.scalars(select(Theme).where(Theme.run_id == run_id, Theme.origin == "machine")))
        assert len(machine) == run.n_themes
        for theme in machine:
            assert len(theme.keywords) >= 5 and all(w > 0 for _, w in theme.keywords), theme.keywords
            assert theme.field_id is not None and theme.label_en
            assert "silhouette" in theme.quality
        active = [t for t in db.scalars(select(Theme).where(Theme.run_id == run_id)) if not t.hidden]
        assert sum(t.size for t in active) == n_covered
        with_indicators = set(
            db.scalars(select(ThemeIndicators.theme_id).where(ThemeIndicators.run_id == run_id))
        )
        assert {t.id for t in machine} <= with_indicators
    assert db.get(AnalysisRun, loop.run2).previous_run_id == loop.run1  # type: ignore[union-attr]


def test_curation_is_logged_and_carried_over(loop: Loop, db: Session) -> None:
    """Every edit of run 1 is carried onto run 2 or listed for review there; the new label survived."""
    ops = list(
        db.scalars(
            select(CurationOp)
            .where(CurationOp.run_id == loop.run1, CurationOp.op.in_(PRIMARY))
            .order_by(CurationOp.id)
        )
    )
    assert [(o.id, o.op) for o in ops] == [(loop.ops[k], k) for k in ("relabel", "merge", "split")]
    assert all(o.actor == ACTOR and o.reason.endswith("(e2e)") and o.status == "applied" for o in ops)
    relabelled = db.get(Theme, loop.relabelled)
    assert relabelled is not None and (relabelled.label_en, relabelled.label_zh) == (RELABEL_EN, RELABEL_ZH)
    retired = dict(
        db.execute(
            select(RetiredTheme.theme_id, RetiredTheme.reason).where(RetiredTheme.run_id == loop.run1)
        ).all()
    )
    assert sorted(retired.values()) == ["merged", "merged", "split"]
    assert len(loop.split_parts) == 2

    later = {
        o.carried_from_op_id: o
        for o in db.scalars(
            select(CurationOp).where(
                CurationOp.run_id == loop.run2, CurationOp.carried_from_op_id.is_not(None)
            )
        )
    }
    assert set(later) == {o.id for o in ops}, "an edit of run 1 was neither carried nor listed for review"
    for op in ops:
        row = later[op.id]
        assert row.op == op.op and row.status in ("carried", "needs_review")
        if row.status == "needs_review":
            assert row.review_reason, f"{op.op} listed for review without a reason"
    carried_relabel = later[loop.ops["relabel"]]
    assert carried_relabel.status == "carried", carried_relabel.review_reason
    successor = db.get(Theme, carried_relabel.payload["theme_id"])
    assert successor is not None and successor.run_id == loop.run2 and not successor.hidden
    assert (successor.label_en, successor.label_zh) == (RELABEL_EN, RELABEL_ZH)
    assert any(
        w.startswith(f"curation of run {loop.run1} → run {loop.run2}") for w in loop.run2_summary["warnings"]
    )

    n_rows = db.scalar(select(func.count()).select_from(CurationOp))
    report = carry_over(db, loop.run1, loop.run2)  # idempotent: reports, repeats nothing
    db.flush()
    assert report.accounted
    assert {o.op_id: o.status for o in report.outcomes} == {op.id: later[op.id].status for op in ops}
    assert db.scalar(select(func.count()).select_from(CurationOp)) == n_rows
    db.rollback()


def test_survey_answers_arrived_through_the_api(loop: Loop, db: Session) -> None:
    """The survey asks the new run's top themes; the store holds exactly the answers the experts sent."""
    items = loop.round["items_asked"]
    assert len(items) >= 3 and loop.round["number"] == 1
    by_item = {i["id"]: i for i in loop.survey["items"]}
    assert set(by_item) == set(items)
    themes = {i["theme_id"] for i in by_item.values()}
    assert {db.get(Theme, t).run_id for t in themes} == {loop.run2}  # type: ignore[union-attr]
    assert any((i["title_en"], i["title_zh"]) == (RELABEL_EN, RELABEL_ZH) for i in by_item.values())

    for expert, view in loop.questionnaires.items():
        assert [i["id"] for i in view["items"]] == items, expert
        assert view["round"]["number"] == 1 and view["progress"]["total"] == len(items)
    partial = loop.questionnaires[loop.draft[0]]["progress"]
    assert (partial["submitted"], partial["draft"]) == (1, 1)

    rows = db.scalars(select(Response).where(Response.round_id == loop.round["id"])).all()
    stored: dict[tuple[int, int], dict[str, Any]] = {}
    drafts: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        target = stored if row.status == "submitted" else drafts
        target.setdefault((row.expert_id, row.item_id), {})[row.question_id] = row.value
    assert stored == loop.submitted
    assert drafts == {loop.draft: {"familiarity": "low"}}
    assert len(stored) == N_COMPLETE * len(items) + 1
    for key, sent in loop.sent.items():
        for question in ("familiarity", "importance", "realization_technological", "constraints"):
            assert stored[key][question] == sent[question], (key, question)
        assert stored[key]["rd_position"]["position"] == sent["rd_position"]["position"]
        reason = stored[key].get("reason")
        assert (reason or {}).get("text") == sent.get("reason")

    rnd = loop.rates["rounds"][0]
    assert loop.rates["invited"] == N_EXPERTS
    assert (rnd["respondents"], rnd["complete"]) == (N_COMPLETE + 1, N_COMPLETE)
    assert rnd["rate"] == pytest.approx((N_COMPLETE + 1) / N_EXPERTS)
    assert rnd["complete_rate"] == pytest.approx(N_COMPLETE / N_EXPERTS)

    assert loop.closed["status"] == "closed" and loop.closed["snapshot_sha256"]
    assert loop.late_answer_status == 409
    assert loop.results["status"] == "closed" and not loop.results["provisional"]
    assert {int(k) for k in loop.results["items"]} == set(items)
    for item in items:
        expected = len({e for e, i in loop.submitted if i == item})
        assert loop.results["items"][str(item)]["n_respondents"] == expected
        assert "importance" in loop.results["items"][str(item)]["questions"]


def test_exported_list_reopens_with_real_provenance(loop: Loop, db: Session) -> None:
    """CSV, XLSX and JSON exports reopen to the same ranking; every cited document is in its theme."""
    plist = read_json(loop.exports["json"])
    assert plist.entries and [e.rank for e in plist.entries] == sorted(e.rank for e in plist.entries)
    assert {e.item_id for e in plist.entries} | {x.item_id for x in plist.excluded} | {
        b.item_id for b in plist.below_cut
    } == {str(i) for i in loop.round["items_asked"]}

    rows = read_csv(loop.exports["csv"])
    assert [(r["rank"], r["item_id"], r["theme_id"]) for r in rows] == [
        (e.rank, e.item_id, e.theme_id) for e in plist.entries
    ]
    assert [r["evidence_ids"] for r in rows] == [e.evidence_ids for e in plist.entries]
    book = load_workbook(loop.exports["xlsx"], read_only=True)
    sheet = list(book["priorities"].iter_rows(values_only=True))
    header = list(sheet[0])
    col = {name: header.index(name) for name in ("rank", "item_id", "theme_id")}
    assert [(int(r[col["rank"]]), str(r[col["item_id"]]), str(r[col["theme_id"]])) for r in sheet[1:]] == [
        (e.rank, e.item_id, e.theme_id) for e in plist.entries
    ]
    keys = {row[0] for row in book["provenance"].iter_rows(min_row=2, values_only=True)}
    assert "provenance.run_id" in keys and "provenance.survey_id" in keys
    book.close()

    assert plist.provenance["run_id"] == loop.run2 and plist.provenance["survey_id"] == loop.survey_id
    for entry in plist.entries:
        prov = plist.provenance["items"][entry.item_id]
        assert entry.theme_id is not None and prov["theme_id"] == int(entry.theme_id)
        theme = db.get(Theme, int(entry.theme_id))
        assert theme is not None and theme.run_id == loop.run2
        cited = [d["id"] for d in prov["evidence_documents"]]
        assert cited and [str(i) for i in cited] == list(entry.evidence_ids)
        documents = {d.id: d for d in db.scalars(select(Document).where(Document.id.in_(cited)))}
        assert set(documents) == set(cited), "the list cites documents that are not in the store"
        for d in prov["evidence_documents"]:
            assert d["title"] == documents[d["id"]].title
        in_theme = set(
            db.scalars(
                select(ThemeMembership.document_id).where(
                    ThemeMembership.run_id == loop.run2, ThemeMembership.theme_id == theme.id
                )
            )
        )
        assert set(cited) <= in_theme, f"entry {entry.item_id} cites documents outside theme {theme.id}"
        assert prov["delphi_rounds"] and prov["delphi_rounds"][0]["round"] == 1

    raw = json.loads(loop.exports["json"].read_text(encoding="utf-8"))
    problems = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft202012Validator(load_schema()).iter_errors(raw)
    ]
    assert problems == [], "the JSON export does not match priority_list.schema.json"
