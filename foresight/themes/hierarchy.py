"""Group themes into fields: agglomerative clustering of theme centroids (cosine, average linkage).

This mirrors the two upper levels of NISTEP's 11th foresight (702 topics → 32 clusters → 16 fields):
machine themes are grouped by similarity, experts then confirm or move them. The number of fields is
given, or found from a cosine-distance threshold, or defaults to about ``sqrt(n_themes)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.cluster import AgglomerativeClustering

from foresight.themes.reduce import l2_normalize


@dataclass(frozen=True)
class Field:
    """A group of related themes.

    Attributes
    ----------
    id : int
        Field number (0 holds the most documents).
    theme_ids : tuple of int
        Member themes, largest first.
    size : int
        Documents in its themes.
    keywords : tuple of (str, float)
        c-TF-IDF terms of the field as a whole.
    label : str
        Readable label from those terms.
    centroid : ndarray
        Unit-length, size-weighted mean of its theme centroids.
    """

    id: int
    theme_ids: tuple[int, ...]
    size: int
    keywords: tuple[tuple[str, float], ...] = ()
    label: str = ""
    centroid: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0), repr=False, compare=False)


def default_n_fields(n_themes: int) -> int:
    """Automatic number of fields: ``round(sqrt(n_themes))``, at least 1 and at most ``n_themes``.

    Examples
    --------
    >>> [default_n_fields(n) for n in (1, 4, 30, 702)]
    [1, 2, 5, 26]
    """
    if n_themes <= 1:
        return max(n_themes, 0)
    return max(1, min(n_themes, round(math.sqrt(n_themes))))


def group_themes(
    centroids: ArrayLike,
    n_fields: int | None = None,
    distance_threshold: float | None = None,
    sizes: ArrayLike | None = None,
    linkage: str = "average",
) -> NDArray[np.int64]:
    """Field of every theme, by agglomerative clustering of the centroids under cosine distance.

    Parameters
    ----------
    centroids : array-like of shape (n_themes, n_features)
        Theme centroids in the original embedding space.
    n_fields : int or None, default=None
        Number of fields. ``None`` with no ``distance_threshold`` means ``default_n_fields``.
    distance_threshold : float or None, default=None
        Cut the dendrogram at this cosine distance instead (used only when ``n_fields`` is None).
    sizes : array-like of shape (n_themes,) or None, default=None
        Theme sizes; fields are numbered by total size, largest first (ties by first theme).
    linkage : {"average", "complete", "single", "ward"}, default="average"
        Linkage criterion. ``"ward"`` works on the unit-length centroids with Euclidean distance (a
        monotone function of cosine distance there) and gives more even fields; its
        ``distance_threshold`` is then a Euclidean distance.

    Returns
    -------
    ndarray of shape (n_themes,)
        Field number per theme, ``0 .. n_fields - 1``.
    """
    C = l2_normalize(np.asarray(centroids, dtype=np.float64))
    n = C.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    metric = "euclidean" if linkage == "ward" else "cosine"
    if n_fields is None and distance_threshold is None:
        n_fields = default_n_fields(n)
    if n_fields is not None:
        n_fields = max(1, min(int(n_fields), n))
        if n_fields == 1:
            raw = np.zeros(n, dtype=np.int64)
        elif n_fields == n:
            raw = np.arange(n, dtype=np.int64)
        else:
            model = AgglomerativeClustering(n_clusters=n_fields, metric=metric, linkage=linkage)
            raw = np.asarray(model.fit_predict(C), dtype=np.int64)
    else:
        model = AgglomerativeClustering(
            n_clusters=None, metric=metric, linkage=linkage, distance_threshold=distance_threshold
        )
        raw = np.asarray(model.fit_predict(C), dtype=np.int64)
    weights = np.ones(n) if sizes is None else np.asarray(sizes, dtype=np.float64)
    groups = np.unique(raw)
    totals = np.array([weights[raw == g].sum() for g in groups])
    firsts = np.array([np.flatnonzero(raw == g)[0] for g in groups])
    order = groups[np.lexsort((firsts, -totals))]
    renumber = {int(g): i for i, g in enumerate(order)}
    return np.array([renumber[int(g)] for g in raw], dtype=np.int64)


def field_centroids(centroids: ArrayLike, theme_field: ArrayLike, sizes: ArrayLike) -> NDArray[np.float64]:
    """Size-weighted, unit-length mean of the theme centroids of each field.

    Parameters
    ----------
    centroids : array-like of shape (n_themes, n_features)
        Theme centroids.
    theme_field : array-like of shape (n_themes,)
        Field per theme.
    sizes : array-like of shape (n_themes,)
        Theme sizes (weights).

    Returns
    -------
    ndarray of shape (n_fields, n_features)
        One row per field number ``0 .. max(theme_field)``.
    """
    C = np.asarray(centroids, dtype=np.float64)
    tf = np.asarray(theme_field, dtype=np.int64)
    w = np.asarray(sizes, dtype=np.float64)
    n_fields = int(tf.max()) + 1 if tf.size else 0
    out = np.zeros((n_fields, C.shape[1] if C.ndim == 2 else 0))
    for f in range(n_fields):
        members = tf == f
        out[f] = (C[members] * w[members, None]).sum(axis=0)
    return l2_normalize(out)
