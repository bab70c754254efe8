"""Fields from theme centroids, quality and stability measures, and the size-scaled defaults."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from foresight.themes import ThemeModel
from foresight.themes.cluster import HDBSCANClusterer
from foresight.themes.defaults import default_min_cluster_size, default_min_samples, scaled_defaults
from foresight.themes.hierarchy import default_n_fields, field_centroids, group_themes
from foresight.themes.quality import best_match_jaccard, theme_dbcv, theme_silhouettes, theme_stability
from tests.themes.conftest import sphere_blobs


# ------------------------------------------------------------------ hierarchy
def _two_families(seed: int = 0) -> np.ndarray:
    """Six theme centroids: three near axis 0, three near axis 1."""
    rng = np.random.default_rng(seed)
    base = np.zeros((6, 8))
    base[:3, 0] = 1.0
    base[3:, 1] = 1.0
    return base + 0.1 * rng.normal(size=base.shape)


def test_group_themes_finds_the_two_families():
    fields = group_themes(_two_families(), n_fields=2)
    assert fields.tolist() in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])


def test_ward_linkage_on_unit_centroids():
    fields = group_themes(_two_families(), n_fields=2, linkage="ward")
    assert fields.tolist() in ([0, 0, 0, 1, 1, 1], [1, 1, 1, 0, 0, 0])


def test_fields_numbered_by_size():
    sizes = np.array([1, 1, 1, 50, 50, 50])
    assert group_themes(_two_families(), n_fields=2, sizes=sizes).tolist() == [1, 1, 1, 0, 0, 0]


def test_default_and_threshold_number_of_fields():
    assert [default_n_fields(n) for n in (0, 1, 2, 4, 30, 702)] == [0, 1, 1, 2, 5, 26]
    assert np.unique(group_themes(_two_families())).size == 2  # round(sqrt(6)) = 2
    assert np.unique(group_themes(_two_families(), distance_threshold=0.5)).size == 2
    assert np.unique(group_themes(_two_families(), distance_threshold=1e-6)).size == 6
    assert group_themes(_two_families(), n_fields=1).tolist() == [0] * 6
    assert group_themes(_two_families(), n_fields=99).tolist() == [0, 1, 2, 3, 4, 5]
    assert group_themes(np.zeros((0, 3))).size == 0


def test_field_centroids_are_weighted_unit_means():
    C = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    out = field_centroids(C, np.array([0, 0, 1]), np.array([3, 1, 5]))
    assert np.allclose(out[0], np.array([3.0, 1.0]) / np.sqrt(10))
    assert np.allclose(out[1], [0.0, 1.0])


# ------------------------------------------------------------------ quality
def test_best_match_jaccard():
    a = np.array([0, 0, 0, 1, 1, -1])
    b = np.array([4, 4, 5, 5, 5, 5])
    # theme 0 = {0,1,2}: vs 4={0,1} -> 2/3; vs 5={2,3,4,5} -> 1/6. theme 1 = {3,4}: vs 5 -> 2/4
    assert best_match_jaccard(a, b) == pytest.approx({0: 2 / 3, 1: 0.5})
    assert best_match_jaccard(a, a) == {0: 1.0, 1: 1.0}
    assert best_match_jaccard(a, np.full(6, -1)) == {0: 0.0, 1: 0.0}
    with pytest.raises(ValueError):
        best_match_jaccard(a, b[:3])


def test_silhouette_and_dbcv_on_separated_blobs():
    X, y, _ = sphere_blobs(n_per=50, n_centers=4, dim=5, spread=0.05)
    sil = theme_silhouettes(X, y)
    assert set(sil) == {0, 1, 2, 3}
    assert min(sil.values()) > 0.7
    shuffled = np.random.default_rng(0).permutation(y)
    assert max(theme_silhouettes(X, shuffled).values()) < 0.1
    overall, per = theme_dbcv(X, y)
    assert set(per) == {0, 1, 2, 3}
    assert overall > 0.5
    sampled = theme_silhouettes(X, y, sample_size=40, random_state=1)
    assert set(sampled) <= {0, 1, 2, 3}
    assert theme_silhouettes(X, np.zeros(len(y), dtype=int)) == {}


def test_stability_of_a_clean_clustering_is_one():
    X, _, _ = sphere_blobs(n_per=60, seed=2)
    model = ThemeModel(reducer=PCA(n_components=5, svd_solver="randomized")).fit(X)
    report = theme_stability(model, X, seeds=(1, 2))
    assert report.seeds == (1, 2)
    assert set(report.per_theme) == set(range(len(model.themes_)))
    assert report.mean_jaccard == pytest.approx(1.0)
    assert report.ari == pytest.approx((1.0, 1.0))
    assert report.n_themes == (5, 5)


@pytest.mark.slow
def test_stability_with_umap_reruns():
    X, _, _ = sphere_blobs(n_per=50, seed=4)
    model = ThemeModel(random_state=0).fit(X)
    report = theme_stability(model, X, seeds=(1, 2))
    assert report.mean_jaccard > 0.95
    assert min(report.per_theme.values()) > 0.9


# ------------------------------------------------------------------ defaults and clusterer
def test_defaults_scale_with_corpus_size():
    sizes = [default_min_cluster_size(n) for n in (100, 3_000, 10_000, 40_000, 1_000_000)]
    assert sizes == [5, 14, 25, 50, 250]
    assert default_min_cluster_size(6) == 3  # at most half the corpus
    assert [default_min_samples(m) for m in (5, 14, 25, 50)] == [2, 4, 6, 12]
    big = scaled_defaults(40_000, 384)
    assert big.pca_components == 64
    assert 15 <= big.n_neighbors <= 50
    assert scaled_defaults(500, 384).pca_components is None
    assert scaled_defaults(40_000, 32).pca_components is None
    # never more than n / min_cluster_size themes: at most 800 for 40k (hundreds in practice), not thousands
    assert 40_000 // big.min_cluster_size <= 800


def test_hdbscan_clusterer_predict_and_membership():
    X, y, _ = sphere_blobs(n_per=40, n_centers=3, dim=4, spread=0.05)
    clusterer = HDBSCANClusterer(min_cluster_size=10, min_samples=3).fit(X)
    assert clusterer.n_clusters_ == 3
    assert adjusted_rand_score(y, clusterer.labels_) > 0.95
    labels, strengths = clusterer.predict(X[::10])
    assert np.array_equal(labels, clusterer.labels_[::10])
    assert ((strengths > 0) & (strengths <= 1)).all()
    member = clusterer.membership()
    assert member.shape == (X.shape[0], 3)
    assert ((member >= 0) & (member.sum(axis=1, keepdims=True) <= 1 + 1e-9)).all()
    clustered = clusterer.labels_ >= 0
    assert np.array_equal(member.argmax(axis=1)[clustered], clusterer.labels_[clustered])
    assert clusterer.membership(X[:5]).shape == (5, 3)


def test_max_cluster_share_splits_a_source_sized_blob():
    """A blob holding most of the corpus, made of four tight sub-groups: without a cap HDBSCAN's
    excess-of-mass keeps it whole; with the cap its sub-clusters become the themes."""
    rng = np.random.default_rng(0)
    sub = [rng.normal(loc=(1.0 * i, 0.0), scale=0.25, size=(150, 2)) for i in range(4)]
    far = rng.normal(loc=(0.0, 200.0), scale=0.15, size=(100, 2))
    X = np.vstack([*sub, far])
    whole = HDBSCANClusterer(min_cluster_size=20, min_samples=5).fit(X)
    capped = HDBSCANClusterer(min_cluster_size=20, min_samples=5, max_cluster_share=0.3).fit(X)
    biggest = np.bincount(whole.labels_[whole.labels_ >= 0]).max()
    assert biggest == 600 and whole.n_clusters_ == 2
    assert capped.n_clusters_ >= 5 and np.bincount(capped.labels_[capped.labels_ >= 0]).max() <= 210
    assert capped.params_["max_cluster_size"] == 210
    with pytest.raises(ValueError, match="max_cluster_share"):
        HDBSCANClusterer(max_cluster_share=1.5).fit(X)
