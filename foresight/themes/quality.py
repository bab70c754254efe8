"""Theme quality and run-to-run stability.

- Silhouette per theme on the reduced space (where HDBSCAN clustered), on a seeded sample for large
  corpora.
- DBCV (density-based cluster validation, Moulavi et al. 2014) per theme with ``hdbscan.validity``, on a
  sample too (it is quadratic in the size of each cluster).
- Stability: re-fit with other seeds and, for every theme, take the Jaccard overlap (document sets) of
  its best-matching theme in each re-run, averaged over the re-runs (TopicCheck-style alignment, Chuang
  et al. 2015). A theme that comes back whatever the seed scores near 1.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score, silhouette_samples

if TYPE_CHECKING:
    from foresight.themes.pipeline import ThemeModel


def _sample(
    labels: NDArray[np.int64], sample_size: int | None, random_state: int | None
) -> NDArray[np.int64]:
    """Indices of non-noise documents, a seeded stratified-by-chance subsample when there are too many."""
    idx = np.flatnonzero(labels >= 0)
    if sample_size is not None and idx.size > sample_size:
        rng = np.random.default_rng(random_state)
        idx = np.sort(rng.choice(idx, size=sample_size, replace=False))
    return idx


def theme_silhouettes(
    reduced: ArrayLike,
    labels: ArrayLike,
    sample_size: int | None = 5000,
    random_state: int | None = 0,
) -> dict[int, float]:
    """Mean silhouette of each theme's members in the reduced space.

    Parameters
    ----------
    reduced : array-like of shape (n_docs, n_components)
        Vectors HDBSCAN clustered.
    labels : array-like of shape (n_docs,)
        Theme per document; noise (``-1``) is left out.
    sample_size : int or None, default=5000
        At most this many documents enter the computation.
    random_state : int or None, default=0
        Seed of the sample.

    Returns
    -------
    dict of int to float
        Theme → mean silhouette in ``[-1, 1]`` over its sampled members (themes absent from the sample
        are missing). Empty when fewer than two themes are present.
    """
    lab = np.asarray(labels, dtype=np.int64)
    idx = _sample(lab, sample_size, random_state)
    if np.unique(lab[idx]).size < 2:
        return {}
    values = silhouette_samples(np.asarray(reduced)[idx], lab[idx])
    return {int(t): float(values[lab[idx] == t].mean()) for t in np.unique(lab[idx])}


def theme_dbcv(
    reduced: ArrayLike,
    labels: ArrayLike,
    sample_size: int | None = 3000,
    random_state: int | None = 0,
) -> tuple[float, dict[int, float]]:
    """DBCV validity of the clustering and of each theme (``hdbscan.validity.validity_index``).

    Parameters
    ----------
    reduced : array-like of shape (n_docs, n_components)
        Vectors HDBSCAN clustered.
    labels : array-like of shape (n_docs,)
        Theme per document; noise is left out.
    sample_size : int or None, default=3000
        At most this many documents enter the computation.
    random_state : int or None, default=0
        Seed of the sample.

    Returns
    -------
    overall : float
        Size-weighted DBCV in ``[-1, 1]`` (``nan`` with fewer than two themes).
    per_theme : dict of int to float
        DBCV of each sampled theme.
    """
    from hdbscan.validity import validity_index

    lab = np.asarray(labels, dtype=np.int64)
    idx = _sample(lab, sample_size, random_state)
    sub = lab[idx]
    present, counts = np.unique(sub, return_counts=True)
    # A theme needs a few points for its internal minimum spanning tree.
    keep = np.isin(sub, present[counts >= 3])
    idx, sub = idx[keep], sub[keep]
    if np.unique(sub).size < 2:
        return float("nan"), {}
    # validity_index expects labels 0..k-1.
    classes, compact = np.unique(sub, return_inverse=True)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        overall, per = validity_index(
            np.asarray(reduced, dtype=np.float64)[idx], compact.astype(np.int64), per_cluster_scores=True
        )
    return float(overall), {int(classes[k]): float(v) for k, v in enumerate(per)}


def best_match_jaccard(reference: ArrayLike, other: ArrayLike) -> dict[int, float]:
    """For each theme of ``reference``, the Jaccard overlap with its best-matching theme in ``other``.

    Parameters
    ----------
    reference, other : array-like of shape (n_docs,)
        Two labelings of the same documents (``-1`` = noise, never a match).

    Returns
    -------
    dict of int to float
        Reference theme → ``max_j |A ∩ B_j| / |A ∪ B_j|`` (0 when nothing overlaps).

    Examples
    --------
    >>> best_match_jaccard([0, 0, 1, 1], [5, 5, 5, 7])
    {0: 0.6666666666666666, 1: 0.5}
    """
    a = np.asarray(reference, dtype=np.int64)
    b = np.asarray(other, dtype=np.int64)
    if a.shape != b.shape:
        raise ValueError("labelings have different lengths")
    a_classes = np.unique(a[a >= 0])
    b_classes = np.unique(b[b >= 0])
    if a_classes.size == 0:
        return {}
    if b_classes.size == 0:
        return {int(t): 0.0 for t in a_classes}
    both = (a >= 0) & (b >= 0)
    ai = np.searchsorted(a_classes, a[both])
    bi = np.searchsorted(b_classes, b[both])
    inter = sp.coo_matrix((np.ones(ai.size), (ai, bi)), shape=(a_classes.size, b_classes.size)).tocsr()
    size_a = np.array([(a == t).sum() for t in a_classes], dtype=np.float64)
    size_b = np.array([(b == t).sum() for t in b_classes], dtype=np.float64)
    result: dict[int, float] = {}
    for row, t in enumerate(a_classes):
        lo, hi = inter.indptr[row], inter.indptr[row + 1]
        if lo == hi:
            result[int(t)] = 0.0
            continue
        n_ij = inter.data[lo:hi]
        union = size_a[row] + size_b[inter.indices[lo:hi]] - n_ij
        result[int(t)] = float((n_ij / union).max())
    return result


@dataclass(frozen=True)
class StabilityReport:
    """Run-to-run stability of a fitted theme model.

    Attributes
    ----------
    seeds : tuple of int
        Seeds of the re-runs.
    per_theme : dict of int to float
        Theme → mean (over re-runs) Jaccard of its best match.
    mean_jaccard : float
        Size-weighted mean of ``per_theme``.
    ari : tuple of float
        Adjusted Rand index between the model's labels and each re-run's.
    n_themes : tuple of int
        Number of themes in each re-run.
    """

    seeds: tuple[int, ...]
    per_theme: dict[int, float]
    mean_jaccard: float
    ari: tuple[float, ...]
    n_themes: tuple[int, ...]


def theme_stability(
    model: ThemeModel,
    embeddings: ArrayLike,
    seeds: Sequence[int] = (1, 2, 3),
) -> StabilityReport:
    """Re-fit ``model``'s configuration with other seeds and measure how well its themes come back.

    Parameters
    ----------
    model : ThemeModel
        A fitted model (its parameters, not its fitted state, are re-used).
    embeddings : array-like of shape (n_docs, n_features)
        The embeddings it was fitted on.
    seeds : sequence of int, default=(1, 2, 3)
        ``random_state`` of each re-run (keywords are not computed for re-runs).

    Returns
    -------
    StabilityReport
        Per-theme and overall stability.
    """
    base = np.asarray(model.labels_, dtype=np.int64)
    theme_ids, sizes = np.unique(base[base >= 0], return_counts=True)
    scores: dict[int, list[float]] = {int(t): [] for t in theme_ids}
    aris: list[float] = []
    counts: list[int] = []
    for seed in seeds:
        rerun = clone(model).set_params(random_state=int(seed)).fit(embeddings)
        labels = np.asarray(rerun.labels_, dtype=np.int64)
        for t, j in best_match_jaccard(base, labels).items():
            scores[t].append(j)
        aris.append(float(adjusted_rand_score(base, labels)))
        counts.append(len(rerun.themes_))
    per_theme = {t: float(np.mean(v)) if v else float("nan") for t, v in scores.items()}
    weighted = (
        float(np.average([per_theme[int(t)] for t in theme_ids], weights=sizes))
        if theme_ids.size
        else float("nan")
    )
    return StabilityReport(
        seeds=tuple(int(s) for s in seeds),
        per_theme=per_theme,
        mean_jaccard=weighted,
        ari=tuple(aris),
        n_themes=tuple(counts),
    )
