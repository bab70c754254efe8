"""Per-theme summaries in the original embedding space: the ``Theme`` record, centroids and
representative documents (the members closest to the centroid)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from foresight.themes.reduce import l2_normalize


@dataclass(frozen=True)
class Theme:
    """One theme found by the pipeline.

    Attributes
    ----------
    id : int
        Theme number (0 is the largest theme).
    size : int
        Number of documents assigned to it.
    keywords : tuple of (str, float)
        Top c-TF-IDF terms with their weights, best first.
    label : str
        Readable label built from the top keywords.
    representative_docs : tuple of int
        Indices (into the fitted corpus) of the members nearest the centroid, nearest first.
    centroid : ndarray
        Unit-length mean of the members' normalised embeddings (original embedding space).
    """

    id: int
    size: int
    keywords: tuple[tuple[str, float], ...]
    label: str
    representative_docs: tuple[int, ...]
    centroid: NDArray[np.float64] = field(repr=False, compare=False)


def centroids(embeddings: ArrayLike, labels: ArrayLike, classes: ArrayLike) -> NDArray[np.float64]:
    """Unit-length mean of the normalised member embeddings of each class.

    Parameters
    ----------
    embeddings : array-like of shape (n_docs, n_features)
        Original embeddings.
    labels : array-like of shape (n_docs,)
        Class per document.
    classes : array-like of shape (n_classes,)
        Classes, in the order of the returned rows.

    Returns
    -------
    ndarray of shape (n_classes, n_features)
        Centroids (a class without members gets a zero row).
    """
    X = l2_normalize(np.asarray(embeddings))
    lab = np.asarray(labels)
    out = np.zeros((len(np.asarray(classes)), X.shape[1]))
    for row, cls in enumerate(np.asarray(classes)):
        members = lab == cls
        if members.any():
            out[row] = X[members].mean(axis=0)
    return l2_normalize(out)


def representative_docs(
    embeddings: ArrayLike, labels: ArrayLike, cls: int, centroid: NDArray[np.float64], k: int = 5
) -> tuple[int, ...]:
    """Indices of the ``k`` members of class ``cls`` with the highest cosine to its centroid."""
    members = np.flatnonzero(np.asarray(labels) == cls)
    if members.size == 0:
        return ()
    sims = l2_normalize(np.asarray(embeddings)[members]) @ centroid
    order = np.argsort(-sims, kind="stable")[:k]
    return tuple(int(i) for i in members[order])
