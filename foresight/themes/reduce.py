"""Dimension reduction before density clustering: optional PCA, then a seeded UMAP.

Embeddings are compared by cosine. Rows are therefore L2-normalised first; on unit vectors Euclidean
distance is a monotone function of cosine distance, and PCA (a rotation plus truncation) keeps Euclidean
distances approximately, so after a PCA pre-reduction UMAP runs with the Euclidean metric on the reduced
vectors. Without PCA it uses the cosine metric directly.

UMAP with an integer ``random_state`` runs single-threaded and is deterministic.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.utils.validation import check_array, check_is_fitted


def l2_normalize(X: NDArray[np.floating[Any]]) -> NDArray[np.float64]:
    """Return a copy of ``X`` with every row scaled to unit length (zero rows stay zero).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Vectors.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        Row-normalised float64 copy.
    """
    X = np.asarray(X, dtype=np.float64)
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return X / norms


class UMAPReducer(TransformerMixin, BaseEstimator):
    """Seeded UMAP with an optional PCA pre-reduction, for embeddings compared by cosine.

    Parameters
    ----------
    n_components : int, default=5
        Output dimension.
    n_neighbors : int, default=15
        UMAP neighbourhood size (clipped to ``n_samples - 1``).
    min_dist : float, default=0.0
        UMAP ``min_dist``; 0 packs dense regions tightly, which suits density clustering.
    n_epochs : int or None, default=200
        Optimisation epochs; ``None`` lets UMAP choose (200 above 10,000 points, else 500).
    pca_components : int or None, default=None
        When set and smaller than the input width, PCA-reduce the normalised vectors to this dimension
        first.
    metric : str, default="cosine"
        Metric of the input space. With ``"cosine"`` rows are L2-normalised first.
    low_memory : bool, default=True
        Passed to UMAP (slower nearest-neighbour descent with less memory).
    random_state : int or None, default=42
        Seed of PCA and UMAP. An integer makes the result reproducible (and UMAP single-threaded).

    Attributes
    ----------
    pca_ : PCA or None
        The fitted PCA, if any.
    umap_ : umap.UMAP
        The fitted UMAP model.
    embedding_ : ndarray of shape (n_samples, n_components)
        Reduced training vectors.
    params_ : dict
        Effective parameters (after clipping and metric choice).
    """

    def __init__(
        self,
        n_components: int = 5,
        n_neighbors: int = 15,
        min_dist: float = 0.0,
        n_epochs: int | None = 200,
        pca_components: int | None = None,
        metric: str = "cosine",
        low_memory: bool = True,
        random_state: int | None = 42,
    ) -> None:
        self.n_components = n_components
        self.n_neighbors = n_neighbors
        self.min_dist = min_dist
        self.n_epochs = n_epochs
        self.pca_components = pca_components
        self.metric = metric
        self.low_memory = low_memory
        self.random_state = random_state

    def _prepare(self, X: ArrayLike) -> NDArray[np.float64]:
        arr = check_array(X, dtype=np.float64)
        return l2_normalize(arr) if self.metric == "cosine" else arr

    def fit(self, X: ArrayLike, y: Any = None) -> UMAPReducer:
        """Fit PCA (optionally) and UMAP on ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Embedding vectors.
        y : ignored

        Returns
        -------
        UMAPReducer
            The fitted reducer.
        """
        import umap

        data = self._prepare(X)
        n_samples, n_features = data.shape
        if n_samples < 3:
            raise ValueError(f"UMAPReducer needs at least 3 samples, got {n_samples}")
        metric = self.metric
        self.pca_ = None
        pca_dim = self.pca_components
        if pca_dim is not None and pca_dim < min(n_features, n_samples):
            # n >> d: eigendecomposition of the d × d covariance is exact, deterministic and fast.
            solver = "covariance_eigh" if n_samples >= 2 * n_features else "full"
            self.pca_ = PCA(n_components=pca_dim, svd_solver=solver, random_state=self.random_state)
            data = self.pca_.fit_transform(data)
            metric = "euclidean" if self.metric == "cosine" else self.metric
        n_neighbors = max(2, min(self.n_neighbors, n_samples - 1))
        n_components = max(1, min(self.n_components, n_samples - 2))
        # Spectral initialisation needs more points than dimensions; tiny inputs start at random.
        init = "spectral" if n_samples > n_components + 1 + 10 else "random"
        self.umap_ = umap.UMAP(
            n_components=n_components,
            n_neighbors=n_neighbors,
            min_dist=self.min_dist,
            metric=metric,
            n_epochs=self.n_epochs,
            init=init,
            low_memory=self.low_memory,
            # Below 4,096 points UMAP otherwise computes all pairwise distances through a Python-level
            # callback (minutes for a few thousand points); NN-descent is fast at every size.
            force_approximation_algorithm=True,
            random_state=self.random_state,
            n_jobs=1 if self.random_state is not None else -1,
            transform_seed=self.random_state if self.random_state is not None else 42,
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*n_jobs.*", category=UserWarning)
            warnings.filterwarnings("ignore", message=".*gradient function is not yet implemented.*")
            self.embedding_ = np.asarray(self.umap_.fit_transform(data), dtype=np.float64)
        self.params_ = {
            "n_components": n_components,
            "n_neighbors": n_neighbors,
            "min_dist": self.min_dist,
            "n_epochs": self.n_epochs,
            "pca_components": None if self.pca_ is None else pca_dim,
            "input_metric": self.metric,
            "umap_metric": metric,
            "init": init,
            "low_memory": self.low_memory,
            "random_state": self.random_state,
        }
        return self

    def fit_transform(self, X: ArrayLike, y: Any = None, **fit_params: Any) -> NDArray[np.float64]:
        """Fit on ``X`` and return its reduced vectors (``embedding_``)."""
        return self.fit(X).embedding_

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Place new vectors in the fitted low-dimensional space.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New embedding vectors, same width as at fit.

        Returns
        -------
        ndarray of shape (n_samples, n_components)
            Their UMAP coordinates.
        """
        check_is_fitted(self, "umap_")
        data = self._prepare(X)
        if self.pca_ is not None:
            data = self.pca_.transform(data)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=UserWarning)
            return np.asarray(self.umap_.transform(data), dtype=np.float64)
