"""The index cache (rebuilt when the store changes) and the ``foresight search`` command."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, update
from typer.testing import CliRunner

from foresight.cli import app
from foresight.db.models import Document
from foresight.db.session import session_scope
from foresight.ingest.service import import_file
from foresight.search import DocumentHit, IndexCache, SearchError, SearchFilters, search
from foresight.settings import Settings
from tests.search.conftest import CORPORA, SearchStore


def test_index_is_reused_until_the_corpus_changes(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        import_file(s, CORPORA / "csl.jsonl")
    cache, settings = IndexCache(), Settings(database_url=engine.url.render_as_string(hide_password=False))
    first = search(engine, "桥梁施工", settings=settings, cache=cache)
    again = search(engine, "桥梁施工", settings=settings, cache=cache)
    assert not first.method["index"]["reused"] and again.method["index"]["reused"]
    assert cache.builds == 1 and len(cache) == 1
    assert again.method["index"]["fingerprint"] == first.method["index"]["fingerprint"]
    before = search(engine, "量子计算芯片", settings=settings, cache=cache)
    assert before.method["index"]["reused"]

    extra = tmp_path / "extra.jsonl"
    record = {
        "id": "extra-1",
        "title": "超导量子计算芯片的设计与实验",
        "abstract": "研究了超导量子比特芯片的设计方法,实验表明量子计算芯片的相干时间得到提高.",
        "keywords": ["量子计算", "超导芯片"],
        "category": "理学",
        "discipline": "物理学",
    }
    extra.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with session_scope(engine) as s:
        import_file(s, extra)
    found = search(engine, "量子计算芯片", settings=settings, cache=cache)
    assert not found.method["index"]["reused"] and cache.builds == 2 and len(cache) == 1
    top = found.hits[0]
    assert isinstance(top, DocumentHit) and top.document["title"] == record["title"]
    assert top.document_id not in {h.document_id for h in before.hits} and found.total == before.total + 1
    assert {"量子", "计算", "芯片"} <= set(top.matching_terms)
    with pytest.raises(SearchError, match="no completed analysis run"):
        search(engine, "量子计算", kind="themes", settings=settings, cache=cache)


def test_edits_in_place_are_seen_by_the_background_check(engine: Engine) -> None:
    with session_scope(engine) as s:
        import_file(s, CORPORA / "csl.jsonl")
    cache, settings = (
        IndexCache(full_check_seconds=0.2),
        Settings(database_url=engine.url.render_as_string(False)),
    )
    first = search(engine, "桥梁施工", settings=settings, cache=cache, limit=1)
    target = first.hits[0]
    assert isinstance(target, DocumentHit) and not target.text_hidden
    with session_scope(engine) as s:  # an access change: no import, no new id, same quick fingerprint
        s.execute(update(Document).where(Document.id == target.document_id).values(access_level="restricted"))
    time.sleep(0.3)
    stale = search(engine, "桥梁施工", settings=settings, cache=cache, limit=1)
    assert stale.method["index"]["reused"]  # answered at once from the index, the full check runs aside
    hidden = stale.hits[0]
    assert isinstance(hidden, DocumentHit) and hidden.document_id == target.document_id
    assert hidden.text_hidden and hidden.document["title"] == "[restricted]" and hidden.snippet is None
    deadline = time.monotonic() + 30
    while cache.builds == 1 and time.monotonic() < deadline:
        if not search(engine, "桥梁施工", settings=settings, cache=cache, limit=1).method["index"]["reused"]:
            break
        time.sleep(0.1)
    assert cache.builds == 2
    only_restricted = search(
        engine, "桥梁施工", settings=settings, cache=cache, filters=SearchFilters(access="restricted")
    )
    assert [h.document_id for h in only_restricted.hits] == [target.document_id]


@pytest.fixture
def runner(search_store: SearchStore) -> CliRunner:
    return CliRunner(env={"FORESIGHT_DATABASE_URL": search_store.url, "COLUMNS": "200"})


def test_cli_prints_a_table_with_the_score_parts(runner: CliRunner) -> None:
    result = runner.invoke(app, ["search", "smishing detection", "--limit", "3"])
    assert result.exit_code == 0, result.output
    for header in ("semantic", "bm25", "lexical", "fused", "matching", "title"):
        assert header in result.output
    assert "FraudSMSWalker" in result.output and "smishing, detection" in result.output
    assert "whole corpus; query language en; neural space" in result.output
    chinese = runner.invoke(app, ["search", "桥梁施工", "--language", "zh", "--limit", "2"])
    assert chinese.exit_code == 0, chinese.output
    assert "芜湖长江大桥" in chinese.output and "query language zh; lexical space" in chinese.output


def test_cli_json_filters_and_themes(runner: CliRunner, search_store: SearchStore) -> None:
    result = runner.invoke(
        app, ["search", "detection", "--kind", "patent", "--since", "2010", "--until", "2017", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "documents" and data["total"] == len(data["hits"]) > 0
    assert (
        data["method"]["filters"]["since"] == "2010-01-01"
        and data["method"]["filters"]["until"] == "2017-12-31"
    )
    for hit in data["hits"]:
        assert hit["document"]["kind"] == "patent" and 2010 <= hit["document"]["year"] <= 2017
        assert set(hit["scores"]) == {"semantic", "bm25", "lexical", "fused"}
    run_id = search_store.run("en")
    themes = runner.invoke(app, ["search", "language models", "--themes", "--run", str(run_id), "--json"])
    assert themes.exit_code == 0, themes.output
    theme_data = json.loads(themes.output)
    assert theme_data["kind"] == "themes" and theme_data["hits"][0]["run_id"] == run_id
    assert theme_data["hits"][0]["matching_keywords"]


def test_cli_rejects_bad_input(runner: CliRunner) -> None:
    empty = runner.invoke(app, ["search", "  "])
    assert empty.exit_code == 2 and "empty" in empty.output
    bad_date = runner.invoke(app, ["search", "x", "--since", "last week"])
    assert bad_date.exit_code == 2 and "YYYY" in bad_date.output
    no_run = runner.invoke(app, ["search", "x", "--run", "9999"])
    assert no_run.exit_code == 2 and "does not exist" in no_run.output
