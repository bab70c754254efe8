"""Novelty of a theme (Rotolo's "radical novelty"; analysis.md §4.11): first appearance, semantic distance
from what existed before the window, and the share of new terms; plus theme cohesion (coherence).

Embedding inputs are row matrices (documents × dimensions). "Pre-window" means documents or periods
strictly before the analysis window — the caller selects them as of the as-of date.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, as_series


@dataclass(frozen=True, slots=True)
class NewTerms:
    """Terms of a theme absent before the window."""

    share: float  #: |new| / |theme terms| (NaN when the theme has no terms)
    new_terms: tuple[str, ...]  #: sorted
    n_terms: int
    weighted_share: float  #: Σ_{new} w / Σ w when weights were given, else equal to ``share``


def first_appearance(counts: ArrayLike, periods: Sequence[Any] | None = None, min_count: float = 1.0) -> Any:
    """First period whose count reaches ``min_count`` (its label if ``periods`` given, else its index).

    Returns ``None`` when the series never reaches it.
    """
    c = as_series(counts, "counts")
    if periods is not None and len(periods) != c.size:
        raise ValueError("periods and counts differ in length")
    hits = np.flatnonzero(c >= min_count)
    if hits.size == 0:
        return None
    i = int(hits[0])
    return periods[i] if periods is not None else i


def _matrix(vectors: ArrayLike, name: str) -> FloatArray:
    m = np.asarray(vectors, dtype=float)
    if m.ndim == 1:
        m = m[None, :]
    if m.ndim != 2:
        raise ValueError(f"{name} must be a documents × dimensions matrix")
    return m


def _unit_rows(m: FloatArray) -> FloatArray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def cosine_distance(u: ArrayLike, v: ArrayLike) -> float:
    """``1 − u·v / (‖u‖‖v‖)``; NaN when either vector is zero."""
    a, b = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return float("nan")
    return float(1.0 - np.dot(a, b) / (na * nb))


def centroid_distance(theme_vectors: ArrayLike, reference_vectors: ArrayLike) -> float:
    """Cosine distance between the theme centroid and the pre-window corpus centroid.

    ``novelty = 1 − cos(μ_theme, μ_ref)`` with ``μ`` the mean of L2-normalised document vectors
    (analysis.md §4.11 "centroid distance to the pre-window corpus"). In [0, 2]; 0 = same direction.
    NaN when either set is empty (no reference: novelty is undefined, not maximal).
    """
    theme = _matrix(theme_vectors, "theme_vectors")
    ref = _matrix(reference_vectors, "reference_vectors")
    if theme.size == 0 or ref.size == 0:
        return float("nan")
    if theme.shape[1] != ref.shape[1]:
        raise ValueError("theme and reference vectors differ in dimension")
    return cosine_distance(_unit_rows(theme).mean(axis=0), _unit_rows(ref).mean(axis=0))


def nearest_prior_distance(theme_vectors: ArrayLike, reference_vectors: ArrayLike, k: int = 5) -> float:
    """Mean cosine distance from each theme document to its ``k`` nearest pre-window documents.

    ``novelty = (1/|θ|) Σ_{x∈θ} (1/k) Σ_{y∈kNN_ref(x)} (1 − cos(x, y))``. Unlike the centroid distance it
    sees a theme that is new *locally* even when the corpus centroid sits close. ``k`` is capped at the
    reference size; NaN when either set is empty.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    theme = _matrix(theme_vectors, "theme_vectors")
    ref = _matrix(reference_vectors, "reference_vectors")
    if theme.size == 0 or ref.size == 0:
        return float("nan")
    if theme.shape[1] != ref.shape[1]:
        raise ValueError("theme and reference vectors differ in dimension")
    dist = 1.0 - _unit_rows(theme) @ _unit_rows(ref).T
    kk = min(k, ref.shape[0])
    nearest = np.partition(dist, kk - 1, axis=1)[:, :kk]
    return float(nearest.mean())


def cohesion(theme_vectors: ArrayLike) -> float:
    """Theme cohesion: mean cosine similarity of member documents to the theme centroid.

    ``coh = (1/|θ|) Σ_{x∈θ} cos(x, μ)``, ``μ`` = mean of the L2-normalised members. 1 for identical
    directions; NaN for an empty theme. Used for Rotolo's "coherence" (analysis.md §4.11).
    """
    theme = _unit_rows(_matrix(theme_vectors, "theme_vectors"))
    if theme.size == 0:
        return float("nan")
    centroid = theme.mean(axis=0)
    norm = float(np.linalg.norm(centroid))
    if norm == 0.0:
        return 0.0
    return float((theme @ (centroid / norm)).mean())


def new_term_share(
    theme_terms: Iterable[str] | Mapping[str, float], prior_vocabulary: Collection[str]
) -> NewTerms:
    """Share of a theme's terms absent from the pre-window vocabulary.

    ``share = |T_θ \\ V_prior| / |T_θ|``; with term weights ``w`` (a mapping such as c-TF-IDF scores or
    counts) also ``weighted_share = Σ_{t∈new} w_t / Σ_t w_t``.
    """
    weights: dict[str, float] | None = None
    if isinstance(theme_terms, Mapping):
        weights = {str(t): float(w) for t, w in theme_terms.items()}
        terms = set(weights)
    else:
        terms = {str(t) for t in theme_terms}
    prior = set(prior_vocabulary)
    new = sorted(terms - prior)
    share = len(new) / len(terms) if terms else float("nan")
    weighted = share
    if weights is not None:
        total = sum(weights.values())
        weighted = sum(weights[t] for t in new) / total if total > 0 else float("nan")
    return NewTerms(share, tuple(new), len(terms), weighted)


def new_terms_in_window(term_counts: Mapping[str, ArrayLike], window: int) -> NewTerms:
    """New-term share from per-period term counts: terms present in the last ``window`` periods and
    absent from every earlier period given (weights = their counts in the window).

    ``share = |{t : Σ_window c_t > 0, Σ_before c_t = 0}| / |{t : Σ_window c_t > 0}|``.
    """
    if window < 1:
        raise ValueError("window must be at least 1")
    in_window: dict[str, float] = {}
    prior: set[str] = set()
    for term, series in term_counts.items():
        c = as_series(series, f"counts of {term!r}")
        cut = max(c.size - window, 0)
        if c[cut:].sum() > 0:
            in_window[term] = float(c[cut:].sum())
        if c[:cut].sum() > 0:
            prior.add(term)
    return new_term_share(in_window, prior)
