"""Invitations: high-entropy bearer tokens shown once, stored as SHA-256, expiring and revocable.

The plain token (``secrets.token_urlsafe(32)``, 256 bits) is returned by :func:`create_invitations` and never
stored. :func:`resolve_invitation` raises the same :class:`InvitationInvalid` for an unknown, expired or
revoked token, so a caller cannot tell which (delphi.md §5).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Expert, Invitation
from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import as_utc, get_survey, now_utc
from foresight.delphi.service.errors import (
    ConflictError,
    FieldError,
    InvalidInput,
    InvitationInvalid,
    NotFoundError,
)

TOKEN_BYTES = 32
TOUCH_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most once a minute per invitation


def hash_token(token: str) -> str:
    """SHA-256 (hex) of a token, as stored in ``invitations.token_hash``."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str


def create_invitations(
    session: Session,
    survey_id: int,
    expert_ids: Sequence[int],
    actor: str,
    *,
    expires_days: int = 30,
    now: datetime | None = None,
) -> list[IssuedInvitation]:
    """Invite experts; an expert's earlier active invitation to the survey is revoked (a re-send).

    Returns the invitations with their plain tokens — the only time they exist outside the recipient.
    """
    survey = get_survey(session, survey_id)
    if survey.status == "closed":
        raise ConflictError(f"survey {survey.id} is closed")
    if not 1 <= expires_days <= 366:
        raise InvalidInput([FieldError("expires_days", "must be between 1 and 366")])
    unique_ids = list(dict.fromkeys(expert_ids))
    found = {e.id for e in session.scalars(select(Expert).where(Expert.id.in_(unique_ids)))}
    missing = [i for i in unique_ids if i not in found]
    if missing:
        raise InvalidInput([FieldError("expert_ids", f"no expert with id {i}") for i in missing])
    at = now_utc(now)
    earlier = session.scalars(
        select(Invitation).where(
            Invitation.survey_id == survey.id,
            Invitation.expert_id.in_(unique_ids),
            Invitation.revoked_at.is_(None),
        )
    )
    resent = []
    for old in earlier:
        old.revoked_at = at
        resent.append(old.expert_id)
    issued = []
    for expert_id in unique_ids:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitation = Invitation(
            survey_id=survey.id,
            expert_id=expert_id,
            token_hash=hash_token(token),
            created_by=actor,
            created_at=at,
            expires_at=at + timedelta(days=expires_days),
        )
        session.add(invitation)
        issued.append(IssuedInvitation(invitation, token))
    session.flush()
    record_event(
        session,
        actor,
        "invitation.issue",
        f"survey:{survey.id}",
        {"experts": unique_ids, "resent_to": sorted(set(resent)), "expires_days": expires_days},
        now=at,
    )
    return issued


def resolve_invitation(
    session: Session, token: str, *, now: datetime | None = None, touch: bool = True
) -> Invitation:
    """The invitation of a valid token, or :class:`InvitationInvalid` (same error whatever the reason)."""
    if not token or len(token) > 200:
        raise InvitationInvalid()
    digest = hash_token(token)
    invitation = session.scalar(select(Invitation).where(Invitation.token_hash == digest))
    at = now_utc(now)
    if (
        invitation is None
        or not hmac.compare_digest(invitation.token_hash, digest)
        or invitation.revoked_at is not None
        or as_utc(invitation.expires_at) <= at
    ):
        raise InvitationInvalid()
    if touch and (invitation.last_used_at is None or at - as_utc(invitation.last_used_at) >= TOUCH_INTERVAL):
        invitation.last_used_at = at
    return invitation


def revoke_invitation(
    session: Session, invitation_id: int, actor: str, *, now: datetime | None = None
) -> Invitation:
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFoundError(f"invitation {invitation_id} does not exist")
    if invitation.revoked_at is None:
        invitation.revoked_at = now_utc(now)
        record_event(
            session,
            actor,
            "invitation.revoke",
            f"invitation:{invitation.id}",
            {"survey_id": invitation.survey_id, "expert_id": invitation.expert_id},
        )
    return invitation


def invitation_state(invitation: Invitation, now: datetime | None = None) -> str:
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if as_utc(invitation.expires_at) <= now_utc(now) else "active"


def invitation_out(invitation: Invitation, now: datetime | None = None) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return as_utc(value).isoformat() if value else None

    return {
        "id": invitation.id,
        "survey_id": invitation.survey_id,
        "expert_id": invitation.expert_id,
        "state": invitation_state(invitation, now),
        "created_at": iso(invitation.created_at),
        "expires_at": iso(invitation.expires_at),
        "revoked_at": iso(invitation.revoked_at),
        "last_used_at": iso(invitation.last_used_at),
    }


def list_invitations(session: Session, survey_id: int) -> list[Invitation]:
    get_survey(session, survey_id)
    return list(
        session.scalars(select(Invitation).where(Invitation.survey_id == survey_id).order_by(Invitation.id))
    )


def active_invitations(session: Session, survey_id: int, now: datetime | None = None) -> list[Invitation]:
    at = now_utc(now)
    return [i for i in list_invitations(session, survey_id) if invitation_state(i, at) == "active"]
