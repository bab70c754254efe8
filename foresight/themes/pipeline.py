"""``ThemeModel``: embeddings → reduced space → density clusters → themes with keywords → fields.

The steps are pluggable estimators (``reducer``: ``fit_transform``/``transform``; ``clusterer``: ``fit``
giving ``labels_``/``probabilities_`` and ``predict`` giving ``(labels, strengths)``; ``representation``:
``fit(texts, labels, languages)``/``describe(labels)``). Left as ``None`` they are the defaults of this
package, with parameters that scale with the corpus (``foresight.themes.defaults``).

Pure: arrays in, results out; storing a run is the caller's business (``params_`` and ``timings_`` are
meant for the run record).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, clone
from sklearn.utils.validation import check_array, check_is_fitted

from foresight.themes.cluster import HDBSCANClusterer
from foresight.themes.defaults import default_min_samples, scaled_defaults
from foresight.themes.hierarchy import Field, field_centroids, group_themes
from foresight.themes.reduce import UMAPReducer, l2_normalize
from foresight.themes.represent import CTfidfRepresentation
from foresight.themes.summary import Theme, centroids, representative_docs
from foresight.themes.versions import FIT_PACKAGES, package_versions

REASSIGN_STRATEGIES = ("centroid", "soft")


def _with_seed(estimator: Any, random_state: int | None) -> Any:
    est = clone(estimator)
    if "random_state" in est.get_params(deep=False):
        est.set_params(random_state=random_state)
    return est


class ThemeModel(BaseEstimator):
    """Theme clustering of document embeddings, with keywords, labels and a field hierarchy.

    Parameters
    ----------
    reducer : estimator or None, default=None
        Dimension reduction; ``None`` means ``UMAPReducer`` with size-scaled defaults. A given reducer
        is cloned and, if it has a ``random_state``, gets this model's.
    clusterer : estimator or None, default=None
        Clustering of the reduced vectors; ``None`` means ``HDBSCANClusterer`` with size-scaled
        ``min_cluster_size`` and ``min_samples``.
    representation : estimator or None, default=None
        Keyword extraction; ``None`` means ``CTfidfRepresentation()``.
    min_cluster_size : int or None, default=None
        Smallest theme (default clusterer only); ``None`` scales with the corpus.
    min_samples : int or None, default=None
        HDBSCAN density smoothing (default clusterer only); ``None`` derives it from
        ``min_cluster_size``.
    max_theme_share : float or None, default=None
        Largest share of the corpus one cluster may hold (default clusterer only): above it HDBSCAN's
        sub-clusters are taken instead. Useful for corpora mixing sources (papers, patents, Chinese
        abstracts), where a whole source can otherwise come out as one theme. ``None``: no limit.
    reassign_outliers : bool, default=True
        Give documents HDBSCAN left as noise a theme (also applied by ``predict``).
    reassign_strategy : {"centroid", "soft"}, default="centroid"
        ``"centroid"``: the theme whose centroid (original space) has the highest cosine; ``"soft"``: the
        theme of highest HDBSCAN soft membership (clusterer must offer ``membership``).
    reassign_threshold : float or None, default=None
        With ``"centroid"``, a document stays noise when its best cosine is below this value; ``None``
        reassigns every outlier.
    n_fields : int or None, default=None
        Number of fields; ``None`` means ``field_distance_threshold`` if set, else about
        ``sqrt(n_themes)``.
    field_distance_threshold : float or None, default=None
        Cosine distance at which the theme dendrogram is cut when ``n_fields`` is None.
    field_linkage : str, default="average"
        Linkage of the field clustering (see ``foresight.themes.hierarchy.group_themes``).
    n_representative_docs : int, default=5
        Representative documents kept per theme.
    random_state : int or None, default=42
        Seed of every random step; an integer makes ``fit`` reproducible.

    Attributes
    ----------
    labels_ : ndarray of shape (n_docs,)
        Theme per document (0 = largest); ``-1`` = noise (only what reassignment left).
    probabilities_ : ndarray of shape (n_docs,)
        HDBSCAN membership strength (0 for documents that were noise, reassigned or not).
    outliers_ : ndarray of bool, shape (n_docs,)
        Documents HDBSCAN left as noise, before reassignment.
    themes_ : list of Theme
        Themes, largest first (``themes_[i].id == i``).
    noise_share_ : dict
        ``{"before": ..., "after": ...}``: share of documents that are noise before and after
        reassignment.
    fields_ : list of Field
        Groups of themes, largest first.
    theme_field_ : ndarray of shape (n_themes,)
        Field of each theme.
    raw_to_theme_ : ndarray of int
        Theme id of each cluster id of ``clusterer_``.
    reduced_ : ndarray of shape (n_docs, n_components)
        Reduced vectors (for quality measures and maps).
    reducer_, clusterer_, representation_ : fitted steps
    params_ : dict
        Every effective parameter, with library versions.
    timings_ : dict
        Seconds spent per step.
    """

    def __init__(
        self,
        reducer: Any = None,
        clusterer: Any = None,
        representation: Any = None,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        max_theme_share: float | None = None,
        reassign_outliers: bool = True,
        reassign_strategy: str = "centroid",
        reassign_threshold: float | None = None,
        n_fields: int | None = None,
        field_distance_threshold: float | None = None,
        field_linkage: str = "average",
        n_representative_docs: int = 5,
        random_state: int | None = 42,
    ) -> None:
        self.reducer = reducer
        self.clusterer = clusterer
        self.representation = representation
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.max_theme_share = max_theme_share
        self.reassign_outliers = reassign_outliers
        self.reassign_strategy = reassign_strategy
        self.reassign_threshold = reassign_threshold
        self.n_fields = n_fields
        self.field_distance_threshold = field_distance_threshold
        self.field_linkage = field_linkage
        self.n_representative_docs = n_representative_docs
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        embeddings: ArrayLike,
        texts: Sequence[str] | None = None,
        languages: Sequence[str] | str | None = None,
    ) -> ThemeModel:
        """Find themes in a corpus.

        Parameters
        ----------
        embeddings : array-like of shape (n_docs, n_features)
            Document embeddings (compared by cosine).
        texts : sequence of str or None, default=None
            Document texts for keywords and labels; ``None`` skips the representation (themes then
            have no keywords), which is what stability re-runs do.
        languages : sequence of str, str or None, default=None
            Language per document (``"zh"``, ``"en"`` ...) or one for all.

        Returns
        -------
        ThemeModel
            The fitted model.
        """
        if self.reassign_strategy not in REASSIGN_STRATEGIES:
            raise ValueError(f"reassign_strategy must be one of {REASSIGN_STRATEGIES}")
        X = check_array(embeddings, dtype=np.float64)
        n, d = X.shape
        if texts is not None and len(texts) != n:
            raise ValueError(f"{n} embeddings but {len(texts)} texts")
        scaled = scaled_defaults(n, d)
        mcs = self.min_cluster_size if self.min_cluster_size is not None else scaled.min_cluster_size
        min_samples = self.min_samples
        if min_samples is None:
            min_samples = scaled.min_samples if self.min_cluster_size is None else default_min_samples(mcs)
        timings: dict[str, float] = {}

        t0 = time.perf_counter()
        if self.reducer is None:
            self.reducer_ = UMAPReducer(
                n_components=scaled.n_components,
                n_neighbors=scaled.n_neighbors,
                n_epochs=scaled.n_epochs,
                pca_components=scaled.pca_components,
                random_state=self.random_state,
            )
        else:
            self.reducer_ = _with_seed(self.reducer, self.random_state)
        self.reduced_ = np.asarray(self.reducer_.fit_transform(X), dtype=np.float64)
        timings["reduce"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        if self.clusterer is None:
            self.clusterer_ = HDBSCANClusterer(
                min_cluster_size=mcs, min_samples=min_samples, max_cluster_share=self.max_theme_share
            )
        else:
            self.clusterer_ = _with_seed(self.clusterer, self.random_state)
        self.clusterer_.fit(self.reduced_)
        raw = np.asarray(self.clusterer_.labels_, dtype=np.int64)
        probabilities = getattr(self.clusterer_, "probabilities_", None)
        self.probabilities_ = (
            np.asarray(probabilities, dtype=np.float64) if probabilities is not None else (raw >= 0) * 1.0
        )
        self.raw_to_theme_ = self._renumber(raw)
        labels = self._map(raw)
        self.outliers_ = labels < 0
        theme_ids = np.arange(self.raw_to_theme_.max() + 1 if self.raw_to_theme_.size else 0)
        core_centroids = centroids(X, labels, theme_ids)
        if self.reassign_outliers and self.outliers_.any() and theme_ids.size:
            labels = self._reassign(X, labels, core_centroids)
            # Reassignment changes sizes: keep "theme 0 is the largest".
            counts = np.bincount(labels[labels >= 0], minlength=theme_ids.size)
            perm = np.empty(theme_ids.size, dtype=np.int64)
            perm[np.lexsort((theme_ids, -counts))] = theme_ids
            labels = np.where(labels >= 0, perm[np.maximum(labels, 0)], -1)
            self.raw_to_theme_ = np.where(
                self.raw_to_theme_ >= 0, perm[np.maximum(self.raw_to_theme_, 0)], -1
            )
        self.labels_ = labels
        self.noise_share_ = {
            "before": float(self.outliers_.mean()) if n else 0.0,
            "after": float((labels < 0).mean()) if n else 0.0,
        }
        timings["cluster"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        self._describe(X, texts, languages, theme_ids)
        timings["represent"] = time.perf_counter() - t0
        self.timings_ = timings
        self.params_ = self._record(n, d, scaled.as_dict())
        return self

    def _renumber(self, raw: NDArray[np.int64]) -> NDArray[np.int64]:
        """Map raw cluster ids to theme ids ordered by size (largest first, ties by raw id)."""
        clusters, counts = np.unique(raw[raw >= 0], return_counts=True)
        order = clusters[np.lexsort((clusters, -counts))]
        mapping = np.full(int(raw.max()) + 1 if raw.size and raw.max() >= 0 else 0, -1, dtype=np.int64)
        mapping[order] = np.arange(order.size)
        return mapping

    def _map(self, raw: NDArray[np.int64]) -> NDArray[np.int64]:
        out = np.full(raw.shape, -1, dtype=np.int64)
        ok = (raw >= 0) & (raw < self.raw_to_theme_.size)
        out[ok] = self.raw_to_theme_[raw[ok]]
        return out

    def _reassign(
        self,
        X: NDArray[np.float64],
        labels: NDArray[np.int64],
        theme_centroids: NDArray[np.float64],
        reduced: NDArray[np.float64] | None = None,
    ) -> NDArray[np.int64]:
        """Give noise documents the nearest theme (by centroid cosine or soft membership)."""
        labels = labels.copy()
        noise = np.flatnonzero(labels < 0)
        if self.reassign_strategy == "soft" and hasattr(self.clusterer_, "membership"):
            member = self.clusterer_.membership(None if reduced is None else reduced[noise])
            rows = member if reduced is not None else member[noise]
            best_raw = np.argmax(rows, axis=1)
            labels[noise] = self.raw_to_theme_[best_raw]
            return labels
        sims = l2_normalize(X[noise]) @ theme_centroids.T
        best = np.argmax(sims, axis=1)
        ok = np.ones(noise.size, dtype=bool)
        if self.reassign_threshold is not None:
            ok = sims[np.arange(noise.size), best] >= self.reassign_threshold
        labels[noise[ok]] = best[ok]
        return labels

    def _describe(
        self,
        X: NDArray[np.float64],
        texts: Sequence[str] | None,
        languages: Sequence[str] | str | None,
        theme_ids: NDArray[np.int64],
    ) -> None:
        """Build themes (keywords, label, representative docs, centroid) and fields."""
        labels = self.labels_
        self.centroids_ = centroids(X, labels, theme_ids)
        sizes = np.array([(labels == t).sum() for t in theme_ids], dtype=np.int64)
        keywords: dict[int, list[tuple[str, float]]] = {}
        label_text: dict[int, str] = {}
        self.representation_: Any = None
        if texts is not None and theme_ids.size:
            rep = CTfidfRepresentation() if self.representation is None else clone(self.representation)
            self.representation_ = rep.fit(texts, labels, languages)
            keywords, label_text = rep.keywords_, rep.labels_text_
        self.themes_ = [
            Theme(
                id=int(t),
                size=int(sizes[t]),
                keywords=tuple(keywords.get(int(t), ())),
                label=label_text.get(int(t), ""),
                representative_docs=representative_docs(
                    X, labels, int(t), self.centroids_[t], self.n_representative_docs
                ),
                centroid=self.centroids_[t],
            )
            for t in theme_ids
        ]
        self.theme_field_ = group_themes(
            self.centroids_,
            self.n_fields,
            self.field_distance_threshold,
            sizes=sizes,
            linkage=self.field_linkage,
        )
        self.fields_ = []
        if theme_ids.size == 0:
            return
        f_centroids = field_centroids(self.centroids_, self.theme_field_, sizes)
        doc_field = np.where(labels >= 0, self.theme_field_[np.maximum(labels, 0)], -1)
        f_keywords: dict[int, list[tuple[str, float]]] = {}
        f_labels: dict[int, str] = {}
        if self.representation_ is not None and hasattr(self.representation_, "describe"):
            f_keywords, f_labels = self.representation_.describe(doc_field)
        for f in range(f_centroids.shape[0]):
            members = np.flatnonzero(self.theme_field_ == f)
            self.fields_.append(
                Field(
                    id=f,
                    theme_ids=tuple(int(t) for t in members),
                    size=int(sizes[members].sum()),
                    keywords=tuple(f_keywords.get(f, ())),
                    label=f_labels.get(f, ""),
                    centroid=f_centroids[f],
                )
            )

    def _record(self, n: int, d: int, scaled: dict[str, Any]) -> dict[str, Any]:
        rep: Any = self.representation_
        return {
            "n_docs": n,
            "n_features": d,
            "random_state": self.random_state,
            "scaled_defaults": scaled,
            "reducer": type(self.reducer_).__name__,
            "reducer_params": getattr(self.reducer_, "params_", self.reducer_.get_params()),
            "clusterer": type(self.clusterer_).__name__,
            "clusterer_params": getattr(self.clusterer_, "params_", self.clusterer_.get_params()),
            "representation": None if rep is None else type(rep).__name__,
            "representation_params": (
                None if rep is None else getattr(rep, "get_params_record", rep.get_params)()
            ),
            "reassign_outliers": self.reassign_outliers,
            "reassign_strategy": self.reassign_strategy,
            "reassign_threshold": self.reassign_threshold,
            "n_themes": len(self.themes_),
            "n_fields": len(self.fields_),
            "field_distance_threshold": self.field_distance_threshold,
            "field_linkage": self.field_linkage,
            "n_representative_docs": self.n_representative_docs,
            "versions": package_versions(FIT_PACKAGES),
        }

    # -------------------------------------------------------------- predict
    def assign(self, embeddings: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Place new documents into the fitted themes.

        The embeddings are reduced with the fitted reducer, then given the theme HDBSCAN's
        ``approximate_predict`` finds; documents it leaves as noise are reassigned as in ``fit`` when
        ``reassign_outliers`` is set.

        Parameters
        ----------
        embeddings : array-like of shape (n_new, n_features)
            Embeddings of new documents, same model as at fit.

        Returns
        -------
        labels : ndarray of shape (n_new,)
            Theme per document (``-1`` = noise).
        strengths : ndarray of shape (n_new,)
            HDBSCAN membership strength (0 where the theme came from reassignment).
        """
        check_is_fitted(self, "labels_")
        X = check_array(embeddings, dtype=np.float64)
        if not self.themes_:
            return np.full(X.shape[0], -1, dtype=np.int64), np.zeros(X.shape[0])
        reduced = np.asarray(self.reducer_.transform(X), dtype=np.float64)
        raw, strengths = self.clusterer_.predict(reduced)
        labels = self._map(np.asarray(raw, dtype=np.int64))
        strengths = np.where(labels >= 0, np.asarray(strengths, dtype=np.float64), 0.0)
        if self.reassign_outliers and (labels < 0).any():
            labels = self._reassign(X, labels, self.centroids_, reduced)
        return labels, strengths

    def predict(self, embeddings: ArrayLike) -> NDArray[np.int64]:
        """Theme of each new document (see ``assign``)."""
        return self.assign(embeddings)[0]
