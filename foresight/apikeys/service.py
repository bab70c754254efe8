"""API keys: random bearer secrets of which only the SHA-256 is stored.

A key looks like ``fsk_<43 url-safe characters>``; its first 12 characters are kept as ``prefix`` so a
list can show which key is which without revealing it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.base import utcnow
from foresight.db.models import ApiKey
from foresight.db.models.access import API_ROLES

KEY_PREFIX = "fsk_"
#: ``last_used_at`` is written at most this often per key (reads stay cheap).
TOUCH_EVERY = timedelta(minutes=1)


class ApiKeyError(ValueError):
    """A bad request about keys (unknown role, duplicate name, unknown key)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_row(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "role": key.role,
        "prefix": key.prefix,
        "created_at": key.created_at.isoformat() if key.created_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
    }


def create_key(session: Session, name: str, role: str) -> tuple[ApiKey, str]:
    """A new key for ``name`` with ``role``; returns the row and the secret (never stored)."""
    name = name.strip()
    if not name:
        raise ApiKeyError("a key needs a name")
    if role not in API_ROLES:
        raise ApiKeyError(f"role must be one of {', '.join(API_ROLES)}, not {role!r}")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ApiKeyError(f"a key named {name!r} exists already")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, role=role, key_hash=hash_key(secret), prefix=secret[:12], created_at=utcnow())
    session.add(key)
    session.flush()
    return key, secret


def list_keys(session: Session, include_revoked: bool = True) -> list[dict[str, Any]]:
    stmt = select(ApiKey).order_by(ApiKey.id)
    if not include_revoked:
        stmt = stmt.where(ApiKey.revoked_at.is_(None))
    return [key_row(k) for k in session.scalars(stmt)]


def revoke_key(session: Session, name_or_id: str | int) -> ApiKey:
    """Revoke a key by name or id (idempotent: revoking a revoked key keeps its first date)."""
    key: ApiKey | None
    if isinstance(name_or_id, int) or str(name_or_id).isdigit():
        key = session.get(ApiKey, int(name_or_id))
    else:
        key = session.scalar(select(ApiKey).where(ApiKey.name == str(name_or_id)))
    if key is None:
        raise ApiKeyError(f"no key {name_or_id!r}")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def resolve_key(session: Session, secret: str) -> ApiKey | None:
    """The active key behind ``secret`` (``None`` if unknown or revoked); touches ``last_used_at``."""
    if not secret.startswith(KEY_PREFIX):
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))
    if key is None or key.revoked_at is not None:
        return None
    now = datetime.now(UTC)
    last = key.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    if last is None or now - last >= TOUCH_EVERY:
        key.last_used_at = now
    return key
