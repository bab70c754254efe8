"""Authentication of the analysis API: ``Authorization: Bearer <API key>`` (or the admin token).

Experts' invitation tokens give no access here: they are neither API keys nor the admin token, so they get
401 like any unknown token.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import DbDep, Principal, Role, SettingsDep, authenticate, bearer_token
from foresight.apikeys import resolve_key

api_key_bearer = HTTPBearer(
    auto_error=False, scheme_name="ApiKey", description="An API key (`foresight keys create`)"
)
ApiKeyCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(api_key_bearer)]

ALL_STAFF = (Role.ADMIN, Role.ANALYST, Role.PLANNER)


class RequireRole:
    """Dependency: the calling principal, 401 without a valid key, 403 when its role is not allowed."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles or ALL_STAFF)

    def __call__(self, request: Request, db: DbDep, settings: SettingsDep, _: ApiKeyCredentials) -> Principal:
        principal = authenticate(request, settings)
        if principal is None:
            token = bearer_token(request)
            key = resolve_key(db, token) if token else None
            if key is None:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED,
                    "Send 'Authorization: Bearer <API key>' with a valid, unrevoked key.",
                    headers={"WWW-Authenticate": "Bearer"},
                )
            if db.dirty:  # last_used_at moved (at most once a minute)
                db.commit()
            principal = Principal(actor=key.name, role=Role(key.role))
        if principal.role not in self.roles:
            allowed = ", ".join(sorted(self.roles))
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"the {principal.role} role may not do this ({allowed})"
            )
        return principal


def require_role(*roles: Role) -> RequireRole:
    """``Depends(require_role(Role.ANALYST))``: any of ``roles`` (admins always pass; none = any staff)."""
    return RequireRole(*((*roles, Role.ADMIN) if roles else ()))


ReaderDep = Annotated[Principal, Depends(require_role())]
AnalystDep = Annotated[Principal, Depends(require_role(Role.ANALYST))]
AdminDep = Annotated[Principal, Depends(require_role(Role.ADMIN))]
