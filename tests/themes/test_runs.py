"""Analysis runs end to end on the real bundled model: stored, reproducible, explained, exported."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from foresight.cli import app
from foresight.db.migrate import upgrade
from foresight.db.models import AnalysisRun, Embedding, Theme, ThemeMembership
from foresight.db.session import make_engine, session_scope
from foresight.ingest.service import import_file
from foresight.settings import Settings
from foresight.themes.queries import list_themes, membership_rows, theme_detail
from foresight.themes.runs import AnalysisError, AnalysisOptions, CorpusFilter, run_analysis
from tests.conftest import FIXTURES

CORPORA = FIXTURES / "corpora"
OPTIONS = AnalysisOptions(
    stability_runs=1, seed=7, representation="neural", filters=CorpusFilter(languages=("en",))
)


@pytest.fixture(scope="module")
def store(module_db_url: str) -> Iterator[tuple[Engine, str]]:
    engine = make_engine(module_db_url)
    upgrade(engine)
    for name in ("arxiv.jsonl", "uspto.jsonl", "csl.jsonl"):
        with session_scope(engine) as s:
            import_file(s, CORPORA / name)
    yield engine, module_db_url
    engine.dispose()


@pytest.fixture(scope="module")
def first_run(store: tuple[Engine, str]) -> int:
    engine, url = store
    return run_analysis(engine, Settings(database_url=url), OPTIONS).run_id


def test_run_is_recorded_with_everything_needed_to_reproduce_it(
    store: tuple[Engine, str], first_run: int
) -> None:
    engine, _ = store
    with session_scope(engine) as s:
        run = s.get(AnalysisRun, first_run)
        assert run is not None and run.status == "completed"
        assert run.n_documents == 70 and run.seed == 7 and run.representation == "neural"
        assert run.model_id == "sentence-transformers/all-MiniLM-L6-v2"
        assert run.filters["languages"] == ["en"]
        assert len(run.corpus_fingerprint) == 64
        assert {"umap-learn", "hdbscan", "sentence-transformers", "python"} <= run.versions.keys()
        assert {"embed", "fit"} <= run.timings.keys()
        assert run.parameters["model"]["random_state"] == 7 and run.parameters["options"]["seed"] == 7
        assert run.parameters["model"]["clusterer_params"]["min_cluster_size"] >= 2
        themes = s.scalars(select(Theme).where(Theme.run_id == first_run)).all()
        assert run.n_themes == len(themes) >= 2
        assert sum(t.size for t in themes) + round(run.noise_share * 70) == 70
        n_members = s.scalar(select(func.count()).where(ThemeMembership.run_id == first_run))
        assert n_members == 70
        # the cache holds one vector per embedded document
        assert s.scalar(select(func.count()).select_from(Embedding)) == 70


def test_same_inputs_and_seed_give_identical_themes(store: tuple[Engine, str], first_run: int) -> None:
    engine, url = store
    again = run_analysis(engine, Settings(database_url=url), OPTIONS)
    with session_scope(engine) as s:

        def snapshot(run_id: int) -> list[tuple[int, int, list[object]]]:
            rows = s.scalars(select(Theme).where(Theme.run_id == run_id).order_by(Theme.number)).all()
            return [(t.number, t.size, t.keywords) for t in rows]

        def members(run_id: int) -> list[tuple[int, int | None]]:
            rows = s.execute(
                select(ThemeMembership.document_id, Theme.number)
                .outerjoin(Theme, Theme.id == ThemeMembership.theme_id)
                .where(ThemeMembership.run_id == run_id)
                .order_by(ThemeMembership.document_id)
            ).all()
            return [(d, n) for d, n in rows]

        assert snapshot(again.run_id) == snapshot(first_run)
        assert members(again.run_id) == members(first_run)
        first = s.get(AnalysisRun, first_run)
        second = s.get(AnalysisRun, again.run_id)
        assert first is not None and second is not None
        assert second.corpus_fingerprint == first.corpus_fingerprint
        assert second.previous_run_id == first_run
        # re-running embedded nothing new
        assert s.scalar(select(func.count()).select_from(Embedding)) == 70


def test_theme_detail_explains_the_theme(store: tuple[Engine, str], first_run: int) -> None:
    engine, _ = store
    with session_scope(engine) as s:
        theme = list_themes(s, first_run)[0]
        detail = theme_detail(s, theme["id"])
    assert detail["keywords"] and detail["keywords"][0]["weight"] > 0
    assert detail["representative_documents"] and detail["top_documents"]
    assert "c-TF-IDF" in detail["explanation"]
    assert detail["label"]


def test_export_rows_and_cli(store: tuple[Engine, str], first_run: int, tmp_path: Path) -> None:
    engine, url = store
    with session_scope(engine) as s:
        rows = membership_rows(s, first_run)
    assert len(rows) == 70
    assert all(r["source_id"].startswith(("arXiv:", "US")) for r in rows)
    runner = CliRunner()
    env = {"FORESIGHT_DATABASE_URL": url}
    out_csv = tmp_path / "themes.csv"
    result = runner.invoke(app, ["themes", "export", "-o", str(out_csv), "--run", str(first_run)], env=env)
    assert result.exit_code == 0, result.output
    with out_csv.open(encoding="utf-8-sig") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == 70
    assert set(exported[0]) >= {"source_id", "theme_id", "theme_label", "field_label", "probability"}
    out_json = tmp_path / "themes.json"
    result = runner.invoke(app, ["themes", "export", "-o", str(out_json), "--run", str(first_run)], env=env)
    assert json.loads(out_json.read_text(encoding="utf-8"))[0]["run_id"] == first_run
    bad = runner.invoke(app, ["themes", "export", "-o", str(tmp_path / "x.txt")], env=env)
    assert bad.exit_code == 2 and ".csv or .json" in bad.output


def test_chinese_corpus_switches_to_a_chinese_aware_representation(store: tuple[Engine, str]) -> None:
    engine, url = store
    result = run_analysis(
        engine, Settings(database_url=url), AnalysisOptions(stability_runs=0, map_2d=False, seed=3)
    )
    assert result.representation in ("fused", "lexical")
    assert result.warnings and "[UNK]" in result.warnings[0]


def test_no_matching_documents_is_a_clear_error(store: tuple[Engine, str]) -> None:
    engine, url = store
    options = AnalysisOptions(filters=CorpusFilter(kinds=("policy",)))
    with pytest.raises(AnalysisError, match="only 0 documents match"):
        run_analysis(engine, Settings(database_url=url), options)
    with pytest.raises(AnalysisError, match="representation must be one of"):
        AnalysisOptions(representation="magic")
