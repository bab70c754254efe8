"""What a search is asked (filters, options) and what it answers (hits with their explanation)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

__all__ = [
    "ACCESS_CHOICES",
    "MAX_LIMIT",
    "MAX_QUERY_CHARS",
    "DocumentHit",
    "ScoreParts",
    "SearchFilters",
    "SearchOptions",
    "SearchResults",
    "ThemeHit",
]

#: Longest query accepted, in characters (a long abstract pasted as a query is fine; a whole paper is not).
MAX_QUERY_CHARS = 2000
#: Largest page.
MAX_LIMIT = 1000
ACCESS_CHOICES = ("all", "public", "restricted")
SearchKind = Literal["documents", "themes"]


@dataclass(frozen=True)
class SearchFilters:
    """Which documents or themes may be returned.

    Parameters
    ----------
    run_id : int, optional
        Search the documents (or themes) of this analysis run. Documents without it: the whole corpus;
        themes without it: the latest completed run.
    theme_id : int, optional
        Only documents of this theme (implies its run).
    field_id : int, optional
        Only documents (or themes) of this field, a ``ThemeField`` id (implies its run).
    kinds : tuple of str
        Document kinds (paper, patent …); empty: all.
    languages : tuple of str
        Document languages (zh, en, other); empty: all.
    since, until : datetime.date, optional
        Time window on the publication date, or on the year when a document has no date (as in
        ``foresight.themes.runs.CorpusFilter``); documents with neither are left out when a bound is set.
    access : {"all", "public", "restricted"}
        Access levels returned; restricted documents always come back with their text hidden.
    include_hidden_themes : bool
        Also return themes hidden by curation (merged away, deleted).
    """

    run_id: int | None = None
    theme_id: int | None = None
    field_id: int | None = None
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    access: str = "all"
    include_hidden_themes: bool = False

    def __post_init__(self) -> None:
        if self.access not in ACCESS_CHOICES:
            raise ValueError(f"access must be one of {', '.join(ACCESS_CHOICES)}, not {self.access!r}")
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["since"] = self.since.isoformat() if self.since else None
        out["until"] = self.until.isoformat() if self.until else None
        out["kinds"], out["languages"] = list(self.kinds), list(self.languages)
        return out


@dataclass(frozen=True)
class SearchOptions:
    """The method's knobs; the defaults are the documented method (see ``foresight.search.service``).

    Parameters
    ----------
    semantic_weight, lexical_weight : float
        Weights of the fused score ``w_s * max(cosine, 0) + w_l * bm25_coverage`` (0.55 / 0.45).
    min_similarity : float
        A document (theme) matches when it contains a query term or its cosine reaches this (0.3).
    k1, b : float
        BM25 parameters.
    ann_threshold : int
        Above this many vectors searched, use an HNSW index (hnswlib) when it is installed; exact
        otherwise.
    embed_missing_limit : int
        When building a whole-corpus index, documents without a cached vector are embedded when there
        are at most this many; beyond, they are found by keywords only (a warning says so).
    query_language : str, optional
        ``"zh"`` / ``"en"`` / ``"other"`` instead of detecting the query's language.
    """

    semantic_weight: float = 0.55
    lexical_weight: float = 0.45
    min_similarity: float = 0.3
    k1: float = 1.2
    b: float = 0.75
    ann_threshold: int = 200_000
    embed_missing_limit: int = 2000
    query_language: str | None = None

    def __post_init__(self) -> None:
        if self.semantic_weight < 0 or self.lexical_weight < 0:
            raise ValueError("weights must not be negative")
        if self.semantic_weight + self.lexical_weight <= 0:
            raise ValueError("at least one weight must be positive")
        if self.ann_threshold < 1:
            raise ValueError("ann_threshold must be at least 1")


@dataclass(frozen=True)
class ScoreParts:
    """Why a hit ranks where it does.

    Attributes
    ----------
    semantic : float
        Cosine similarity between the query and the document (theme centroid) vectors.
    bm25 : float
        Raw Okapi BM25 score of the query terms.
    lexical : float
        BM25 coverage in [0, 1]: ``min(1, bm25 / sum of the query terms' idf)``.
    fused : float
        ``w_s * max(semantic, 0) + w_l * lexical``, the ranking score.
    """

    semantic: float
    bm25: float
    lexical: float
    fused: float


@dataclass
class DocumentHit:
    """One document found. ``document`` is ``foresight.corpus.document_view`` (restricted: no text)."""

    rank: int
    document_id: int
    scores: ScoreParts
    matching_terms: list[str]
    text_hidden: bool
    document: dict[str, Any]
    snippet: str | None = None
    theme_id: int | None = None


@dataclass
class ThemeHit:
    """One theme found, with the keywords and label words that matched the query."""

    rank: int
    theme_id: int
    run_id: int
    number: int
    label_en: str
    label_zh: str
    size: int
    field_id: int | None
    scores: ScoreParts
    matching_terms: list[str]
    matching_keywords: list[list[Any]]
    keywords: list[list[Any]]
    representative_doc_ids: list[int] = field(default_factory=list)


@dataclass
class SearchResults:
    """A page of hits, how many matched in all, timings and the explanation of the method."""

    query: str
    kind: SearchKind
    query_language: str
    query_terms: list[str]
    hits: list[DocumentHit] | list[ThemeHit]
    total: int
    limit: int
    offset: int
    timings_ms: dict[str, float]
    method: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates as ISO strings already in ``document``)."""
        return asdict(self)
