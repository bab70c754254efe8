"""Terms of the themes as of a date: c-TF-IDF keywords re-computed on the documents up to that date,
which documents contain them, and the term-based indicators (term EScores, new-term share, the Callon
strategic diagram).

The run's stored keywords were computed on all its documents, later ones included; re-fitting c-TF-IDF
on the as-of documents keeps the term indicators free of look-ahead. A theme's terms are its top
c-TF-IDF terms plus the most frequent author keywords of its documents (when the source has them).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from foresight.metrics.escore import EScoreResult, term_escores
from foresight.metrics.novelty import NewTerms, new_term_share
from foresight.metrics.strategic import StrategicDiagram, link_strengths, strategic_diagram
from foresight.monitoring.snapshot import RunSnapshot, SnapshotDocument
from foresight.themes.represent import CTfidfRepresentation

#: c-TF-IDF terms kept per theme, and how many of them are the theme's nodes on the strategic diagram.
DEFAULT_TOP_TERMS = 15
DIAGRAM_TERMS = 10
AUTHOR_KEYWORDS = 5


@dataclass
class TermView:
    """Per theme its terms with weights, and a documents × terms presence matrix."""

    theme_terms: dict[int, list[tuple[str, float]]]
    vocabulary: list[str]
    presence: sp.csr_matrix  #: rows follow ``snapshot.documents``; 1 where the document has the term
    row_of: dict[int, int]  #: document id → row
    column: dict[str, int]  #: term → column of ``presence``


def build_term_view(snapshot: RunSnapshot, top_terms: int = DEFAULT_TOP_TERMS) -> TermView:
    """Fit c-TF-IDF on the snapshot's documents (themes as classes, noise as ``-1``) and mark terms.

    Parameters
    ----------
    snapshot
        The run as of the date.
    top_terms
        c-TF-IDF terms per theme.
    """
    docs = snapshot.documents
    theme_ids = sorted({d.theme_id for d in docs if d.theme_id is not None and d.theme_id in snapshot.themes})
    cls = {t: i for i, t in enumerate(theme_ids)}
    labels = np.array([cls.get(d.theme_id, -1) if d.theme_id is not None else -1 for d in docs], dtype=int)
    rep = CTfidfRepresentation(top_n=top_terms).fit(
        [d.text for d in docs], labels, [d.language for d in docs]
    )
    theme_terms: dict[int, list[tuple[str, float]]] = {}
    for theme_id, c in cls.items():
        terms = list(rep.keywords_.get(c, []))
        counter = Counter(k for d in docs if d.theme_id == theme_id for k in set(d.keywords))
        known = {t for t, _ in terms}
        for keyword, n in counter.most_common(AUTHOR_KEYWORDS):
            if keyword not in known and n >= 2:
                terms.append((keyword, 0.0))
        theme_terms[theme_id] = terms
    vocabulary = sorted({t for terms in theme_terms.values() for t, _ in terms})
    position = {t: j for j, t in enumerate(vocabulary)}
    fitted = {str(t): j for j, t in enumerate(rep.vocabulary_)}
    text_cols = [(position[t], fitted[t]) for t in vocabulary if t in fitted]
    n = len(docs)
    presence = sp.lil_matrix((n, len(vocabulary)), dtype=np.float64)
    if text_cols:
        ours, theirs = zip(*text_cols, strict=True)
        block = (rep.doc_term_[:, list(theirs)] > 0).astype(np.float64).tocoo()
        presence = sp.csr_matrix(
            (block.data, (block.row, np.asarray(ours)[block.col])), shape=(n, len(vocabulary))
        ).tolil()
    for row, doc in enumerate(docs):
        for keyword in doc.keywords:
            j = position.get(keyword)
            if j is not None:
                presence[row, j] = 1.0
    return TermView(
        theme_terms, vocabulary, presence.tocsr(), {d.id: i for i, d in enumerate(docs)}, position
    )


def theme_term_escores(
    view: TermView, snapshot: RunSnapshot, theme_docs: list[SnapshotDocument], theme_totals: np.ndarray
) -> dict[str, EScoreResult]:
    """EScore of each term of a theme: theme documents containing it per period against theme documents.

    Parameters
    ----------
    view
        The term view of the snapshot.
    snapshot
        The snapshot (for its periods).
    theme_docs
        The theme's documents (all of one theme).
    theme_totals
        Theme documents per period (the ``T_t`` of the term EScores).
    """
    if not theme_docs:
        return {}
    terms = [t for t, _ in view.theme_terms.get(theme_docs[0].theme_id or -1, [])]
    if not terms:
        return {}
    index = snapshot.period_index()
    rows = [view.row_of[d.id] for d in theme_docs]
    block = view.presence[rows][:, [view.column[t] for t in terms]].toarray()
    counts = np.zeros((len(snapshot.periods), len(terms)))
    np.add.at(counts, [index[d.period] for d in theme_docs], block)
    return term_escores({t: counts[:, k].tolist() for k, t in enumerate(terms)}, theme_totals)


def prior_vocabulary(view: TermView, snapshot: RunSnapshot, window_start: str) -> set[str]:
    """Terms (of the view) present in at least one document dated before ``window_start``."""
    rows = [i for i, d in enumerate(snapshot.documents) if d.period < window_start]
    if not rows:
        return set()
    present = np.asarray(view.presence[rows].sum(axis=0)).ravel() > 0
    return {t for t, hit in zip(view.vocabulary, present, strict=True) if hit}


def theme_new_terms(view: TermView, theme_id: int, prior: set[str]) -> NewTerms:
    """New-term share of a theme's c-TF-IDF terms (weighted by c-TF-IDF; author keywords weigh the mean)."""
    terms = view.theme_terms.get(theme_id, [])
    positive = [w for _, w in terms if w > 0]
    fill = float(np.mean(positive)) if positive else 1.0
    return new_term_share({t: (w if w > 0 else fill) for t, w in terms}, prior)


def theme_strategic_diagram(view: TermView, growth: Mapping[int, float]) -> StrategicDiagram:
    """Callon diagram: each theme's top ``DIAGRAM_TERMS`` terms as its keywords (a term shared by several
    themes goes to the one where its c-TF-IDF weight is highest), links by the equivalence index over
    all documents up to the date, the low–low quadrant split by ``growth``."""
    owner: dict[str, tuple[float, int]] = {}
    for theme_id, terms in view.theme_terms.items():
        for term, weight in [tw for tw in terms if tw[1] > 0][:DIAGRAM_TERMS]:
            if term not in owner or weight > owner[term][0]:
                owner[term] = (weight, theme_id)
    keywords = sorted(owner)
    cols = [view.column[t] for t in keywords]
    x = view.presence[:, cols]
    cooccurrence = np.asarray((x.T @ x).toarray(), dtype=float)
    return strategic_diagram(link_strengths(cooccurrence), [owner[t][1] for t in keywords], growth)
