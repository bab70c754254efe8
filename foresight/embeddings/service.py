"""Embedding service: cached, resumable embedding of texts and documents.

``embed_texts`` reads what the store already holds for the backend's ``model_id``, encodes only the
missing texts (longest first, in batches) and commits every batch to the cache before encoding the next,
so a run that is killed midway resumes from what it had cached. The result keeps the input order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
from sqlalchemy import Engine

from foresight.db.session import session_scope
from foresight.embeddings import cache
from foresight.embeddings.backends import EmbeddingBackend, ProgressCallback, length_order

__all__ = ["document_text", "embed_texts"]

_TERMINAL = (".", "!", "?", "。", "！", "？")


class _HasTitleAbstract(Protocol):
    title: str
    abstract: str | None


def document_text(doc: _HasTitleAbstract) -> str:
    """The text embedded for a document: its title, ``". "``, and its abstract.

    Parameters
    ----------
    doc : Document
        Anything with ``title`` and ``abstract`` (``foresight.db.models.Document``).

    Returns
    -------
    str
        ``"<title>. <abstract>"``; just the title when there is no abstract; no second full stop when
        the title already ends with one (``.``, ``。``, ``?`` ...).
    """
    title = (doc.title or "").strip()
    abstract = (doc.abstract or "").strip()
    if not abstract:
        return title
    if not title:
        return abstract
    separator = " " if title.endswith(_TERMINAL) else ". "
    return f"{title}{separator}{abstract}"


def embed_texts(
    engine: Engine,
    texts: Sequence[str],
    backend: EmbeddingBackend,
    batch_size: int = 64,
    on_progress: ProgressCallback | None = None,
) -> np.ndarray:
    """Embed ``texts`` with ``backend``, through the cache in the store.

    Parameters
    ----------
    engine : sqlalchemy.Engine
        A migrated store.
    texts : sequence of str
        The texts, embedded exactly as given (the cache key is the sha256 of each text).
    backend : EmbeddingBackend
        Produces the vectors; its ``model_id`` keys the cache. Not loaded when every text is cached.
    batch_size : int, default 64
        Texts encoded, then committed to the cache, per step.
    on_progress : callable, optional
        ``on_progress(done, total)`` after each batch is committed, counting the distinct texts that
        had to be encoded. An exception raised there stops the run; the batches committed stay cached.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(texts), dim)``, float32, row ``i`` for ``texts[i]``.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    hashes = [cache.text_hash(t) for t in texts]
    if not hashes:
        return np.zeros((0, backend.dim), dtype=np.float32)
    text_of = dict(zip(hashes, texts, strict=True))
    model_id = backend.model_id
    with session_scope(engine) as session:
        vectors = cache.get_many(session, model_id, text_of)

    missing = [h for h in text_of if h not in vectors]
    if missing:
        order = length_order([text_of[h] for h in missing])
        missing = [missing[i] for i in order]
        dim = backend.dim
        stale = {v.shape[0] for v in vectors.values()} - {dim}
        if stale:
            raise ValueError(
                f"cache for {model_id!r} holds vectors of dimension {sorted(stale)}, the model gives {dim}"
            )
        for start in range(0, len(missing), batch_size):
            chunk = missing[start : start + batch_size]
            encoded = backend.encode([text_of[h] for h in chunk], batch_size=batch_size)
            batch = dict(zip(chunk, encoded, strict=True))
            with session_scope(engine) as session:
                cache.put_many(session, model_id, batch)
            vectors.update(batch)
            if on_progress is not None:
                on_progress(start + len(chunk), len(missing))

    return np.stack([vectors[h] for h in hashes]).astype(np.float32, copy=False)
