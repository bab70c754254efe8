"""Density clustering of the reduced vectors with HDBSCAN (the ``hdbscan`` package).

The ``hdbscan`` package, unlike ``sklearn.cluster.HDBSCAN``, keeps prediction data, so new documents can
be placed into existing themes with ``approximate_predict`` and every document gets soft memberships —
both needed to assign new documents between full re-runs and to reassign outliers.

hdbscan (0.8.44) derives the clusters its prediction data and soft memberships use from the fitted labels,
taking for each label the lowest-numbered condensed-tree node its points fall out of. When no point falls
out of the selected node itself, only out of its sub-clusters, that is a child: the cluster's other
children then predict as noise and the clusters' numbering shifts, so ``approximate_predict`` on the
training points disagreed with ``labels_`` (seen with UMAP output; a ``max_cluster_size`` cap makes it
likelier). ``selected_nodes`` takes the lowest common ancestor instead, the node HDBSCAN selected, and
``_LabelConsistentHDBSCAN`` hands that selection to the prediction code.
"""

from __future__ import annotations

import warnings
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import check_array, check_is_fitted


def selected_nodes(condensed_tree: NDArray[Any], labels: NDArray[np.int64]) -> list[int]:
    """The condensed-tree node of each cluster label: the lowest common ancestor of its points' parents.

    Parameters
    ----------
    condensed_tree : structured ndarray
        hdbscan's raw condensed tree (fields ``parent``, ``child``, ``child_size``).
    labels : ndarray of shape (n_samples,)
        The fitted labels (``-1`` for noise).

    Returns
    -------
    list of int
        Node id of cluster ``0``, ``1``, … in label order. HDBSCAN numbers its labels in the order of
        the selected node ids, so the list comes out sorted, as hdbscan's prediction code expects.
    """
    points = condensed_tree[condensed_tree["child_size"] == 1]
    branches = condensed_tree[condensed_tree["child_size"] > 1]
    parent_of = dict(zip(branches["child"].tolist(), branches["parent"].tolist(), strict=True))

    def path_to_root(node: int) -> list[int]:
        path = [node]
        while path[-1] in parent_of:
            path.append(parent_of[path[-1]])
        return path

    point_labels = labels[points["child"]]
    nodes = []
    for label in range(int(labels.max()) + 1 if labels.size else 0):
        parents = np.unique(points["parent"][point_labels == label]).tolist()
        common = set(path_to_root(parents[0]))
        for node in parents[1:]:
            common &= set(path_to_root(node))
        nodes.append(max(common))  # the deepest common ancestor: children are numbered after parents
    return nodes


@cache
def _hdbscan_class() -> type:
    """``hdbscan.HDBSCAN`` whose prediction data uses the clusters of ``labels_`` (module docstring)."""
    import hdbscan

    class _LabelConsistentHDBSCAN(hdbscan.HDBSCAN):
        @property
        def condensed_tree_(self) -> Any:
            tree = super().condensed_tree_
            selected = selected_nodes(self._condensed_tree, np.asarray(self.labels_))
            if sorted(selected) != selected:
                raise RuntimeError("cluster numbering disagrees with the condensed tree")
            tree._select_clusters = lambda: list(selected)
            return tree

        @condensed_tree_.setter
        def condensed_tree_(self, value: Any) -> None:
            self._condensed_tree = value

    return _LabelConsistentHDBSCAN


class HDBSCANClusterer(ClusterMixin, BaseEstimator):
    """HDBSCAN with prediction data, approximate prediction and soft membership.

    Parameters
    ----------
    min_cluster_size : int, default=10
        Smallest cluster accepted.
    min_samples : int or None, default=None
        Density smoothing; ``None`` means ``min_cluster_size`` (HDBSCAN's default).
    cluster_selection_method : {"eom", "leaf"}, default="eom"
        How clusters are chosen from the condensed tree.
    cluster_selection_epsilon : float, default=0.0
        Clusters closer than this are merged.
    max_cluster_share : float or None, default=None
        With ``"eom"``, a cluster holding more than this share of the samples is not selected as a whole:
        its sub-clusters are (HDBSCAN's ``max_cluster_size``). ``None`` means no limit; so does a cap
        below ten times ``min_cluster_size`` (small corpora).
    metric : str, default="euclidean"
        Metric in the reduced space.
    gen_min_span_tree : bool, default=False
        Keep the minimum spanning tree (enables ``relative_validity_``, a fast DBCV estimate).
    core_dist_n_jobs : int, default=1
        Threads for the core distances (results do not depend on it).

    Attributes
    ----------
    model_ : hdbscan.HDBSCAN
        The fitted model.
    labels_ : ndarray of shape (n_samples,)
        Cluster per sample, ``-1`` for noise.
    probabilities_ : ndarray of shape (n_samples,)
        Strength of each sample's membership in its cluster (0 for noise).
    n_clusters_ : int
        Number of clusters found.
    """

    def __init__(
        self,
        min_cluster_size: int = 10,
        min_samples: int | None = None,
        cluster_selection_method: str = "eom",
        cluster_selection_epsilon: float = 0.0,
        max_cluster_share: float | None = None,
        metric: str = "euclidean",
        gen_min_span_tree: bool = False,
        core_dist_n_jobs: int = 1,
    ) -> None:
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.cluster_selection_method = cluster_selection_method
        self.cluster_selection_epsilon = cluster_selection_epsilon
        self.max_cluster_share = max_cluster_share
        self.metric = metric
        self.gen_min_span_tree = gen_min_span_tree
        self.core_dist_n_jobs = core_dist_n_jobs

    def fit(self, X: ArrayLike, y: Any = None) -> HDBSCANClusterer:
        """Cluster ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Reduced vectors.
        y : ignored

        Returns
        -------
        HDBSCANClusterer
            The fitted clusterer.
        """

        data = check_array(X, dtype=np.float64)
        n = data.shape[0]
        mcs = max(2, min(self.min_cluster_size, n))
        min_samples = self.min_samples if self.min_samples is not None else mcs
        min_samples = max(1, min(min_samples, n - 1))
        share = self.max_cluster_share
        if share is not None and not 0 < share <= 1:
            raise ValueError(f"max_cluster_share must be in (0, 1], got {share}")
        max_size = int(share * n) if share is not None and share < 1 else 0
        if max_size < 10 * mcs:
            max_size = 0  # small corpora: a cap near the smallest theme would forbid real clusters
        self.model_ = _hdbscan_class()(
            min_cluster_size=mcs,
            min_samples=min_samples,
            cluster_selection_method=self.cluster_selection_method,
            cluster_selection_epsilon=self.cluster_selection_epsilon,
            max_cluster_size=max_size,
            metric=self.metric,
            gen_min_span_tree=self.gen_min_span_tree,
            core_dist_n_jobs=self.core_dist_n_jobs,
            prediction_data=True,
        )
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            self.model_.fit(data)
        self.labels_ = np.asarray(self.model_.labels_, dtype=np.int64)
        self.probabilities_ = np.asarray(self.model_.probabilities_, dtype=np.float64)
        self.n_clusters_ = int(self.labels_.max()) + 1 if self.labels_.size else 0
        self.params_ = {
            "min_cluster_size": mcs,
            "min_samples": min_samples,
            "cluster_selection_method": self.cluster_selection_method,
            "cluster_selection_epsilon": self.cluster_selection_epsilon,
            "max_cluster_size": max_size,
            "metric": self.metric,
        }
        return self

    def predict(self, X: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Assign new reduced vectors to the fitted clusters (``hdbscan.approximate_predict``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Vectors in the same reduced space as at fit.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster per sample, ``-1`` where it falls outside every cluster.
        strengths : ndarray of shape (n_samples,)
            Membership strength in ``[0, 1]``.
        """
        import hdbscan

        check_is_fitted(self, "model_")
        data = check_array(X, dtype=np.float64)
        if self.n_clusters_ == 0:
            return np.full(data.shape[0], -1, dtype=np.int64), np.zeros(data.shape[0])
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            labels, strengths = hdbscan.approximate_predict(self.model_, data)
        return np.asarray(labels, dtype=np.int64), np.asarray(strengths, dtype=np.float64)

    def membership(self, X: ArrayLike | None = None) -> NDArray[np.float64]:
        """Soft membership of samples in every cluster.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or None, default=None
            New reduced vectors; ``None`` means the training samples.

        Returns
        -------
        ndarray of shape (n_samples, n_clusters_)
            Probability of each sample belonging to each cluster (HDBSCAN soft clustering); a row sums
            to at most one, the rest being the chance that it is noise. No columns when no cluster was
            found.
        """
        import hdbscan

        check_is_fitted(self, "model_")
        n = self.labels_.shape[0] if X is None else check_array(X).shape[0]
        if self.n_clusters_ == 0:
            return np.zeros((n, 0))
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=RuntimeWarning)
            if X is None:
                vectors = hdbscan.all_points_membership_vectors(self.model_)
            else:
                vectors = hdbscan.membership_vector(self.model_, check_array(X, dtype=np.float64))
        return np.asarray(vectors, dtype=np.float64).reshape(n, self.n_clusters_)
