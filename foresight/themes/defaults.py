"""Parameter defaults that scale with the size of the corpus.

HDBSCAN with a fixed ``min_cluster_size`` (BERTopic's default is 10) turns a 40,000-document corpus into
hundreds or thousands of micro-clusters and leaves a third or more of the documents as noise. Here the
minimum theme size grows with the square root of the corpus, so the number of themes grows too, but
slowly: about 40–60 themes for 3,000 documents, tens to a few hundred for 40,000. ``min_samples`` stays
a fraction of it, which keeps the density estimate smooth without declaring most documents noise.

The UMAP settings follow the same idea: a few more neighbours for larger corpora (more global
structure), a fixed, modest number of epochs (the layout only has to be good enough for density
clustering), and a PCA pre-reduction of wide inputs, which makes the nearest-neighbour search — the
dominant cost — several times cheaper while keeping the neighbourhoods.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

#: Documents per theme grow as ``MIN_CLUSTER_FACTOR * sqrt(n)`` (bounded below and above).
MIN_CLUSTER_FACTOR = 0.25
MIN_CLUSTER_SIZE_BOUNDS = (5, 400)
#: ``min_samples`` as a fraction of ``min_cluster_size``.
MIN_SAMPLES_FRACTION = 0.25
#: Inputs wider than this are PCA-reduced to ``PCA_COMPONENTS`` dimensions before UMAP.
PCA_WIDTH_THRESHOLD = 96
PCA_COMPONENTS = 64
#: PCA pre-reduction only pays off beyond this many documents.
PCA_MIN_DOCS = 2000


@dataclass(frozen=True)
class ScaledDefaults:
    """The size-dependent parameters of the theme pipeline.

    Attributes
    ----------
    min_cluster_size : int
        Smallest group of documents HDBSCAN accepts as a theme.
    min_samples : int
        HDBSCAN's density smoothing (neighbours defining a core point); lower means less noise.
    n_neighbors : int
        UMAP neighbourhood size.
    n_components : int
        UMAP output dimension (the space HDBSCAN clusters in).
    n_epochs : int
        UMAP optimisation epochs.
    pca_components : int or None
        Dimension of the PCA pre-reduction, or ``None`` for none.
    """

    min_cluster_size: int
    min_samples: int
    n_neighbors: int
    n_components: int
    n_epochs: int
    pca_components: int | None

    def as_dict(self) -> dict[str, Any]:
        """Return the defaults as a plain dictionary (for the run record)."""
        return asdict(self)


def default_min_cluster_size(n_docs: int) -> int:
    """Minimum theme size for a corpus of ``n_docs`` documents.

    Parameters
    ----------
    n_docs : int
        Number of documents clustered.

    Returns
    -------
    int
        ``round(MIN_CLUSTER_FACTOR * sqrt(n_docs))`` clipped to ``MIN_CLUSTER_SIZE_BOUNDS``, and never
        more than half the corpus (so that at least two themes are possible).

    Examples
    --------
    >>> [default_min_cluster_size(n) for n in (300, 3_000, 10_000, 40_000)]
    [5, 14, 25, 50]
    """
    low, high = MIN_CLUSTER_SIZE_BOUNDS
    size = round(MIN_CLUSTER_FACTOR * math.sqrt(max(n_docs, 1)))
    size = min(max(size, low), high)
    return max(2, min(size, n_docs // 2))


def default_min_samples(min_cluster_size: int) -> int:
    """HDBSCAN ``min_samples`` that goes with a given ``min_cluster_size``.

    Parameters
    ----------
    min_cluster_size : int
        The minimum theme size.

    Returns
    -------
    int
        A quarter of it, at least 2 (never more than ``min_cluster_size``).
    """
    return max(2, min(min_cluster_size, round(MIN_SAMPLES_FRACTION * min_cluster_size)))


def scaled_defaults(n_docs: int, n_features: int) -> ScaledDefaults:
    """All size-dependent defaults for a corpus of ``n_docs`` vectors of ``n_features`` dimensions.

    Parameters
    ----------
    n_docs : int
        Number of documents.
    n_features : int
        Width of the embedding vectors.

    Returns
    -------
    ScaledDefaults
        The parameters to use when the caller gave none.
    """
    mcs = default_min_cluster_size(n_docs)
    n_neighbors = int(min(50, max(15, round(2.0 * math.log2(max(n_docs, 2)) - 10))))
    n_neighbors = max(2, min(n_neighbors, n_docs - 1))
    use_pca = n_features > PCA_WIDTH_THRESHOLD and n_docs >= PCA_MIN_DOCS
    return ScaledDefaults(
        min_cluster_size=mcs,
        min_samples=default_min_samples(mcs),
        n_neighbors=n_neighbors,
        n_components=5,
        n_epochs=200,
        pca_components=PCA_COMPONENTS if use_pca else None,
    )
