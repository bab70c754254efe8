"""Theme representation: c-TF-IDF keywords and labels, centroids and representative documents.

c-TF-IDF (Grootendorst 2022, arXiv:2203.05794) treats all documents of a theme as one document. For term
``x`` and theme ``c``::

    W(x, c) = tf(x, c) / |tf(., c)|_1 * log(1 + A / f(x))

with ``tf`` the term count in the theme (square-rooted first when ``reduce_frequent_words``), ``A`` the
average number of words per theme and ``f(x)`` the frequency of ``x`` over all themes; the BM25-style
variant uses ``log(1 + (A - f + 0.5) / (f + 0.5))``. Terms are words from ``foresight.text.tokenize``
(jieba for Chinese, bilingual stop words removed) and n-grams of words that stand next to each other in
the text (never across punctuation or a stop word in English), so labels read like
"graph neural networks / message passing".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import CountVectorizer

from foresight.text import has_han
from foresight.themes.terms import document_terms, phrases

__all__ = ["CTfidfRepresentation", "class_tfidf", "document_terms", "make_label", "phrases"]


def class_tfidf(
    doc_term: sp.csr_matrix,
    labels: NDArray[np.int64],
    classes: NDArray[np.int64],
    *,
    reduce_frequent_words: bool = True,
    bm25_weighting: bool = False,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """c-TF-IDF matrix of the given classes, with their raw term counts.

    Parameters
    ----------
    doc_term : sparse matrix of shape (n_docs, n_terms)
        Term counts per document.
    labels : ndarray of shape (n_docs,)
        Class per document (any integers; ``-1`` is treated as one more class for the IDF).
    classes : ndarray of shape (n_classes,)
        Classes whose rows are returned, in this order.
    reduce_frequent_words : bool, default=True
        Square-root the class term counts before normalising.
    bm25_weighting : bool, default=False
        Use the BM25-style IDF.

    Returns
    -------
    weights : sparse matrix of shape (n_classes, n_terms)
        ``W(x, c)``.
    counts : sparse matrix of shape (n_classes, n_terms)
        Term counts of each class.
    """
    all_classes, inverse = np.unique(labels, return_inverse=True)
    indicator = sp.csr_matrix(
        (np.ones(labels.shape[0]), (inverse, np.arange(labels.shape[0]))),
        shape=(all_classes.shape[0], labels.shape[0]),
    )
    counts = (indicator @ doc_term).astype(np.float64).tocsr()
    freq = np.asarray(counts.sum(axis=0)).ravel()
    avg_words = counts.sum() / max(counts.shape[0], 1)
    if bm25_weighting:
        idf = np.log(1.0 + (avg_words - freq + 0.5) / (freq + 0.5))
    else:
        idf = np.log(1.0 + avg_words / np.maximum(freq, 1.0))
    tf = counts.sqrt() if reduce_frequent_words else counts
    totals = np.asarray(tf.sum(axis=1)).ravel()
    totals[totals == 0] = 1.0
    weights = sp.diags(1.0 / totals) @ tf @ sp.diags(idf)
    rows = np.searchsorted(all_classes, classes)
    return sp.csr_matrix(weights)[rows], counts[rows]


def _contains(longer: str, shorter: str) -> bool:
    """Whether term ``shorter`` is part of term ``longer`` (whole words; substring for Chinese)."""
    if has_han(shorter):
        return shorter in longer
    return f" {shorter} " in f" {longer} "


def _singular(term: str) -> str:
    """Crude English singular of every word ("black holes" → "black hole"), to spot repeated terms."""
    if has_han(term):
        return term
    out = []
    for w in term.split():
        if len(w) > 4 and w.endswith("ies"):
            w = w[:-3] + "y"
        elif len(w) > 4 and w.endswith(("ses", "xes", "ches", "shes")):
            w = w[:-2]
        elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        out.append(w)
    return " ".join(out)


def make_label(
    keywords: Sequence[tuple[str, float]],
    n_terms: int = 3,
    separator: str = " / ",
    phrase_ratio: float = 0.7,
    counts: Mapping[str, float] | None = None,
) -> str:
    """Readable label from ranked, weighted keywords.

    Going down the list, a term is replaced by a longer keyword that contains it when that phrase
    occurs at least ``phrase_ratio`` times as often in the theme ("neural" → "graph neural networks"),
    and skipped when it contains or is contained in a term already chosen (plurals folded: "halo" and
    "halos" count as one).

    Parameters
    ----------
    keywords : sequence of (str, float)
        Keywords with weights, best first.
    n_terms : int, default=3
        Number of terms in the label.
    separator : str, default=" / "
        Joins the terms.
    phrase_ratio : float, default=0.7
        How often, relative to the term, a containing phrase must occur to replace it.
    counts : mapping of str to float or None, default=None
        Occurrences of each keyword in the theme; ``None`` compares the weights instead.

    Returns
    -------
    str
        The label (empty when there are no keywords).

    Examples
    --------
    >>> ranked = [("graph", 0.3), ("message passing", 0.25), ("graph neural networks", 0.24), ("gnn", 0.1)]
    >>> make_label(ranked, 2)
    'graph neural networks / message passing'
    """
    freq = dict(keywords) if counts is None else counts
    chosen: list[str] = []
    for term, _ in keywords:
        best = term
        for other, _ in keywords:
            if (
                len(other) > len(best)
                and _contains(other, term)
                and freq.get(other, 0.0) >= phrase_ratio * freq.get(term, 0.0)
            ):
                best = other
        folded = _singular(best)
        if any(_contains(folded, c) or _contains(c, folded) for c in map(_singular, chosen)):
            continue
        chosen.append(best)
        if len(chosen) == n_terms:
            break
    return separator.join(chosen)


class CTfidfRepresentation(BaseEstimator):
    """Keywords and labels per class by c-TF-IDF, bilingual.

    Parameters
    ----------
    top_n : int, default=10
        Keywords kept per class.
    ngram_range : tuple of int, default=(1, 2)
        N-gram lengths of the terms.
    min_df : int, default=2
        A term must occur in at least this many documents (lowered to 1 for tiny corpora).
    max_features : int or None, default=None
        Keep only the most frequent terms.
    reduce_frequent_words : bool, default=True
        Square-root class term counts.
    bm25_weighting : bool, default=False
        BM25-style IDF.
    n_label_terms : int, default=3
        Terms per label.
    label_separator : str, default=" / "
        Joins label terms.

    Attributes
    ----------
    vocabulary_ : ndarray of str
        Terms, in column order of ``doc_term_``.
    doc_term_ : sparse matrix of shape (n_docs, n_terms)
        Term counts per document (kept so other groupings, e.g. fields, reuse them).
    classes_ : ndarray of int
        Classes described (every label except ``-1``).
    keywords_ : dict of int to list of (str, float)
        Top terms and weights per class.
    labels_text_ : dict of int to str
        Readable label per class.
    """

    def __init__(
        self,
        top_n: int = 10,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 2,
        max_features: int | None = None,
        reduce_frequent_words: bool = True,
        bm25_weighting: bool = False,
        n_label_terms: int = 3,
        label_separator: str = " / ",
    ) -> None:
        self.top_n = top_n
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.reduce_frequent_words = reduce_frequent_words
        self.bm25_weighting = bm25_weighting
        self.n_label_terms = n_label_terms
        self.label_separator = label_separator

    def fit(
        self, texts: Sequence[str], labels: ArrayLike, languages: Sequence[str] | str | None = None
    ) -> CTfidfRepresentation:
        """Tokenise the documents and describe every class.

        Parameters
        ----------
        texts : sequence of str
            One text per document.
        labels : array-like of shape (n_docs,)
            Class per document; ``-1`` (noise) takes part in the IDF but gets no keywords.
        languages : sequence of str, str or None, default=None
            Language per document, one for all, or ``None`` (English rules; Han text uses jieba anyway).

        Returns
        -------
        CTfidfRepresentation
            The fitted representation.
        """
        n = len(texts)
        if isinstance(languages, str) or languages is None:
            langs: Sequence[str] = [languages or "en"] * n
        else:
            langs = languages
        if len(langs) != n:
            raise ValueError(f"{n} texts but {len(langs)} languages")
        terms = [
            document_terms(t or "", lang, self.ngram_range) for t, lang in zip(texts, langs, strict=True)
        ]
        min_df = self.min_df if n >= 10 * self.min_df else 1
        vectorizer = CountVectorizer(
            analyzer=_identity, min_df=min_df, max_features=self.max_features, dtype=np.int64
        )
        try:
            self.doc_term_ = sp.csr_matrix(vectorizer.fit_transform(terms))
            self.vocabulary_ = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
        except ValueError:  # empty vocabulary
            self.doc_term_ = sp.csr_matrix((n, 0), dtype=np.int64)
            self.vocabulary_ = np.asarray([], dtype=object)
        self._term_length_ = np.fromiter(
            (len(t) for t in self.vocabulary_), dtype=np.int64, count=len(self.vocabulary_)
        )
        self.keywords_, self.labels_text_ = self.describe(np.asarray(labels, dtype=np.int64))
        self.classes_ = np.asarray(sorted(self.keywords_), dtype=np.int64)
        return self

    def describe(
        self, labels: NDArray[np.int64]
    ) -> tuple[dict[int, list[tuple[str, float]]], dict[int, str]]:
        """Keywords and labels for a grouping of the fitted documents.

        Parameters
        ----------
        labels : ndarray of shape (n_docs,)
            Class per fitted document (``-1`` gets no keywords).

        Returns
        -------
        keywords : dict of int to list of (str, float)
            Top ``top_n`` terms with positive weight per class.
        labels_text : dict of int to str
            Label per class.
        """
        classes = np.unique(labels[labels >= 0])
        keywords: dict[int, list[tuple[str, float]]] = {}
        texts: dict[int, str] = {}
        if classes.size == 0:
            return keywords, texts
        if self.doc_term_.shape[1] == 0:
            return {int(c): [] for c in classes}, {int(c): "" for c in classes}
        weights, counts = class_tfidf(
            self.doc_term_,
            labels,
            classes,
            reduce_frequent_words=self.reduce_frequent_words,
            bm25_weighting=self.bm25_weighting,
        )
        for row, cls in enumerate(classes):
            lo, hi = weights.indptr[row], weights.indptr[row + 1]
            cols, vals = weights.indices[lo:hi], weights.data[lo:hi]
            # Ties: longer terms first, then term order (independent of sparse storage order).
            top = np.lexsort((cols, -self._term_length_[cols], -vals))[: self.top_n]
            top = top[vals[top] > 0]
            pairs = [(str(self.vocabulary_[cols[j]]), float(vals[j])) for j in top]
            keywords[int(cls)] = pairs
            class_counts = counts[row].toarray().ravel()[cols[top]]
            occurrences = {term: float(c) for (term, _), c in zip(pairs, class_counts, strict=True)}
            texts[int(cls)] = make_label(pairs, self.n_label_terms, self.label_separator, counts=occurrences)
        return keywords, texts

    def get_params_record(self) -> dict[str, Any]:
        """Effective parameters for the run record."""
        params = self.get_params()
        params["ngram_range"] = list(self.ngram_range)
        params["n_terms"] = int(self.vocabulary_.shape[0]) if hasattr(self, "vocabulary_") else None
        return params


def _identity(terms: list[str]) -> list[str]:
    return terms
