"""Re-describing curated themes: c-TF-IDF keywords and labels, centroids, representative documents.

Keywords are exactly what :class:`foresight.themes.represent.CTfidfRepresentation` would give for the
new grouping of the run's documents, without re-reading the corpus: c-TF-IDF of a theme needs its own
term counts and, for the IDF, the corpus frequency of each term and the average number of words per
class. Corpus frequencies do not change when documents move between themes, so they are computed once
per run (``run_term_stats``, on the first curation of the run) and only the touched themes' documents
are tokenised afterwards. Other themes keep their keywords; the IDF's average class length moves by
about ``1 / n_themes`` per merge or split, well below the precision of a ranking.

Centroids are the unit-length mean of the members' cached embeddings (the run's model), as in the
pipeline; when the run's vectors are not in the embedding cache (lexical or fused runs) the caller gets
``None`` and falls back (see :mod:`foresight.curation.service`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.curation.state import chunks
from foresight.db.models import AnalysisRun, Document, RunTermStats, Theme, ThemeMembership
from foresight.embeddings import cache as embedding_cache
from foresight.embeddings import document_text
from foresight.embeddings.cache import text_hash
from foresight.themes.persist import split_label
from foresight.themes.represent import document_terms, make_label

_CACHE = "foresight.curation.term_stats"
__all__ = [
    "DEFAULT_PARAMETERS",
    "Description",
    "describe_groups",
    "document_texts",
    "member_vectors",
    "representation_parameters",
    "run_term_stats",
    "store_representation_stats",
    "unit_mean",
]

DEFAULT_PARAMETERS: dict[str, Any] = {
    "top_n": 10,
    "ngram_range": [1, 2],
    "min_df": 2,
    "max_features": None,
    "reduce_frequent_words": True,
    "bm25_weighting": False,
    "n_label_terms": 3,
    "label_separator": " / ",
}


@dataclass(frozen=True)
class Description:
    """Keywords ``[[term, weight], …]`` and the machine label (English / Chinese) of one group."""

    keywords: list[list[Any]]
    label_en: str
    label_zh: str


def representation_parameters(run: AnalysisRun) -> dict[str, Any]:
    """The c-TF-IDF parameters the run was described with (defaults for what it does not record)."""
    model = (run.parameters or {}).get("model", {}) or {}
    recorded = model.get("representation_params") or {}
    return {k: recorded.get(k, v) for k, v in DEFAULT_PARAMETERS.items()}


def document_texts(session: Session, doc_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """``{document id: (text, language)}`` with the text the pipeline embeds and describes."""
    out: dict[int, tuple[str, str]] = {}
    for part in chunks(sorted(set(doc_ids))):
        rows = session.execute(
            select(Document.id, Document.title, Document.abstract, Document.language).where(
                Document.id.in_(part)
            )
        )
        for doc_id, title, abstract, language in rows:
            out[doc_id] = (document_text(_Text(title, abstract)), language or "other")
    return out


@dataclass
class _Text:
    title: str
    abstract: str | None


def _terms(text: str, language: str, params: dict[str, Any]) -> list[str]:
    low, high = params["ngram_range"]
    return document_terms(text or "", language, (int(low), int(high)))


def run_term_stats(session: Session, run: AnalysisRun, *, store: bool = True) -> RunTermStats:
    """The run's corpus term frequencies, computed and stored on first use.

    The vocabulary follows ``CountVectorizer(min_df, max_features)`` as the pipeline fits it: terms in at
    least ``min_df`` documents (1 for corpora under ``10 * min_df`` documents), the ``max_features`` most
    frequent when set. With ``store=False`` a missing row is computed but not added to the session.
    """
    cache: dict[int, RunTermStats] = session.info.setdefault(_CACHE, {})
    if run.id in cache:
        return cache[run.id]
    row = session.get(RunTermStats, run.id)
    if row is not None:
        cache[run.id] = row  # a strong reference: the identity map would drop it and re-read the JSON
        return row
    params = representation_parameters(run)
    doc_ids = list(
        session.scalars(select(ThemeMembership.document_id).where(ThemeMembership.run_id == run.id))
    )
    texts = document_texts(session, doc_ids)
    tf: Counter[str] = Counter()
    df: Counter[str] = Counter()
    for text, language in texts.values():
        terms = _terms(text, language, params)
        tf.update(terms)
        df.update(set(terms))
    n = len(texts)
    min_df = int(params["min_df"]) if n >= 10 * int(params["min_df"]) else 1
    vocab = {t: c for t, c in tf.items() if df[t] >= min_df}
    if params["max_features"]:
        ranked = sorted(vocab.items(), key=lambda kv: (-kv[1], kv[0]))[: int(params["max_features"])]
        vocab = dict(ranked)
    row = RunTermStats(
        run_id=run.id, parameters=params, n_documents=n, total=float(sum(vocab.values())), frequencies=vocab
    )
    if store:
        session.add(row)
        session.flush()
        cache[run.id] = row
    return row


def store_representation_stats(session: Session, run_id: int, representation: Any) -> RunTermStats | None:
    """Store a run's term statistics from the pipeline's fitted c-TF-IDF representation (its document-term
    matrix holds exactly the counts :func:`run_term_stats` would compute), so curation never re-reads the
    corpus. Does nothing for a representation without ``doc_term_`` or when the row exists."""
    matrix, vocabulary = (
        getattr(representation, "doc_term_", None),
        getattr(representation, "vocabulary_", None),
    )
    if matrix is None or vocabulary is None or session.get(RunTermStats, run_id) is not None:
        return None
    counts = np.asarray(matrix.sum(axis=0)).ravel()
    params = {k: representation.get_params().get(k, v) for k, v in DEFAULT_PARAMETERS.items()}
    params["ngram_range"] = list(params["ngram_range"])
    row = RunTermStats(
        run_id=run_id,
        parameters=params,
        n_documents=int(matrix.shape[0]),
        total=float(counts.sum()),
        frequencies={
            str(t): int(c) for t, c in zip(vocabulary.tolist(), counts.tolist(), strict=True) if c > 0
        },
    )
    session.add(row)
    session.flush()
    return row


def _n_classes(session: Session, run_id: int) -> int:
    """Classes of the c-TF-IDF: themes with members, plus the noise class when there is noise."""
    themes = session.scalar(select(func.count()).where(Theme.run_id == run_id, Theme.size > 0)) or 0
    noise = session.scalar(
        select(ThemeMembership.id)
        .where(ThemeMembership.run_id == run_id, ThemeMembership.theme_id.is_(None))
        .limit(1)
    )
    return int(themes) + (1 if noise is not None else 0)


def describe_groups(
    session: Session, run: AnalysisRun, groups: dict[Any, Sequence[int]], *, store: bool = True
) -> dict[Any, Description]:
    """c-TF-IDF keywords and labels of groups of the run's documents, as the pipeline computes them.

    Call it after the memberships and sizes of the run reflect the new grouping (the number of classes
    enters the IDF).

    Parameters
    ----------
    session : Session
    run : AnalysisRun
    groups : dict
        ``{key: member document ids}``.
    store : bool, default True
        Store the run's term statistics when they are computed here (see :func:`run_term_stats`).

    Returns
    -------
    dict
        ``{key: Description}``.
    """
    stats = run_term_stats(session, run, store=store)
    params = {**DEFAULT_PARAMETERS, **stats.parameters}
    freq: dict[str, float] = stats.frequencies
    average = stats.total / max(_n_classes(session, run.id), 1)
    texts = document_texts(session, (d for docs in groups.values() for d in docs))
    out: dict[Any, Description] = {}
    for key, docs in groups.items():
        counts: Counter[str] = Counter()
        for doc in docs:
            if doc in texts:
                counts.update(t for t in _terms(*texts[doc], params) if t in freq)
        out[key] = _describe(counts, freq, average, params)
    return out


def _describe(
    counts: Counter[str], freq: dict[str, float], average: float, params: dict[str, Any]
) -> Description:
    if not counts:
        return Description([], "", "")
    terms = sorted(counts)
    tf = np.array([counts[t] for t in terms], dtype=np.float64)
    if params["reduce_frequent_words"]:
        tf = np.sqrt(tf)
    f = np.array([float(freq[t]) for t in terms])
    if params["bm25_weighting"]:
        idf = np.log(1.0 + (average - f + 0.5) / (f + 0.5))
    else:
        idf = np.log(1.0 + average / np.maximum(f, 1.0))
    weights = tf / tf.sum() * idf
    lengths = np.array([len(t) for t in terms])
    order = np.lexsort((np.arange(len(terms)), -lengths, -weights))[: int(params["top_n"])]
    order = order[weights[order] > 0]
    pairs = [(terms[i], float(weights[i])) for i in order]
    occurrences = {terms[i]: float(counts[terms[i]]) for i in order}
    label = make_label(
        pairs, int(params["n_label_terms"]), str(params["label_separator"]), counts=occurrences
    )
    en, zh = split_label(label)
    return Description([[t, round(w, 6)] for t, w in pairs], en, zh)


def member_vectors(session: Session, model_id: str, doc_ids: Sequence[int]) -> dict[int, np.ndarray] | None:
    """Cached embeddings of the documents under ``model_id``; ``None`` when any is missing."""
    texts = document_texts(session, doc_ids)
    hashes = {doc: text_hash(text) for doc, (text, _) in texts.items()}
    found = embedding_cache.get_many(session, model_id, hashes.values())
    if len(texts) < len(set(doc_ids)) or any(h not in found for h in hashes.values()):
        return None
    return {doc: found[h] for doc, h in hashes.items()}


def unit_mean(vectors: Sequence[np.ndarray]) -> np.ndarray | None:
    """Unit-length mean of the unit-normalised vectors (the pipeline's centroid); None if empty."""
    if not vectors:
        return None
    X = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    X = np.divide(X, norms, out=np.zeros_like(X), where=norms > 0)
    mean = X.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 and math.isfinite(norm) else mean
