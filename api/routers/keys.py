"""API keys over HTTP (admin): create (the key is shown once), list, revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.auth_keys import AdminDep
from api.deps import DbDep
from api.routers.analysis_errors import PROBLEM_RESPONSES
from foresight.apikeys import create_key, key_row, list_keys, revoke_key

router = APIRouter(prefix="/api/v1/keys", tags=["keys"], responses=PROBLEM_RESPONSES)


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    role: str = Field(pattern="^(analyst|planner|admin)$")


@router.post("", status_code=201, summary="Create a key; the response is the only time it is shown")
def create(body: KeyIn, db: DbDep, _: AdminDep) -> dict[str, Any]:
    key, secret = create_key(db, body.name, body.role)
    db.commit()
    return {**key_row(key), "key": secret}


@router.get("", summary="Keys (never their secrets)")
def keys(db: DbDep, _: AdminDep) -> list[dict[str, Any]]:
    return list_keys(db)


@router.delete("/{name_or_id}", summary="Revoke a key")
def revoke(name_or_id: str, db: DbDep, _: AdminDep) -> dict[str, Any]:
    key = revoke_key(db, name_or_id)
    db.commit()
    return key_row(key)
