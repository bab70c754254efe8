"""Nearest neighbours by cosine: exact (a matrix product) or approximate (HNSW, when hnswlib is installed).

Exact search over 40,000 × 384 float32 unit vectors is one matrix-vector product of about 15 million
multiply-adds: a few milliseconds on one core (``bench/search.py`` measures it). The HNSW graph is worth
building only well beyond that, so it is used above ``SearchOptions.ann_threshold`` vectors and only when
the optional ``hnswlib`` package is importable; without it search stays exact and says so.

On PostgreSQL the same role could be played by pgvector's HNSW index (``CREATE INDEX … USING hnsw
(vector vector_cosine_ops)``) once the extension is available on the server; it is not assumed here.
"""

from __future__ import annotations

import importlib.util
import threading

import numpy as np

__all__ = ["HnswIndex", "hnswlib_available"]


def hnswlib_available() -> bool:
    """Whether the optional ``hnswlib`` package can be imported."""
    return importlib.util.find_spec("hnswlib") is not None


class HnswIndex:
    """An HNSW graph over unit vectors (inner product = cosine), searched with over-fetching and filtering.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, d)`` float32 unit rows (zero rows are left out of the graph).
    m : int, default 16
        Links per node.
    ef_construction : int, default 200
        Build-time candidate list size.
    ef_search : int, default 256
        Query-time candidate list size (raised to ``k`` when ``k`` is larger).
    seed : int, default 0
        Seed of the graph's random levels.
    """

    def __init__(
        self,
        vectors: np.ndarray,
        m: int = 16,
        ef_construction: int = 200,
        ef_search: int = 256,
        seed: int = 0,
    ) -> None:
        import hnswlib

        rows = np.flatnonzero(np.any(vectors != 0, axis=1))
        self._index = hnswlib.Index(space="ip", dim=int(vectors.shape[1]))
        self._index.init_index(
            max_elements=max(1, rows.size), ef_construction=ef_construction, M=m, random_seed=seed
        )
        if rows.size:
            self._index.add_items(np.ascontiguousarray(vectors[rows], dtype=np.float32), rows)
        self._index.set_ef(ef_search)
        self.ef_search = ef_search
        self.size = int(rows.size)
        self._lock = threading.Lock()  # set_ef is index-wide state

    def query(self, vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
        """Rows of up to ``k`` nearest vectors allowed by ``mask`` (approximate), nearest first.

        Fetches ``4 k`` neighbours (at least 200), then keeps those allowed by ``mask``; a filter that
        rejects most of them gives fewer than ``k`` rows (the caller falls back to exact search over the
        allowed rows when they are few).
        """
        if self.size == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        fetch = min(self.size, max(4 * k, 200))
        with self._lock:
            self._index.set_ef(max(self.ef_search, fetch))
            labels, _distances = self._index.knn_query(np.asarray(vector, dtype=np.float32)[None, :], k=fetch)
        rows = labels[0].astype(np.int64)
        if mask is not None:
            rows = rows[mask[rows]]
        return rows[:k]
