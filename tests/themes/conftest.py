"""Synthetic corpora for the theme-pipeline tests: well-separated blobs on the unit sphere."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray


def sphere_blobs(
    n_per: int = 80, n_centers: int = 5, dim: int = 24, spread: float = 0.15, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Blobs around random unit directions (separated by cosine); returns ``(X, y, centers)``."""
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(n_centers, dim))
    centers /= np.linalg.norm(centers, axis=1, keepdims=True)
    y = np.repeat(np.arange(n_centers), n_per)
    X = centers[y] + spread * rng.normal(size=(y.size, dim)) / np.sqrt(dim) * 3
    return X, y, centers


WORDS = ["galaxy", "protein", "battery", "neural", "glacier"]


def blob_texts(y: NDArray[np.int64], seed: int = 0) -> list[str]:
    """A short text per document that names its blob's topic word plus shared filler."""
    rng = np.random.default_rng(seed)
    fillers = ["data", "system", "measurement", "framework", "analysis"]
    return [f"{WORDS[c]} {WORDS[c]} {fillers[rng.integers(len(fillers))]} observations" for c in y]


@pytest.fixture(scope="session")
def blobs() -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    return sphere_blobs()
