"""Semantic search (智能查询) of documents and themes, in Chinese or English.

The method, for a query ``q`` with distinct tokens ``T`` (``foresight.text.tokenize``: jieba for Chinese):

1. **Language.** ``detect_language(q)`` (or ``SearchOptions.query_language``).
2. **Semantic score** ``s``: cosine between the query vector and each document vector (theme: its
   centroid). English and other queries are embedded with the run's representation (the configured
   neural model for the whole corpus; ``fused`` runs: the fused vector). Chinese queries are compared
   in the lexical space (jieba words → TF-IDF → SVD), fitted on the same documents as the index, since
   the default neural model reads Chinese as [UNK].
3. **Keyword score** ``c``: Okapi BM25 (k1 = 1.2, b = 0.75) of ``T`` over the tokenised title + abstract
   (theme: labels + keywords), as coverage ``c = min(1, bm25 / Σ_{t∈T} idf(t))`` in [0, 1].
4. **Fusion**: ``fused = w_s · max(s, 0) + w_l · c`` with ``w_s = 0.55`` and ``w_l = 0.45`` (normalised to
   sum 1). A document that holds a rare query term gets nearly the whole ``w_l`` from it, which
   outweighs the few hundredths of cosine that separate the semantic neighbours, so exact terms win;
   without any shared term, meaning alone ranks.
5. **Matches**: a document (theme) is counted in ``total`` and may be returned when it contains a query
   term (``bm25 > 0``) or ``s ≥ min_similarity`` (0.3); ties are broken by id.

Restricted documents are searched like the others but come back through ``document_view`` (no title,
abstract or keywords) and without matched terms or snippet, which would reveal their text.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from sqlalchemy import Engine, select

from foresight.corpus import document_view
from foresight.db.models import Document, Theme, ThemeField
from foresight.db.session import session_scope
from foresight.ingest.language import detect_language
from foresight.search.ann import hnswlib_available
from foresight.search.cache import IndexCache, default_cache
from foresight.search.explain import matching_keywords, snippet
from foresight.search.index import IndexScope, SearchIndex
from foresight.search.models import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    DocumentHit,
    ScoreParts,
    SearchFilters,
    SearchKind,
    SearchOptions,
    SearchResults,
    ThemeHit,
)
from foresight.search.spaces import SearchError, VectorSpace
from foresight.search.terms import query_terms
from foresight.settings import Settings, get_settings
from foresight.themes.queries import NotFoundError, latest_run_id

__all__ = ["search", "validate_query"]

KINDS = ("documents", "themes")


def validate_query(query: str) -> str:
    """The query with its white space collapsed.

    Raises
    ------
    ValueError
        When the query is empty (or only white space) or longer than ``MAX_QUERY_CHARS`` characters.
    """
    if not isinstance(query, str):
        raise TypeError(f"the query must be a string, not {type(query).__name__}")
    cleaned = " ".join(query.split())
    if not cleaned:
        raise ValueError("the query is empty: give a few words, in Chinese or English")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise ValueError(
            f"the query is {len(cleaned)} characters long; at most {MAX_QUERY_CHARS} are accepted"
        )
    return cleaned


def _resolve_run(engine: Engine, filters: SearchFilters, kind: str) -> int | None:
    """The run a search covers: the filters' run, the run of their theme or field, or (themes) the
    latest completed run."""
    run_id = filters.run_id
    if filters.theme_id is None and filters.field_id is None and (run_id is not None or kind == "documents"):
        return run_id
    with session_scope(engine) as session:
        owners = (
            ("theme", filters.theme_id, select(Theme.run_id).where(Theme.id == filters.theme_id)),
            ("field", filters.field_id, select(ThemeField.run_id).where(ThemeField.id == filters.field_id)),
        )
        for what, key, stmt in owners:
            if key is None:
                continue
            owner = session.scalar(stmt)
            if owner is None:
                raise SearchError(f"{what} {key} does not exist")
            if run_id is not None and owner != run_id:
                raise SearchError(f"{what} {key} belongs to run {owner}, not to run {run_id}")
            run_id = owner
        if run_id is None and kind == "themes":
            try:
                run_id = latest_run_id(session)
            except NotFoundError as exc:
                raise SearchError(str(exc)) from exc
    return run_id


def _weights(options: SearchOptions) -> tuple[float, float]:
    total = options.semantic_weight + options.lexical_weight
    return options.semantic_weight / total, options.lexical_weight / total


def _top(rows: np.ndarray, fused: np.ndarray, ids: np.ndarray, offset: int, limit: int) -> np.ndarray:
    """``rows`` ordered by fused score (desc), then id; the page ``[offset, offset + limit)``."""
    need = offset + limit
    if rows.size > 4 * need:
        keep = np.argpartition(-fused[rows], need - 1)[:need]
        cutoff = fused[rows[keep]].min()
        rows = rows[fused[rows] >= cutoff]  # keep ties at the cut-off for a stable order
    order = np.lexsort((ids[rows], -fused[rows]))
    return rows[order][offset:need]


def _semantic(
    index: SearchIndex,
    space: VectorSpace,
    vector: np.ndarray,
    mask: np.ndarray,
    lexical_rows: np.ndarray,
    need: int,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Cosines of the documents allowed by ``mask`` (exact), or of the HNSW candidates plus the keyword
    matches (approximate); returns ``(cosines, searched mask, method)``."""
    n = len(index.docs)
    allowed = int(mask.sum())
    ann = index.ann(space) if allowed > index.ann_threshold else None
    if ann is None:
        how = f"exact: one matrix product over {n} × {space.matrix.shape[1]} float32 vectors"
        if n > index.ann_threshold:
            how += (
                f" (the filters leave {allowed} documents, no more than the ANN threshold)"
                if hnswlib_available()
                else " (hnswlib is not installed, so no HNSW index)"
            )
        return space.matrix @ vector, mask, how
    candidates = ann.query(vector, k=max(1000, 10 * need), mask=mask)
    rows = np.union1d(candidates, lexical_rows[mask[lexical_rows]])
    cosines = np.zeros(n, dtype=np.float32)
    cosines[rows] = space.matrix[rows] @ vector
    searched = np.zeros(n, dtype=bool)
    searched[rows] = True
    how = (
        f"approximate: HNSW (hnswlib) over {ann.size} vectors, {candidates.size} nearest allowed candidates "
        f"plus the keyword matches rescored exactly; total counts only these"
    )
    return cosines, searched, how


def _document_hits(
    engine: Engine,
    index: SearchIndex,
    page: np.ndarray,
    parts: dict[str, np.ndarray],
    terms: dict[str, str],
    offset: int,
) -> list[DocumentHit]:
    ids = [int(i) for i in index.docs.ids[page]]
    with session_scope(engine) as session:
        docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
        views = {i: document_view(d) for i, d in docs.items()}  # access as stored now, not as indexed
        texts = {i: (d.title, d.abstract) for i, d in docs.items()}
        restricted = {i for i, d in docs.items() if d.access_level == "restricted"}
    matched = index.bm25.matched(list(terms), [int(r) for r in page])
    hits: list[DocumentHit] = []
    for rank, (row, doc_id, words) in enumerate(zip(page, ids, matched, strict=True), start=offset + 1):
        if doc_id not in views:  # deleted since the fingerprint was read
            continue
        hidden = doc_id in restricted
        theme = int(index.docs.theme_ids[row])
        hits.append(
            DocumentHit(
                rank=rank,
                document_id=doc_id,
                scores=_parts(parts, int(row)),
                matching_terms=[] if hidden else _words(words, terms),
                text_hidden=hidden,
                document=views[doc_id],
                snippet=None if hidden else snippet(*texts[doc_id], words),
                theme_id=theme if theme >= 0 else None,
            )
        )
    return hits


def _words(matched: list[str], terms: dict[str, str]) -> list[str]:
    """The query words behind the matched normalised terms."""
    return list(dict.fromkeys(terms.get(t, t) for t in matched))


def _parts(parts: dict[str, np.ndarray], row: int) -> ScoreParts:
    return ScoreParts(**{name: round(float(values[row]), 6) + 0.0 for name, values in parts.items()})


def _theme_hits(
    index: SearchIndex, page: np.ndarray, parts: dict[str, np.ndarray], terms: dict[str, str], offset: int
) -> list[ThemeHit]:
    themes = index.themes
    assert themes is not None and index.scope.run_id is not None
    matched = themes.bm25.matched(list(terms), [int(r) for r in page])
    hits: list[ThemeHit] = []
    for rank, (row, words) in enumerate(zip(page, matched, strict=True), start=offset + 1):
        field_id = int(themes.field_ids[row])
        hits.append(
            ThemeHit(
                rank=rank,
                theme_id=int(themes.ids[row]),
                run_id=index.scope.run_id,
                number=int(themes.numbers[row]),
                label_en=themes.labels_en[row],
                label_zh=themes.labels_zh[row],
                size=int(themes.sizes[row]),
                field_id=field_id if field_id >= 0 else None,
                scores=_parts(parts, int(row)),
                matching_terms=_words(words, terms),
                matching_keywords=matching_keywords(themes.keywords[row], list(terms)),
                keywords=themes.keywords[row][:10],
                representative_doc_ids=themes.representative_doc_ids[row],
            )
        )
    return hits


def search(
    engine: Engine,
    query: str,
    *,
    kind: SearchKind = "documents",
    filters: SearchFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    settings: Settings | None = None,
    options: SearchOptions | None = None,
    cache: IndexCache | None = None,
) -> SearchResults:
    """Search documents or themes by meaning and keywords (see the module docstring for the method).

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A migrated store.
    query : str
        Chinese or English words, a sentence or an abstract (at most ``MAX_QUERY_CHARS`` characters).
    kind : {"documents", "themes"}, default "documents"
        What to return. Themes come from ``filters.run_id`` or the latest completed run.
    filters : SearchFilters, optional
        Run, theme, field, kinds, languages, time window, access.
    limit : int, default 20
        Hits per page (1 to ``MAX_LIMIT``).
    offset : int, default 0
        Hits skipped (paging).
    settings : Settings, optional
        The configured embedding model; from the environment when omitted.
    options : SearchOptions, optional
        Weights, match threshold, BM25 parameters, ANN threshold.
    cache : IndexCache, optional
        Where indexes are kept; the process-wide cache by default.

    Returns
    -------
    SearchResults
        The page of hits with their score parts and matched terms, ``total`` matches, timings in
        milliseconds and ``method``, the explanation of how the scores were computed.

    Raises
    ------
    ValueError
        An empty or too long query, a bad kind, limit or offset.
    SearchError
        An unknown run, theme or field, or no completed run to search themes in.
    """
    started = time.perf_counter()
    cleaned = validate_query(query)
    if kind not in KINDS:
        raise ValueError(f"kind must be 'documents' or 'themes', not {kind!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    if offset < 0:
        raise ValueError("offset must not be negative")
    filters = filters or SearchFilters()
    options = options or SearchOptions()
    settings = settings or get_settings()
    cache = default_cache() if cache is None else cache  # an empty IndexCache is falsy
    language = options.query_language or detect_language(cleaned)
    surface = query_terms(cleaned, language)  # {normalised term: query word}
    terms = list(surface)
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round((now - since) * 1000, 3)
        return now

    scope = IndexScope(_resolve_run(engine, filters, kind))
    index, reused = cache.get(engine, scope, settings, options)
    if kind == "themes" and (index.themes is None or len(index.themes) == 0):
        raise SearchError(f"{scope.describe()} has no themes to search")
    t = lap("index", started)
    space_name = index.query_space(language)
    space = index.space(engine, space_name)  # built on first use (vectors read, lexical model fitted)
    t = lap("space", t)
    vector = space.encode(cleaned)
    t = lap("encode", t)
    w_s, w_l = _weights(options)

    if kind == "documents":
        mask = index.docs.mask(filters)
        bm25 = index.bm25.scores(terms)
        cosines, mask, how = _semantic(index, space, vector, mask, np.flatnonzero(bm25 > 0), offset + limit)
        coverage = index.bm25.coverage(terms, bm25)
        ids = index.docs.ids
    else:
        themes = index.themes
        assert themes is not None
        mask = themes.mask(filters)
        cosines = index.theme_vectors(engine, space_name) @ vector
        bm25 = themes.bm25.scores(terms)
        coverage = themes.bm25.coverage(terms, bm25)
        ids, how = themes.ids, f"exact: centroids of {len(themes)} themes"
    fused = w_s * np.maximum(cosines, 0.0) + w_l * coverage
    rows = np.flatnonzero(mask & ((bm25 > 0) | (cosines >= options.min_similarity)))
    page = _top(rows, fused, ids, offset, limit)
    t = lap("score", t)
    parts = {"semantic": cosines, "bm25": bm25, "lexical": coverage, "fused": fused}
    hits: list[DocumentHit] | list[ThemeHit]
    if kind == "documents":
        hits = _document_hits(engine, index, page, parts, surface, offset)
    else:
        hits = _theme_hits(index, page, parts, surface, offset)
    lap("hydrate", t)
    timings["total"] = round((time.perf_counter() - started) * 1000, 3)
    return SearchResults(
        query=cleaned,
        kind=kind,
        query_language=language,
        query_terms=list(dict.fromkeys(surface.values())),
        hits=hits,
        total=int(rows.size),
        limit=limit,
        offset=offset,
        timings_ms=timings,
        method=_method(index, space, how, reused, options, filters),
    )


def _method(
    index: SearchIndex,
    space: VectorSpace,
    how: str,
    reused: bool,
    options: SearchOptions,
    filters: SearchFilters,
) -> dict[str, Any]:
    w_s, w_l = _weights(options)
    return {
        "scope": index.scope.describe(),
        "run_id": index.scope.run_id,
        "representation": index.representation,
        "space": space.name,
        "model_id": space.model_id,
        "semantic": f"cosine of the query and document (theme centroid) vectors in the {space.name} space",
        "lexical": (
            f"Okapi BM25 (k1={options.k1}, b={options.b}) over tokenised title + abstract (themes: labels + "
            "keywords; jieba for Chinese); lexical = min(1, bm25 / sum of the query terms' idf)"
        ),
        "fusion": f"fused = {w_s:.3f} * max(semantic, 0) + {w_l:.3f} * lexical",
        "weights": {"semantic": round(w_s, 6), "lexical": round(w_l, 6)},
        "match_rule": f"contains a query term, or semantic >= {options.min_similarity}",
        "search": how,
        "ann_available": hnswlib_available(),
        "filters": filters.as_dict(),
        "index": {
            "documents": len(index.docs),
            "themes": len(index.themes) if index.themes is not None else 0,
            "fingerprint": index.fingerprint,
            "reused": reused,
            "build_seconds": round(index.build_seconds, 3),
            "spaces": index.built_spaces(),
            "space_seconds": dict(index.timings),
        },
        "warnings": list(dict.fromkeys([*index.warnings, *space.warnings])),
    }
