"""Semantic search (智能查询) of documents and themes, in Chinese or English.

``search(engine, query, kind=..., filters=..., limit=..., offset=...)`` fuses the cosine similarity of
embeddings (the run's model, or jieba lexical vectors for Chinese queries) with Okapi BM25 keyword
relevance, over an in-memory index per run (or the whole corpus) that is rebuilt when the store changes.
See ``foresight.search.service`` for the method and its weights.
"""

from foresight.search.bm25 import BM25
from foresight.search.build import build_index
from foresight.search.cache import IndexCache, default_cache
from foresight.search.fingerprint import quick_fingerprint, store_fingerprint
from foresight.search.index import IndexScope, SearchIndex
from foresight.search.models import (
    MAX_LIMIT,
    MAX_QUERY_CHARS,
    DocumentHit,
    ScoreParts,
    SearchFilters,
    SearchOptions,
    SearchResults,
    ThemeHit,
)
from foresight.search.service import search, validate_query
from foresight.search.spaces import SearchError

__all__ = [
    "BM25",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "DocumentHit",
    "IndexCache",
    "IndexScope",
    "ScoreParts",
    "SearchError",
    "SearchFilters",
    "SearchIndex",
    "SearchOptions",
    "SearchResults",
    "ThemeHit",
    "build_index",
    "default_cache",
    "quick_fingerprint",
    "search",
    "store_fingerprint",
    "validate_query",
]
