"""Curation over HTTP (analysts): every operation with ``actor`` = the key's name and a required reason.

Optimistic concurrency: theme operations carry ``expected_version`` (one version, or ``{theme id:
version}``); a stale one gets 409 with the ``current`` state. A retried request with the same
``Idempotency-Key`` header returns the stored response without applying the operation again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.auth_keys import AnalystDep, ReaderDep
from api.deps import DbDep, Principal
from api.errors import problem
from api.routers.analysis_errors import PROBLEM_RESPONSES
from api.routers.params import BodyId, PathId
from foresight import curation
from foresight.apikeys.idempotency import IdempotencyMismatch, run_once
from foresight.curation import OpResult

router = APIRouter(prefix="/api/v1", tags=["curation"], responses=PROBLEM_RESPONSES)

IdempotencyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=255, description="Retry-safe key of this request"),
]
Versions = int | dict[int, int] | None
NodeRef = BodyId | Annotated[str, Field(min_length=1, max_length=200)]


class Why(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Why: recorded in the curation log")


class Versioned(Why):
    expected_version: Versions = Field(default=None, description="version, or {theme id: version}")

    def versions(self) -> int | dict[int, int] | None:
        v = self.expected_version
        return dict(v) if isinstance(v, dict) else v


class RelabelIn(Versioned):
    label_en: str | None = Field(default=None, max_length=500)
    label_zh: str | None = Field(default=None, max_length=500)


class ThemesIn(Versioned):
    theme_ids: list[BodyId] = Field(min_length=1, max_length=1000)


class HideIn(ThemesIn):
    hidden: bool = True


class MergeIn(ThemesIn):
    label_en: str | None = Field(default=None, max_length=500)
    label_zh: str | None = Field(default=None, max_length=500)


class SplitIn(Versioned):
    parts: list[list[BodyId]] | None = Field(default=None, max_length=50)
    n_parts: int | None = Field(default=None, ge=2, le=50)
    seed: int = Field(default=0, ge=0, le=2**32 - 1)


class MoveIn(Versioned):
    documents: list[BodyId] = Field(min_length=1, max_length=100_000)
    target_id: BodyId


class EdgeIn(Why):
    source: NodeRef
    target: NodeRef
    edge_type: str = Field(min_length=1, max_length=40)


class LinkIn(EdgeIn):
    weight: float = 1.0


class NoteIn(Why):
    target: NodeRef
    note: str = Field(min_length=1, max_length=5000)


class FlagIn(Why):
    target: NodeRef
    flagged: bool = True


class HistoryIn(Why):
    op_id: BodyId | None = None


def begin_write(db: Session) -> None:
    """Take the write lock first on SQLite, so reading a version and writing it are one serial step
    (PostgreSQL locks the theme rows with ``SELECT … FOR UPDATE`` inside the operation)."""
    if db.get_bind().dialect.name == "sqlite":
        db.commit()
        db.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _apply(
    request: Request,
    db: Session,
    who: Principal,
    key: str | None,
    body: BaseModel,
    op: Callable[[], OpResult],
) -> JSONResponse:
    def run() -> dict[str, Any]:
        begin_write(db)
        return asdict(op())

    try:
        stored = run_once(
            db, principal=who.actor, key=key, method=request.method, path=request.url.path,
            body=body.model_dump(mode="json"), apply=run,
        )  # fmt: skip
    except IdempotencyMismatch as exc:
        db.rollback()
        return problem(422, str(exc), type_="/problems/idempotency-key-reused")
    headers = {"Idempotent-Replayed": "true"} if stored.replayed else None
    return JSONResponse(stored.body, status_code=stored.status, headers=headers)


@router.post("/themes/{theme_id}/relabel", summary="Relabel a theme")
def relabel(
    theme_id: PathId,
    body: RelabelIn,
    request: Request,
    db: DbDep,
    who: AnalystDep,
    key: IdempotencyHeader = None,
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.relabel(
        db, theme_id, label_en=body.label_en, label_zh=body.label_zh, actor=who.actor, reason=body.reason,
        expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/themes/hide", summary="Hide (or show) themes")
def hide(
    body: HideIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.hide(
        db, body.theme_ids, hidden=body.hidden, actor=who.actor, reason=body.reason,
        expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/themes/delete", summary="Delete (retire) themes")
def delete(
    body: ThemesIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.delete(
        db, body.theme_ids, actor=who.actor, reason=body.reason, expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/themes/merge", summary="Merge themes into a new one")
def merge(
    body: MergeIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.merge(
        db, body.theme_ids, label_en=body.label_en, label_zh=body.label_zh, actor=who.actor,
        reason=body.reason, expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/themes/{theme_id}/split", summary="Split a theme (hand-assigned parts or re-clustering)")
def split(
    theme_id: PathId,
    body: SplitIn,
    request: Request,
    db: DbDep,
    who: AnalystDep,
    key: IdempotencyHeader = None,
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.split(
        db, theme_id, body.parts, n_parts=body.n_parts, seed=body.seed, actor=who.actor,
        reason=body.reason, expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/themes/{theme_id}/move-documents", summary="Move documents to another theme")
def move_documents(
    theme_id: PathId,
    body: MoveIn,
    request: Request,
    db: DbDep,
    who: AnalystDep,
    key: IdempotencyHeader = None,
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.move_documents(
        db, body.documents, theme_id, body.target_id, actor=who.actor, reason=body.reason,
        expected_version=body.versions(),
    ))  # fmt: skip


@router.post("/runs/{run_id}/links", summary="Add an edge to the run's graph")
def link(
    run_id: PathId, body: LinkIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.link(
        db, body.source, body.target, body.edge_type, weight=body.weight, actor=who.actor,
        reason=body.reason, run_id=run_id,
    ))  # fmt: skip


@router.post("/runs/{run_id}/unlink", summary="Remove (or suppress) an edge of the run's graph")
def unlink(
    run_id: PathId, body: EdgeIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.unlink(
        db, body.source, body.target, body.edge_type, actor=who.actor, reason=body.reason, run_id=run_id,
    ))  # fmt: skip


@router.post("/runs/{run_id}/annotations", summary="Attach a note to a theme or node")
def annotate(
    run_id: PathId, body: NoteIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.annotate(
        db, body.target, body.note, actor=who.actor, reason=body.reason, run_id=run_id,
    ))  # fmt: skip


@router.post("/runs/{run_id}/flags", summary="Flag a theme or node as wrong (or withdraw the flag)")
def flag(
    run_id: PathId, body: FlagIn, request: Request, db: DbDep, who: AnalystDep, key: IdempotencyHeader = None
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.flag(
        db, body.target, reason=body.reason, flagged=body.flagged, actor=who.actor, run_id=run_id,
    ))  # fmt: skip


@router.post("/runs/{run_id}/undo", summary="Undo an operation (default: the latest in effect)")
def undo(
    run_id: PathId,
    body: HistoryIn,
    request: Request,
    db: DbDep,
    who: AnalystDep,
    key: IdempotencyHeader = None,
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.undo(
        db, body.op_id, run_id=run_id, actor=who.actor, reason=body.reason,
    ))  # fmt: skip


@router.post("/runs/{run_id}/redo", summary="Redo an undone operation (default: the latest undone)")
def redo(
    run_id: PathId,
    body: HistoryIn,
    request: Request,
    db: DbDep,
    who: AnalystDep,
    key: IdempotencyHeader = None,
) -> JSONResponse:
    return _apply(request, db, who, key, body, lambda: curation.redo(
        db, body.op_id, run_id=run_id, actor=who.actor, reason=body.reason,
    ))  # fmt: skip


@router.get("/runs/{run_id}/curation-log", summary="The run's curation log, oldest first")
def curation_log(
    run_id: PathId, db: DbDep, _: ReaderDep, limit: Annotated[int | None, Query(ge=1, le=100_000)] = None
) -> list[dict[str, Any]]:
    return curation.log(db, run_id, limit=limit)
