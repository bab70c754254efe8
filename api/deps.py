"""Dependencies: injected settings, the database session, the server secret, and who is calling.

Roles (admin, analyst, planner, expert) and their permissions are declared here; today an admin
authenticates with ``FORESIGHT_ADMIN_TOKEN`` and an expert with an invitation token. API keys for the other
roles plug into :func:`authenticate` later without touching the routers.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from foresight.db.models import Invitation
from foresight.db.session import session_factory
from foresight.delphi.service.invitations import resolve_invitation
from foresight.settings import Settings
from foresight.settings import get_settings as read_settings
from foresight.store import open_store

log = logging.getLogger(__name__)


async def get_settings() -> Settings:
    """Settings of this request; :func:`api.main.create_app` overrides it with the injected settings.

    Cheap dependencies are ``async`` so that FastAPI does not send them to the thread pool.
    """
    return read_settings()


SettingsDep = Annotated[Settings, Depends(get_settings)]


class EngineRegistry:
    """One engine (migrated on first use) per database URL, shared by the app's requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engines: dict[str, tuple[Engine, sessionmaker[Session]]] = {}

    def get(self, settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
        url = settings.resolved_database_url
        with self._lock:
            if url not in self._engines:
                engine = open_store(settings)
                self._engines[url] = (engine, session_factory(engine))
            return self._engines[url]

    def dispose(self) -> None:
        with self._lock:
            for engine, _ in self._engines.values():
                engine.dispose()
            self._engines.clear()


def get_db(request: Request, settings: SettingsDep) -> Iterator[Session]:
    """A session per request; routers commit at their boundary, anything uncommitted is rolled back."""
    _, factory = request.app.state.engines.get(settings)
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


DbDep = Annotated[Session, Depends(get_db)]


async def get_secret(request: Request, settings: SettingsDep) -> bytes:
    """The server secret (CSRF tokens, pseudonyms). Without ``FORESIGHT_SECRET_KEY`` a random one is made
    per app — pseudonyms then change when the server restarts."""
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value().encode()
        if len(key) < 16:
            raise HTTPException(
                status.HTTP_500_INTERNAL_SERVER_ERROR, "FORESIGHT_SECRET_KEY is shorter than 16 bytes"
            )
        return key
    state = request.app.state
    if getattr(state, "ephemeral_secret", None) is None:
        log.warning("FORESIGHT_SECRET_KEY is not set; using a random secret until the server stops")
        state.ephemeral_secret = secrets.token_bytes(32)
    secret: bytes = state.ephemeral_secret
    return secret


SecretDep = Annotated[bytes, Depends(get_secret)]


class Role(StrEnum):
    ADMIN = "admin"
    ANALYST = "analyst"
    PLANNER = "planner"
    EXPERT = "expert"


PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {"panel", "surveys", "rounds", "invitations", "results", "export", "audit", "impersonate", "outbox"}
    ),
    Role.ANALYST: frozenset({"surveys", "results"}),
    Role.PLANNER: frozenset({"results", "export"}),
    Role.EXPERT: frozenset(),
}


@dataclass(frozen=True)
class Principal:
    """Who is calling: an ``actor`` name for the audit log and a role."""

    actor: str
    role: Role

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticate(request: Request, settings: Settings) -> Principal | None:
    """The staff principal of a request (admin token today; API keys of other roles later)."""
    token = bearer_token(request) or request.headers.get("x-admin-token")
    if token and settings.admin_token is not None:
        expected = settings.admin_token.get_secret_value()
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            return Principal(actor="admin", role=Role.ADMIN)
    return None


#: OpenAPI security schemes (the "Authorize" button of /docs); the tokens themselves are checked below.
admin_bearer = HTTPBearer(auto_error=False, scheme_name="AdminToken", description="FORESIGHT_ADMIN_TOKEN")
invitation_bearer = HTTPBearer(
    auto_error=False, scheme_name="InvitationToken", description="The token of an expert's invitation link"
)
AdminCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)]
InvitationCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(invitation_bearer)]


class Permission:
    """Dependency requiring a permission: 401 without valid credentials, 403 without the permission."""

    def __init__(self, permission: str) -> None:
        self.permission = permission

    async def __call__(self, request: Request, settings: SettingsDep, _: AdminCredentials) -> Principal:
        principal = authenticate(request, settings)
        if principal is None:
            detail = "Send 'Authorization: Bearer <admin token>'."
            if settings.admin_token is None:
                detail = "The admin API is disabled: set FORESIGHT_ADMIN_TOKEN."
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})
        if not principal.can(self.permission):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"the {principal.role} role may not {self.permission}"
            )
        return principal


def expert_invitation(db: DbDep, request: Request, _: InvitationCredentials) -> Invitation:
    """The invitation behind ``Authorization: Bearer <invitation token>`` (401 if unknown/expired/revoked)."""
    token = bearer_token(request) or request.headers.get("x-invitation-token") or ""
    return touched_invitation(db, token)


def touched_invitation(db: Session, token: str) -> Invitation:
    invitation = resolve_invitation(db, token)
    if db.dirty:  # last_used_at moved (at most once a minute)
        db.commit()
    return invitation


ExpertDep = Annotated[Invitation, Depends(expert_invitation)]
