"""The embedding cache in the store: vectors keyed by (model id, sha256 of the exact text).

Helpers take a session and never commit; the caller commits at its boundary. Reads and writes go in
chunks of at most ``CHUNK`` keys per statement. Writes tolerate concurrent writers: on SQLite and
PostgreSQL they are ``INSERT … ON CONFLICT DO NOTHING``; elsewhere only missing keys are inserted, each
chunk inside a savepoint, and a chunk that still hits the unique constraint is re-read and retried.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foresight.db.base import utcnow
from foresight.db.models.embeddings import Embedding

__all__ = ["CHUNK", "count", "decode_vector", "encode_vector", "get_many", "put_many", "text_hash"]

#: Most keys per SELECT … IN or multi-row INSERT.
CHUNK = 500
_T = TypeVar("_T")


def text_hash(text: str) -> str:
    """sha256 hex digest of the UTF-8 bytes of ``text``: the cache key of the exact text embedded.

    Parameters
    ----------
    text : str
        The text given to the model.

    Returns
    -------
    str
        64 lower-case hex characters.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_vector(vector: np.ndarray) -> bytes:
    """Serialise one vector as little-endian float32 bytes."""
    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def decode_vector(data: bytes, dim: int) -> np.ndarray:
    """Read ``dim`` little-endian float32 values back into a (writable) float32 array."""
    vector = np.frombuffer(data, dtype="<f4").astype(np.float32)
    if vector.shape != (dim,):
        raise ValueError(f"cached vector holds {vector.size} values, expected {dim}")
    return vector


def _chunks(items: Sequence[_T], size: int = CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def get_many(session: Session, model_id: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
    """Read the cached vectors of ``model_id`` for the given text hashes.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    model_id : str
        The backend's ``model_id``.
    hashes : iterable of str
        Text hashes (``text_hash``); duplicates are read once.

    Returns
    -------
    dict
        ``{hash: float32 vector}`` for the hashes found; missing ones are absent.
    """
    keys = list(dict.fromkeys(hashes))
    found: dict[str, np.ndarray] = {}
    for chunk in _chunks(keys):
        rows = session.execute(
            select(Embedding.text_hash, Embedding.dim, Embedding.vector).where(
                Embedding.model_id == model_id, Embedding.text_hash.in_(chunk)
            )
        )
        for key, dim, data in rows:
            found[key] = decode_vector(data, dim)
    return found


def _rows(model_id: str, items: Mapping[str, np.ndarray], keys: Sequence[str]) -> list[dict[str, object]]:
    now = utcnow()
    rows: list[dict[str, object]] = []
    for key in keys:
        vector = np.asarray(items[key])
        if vector.ndim != 1:
            raise ValueError(f"vector for {key} must be 1-D, got shape {vector.shape}")
        rows.append(
            {
                "model_id": model_id,
                "text_hash": key,
                "dim": int(vector.shape[0]),
                "vector": encode_vector(vector),
                "created_at": now,
            }
        )
    return rows


def put_many(session: Session, model_id: str, items: Mapping[str, np.ndarray]) -> int:
    """Store vectors for ``model_id``; keys already cached (by anyone, even concurrently) are kept.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session; the caller commits.
    model_id : str
        The backend's ``model_id``.
    items : mapping
        ``{text hash: 1-D vector}``.

    Returns
    -------
    int
        Rows inserted by this call (keys that were already there are not counted).
    """
    keys = list(items)
    dialect = session.get_bind().dialect.name
    inserted = 0
    for chunk in _chunks(keys):
        rows = _rows(model_id, items, chunk)
        if dialect in ("sqlite", "postgresql"):
            make_insert = sqlite_insert if dialect == "sqlite" else pg_insert
            stmt = (
                make_insert(Embedding)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["model_id", "text_hash"])
                .returning(Embedding.text_hash)
            )
            inserted += len(session.execute(stmt).all())
        else:
            inserted += _put_generic(session, model_id, rows)
    return inserted


def _put_generic(session: Session, model_id: str, rows: list[dict[str, object]], attempts: int = 3) -> int:
    """Insert the rows whose keys are missing, in a savepoint; on a lost race, re-read and retry."""
    for _ in range(attempts):
        present = set(get_many(session, model_id, [str(r["text_hash"]) for r in rows]))
        todo = [r for r in rows if r["text_hash"] not in present]
        if not todo:
            return 0
        try:
            with session.begin_nested():
                session.execute(insert(Embedding), todo)
            return len(todo)
        except IntegrityError:
            continue  # another writer inserted some of them meanwhile
    raise RuntimeError("could not store embeddings: the unique constraint kept failing")


def count(session: Session, model_id: str | None = None) -> int:
    """Number of cached vectors, for one model or for all.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    model_id : str, optional
        Count only this model's vectors.

    Returns
    -------
    int
        The number of rows.
    """
    stmt = select(func.count()).select_from(Embedding)
    if model_id is not None:
        stmt = stmt.where(Embedding.model_id == model_id)
    return int(session.scalar(stmt) or 0)
