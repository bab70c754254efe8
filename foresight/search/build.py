"""Building a ``SearchIndex`` from the store (documents, BM25, themes; vector spaces on first use)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import Engine, null, select
from sqlalchemy.orm import Session

from foresight.db.models import AnalysisRun, Document, Theme, ThemeMembership
from foresight.db.session import session_scope
from foresight.embeddings import document_text
from foresight.search.bm25 import BM25
from foresight.search.fingerprint import store_fingerprint
from foresight.search.index import DocumentTable, IndexScope, SearchIndex, ThemeTable
from foresight.search.models import SearchOptions
from foresight.search.spaces import (
    SearchError,
    VectorSpace,
    fused_space,
    lexical_space,
    neural_backend,
    neural_space,
)
from foresight.search.terms import search_terms
from foresight.settings import Settings

__all__ = ["build_index", "theme_tokens"]


def _document_rows(session: Session, scope: IndexScope) -> list[Any]:
    columns = (
        Document.id, Document.title, Document.abstract, Document.kind, Document.language,
        Document.publication_date, Document.year, Document.access_level,
    )  # fmt: skip
    if scope.run_id is None:
        whole = select(*columns, null().label("theme_id"), null().label("field_id"))
        return list(session.execute(whole.order_by(Document.id)).all())
    of_run = (
        select(*columns, ThemeMembership.theme_id, Theme.field_id)
        .join(ThemeMembership, ThemeMembership.document_id == Document.id)
        .outerjoin(Theme, Theme.id == ThemeMembership.theme_id)
        .where(ThemeMembership.run_id == scope.run_id)
    )
    return list(session.execute(of_run.order_by(Document.id)).all())


def _documents(rows: list[Any]) -> DocumentTable:
    def ints(values: list[int | None]) -> np.ndarray:
        return np.array([-1 if v is None else int(v) for v in values], dtype=np.int64)

    texts = [document_text(_Text(r.title, r.abstract)) for r in rows]
    return DocumentTable(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        texts=texts,
        kinds=np.array([r.kind for r in rows], dtype=object),
        languages=np.array([r.language for r in rows], dtype=object),
        dates=ints([r.publication_date.toordinal() if r.publication_date else None for r in rows]),
        years=ints([r.year for r in rows]),
        restricted=np.array([r.access_level == "restricted" for r in rows], dtype=bool),
        theme_ids=ints([r.theme_id for r in rows]),
        field_ids=ints([r.field_id for r in rows]),
    )


class _Text:
    __slots__ = ("abstract", "title")

    def __init__(self, title: str, abstract: str | None) -> None:
        self.title = title
        self.abstract = abstract


def theme_tokens(label_en: str, label_zh: str, keywords: list[list[Any]]) -> list[str]:
    """Words a theme is found by: its labels and its keywords (each keyword also kept whole)."""
    tokens = search_terms(label_en, "en") + search_terms(label_zh, "zh")
    for term, *_weight in keywords:
        words = search_terms(str(term), "en")
        tokens += words
        if len(words) != 1 or words[0] != str(term).lower():
            tokens.append(str(term).lower())
    return tokens


def _themes(session: Session, run_id: int) -> ThemeTable:
    themes = list(session.scalars(select(Theme).where(Theme.run_id == run_id).order_by(Theme.id)))
    dims = {len(t.centroid) // 4 for t in themes if t.centroid}
    centroids = None
    if len(dims) == 1:
        dim = dims.pop()
        centroids = np.zeros((len(themes), dim), dtype=np.float32)
        for row, t in enumerate(themes):
            if t.centroid:
                centroids[row] = np.frombuffer(t.centroid, dtype="<f4")
    keywords = [[list(k) for k in (t.keywords or [])] for t in themes]
    bm25 = BM25().fit(
        [theme_tokens(t.label_en, t.label_zh, kw) for t, kw in zip(themes, keywords, strict=True)]
    )
    return ThemeTable(
        ids=np.array([t.id for t in themes], dtype=np.int64),
        numbers=np.array([t.number for t in themes], dtype=np.int64),
        labels_en=[t.label_en for t in themes],
        labels_zh=[t.label_zh for t in themes],
        keywords=keywords,
        sizes=np.array([t.size for t in themes], dtype=np.int64),
        field_ids=np.array([-1 if t.field_id is None else t.field_id for t in themes], dtype=np.int64),
        hidden=np.array([bool(t.hidden) for t in themes], dtype=bool),
        representative_doc_ids=[[int(i) for i in t.representative_doc_ids or []] for t in themes],
        centroids=centroids,
        bm25=bm25,
    )


def build_index(
    engine: Engine,
    scope: IndexScope,
    settings: Settings,
    options: SearchOptions | None = None,
) -> SearchIndex:
    """Read ``scope``'s documents (and a run's themes) from the store and index them.

    The BM25 index is built now; the vector spaces on first use (``SearchIndex.space``).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A migrated store.
    scope : IndexScope
        A run, or the whole corpus.
    settings : Settings
        The configured embedding model (used for the whole corpus, and to load a run's model).
    options : SearchOptions, optional
        BM25 parameters, ``ann_threshold`` and ``embed_missing_limit``.

    Returns
    -------
    SearchIndex
        A fresh index, with its ``fingerprint``.
    """
    options = options or SearchOptions()
    started = time.perf_counter()
    with session_scope(engine) as session:
        fingerprint = store_fingerprint(session, scope)
        if scope.run_id is not None:
            run = session.get(AnalysisRun, scope.run_id)
            assert run is not None  # store_fingerprint checked it
            if run.status != "completed":
                raise SearchError(f"analysis run {run.id} is {run.status}, not completed")
            representation, model_id, seed = run.representation, run.model_id, run.seed
            themes: ThemeTable | None = _themes(session, run.id)
        else:
            representation, seed, themes = "neural", settings.random_seed, None
            model_id = neural_backend(settings).model_id
        docs = _documents(_document_rows(session, scope))
    bm25 = BM25(options.k1, options.b).fit(
        [search_terms(text, lang) for text, lang in zip(docs.texts, docs.languages, strict=True)]
    )
    limit, batch_size = options.embed_missing_limit, settings.embedding_batch_size

    def build_space(index: SearchIndex, engine: Engine, name: str) -> VectorSpace:
        if name == "neural":
            backend = neural_backend(settings, index.model_id if index.scope.run_id is not None else None)
            return neural_space(engine, index.docs.texts, backend, limit, batch_size)
        if name == "lexical":
            return lexical_space(index.docs.texts, index.seed)
        return fused_space(index.space(engine, "neural"), index.space(engine, "lexical"))

    return SearchIndex(
        scope=scope,
        representation=representation,
        model_id=model_id,
        seed=seed,
        fingerprint=fingerprint,
        docs=docs,
        bm25=bm25,
        themes=themes,
        space_builder=build_space,
        ann_threshold=options.ann_threshold,
        build_seconds=time.perf_counter() - started,
    )
