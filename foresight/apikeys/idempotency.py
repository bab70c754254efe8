"""Idempotent writes: a retried request with the same ``Idempotency-Key`` gets the stored response.

Keys are scoped per principal (an API key's name). The same key with another method, path or body is a
client error (:class:`IdempotencyMismatch`), never a silent replay of something else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from foresight.db.base import utcnow
from foresight.db.models import IdempotencyKey


class IdempotencyMismatch(ValueError):
    """The key was used before for a different request."""


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict[str, Any]
    replayed: bool


def body_hash(body: Any) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _stored(
    session: Session, principal: str, key: str, method: str, path: str, digest: str
) -> StoredResponse | None:
    row = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.principal == principal, IdempotencyKey.key == key)
    )
    if row is None:
        return None
    if (row.method, row.path, row.body_hash) != (method, path, digest):
        raise IdempotencyMismatch(
            f"Idempotency-Key {key!r} was used for another request ({row.method} {row.path}); use a new key"
        )
    return StoredResponse(row.status, row.response, replayed=True)


def run_once(
    session: Session,
    *,
    principal: str,
    key: str | None,
    method: str,
    path: str,
    body: Any,
    apply: Callable[[], dict[str, Any]],
    status: int = 200,
) -> StoredResponse:
    """Run ``apply`` and commit, or return the stored response of the first request with ``key``.

    ``apply`` changes the session (uncommitted); its result is stored with the key in the same transaction,
    so the operation and its recorded response are committed together or not at all.
    """
    if not key:
        result = apply()
        session.commit()
        return StoredResponse(status, result, replayed=False)
    digest = body_hash(body)
    stored = _stored(session, principal, key, method, path, digest)
    if stored is not None:
        return stored
    result = apply()
    session.add(
        IdempotencyKey(
            key=key, principal=principal, method=method, path=path, body_hash=digest, status=status,
            response=result, created_at=utcnow(),
        )
    )  # fmt: skip
    try:
        session.commit()
    except IntegrityError:  # a concurrent retry with the same key won: replay its response
        session.rollback()
        stored = _stored(session, principal, key, method, path, digest)
        if stored is None:
            raise
        return stored
    return StoredResponse(status, result, replayed=False)
