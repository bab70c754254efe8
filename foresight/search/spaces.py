"""Vector spaces a search can compare in: the documents' vectors and the matching query encoder.

- ``neural``: the sentence-transformers vectors, read from the embedding cache (``foresight.embeddings``)
  by the hash of ``document_text``; the query is encoded with the same model.
- ``lexical``: ``LexicalEmbedder`` (jieba words, TF-IDF, truncated SVD) fitted on the index's own
  documents (with the run's seed), so the query is transformed with exactly the vocabulary, IDF and
  basis of the documents. It is the search's own fit (every word kept), not the run's model, so theme
  vectors in it are the means of their members' vectors.
- ``fused``: ``foresight.embeddings.fuse`` of both, with the weight the analysis uses.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.embeddings import LexicalEmbedder, SentenceTransformerBackend, embed_texts, fuse
from foresight.embeddings import cache as embedding_cache
from foresight.embeddings.backends import BUNDLED_MODEL_ID, l2_normalize
from foresight.settings import Settings

__all__ = [
    "SPACES",
    "SearchError",
    "VectorSpace",
    "fused_space",
    "lexical_space",
    "neural_backend",
    "neural_space",
]

SPACES = ("neural", "lexical", "fused")
_ONNX_SUFFIX = "#onnx-int8"
_LEXICAL_PREFIX = "+lexical-zh:"
_backends: dict[tuple[str, str], SentenceTransformerBackend] = {}
_backends_lock = threading.Lock()


class SearchError(ValueError):
    """The search cannot be done as asked (no such run, a model that cannot be loaded…)."""


@dataclass
class VectorSpace:
    """Unit document vectors (zero rows: no vector) and the encoder of queries into the same space."""

    name: str
    model_id: str
    matrix: np.ndarray
    encode: Callable[[str], np.ndarray] = field(repr=False)
    warnings: list[str] = field(default_factory=list)

    @property
    def has_vector(self) -> np.ndarray:
        """Boolean ``(n,)``: rows with a (non-zero) vector."""
        return np.any(self.matrix != 0, axis=1)


def neural_backend(settings: Settings, model_id: str | None = None) -> SentenceTransformerBackend:
    """The sentence-transformers backend whose ``model_id`` is ``model_id`` (default: the configured one).

    Backends are kept per process so that a model loads once. ``model_id`` may carry the ONNX suffix
    and, for fused runs, the lexical part (``"<neural id>+lexical-zh:<fingerprint>"``), which is ignored.

    Raises
    ------
    SearchError
        When ``model_id`` names a local model folder other than the configured model.
    """
    configured = _cached_backend(settings.embedding_model, settings.embedding_backend)
    if model_id is None:
        return configured
    neural_id = model_id.split(_LEXICAL_PREFIX)[0]
    if neural_id == configured.model_id:
        return configured
    kind = "onnx" if neural_id.endswith(_ONNX_SUFFIX) else "torch"
    name = neural_id.removesuffix(_ONNX_SUFFIX)
    if name.startswith("local:"):
        raise SearchError(
            f"the run was embedded with the local model {name}; set FORESIGHT_EMBEDDING_MODEL to its folder"
        )
    return _cached_backend("all-MiniLM-L6-v2" if name == BUNDLED_MODEL_ID else name, kind)


def _cached_backend(model: str, kind: str) -> SentenceTransformerBackend:
    with _backends_lock:
        key = (model, kind)
        if key not in _backends:
            _backends[key] = SentenceTransformerBackend(model, backend=kind)  # type: ignore[arg-type]
        return _backends[key]


def neural_space(
    engine: Engine,
    texts: Sequence[str],
    backend: SentenceTransformerBackend,
    embed_missing_limit: int,
    batch_size: int = 64,
) -> VectorSpace:
    """Cached vectors of ``texts``; missing ones are embedded (and cached) when at most the limit.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        The store holding the embedding cache.
    texts : sequence of str
        ``document_text`` of each indexed document, in index order.
    backend : SentenceTransformerBackend
        Its ``model_id`` keys the cache; it encodes the queries.
    embed_missing_limit : int
        Most texts embedded now; beyond, the uncached documents get zero rows (keywords only).
    batch_size : int, default 64
        Encoding batch size.

    Returns
    -------
    VectorSpace
        The ``"neural"`` space.
    """
    hashes = [embedding_cache.text_hash(t) for t in texts]
    with session_scope(engine) as session:
        found = embedding_cache.get_many(session, backend.model_id, hashes)
    missing = list(dict.fromkeys(t for t, h in zip(texts, hashes, strict=True) if h not in found))
    warnings: list[str] = []
    if missing and len(missing) <= embed_missing_limit:
        vectors = embed_texts(engine, missing, backend, batch_size)
        found.update(zip((embedding_cache.text_hash(t) for t in missing), vectors, strict=True))
    elif missing:
        warnings.append(
            f"{len(missing)} documents have no cached {backend.model_id} vector (more than "
            f"{embed_missing_limit} to embed now): they are found by keywords only until an analysis "
            "embeds them"
        )
    dims = {v.shape[0] for v in found.values()}
    dim = dims.pop() if len(dims) == 1 else backend.dim  # none cached, or a mixed cache: the model's
    matrix = np.zeros((len(texts), dim), dtype=np.float32)
    for row, key in enumerate(hashes):
        vector = found.get(key)
        if vector is not None and vector.shape[0] == dim:
            matrix[row] = vector
    matrix = l2_normalize(matrix)

    def encode(query: str) -> np.ndarray:
        return l2_normalize(backend.encode([query], batch_size=1))[0]

    return VectorSpace("neural", backend.model_id, matrix, encode, warnings)


def lexical_space(texts: Sequence[str], seed: int) -> VectorSpace:
    """``LexicalEmbedder`` fitted on ``texts`` (seeded, ``min_df=1``): document vectors and the query
    transform.

    Unlike the analysis (``min_df=2``, for clustering), search keeps words found in a single document:
    a query naming that word must still land near it.
    """
    if len(texts) < 2:
        matrix = np.zeros((len(texts), 1), dtype=np.float32)
        return VectorSpace("lexical", "lexical-zh:empty", matrix, lambda _q: np.zeros(1, np.float32))
    embedder = LexicalEmbedder(min_df=1, random_state=seed)
    matrix = embedder.fit_transform(list(texts))

    def encode(query: str) -> np.ndarray:
        return embedder.transform([query])[0]

    return VectorSpace("lexical", embedder.model_id, matrix, encode)


def fused_space(neural: VectorSpace, lexical: VectorSpace) -> VectorSpace:
    """The fused space (``foresight.embeddings.fuse``, default weight) of two row-aligned spaces."""
    matrix = fuse(neural.matrix, lexical.matrix)

    def encode(query: str) -> np.ndarray:
        return fuse(neural.encode(query)[None, :], lexical.encode(query)[None, :])[0]

    return VectorSpace(
        "fused",
        f"{neural.model_id}+{lexical.model_id}",
        matrix,
        encode,
        [*neural.warnings, *lexical.warnings],
    )
