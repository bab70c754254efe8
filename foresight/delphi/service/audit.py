"""The append-only, hash-chained audit log (delphi.md §5): who did what to which target, and when.

Each event stores the SHA-256 of the previous event's hash and its own canonical content, so editing or
deleting a past event breaks the chain (:func:`verify_chain`). On PostgreSQL a transaction-scoped
advisory lock serializes appends; SQLite serializes writers itself.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from foresight.db.models import AuditEvent
from foresight.delphi.service.common import as_utc, canonical_json, now_utc, sha256_hex

_ADVISORY_LOCK_KEY = 0x46_4F_52_41  # "FORA"


def _event_hash(
    prev_hash: str | None, at: datetime, actor: str, action: str, target: str, details: Any
) -> str:
    payload = {
        "prev": prev_hash,
        "at": as_utc(at).isoformat(),
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
    }
    return sha256_hex(canonical_json(payload))


def record_event(
    session: Session,
    actor: str,
    action: str,
    target: str = "",
    details: dict[str, Any] | None = None,
    *,
    now: datetime | None = None,
) -> AuditEvent:
    """Append an event (flushed, not committed: it commits or rolls back with the action it records).

    Parameters
    ----------
    actor
        Who acted, e.g. ``admin``, ``cli:alice``, ``expert:12``.
    action
        Dotted verb, e.g. ``survey.create``, ``round.open``, ``results.export``, ``expert.impersonate``.
    target
        What was acted on, e.g. ``survey:3``.
    details
        JSON-compatible facts worth keeping (never secrets or tokens).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
    prev = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    at = now_utc(now)
    clean = orjson_roundtrip(details or {})
    event = AuditEvent(
        at=at,
        actor=actor,
        action=action,
        target=target,
        details=clean,
        prev_hash=prev,
        hash=_event_hash(prev, at, actor, action, target, clean),
    )
    session.add(event)
    session.flush()
    return event


def orjson_roundtrip(value: Any) -> Any:
    """The value as the JSON column will give it back (so the hash can be recomputed from the row)."""
    return orjson.loads(canonical_json(value))


def list_events(
    session: Session, *, action: str | None = None, target: str | None = None, limit: int = 200
) -> list[AuditEvent]:
    """Newest first, optionally filtered by action (prefix match, e.g. ``round.``) or exact target."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        stmt = stmt.where(AuditEvent.action.startswith(action))
    if target:
        stmt = stmt.where(AuditEvent.target == target)
    return list(session.scalars(stmt))


def event_out(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": as_utc(event.at).isoformat(),
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "details": event.details,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
    }


def verify_chain(session: Session) -> int | None:
    """Id of the first event whose hash or link does not verify; ``None`` if the whole chain holds."""
    prev: str | None = None
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        expected = _event_hash(
            event.prev_hash, event.at, event.actor, event.action, event.target, event.details
        )
        if event.prev_hash != prev or event.hash != expected:
            return event.id
        prev = event.hash
    return None
