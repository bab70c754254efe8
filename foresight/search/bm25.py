"""Okapi BM25 over a scipy sparse matrix: keyword relevance for the search (our own, ~100 lines).

For a query with distinct terms ``q`` and a document ``D``::

    bm25(q, D) = sum over t in q of idf(t) * tf(t, D) * (k1 + 1) / (tf(t, D) + k1 * (1 - b + b * |D| / L))
    idf(t)     = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))        (Lucene's variant: never negative)

with ``L`` the mean document length in tokens and ``N`` the number of documents.

The per-(document, term) weights are computed once at fit time and kept as a CSC matrix, so scoring a
query is the sum of a few of its columns. ``coverage`` divides the score by ``sum idf(t)`` over the
query terms (a term absent from the corpus counts with the idf of ``df = 0``), clipped to 1: a document
of average length that holds every query term once scores 1; one that holds only the common words of
the query scores little. This is the lexical score fused with the semantic one (see ``service``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

__all__ = ["BM25"]


class BM25:
    """Okapi BM25 index of tokenised documents.

    Parameters
    ----------
    k1 : float, default 1.2
        Term-frequency saturation.
    b : float, default 0.75
        Length normalisation (0: none, 1: full).

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Column of each term.
    idf_ : numpy.ndarray
        ``(n_terms,)`` inverse document frequencies.
    weights_ : scipy.sparse.csc_array
        ``(n_docs, n_terms)`` BM25 weight of each term in each document.
    n_docs_ : int
    avgdl_ : float
        Mean document length in tokens.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0:
            raise ValueError("BM25 needs k1 >= 0 and 0 <= b <= 1")
        self.k1 = k1
        self.b = b

    def fit(self, documents: Sequence[Sequence[str]]) -> BM25:
        """Index ``documents`` (each a list of tokens, duplicates counted); returns ``self``."""
        vocabulary: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        for tokens in documents:
            for token in tokens:
                indices.append(vocabulary.setdefault(token, len(vocabulary)))
            indptr.append(len(indices))
        n_docs = len(documents)
        data = np.ones(len(indices), dtype=np.float32)
        tf = sparse.csr_array(
            (data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
            shape=(n_docs, len(vocabulary)),
        )
        tf.sum_duplicates()  # repeated tokens → term frequencies
        lengths = np.diff(np.asarray(indptr)).astype(np.float64)
        avgdl = float(lengths.mean()) if n_docs and lengths.sum() else 1.0
        df = np.bincount(tf.indices, minlength=len(vocabulary)).astype(np.float64)
        self.idf_ = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        rows = np.repeat(np.arange(n_docs), np.diff(tf.indptr))
        norm = self.k1 * (1.0 - self.b + self.b * lengths[rows] / avgdl)
        freq = tf.data.astype(np.float64)
        weight = self.idf_[tf.indices] * freq * (self.k1 + 1.0) / (freq + norm)
        weights = sparse.csr_array((weight.astype(np.float32), tf.indices, tf.indptr), shape=tf.shape)
        self.weights_ = weights.tocsc()
        self.vocabulary_ = vocabulary
        self.n_docs_ = n_docs
        self.avgdl_ = avgdl
        return self

    def term_ids(self, terms: Sequence[str]) -> list[int]:
        """Columns of the distinct ``terms`` found in the vocabulary (query order)."""
        ids = (self.vocabulary_.get(t) for t in dict.fromkeys(terms))
        return [i for i in ids if i is not None]

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for the distinct ``terms``; ``(n_docs,)`` float64."""
        ids = self.term_ids(terms)
        if not ids:
            return np.zeros(self.n_docs_)
        return np.asarray(self.weights_[:, ids].sum(axis=1), dtype=np.float64).ravel()

    def max_idf(self) -> float:
        """The idf of a term in no document (used for query terms missing from the corpus)."""
        return float(np.log1p((self.n_docs_ + 0.5) / 0.5))

    def idf_sum(self, terms: Sequence[str]) -> float:
        """``sum idf(t)`` over the distinct ``terms``, the score of a full, average-length match."""
        unknown = self.max_idf()
        return float(
            sum(
                self.idf_[self.vocabulary_[t]] if t in self.vocabulary_ else unknown
                for t in dict.fromkeys(terms)
            )
        )

    def coverage(self, terms: Sequence[str], scores: np.ndarray | None = None) -> np.ndarray:
        """``min(1, bm25 / idf_sum(terms))`` per document, in [0, 1] (see the module docstring)."""
        raw = self.scores(terms) if scores is None else scores
        total = self.idf_sum(terms)
        if total <= 0:
            return np.zeros_like(raw)
        return np.minimum(raw / total, 1.0)

    def matched(self, terms: Sequence[str], rows: Sequence[int]) -> list[list[str]]:
        """For each document row in ``rows``, the distinct ``terms`` it contains (query order)."""
        known = [t for t in dict.fromkeys(terms) if t in self.vocabulary_]
        if not known or not len(rows):
            return [[] for _ in rows]
        sub = self.weights_[:, [self.vocabulary_[t] for t in known]].tocsr()[np.asarray(rows)]
        spans = zip(sub.indptr[:-1], sub.indptr[1:], strict=True)
        return [[known[j] for j in sorted(sub.indices[start:end])] for start, end in spans]
