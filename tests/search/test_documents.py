"""Document search on the fixture corpora with the real bundled model, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update

from foresight.db.models import Document, ThemeMembership
from foresight.db.session import session_scope
from foresight.search import DocumentHit, SearchError, SearchFilters, SearchOptions, SearchResults, search
from tests.search.conftest import SearchStore


def find(store: SearchStore, query: str, **kwargs: Any) -> SearchResults:
    return search(store.engine, query, settings=store.settings, cache=store.cache, **kwargs)


def doc_hits(results: SearchResults) -> list[DocumentHit]:
    assert all(isinstance(h, DocumentHit) for h in results.hits)
    return [h for h in results.hits if isinstance(h, DocumentHit)]


def doc_id(store: SearchStore, title_start: str) -> int:
    with session_scope(store.engine) as s:
        found = s.scalar(select(Document.id).where(Document.title.startswith(title_start)))
    assert found is not None, title_start
    return found


def test_english_query_finds_the_obviously_relevant_document_first(search_store: SearchStore) -> None:
    results = find(search_store, "detecting vehicles in traffic camera images", limit=5)
    top = doc_hits(results)[0]
    assert top.document["title"].startswith("Evaluating YOLO Architectures")
    assert results.query_language == "en" and results.kind == "documents"
    assert results.query_terms == ["detecting", "vehicles", "traffic", "camera", "images"]
    # the explanation: every score part, the query words found, a snippet around one of them
    assert top.scores.semantic > 0.45 and top.scores.semantic > doc_hits(results)[1].scores.semantic
    assert 0 < top.scores.lexical <= 1 and top.scores.bm25 > 0
    assert top.scores.fused == pytest.approx(0.55 * top.scores.semantic + 0.45 * top.scores.lexical, abs=1e-5)
    assert {"vehicles", "traffic"} <= set(top.matching_terms)
    assert top.snippet and not top.text_hidden and top.rank == 1
    method = results.method
    assert method["scope"] == "whole corpus" and method["space"] == "neural"
    assert method["model_id"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert method["search"].startswith("exact") and method["index"]["documents"] == 100
    assert method["weights"] == {"semantic": 0.55, "lexical": 0.45}
    assert {"fusion", "lexical", "semantic", "match_rule", "filters"} <= method.keys()
    assert {"index", "space", "encode", "score", "hydrate", "total"} <= results.timings_ms.keys()
    assert results.total >= len(results.hits) == 5
    # the whole-corpus index also embedded (and cached) the 30 Chinese documents no run had embedded
    assert not method["warnings"]


def test_a_rare_exact_term_wins_through_bm25_when_semantics_are_weak(search_store: SearchStore) -> None:
    fraud = doc_id(search_store, "FraudSMSWalker")  # its abstract mentions "smishing" once
    semantic_only = find(
        search_store,
        "smishing detection",
        limit=100,
        options=SearchOptions(lexical_weight=0, min_similarity=-1),
    )
    ranked = [h.document_id for h in doc_hits(semantic_only)]
    assert ranked.index(fraud) >= 3  # the model alone does not put it near the top
    results = find(search_store, "smishing detection", limit=3)
    top = doc_hits(results)[0]
    assert top.document_id == fraud
    assert top.matching_terms == ["smishing", "detection"]
    assert top.scores.semantic < doc_hits(semantic_only)[0].scores.semantic
    assert top.snippet is not None and "smishing" in top.snippet
    # a patent's unusual word
    caul = doc_hits(find(search_store, "caul", limit=1))[0]
    assert caul.document["title"].startswith("Three-dimensional reuseable curing caul")
    assert caul.scores.lexical == 1.0


def test_chinese_query_finds_chinese_documents_with_matching_terms(search_store: SearchStore) -> None:
    results = find(search_store, "桥梁施工", limit=3)
    hits = doc_hits(results)
    assert results.query_language == "zh" and results.method["space"] == "lexical"
    assert results.query_terms == ["桥梁", "施工"]
    assert hits[0].document["title"] == "芜湖长江大桥主桥施工过程的内力监测与分析"
    assert hits[0].document["language"] == "zh" and hits[0].matching_terms == ["桥梁", "施工"]
    assert all(h.document["language"] == "zh" for h in hits)
    assert hits[0].scores.semantic > 0.3 and hits[0].scores.lexical == 1.0
    # compound words match their parts: 项目管理 finds 施工项目…管理
    water = doc_hits(find(search_store, "水运工程项目管理", limit=1))[0]
    assert water.document["title"] == "水运工程施工项目全过程管理的有效性探索"
    assert {"水运", "工程", "项目", "管理"} <= set(water.matching_terms)


def test_filters_on_kind_language_and_time_window(search_store: SearchStore) -> None:
    everything = find(search_store, "detection method", limit=100)
    patents = find(search_store, "detection method", limit=100, filters=SearchFilters(kinds=("patent",)))
    assert 0 < patents.total < everything.total
    assert {h.document["kind"] for h in doc_hits(patents)} == {"patent"}
    window = SearchFilters(since=date(2010, 1, 1), until=date(2017, 12, 31))
    dated = doc_hits(find(search_store, "detection method", limit=100, filters=window))
    assert dated and all(2010 <= h.document["year"] <= 2017 for h in dated)
    recent = doc_hits(
        find(search_store, "language models", limit=100, filters=SearchFilters(since=date(2026, 1, 1)))
    )
    assert recent and all(h.document["publication_date"] >= "2026-01-01" for h in recent)
    english_only = find(search_store, "桥梁施工", filters=SearchFilters(languages=("en",)))
    assert english_only.total == 0 and english_only.hits == []  # no English document shares its words


def test_paging_continues_the_ranking(search_store: SearchStore) -> None:
    full = doc_hits(find(search_store, "language models", limit=6))
    page = find(search_store, "language models", limit=2, offset=2)
    assert [h.document_id for h in doc_hits(page)] == [h.document_id for h in full[2:4]]
    assert [h.rank for h in doc_hits(page)] == [3, 4]
    assert page.total == find(search_store, "language models", limit=1).total


def test_restricted_documents_match_but_their_text_is_hidden(search_store: SearchStore) -> None:
    target = doc_id(search_store, "Process for making cabergoline")
    with session_scope(search_store.engine) as s:
        s.execute(update(Document).where(Document.id == target).values(access_level="restricted"))
    try:
        results = find(search_store, "cabergoline", limit=3)
        assert not results.method["index"]["reused"]  # the access change invalidated the index
        top = doc_hits(results)[0]
        assert top.document_id == target and top.text_hidden
        assert top.document["title"] == "[restricted]" and top.document["abstract"] is None
        assert top.matching_terms == [] and top.snippet is None and top.document["keywords"] == []
        assert top.scores.lexical == 1.0  # it still matched on its (hidden) text
        public = find(search_store, "cabergoline", filters=SearchFilters(access="public"))
        assert target not in [h.document_id for h in doc_hits(public)]
        only = find(search_store, "cabergoline", filters=SearchFilters(access="restricted"))
        assert [h.document_id for h in doc_hits(only)] == [target]
    finally:
        with session_scope(search_store.engine) as s:
            s.execute(update(Document).where(Document.id == target).values(access_level="public"))


def test_run_and_theme_filters(search_store: SearchStore) -> None:
    run_id = search_store.run("en")
    results = find(search_store, "vision language models", limit=50, filters=SearchFilters(run_id=run_id))
    hits = doc_hits(results)
    assert results.method["scope"] == f"run {run_id}" and results.method["index"]["documents"] == 70
    assert hits and all(h.document["language"] == "en" for h in hits)
    theme_id = hits[0].theme_id
    assert theme_id is not None
    in_theme = doc_hits(
        find(search_store, "vision language models", limit=50, filters=SearchFilters(theme_id=theme_id))
    )
    with session_scope(search_store.engine) as s:
        members = set(
            s.scalars(select(ThemeMembership.document_id).where(ThemeMembership.theme_id == theme_id))
        )
    assert in_theme and {h.document_id for h in in_theme} <= members
    assert all(h.theme_id == theme_id for h in in_theme)


def test_bad_requests_raise_clear_errors(search_store: SearchStore) -> None:
    with pytest.raises(ValueError, match="empty"):
        find(search_store, "   ")
    with pytest.raises(ValueError, match="at most"):
        find(search_store, "graph " * 500)
    with pytest.raises(ValueError, match="limit"):
        find(search_store, "graph", limit=0)
    with pytest.raises(ValueError, match="offset"):
        find(search_store, "graph", offset=-1)
    with pytest.raises(ValueError, match="kind"):
        find(search_store, "graph", kind="people")  # type: ignore[arg-type]
    with pytest.raises(SearchError, match="run 9999 does not exist"):
        find(search_store, "graph", filters=SearchFilters(run_id=9999))
    with pytest.raises(SearchError, match="theme 9999 does not exist"):
        find(search_store, "graph", filters=SearchFilters(theme_id=9999))


def test_approximate_search_with_hnswlib_agrees_with_exact(search_store: SearchStore) -> None:
    pytest.importorskip("hnswlib")
    exact = find(search_store, "medical diagnosis by language models", limit=3)
    options = replace(SearchOptions(), ann_threshold=50)
    approx = find(search_store, "medical diagnosis by language models", limit=3, options=options)
    assert approx.method["search"].startswith("approximate: HNSW")
    assert [h.document_id for h in doc_hits(approx)] == [h.document_id for h in doc_hits(exact)]
    assert [h.scores for h in doc_hits(approx)] == [h.scores for h in doc_hits(exact)]
