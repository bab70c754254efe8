"""ThemeModel end to end: recovery of clear structure, outliers, prediction, hierarchy, determinism.

Most tests plug in PCA as the reducer (fast, no numba compile); the UMAP tests share one module-level
fit, since UMAP's first call compiles numba code for tens of seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score

from foresight.themes import Theme, ThemeModel
from foresight.themes.reduce import l2_normalize
from tests.themes.conftest import WORDS, blob_texts, sphere_blobs


def _pca_model(**kwargs: object) -> ThemeModel:
    return ThemeModel(reducer=PCA(n_components=5), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fitted_pca(blobs):
    X, y, _ = blobs
    return _pca_model(random_state=0).fit(X, blob_texts(y), "en"), X, y


def test_recovers_blobs_and_orders_themes(fitted_pca):
    model, X, y = fitted_pca
    assert adjusted_rand_score(y, model.labels_) > 0.95
    assert len(model.themes_) == 5
    assert [t.id for t in model.themes_] == list(range(5))
    sizes = [t.size for t in model.themes_]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == X.shape[0]
    assert model.noise_share_["after"] == 0.0
    for theme in model.themes_:
        assert isinstance(theme, Theme)
        assert np.isclose(np.linalg.norm(theme.centroid), 1.0)
        assert len(theme.representative_docs) == 5
        assert all(model.labels_[i] == theme.id for i in theme.representative_docs)


def test_theme_keywords_name_the_blob(fitted_pca):
    model, _, y = fitted_pca
    for theme in model.themes_:
        members = np.flatnonzero(model.labels_ == theme.id)
        majority = int(np.bincount(y[members]).argmax())
        assert theme.keywords[0][0] == WORDS[majority]
        assert theme.label.split(" / ")[0] == WORDS[majority]
        assert theme.keywords[0][1] > theme.keywords[-1][1]


def test_representative_docs_are_nearest_to_centroid(fitted_pca):
    model, X, _ = fitted_pca
    theme = model.themes_[0]
    members = np.flatnonzero(model.labels_ == theme.id)
    sims = l2_normalize(X[members]) @ theme.centroid
    expected = members[np.argsort(-sims)[:5]]
    assert list(theme.representative_docs) == list(expected)


def test_params_record_effective_values(fitted_pca):
    model, X, _ = fitted_pca
    p = model.params_
    assert p["n_docs"] == X.shape[0]
    assert p["n_features"] == X.shape[1]
    assert p["random_state"] == 0
    assert (
        p["clusterer_params"]["min_cluster_size"] == p["scaled_defaults"]["min_cluster_size"] == 5
    )  # 0.25 * sqrt(400)
    assert p["clusterer_params"]["min_samples"] == 2
    assert p["reducer"] == "PCA"
    assert p["reducer_params"]["random_state"] == 0  # the model's seed is passed to a given reducer
    assert p["representation_params"]["ngram_range"] == [1, 2]
    assert p["n_themes"] == 5
    assert set(p["versions"]) >= {"umap-learn", "hdbscan", "scikit-learn"}
    assert set(model.timings_) == {"reduce", "cluster", "represent"}


def test_explicit_min_cluster_size_is_used(blobs):
    X, _, _ = blobs
    model = _pca_model(min_cluster_size=30).fit(X)
    assert model.params_["clusterer_params"]["min_cluster_size"] == 30
    assert model.params_["clusterer_params"]["min_samples"] == 8
    assert all(t.size >= 30 for t in model.themes_)
    assert all(t.keywords == () and t.label == "" for t in model.themes_)  # no texts given


def _with_scattered_noise(blobs, n_noise: int = 60, seed: int = 1):
    X, y, _ = blobs
    rng = np.random.default_rng(seed)
    noise = rng.uniform(-1.5, 1.5, size=(n_noise, X.shape[1]))
    return np.vstack([X, noise]), np.concatenate([y, np.full(n_noise, -1)])


def test_outliers_kept_as_noise_when_not_reassigned(blobs):
    X, y = _with_scattered_noise(blobs)
    model = _pca_model(reassign_outliers=False).fit(X)
    before, after = model.noise_share_["before"], model.noise_share_["after"]
    assert before == after == pytest.approx((model.labels_ == -1).mean())
    assert before > 0.05
    assert np.array_equal(model.outliers_, model.labels_ == -1)
    # the blobs themselves are still found
    clean = y >= 0
    assert adjusted_rand_score(y[clean], model.labels_[clean]) > 0.9


def test_outliers_reassigned_to_nearest_centroid(blobs):
    X, _ = _with_scattered_noise(blobs)
    kept = _pca_model(reassign_outliers=False).fit(X)
    model = _pca_model(reassign_outliers=True).fit(X)
    assert model.noise_share_["before"] == kept.noise_share_["before"] > 0
    assert model.noise_share_["after"] == 0.0
    assert (model.labels_ >= 0).all()
    # documents that were clustered keep their theme (ids may be renumbered by the new sizes) ...
    clustered = ~model.outliers_
    to_new = {int(k): int(m) for k, m in zip(kept.labels_[clustered], model.labels_[clustered], strict=True)}
    assert len(to_new) == len(set(to_new.values())) == len(kept.themes_)
    # ... and the others go to the theme with the closest centroid of its clustered members
    core = l2_normalize(np.stack([l2_normalize(X[kept.labels_ == t]).mean(axis=0) for t in sorted(to_new)]))
    nearest = np.argmax(l2_normalize(X[model.outliers_]) @ core.T, axis=1)
    assert [to_new[int(t)] for t in nearest] == model.labels_[model.outliers_].tolist()
    assert (model.probabilities_[model.outliers_] == 0).all()
    sizes = [t.size for t in model.themes_]
    assert sizes == sorted(sizes, reverse=True)
    assert sum(sizes) == X.shape[0]


def test_reassign_threshold_leaves_dissimilar_outliers(blobs):
    X, _ = _with_scattered_noise(blobs)
    model = _pca_model(reassign_threshold=0.5).fit(X)
    assert 0 < model.noise_share_["after"] < model.noise_share_["before"]


def test_soft_reassignment(blobs):
    X, _ = _with_scattered_noise(blobs)
    model = _pca_model(reassign_strategy="soft").fit(X)
    assert model.noise_share_["after"] == 0.0
    membership = model.clusterer_.membership()
    raw_best = np.argmax(membership[model.outliers_], axis=1)
    assert np.array_equal(model.labels_[model.outliers_], model.raw_to_theme_[raw_best])


def test_unknown_strategy_rejected(blobs):
    X, _, _ = blobs
    with pytest.raises(ValueError, match="reassign_strategy"):
        ThemeModel(reassign_strategy="nearest").fit(X)


def test_predict_new_points_from_the_same_blobs(fitted_pca):
    model, _, y = fitted_pca
    X_new, y_new, _ = sphere_blobs(n_per=20, seed=0)  # same centres, fresh draws with the same seed
    rng = np.random.default_rng(5)
    X_new = X_new + 0.01 * rng.normal(size=X_new.shape)
    pred = model.predict(X_new)
    mapping = {t: int(np.bincount(y[model.labels_ == t]).argmax()) for t in range(len(model.themes_))}
    accuracy = np.mean([mapping[int(p)] == t for p, t in zip(pred, y_new, strict=True)])
    assert accuracy > 0.95
    labels, strengths = model.assign(X_new)
    assert np.array_equal(labels, pred)
    assert ((strengths >= 0) & (strengths <= 1)).all()


def test_hierarchy_of_fields(blobs):
    X, y, _ = blobs
    model = _pca_model(n_fields=2).fit(X, blob_texts(y))
    assert len(model.fields_) == 2
    assert model.theme_field_.shape == (len(model.themes_),)
    assert sorted(t for f in model.fields_ for t in f.theme_ids) == list(range(len(model.themes_)))
    assert sum(f.size for f in model.fields_) == X.shape[0]
    assert model.fields_[0].size >= model.fields_[1].size
    assert all(f.label for f in model.fields_)
    auto = _pca_model().fit(X)
    assert len(auto.fields_) == 2  # round(sqrt(5))


def test_texts_length_must_match(blobs):
    X, y, _ = blobs
    with pytest.raises(ValueError, match="texts"):
        _pca_model().fit(X, blob_texts(y)[:10])


# ------------------------------------------------------------------ UMAP (default reducer)
@pytest.fixture(scope="module")
def umap_fits():
    X, y, _ = sphere_blobs(n_per=60, seed=3)
    first = ThemeModel(random_state=7).fit(X)
    second = ThemeModel(random_state=7).fit(X)
    return first, second, X, y


@pytest.mark.slow
def test_umap_pipeline_recovers_blobs(umap_fits):
    first, _, _, y = umap_fits
    assert adjusted_rand_score(y, first.labels_) > 0.95
    assert first.params_["reducer_params"]["n_neighbors"] == 15
    assert first.params_["reducer_params"]["umap_metric"] == "cosine"


@pytest.mark.slow
def test_same_seed_gives_identical_labels(umap_fits):
    first, second, _, _ = umap_fits
    assert np.array_equal(first.labels_, second.labels_)
    assert np.array_equal(first.reduced_, second.reduced_)
    assert np.array_equal(first.probabilities_, second.probabilities_)


@pytest.mark.slow
def test_umap_predict_places_training_points_in_their_themes(umap_fits):
    first, _, X, _ = umap_fits
    pred = first.predict(X[::7])
    assert np.mean(pred == first.labels_[::7]) > 0.95
