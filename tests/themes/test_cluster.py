"""HDBSCAN's prediction data agrees with its own labels (``foresight.themes.cluster``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.datasets import make_blobs

from foresight.themes.cluster import HDBSCANClusterer, selected_nodes

#: UMAP output (300 × 5) of five blobs where one selected cluster has no point leaving its own tree node,
#: only its sub-clusters: hdbscan's prediction data alone numbered that case wrongly (60 % of the training
#: points predicted into another cluster or noise).
NESTED = Path(__file__).parents[1] / "fixtures" / "hdbscan_nested_selection.npy"
_TREE = np.dtype([("parent", np.intp), ("child", np.intp), ("lambda_val", float), ("child_size", np.intp)])


def test_selected_node_is_the_common_ancestor_even_when_no_point_leaves_it_directly() -> None:
    # root 15 → 16, 17; 16 → 18, 19. Points 0–4 leave 18, 5–9 leave 19, 10–14 leave 17.
    rows = [(15, 16, 1.0, 10), (15, 17, 1.0, 5), (16, 18, 2.0, 5), (16, 19, 2.0, 5)]
    rows += [(18, i, 3.0, 1) for i in range(5)] + [(19, i, 3.0, 1) for i in range(5, 10)]
    rows += [(17, i, 2.0, 1) for i in range(10, 15)]
    tree = np.array(rows, dtype=_TREE)
    labels = np.array([0] * 10 + [1] * 5)  # node 16 selected as a whole: none of its points leaves it
    assert selected_nodes(tree, labels) == [16, 17]  # the lowest parent of label 0 would be 18
    assert selected_nodes(tree, np.array([0] * 5 + [1] * 5 + [-1] * 5)) == [18, 19]
    assert selected_nodes(tree, np.full(15, -1)) == []


def test_approximate_predict_and_memberships_reproduce_the_labels_of_the_training_points() -> None:
    X, _ = make_blobs(n_samples=900, centers=[[0, 0], [0, 3], [3, 0], [12, 12], [-12, 8]], random_state=4)
    X = np.vstack([X, X[:300] + np.array([0.0, 40.0])])  # more blobs, so that a cap forces sub-clusters
    for share in (None, 0.2):  # a cap selects sub-clusters of a capped node
        model = HDBSCANClusterer(min_cluster_size=15, max_cluster_share=share).fit(X)
        assert model.n_clusters_ >= 3
        predicted, _ = model.predict(X)
        members = model.labels_ >= 0
        assert np.mean(predicted[members] == model.labels_[members]) > 0.98
        soft = model.membership()
        assert soft.shape == (X.shape[0], model.n_clusters_)
        assert np.mean(soft[members].argmax(axis=1) == model.labels_[members]) > 0.95


def test_prediction_agrees_with_the_labels_when_a_cluster_is_selected_above_its_points() -> None:
    X = np.load(NESTED).astype(np.float64)
    model = HDBSCANClusterer(min_cluster_size=5, min_samples=2).fit(X)
    assert model.n_clusters_ == 5
    predicted, _ = model.predict(X)
    assert np.array_equal(predicted, model.labels_)
    assert np.array_equal(model.membership().argmax(axis=1), model.labels_)
