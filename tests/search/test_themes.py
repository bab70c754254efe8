"""Theme search: centroids (semantic) and labels + keywords (BM25), on an English and a Chinese run."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from foresight.db.models import Document, Theme, ThemeMembership
from foresight.db.session import session_scope
from foresight.search import SearchError, SearchFilters, SearchResults, ThemeHit, search
from tests.search.conftest import SearchStore


def find_themes(store: SearchStore, query: str, **kwargs: Any) -> SearchResults:
    return search(store.engine, query, kind="themes", settings=store.settings, cache=store.cache, **kwargs)


def theme_hits(results: SearchResults) -> list[ThemeHit]:
    assert all(isinstance(h, ThemeHit) for h in results.hits)
    return [h for h in results.hits if isinstance(h, ThemeHit)]


def theme_of(store: SearchStore, run_id: int, title: str) -> int | None:
    with session_scope(store.engine) as s:
        return s.scalar(
            select(ThemeMembership.theme_id)
            .join(Document, Document.id == ThemeMembership.document_id)
            .where(ThemeMembership.run_id == run_id, Document.title == title)
        )


def test_english_query_finds_the_theme_of_its_documents(search_store: SearchStore) -> None:
    run_id = search_store.run("en")
    results = find_themes(search_store, "large language models", filters=SearchFilters(run_id=run_id))
    top = theme_hits(results)[0]
    llm_theme = theme_of(
        search_store, run_id, "Labeling Training Data for Entity Matching Using Large Language Models"
    )
    assert top.theme_id == llm_theme and top.run_id == run_id
    assert results.method["space"] == "neural" and results.method["search"].startswith("exact: centroids")
    assert top.scores.semantic > 0.3 and top.scores.lexical > 0
    assert top.matching_keywords and all(
        {"language", "models", "model", "large"} & set(str(k[0]).split()) for k in top.matching_keywords
    )
    assert top.keywords and top.size > 0 and top.representative_doc_ids
    assert top.label_en or top.label_zh


def test_chinese_query_finds_the_theme_of_the_chinese_documents(search_store: SearchStore) -> None:
    run_id = search_store.run("zh")
    results = find_themes(search_store, "桥梁施工监测", filters=SearchFilters(run_id=run_id))
    top = theme_hits(results)[0]
    assert results.query_language == "zh" and results.method["space"] == "lexical"
    assert top.theme_id == theme_of(search_store, run_id, "芜湖长江大桥主桥施工过程的内力监测与分析")
    assert top.scores.semantic > 0
    assert top.matching_terms or top.matching_keywords


def test_default_run_field_and_hidden_themes(search_store: SearchStore) -> None:
    en_run, zh_run = search_store.run("en"), search_store.run("zh")
    latest = find_themes(search_store, "控制系统")
    assert latest.method["run_id"] == max(en_run, zh_run)
    everything = theme_hits(find_themes(search_store, "models", filters=SearchFilters(run_id=en_run)))
    assert everything
    top = everything[0]
    if top.field_id is not None:
        in_field = find_themes(search_store, "models", filters=SearchFilters(field_id=top.field_id))
        assert {h.field_id for h in theme_hits(in_field)} == {top.field_id}
    with session_scope(search_store.engine) as s:
        s.execute(
            update(Theme).where(Theme.id == top.theme_id).values(hidden=True, version=Theme.version + 1)
        )
    try:
        hidden = find_themes(search_store, "models", filters=SearchFilters(run_id=en_run))
        assert top.theme_id not in [h.theme_id for h in theme_hits(hidden)]
        shown = SearchFilters(run_id=en_run, include_hidden_themes=True)
        assert top.theme_id in [
            h.theme_id for h in theme_hits(find_themes(search_store, "models", filters=shown))
        ]
    finally:
        with session_scope(search_store.engine) as s:
            s.execute(update(Theme).where(Theme.id == top.theme_id).values(hidden=False))


def test_theme_from_another_run_is_refused(search_store: SearchStore) -> None:
    en_run, zh_run = search_store.run("en"), search_store.run("zh")
    with session_scope(search_store.engine) as s:
        zh_theme = s.scalar(select(Theme.id).where(Theme.run_id == zh_run))
    with pytest.raises(SearchError, match=f"belongs to run {zh_run}"):
        find_themes(search_store, "x", filters=SearchFilters(run_id=en_run, theme_id=zh_theme))
