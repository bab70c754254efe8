"""The in-memory search index of one scope (an analysis run, or the whole corpus).

It holds the documents' metadata as aligned numpy arrays (for filtering by masks), a BM25 index of
their tokenised title + abstract, the run's themes (centroids, labels, keywords and their own BM25
index), and the vector spaces, each built on first use: a Chinese query on an English run fits the
lexical space once, the next Chinese query reuses it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Engine

from foresight.embeddings.backends import l2_normalize
from foresight.search.ann import HnswIndex, hnswlib_available
from foresight.search.bm25 import BM25
from foresight.search.models import SearchFilters
from foresight.search.spaces import SPACES, VectorSpace

__all__ = ["DocumentTable", "IndexScope", "SearchIndex", "ThemeTable"]

_MISSING = -1


@dataclass(frozen=True)
class IndexScope:
    """What an index covers: the documents of ``run_id``, or every document when it is ``None``."""

    run_id: int | None = None

    def describe(self) -> str:
        return f"run {self.run_id}" if self.run_id is not None else "whole corpus"


@dataclass
class DocumentTable:
    """Per-document arrays, row-aligned with the BM25 index and the vector spaces."""

    ids: np.ndarray
    texts: list[str]
    kinds: np.ndarray
    languages: np.ndarray
    dates: np.ndarray  # proleptic ordinal of publication_date, -1 when missing
    years: np.ndarray  # -1 when missing
    restricted: np.ndarray
    theme_ids: np.ndarray  # -1: noise or not in a run
    field_ids: np.ndarray  # -1: none

    def __len__(self) -> int:
        return int(self.ids.size)

    def mask(self, filters: SearchFilters) -> np.ndarray:
        """Rows allowed by ``filters`` (run scope is the index's own; theme, field, kind, language,
        time window and access are applied here)."""
        keep = np.ones(len(self), dtype=bool)
        if filters.theme_id is not None:
            keep &= self.theme_ids == filters.theme_id
        if filters.field_id is not None:
            keep &= self.field_ids == filters.field_id
        if filters.kinds:
            keep &= np.isin(self.kinds, list(filters.kinds))
        if filters.languages:
            keep &= np.isin(self.languages, list(filters.languages))
        if filters.since is not None:
            keep &= _on_or_after(self.dates, self.years, filters.since)
        if filters.until is not None:
            keep &= _on_or_before(self.dates, self.years, filters.until)
        if filters.access == "public":
            keep &= ~self.restricted
        elif filters.access == "restricted":
            keep &= self.restricted
        return keep


def _on_or_after(dates: np.ndarray, years: np.ndarray, bound: date) -> np.ndarray:
    by_date = (dates != _MISSING) & (dates >= bound.toordinal())
    by_year = (dates == _MISSING) & (years != _MISSING) & (years >= bound.year)
    return np.asarray(by_date | by_year)


def _on_or_before(dates: np.ndarray, years: np.ndarray, bound: date) -> np.ndarray:
    by_date = (dates != _MISSING) & (dates <= bound.toordinal())
    by_year = (dates == _MISSING) & (years != _MISSING) & (years <= bound.year)
    return np.asarray(by_date | by_year)


@dataclass
class ThemeTable:
    """The themes of a run: metadata, stored centroids (run space) and a BM25 index of labels + keywords."""

    ids: np.ndarray
    numbers: np.ndarray
    labels_en: list[str]
    labels_zh: list[str]
    keywords: list[list[list[Any]]]
    sizes: np.ndarray
    field_ids: np.ndarray  # -1: none
    hidden: np.ndarray
    representative_doc_ids: list[list[int]]
    centroids: np.ndarray | None  # (n_themes, d) in the run's representation; zero rows when unknown
    bm25: BM25

    def __len__(self) -> int:
        return int(self.ids.size)

    def mask(self, filters: SearchFilters) -> np.ndarray:
        keep = np.ones(len(self), dtype=bool)
        if not filters.include_hidden_themes:
            keep &= ~self.hidden
        if filters.field_id is not None:
            keep &= self.field_ids == filters.field_id
        if filters.theme_id is not None:
            keep &= self.ids == filters.theme_id
        return keep


SpaceBuilder = Callable[["SearchIndex", Engine, str], VectorSpace]


@dataclass
class SearchIndex:
    """Everything one scope's searches need, built from the store by ``foresight.search.build``.

    Attributes
    ----------
    scope : IndexScope
    representation : str
        The run's representation (``"neural"`` for the whole corpus): the space of English queries.
    model_id : str
        The run's model id (the configured neural model for the whole corpus).
    seed : int
        Seed of lexical fits (the run's seed).
    fingerprint : str
        State of the store the index was built from (``foresight.search.build.store_fingerprint``).
    docs : DocumentTable
    bm25 : BM25
    themes : ThemeTable or None
        The run's themes; ``None`` for the whole corpus.
    build_seconds : float
    warnings : list of str
    timings : dict
        Seconds spent building each vector space (``space_<name>_s``).
    """

    scope: IndexScope
    representation: str
    model_id: str
    seed: int
    fingerprint: str
    docs: DocumentTable
    bm25: BM25
    themes: ThemeTable | None
    space_builder: SpaceBuilder = field(repr=False)
    ann_threshold: int = 200_000
    build_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    _spaces: dict[str, VectorSpace] = field(default_factory=dict, repr=False)
    _theme_vectors: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _ann: dict[str, HnswIndex | None] = field(default_factory=dict, repr=False)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def query_space(self, query_language: str) -> str:
        """The space a query is compared in.

        Chinese queries use the lexical space (jieba words; the default neural model reads Chinese as
        [UNK]); other queries use the run's representation (``neural`` for the whole corpus).
        """
        return "lexical" if query_language == "zh" else self.representation

    def space(self, engine: Engine, name: str) -> VectorSpace:
        """The vector space ``name``, built (and kept) on first use."""
        if name not in SPACES:
            raise ValueError(f"unknown vector space {name!r}")
        with self._lock:
            if name not in self._spaces:
                started = time.perf_counter()
                self._spaces[name] = self.space_builder(self, engine, name)
                self.timings[f"space_{name}_s"] = round(time.perf_counter() - started, 3)
            return self._spaces[name]

    def built_spaces(self) -> list[str]:
        with self._lock:
            return list(self._spaces)

    def ann(self, space: VectorSpace) -> HnswIndex | None:
        """The HNSW index of ``space`` when it holds more than ``ann_threshold`` vectors and hnswlib is
        installed; ``None`` means exact search."""
        if len(self.docs) <= self.ann_threshold or not hnswlib_available():
            return None
        with self._lock:
            if space.name not in self._ann:
                self._ann[space.name] = HnswIndex(space.matrix, seed=self.seed)
            return self._ann[space.name]

    def theme_vectors(self, engine: Engine, name: str) -> np.ndarray:
        """Unit theme vectors in space ``name``: the stored centroids when the space is the run's own
        model (neural runs); otherwise (and for themes without a stored centroid) the normalised mean of
        the member documents' vectors in that space, which is how the analysis computes centroids."""
        if self.themes is None:
            raise ValueError("the whole-corpus index has no themes")
        with self._lock:
            if name in self._theme_vectors:
                return self._theme_vectors[name]
        space = self.space(engine, name)
        themes = self.themes
        out = np.zeros((len(themes), space.matrix.shape[1]), dtype=np.float32)
        stored = themes.centroids
        same_model = space.model_id == self.model_id
        use_stored = same_model and stored is not None and stored.shape[1] == out.shape[1]
        for row, theme_id in enumerate(themes.ids):
            if use_stored and stored is not None and np.any(stored[row]):
                out[row] = stored[row]
                continue
            members = self.docs.theme_ids == theme_id
            if members.any():
                out[row] = space.matrix[members].mean(axis=0)
        out = l2_normalize(out)
        with self._lock:
            self._theme_vectors[name] = out
        return out
