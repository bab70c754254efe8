"""Background jobs over HTTP: start an import or an analysis (202 with the job at once), poll its status."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, File, HTTPException, Request, UploadFile, status
from pydantic import BaseModel, Field, field_validator

from api.auth_keys import AnalystDep, ReaderDep
from api.deps import DbDep, SettingsDep
from api.routers.analysis_errors import PROBLEM_RESPONSES
from api.routers.params import PathId
from foresight.jobs import (
    JobError,
    JobRunner,
    create_job,
    get_job,
    job_row,
    mark_interrupted,
    resolve_data_path,
)
from foresight.settings import Settings

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=PROBLEM_RESPONSES)


def start_jobs(app: FastAPI, settings: Settings) -> None:
    """At startup: fail the jobs a previous process left running, then start this process's pool."""
    engine, _ = app.state.engines.get(settings)
    mark_interrupted(engine)
    app.state.jobs = JobRunner(engine, settings)


def stop_jobs(app: FastAPI) -> None:
    runner: JobRunner | None = getattr(app.state, "jobs", None)
    if runner is not None:
        runner.shutdown(wait=True)


class ImportIn(BaseModel):
    path: str = Field(min_length=1, max_length=1000, description="A file under the server's data folder")
    format: str | None = Field(default=None, max_length=40)
    skip_bad_rows: bool = False


class AnalysisIn(BaseModel):
    label: str | None = Field(default=None, max_length=200)
    since: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    until: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    kinds: list[str] = Field(default_factory=list)

    languages: list[str] = Field(default_factory=list)
    representation: str = Field(default="auto", pattern="^(auto|neural|lexical|fused)$")
    min_cluster_size: int | None = Field(default=None, ge=2, le=100_000)
    seed: int = Field(default=42, ge=0, le=2**32 - 1)

    @field_validator("since", "until")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            date.fromisoformat(value)  # "2020-13-45" → ValueError → 422 naming the field
        return value


def _start(request: Request, db: DbDep, kind: str, params: dict[str, Any], actor: str) -> dict[str, Any]:
    job = create_job(db, kind, params, actor)
    db.commit()
    runner: JobRunner = request.app.state.jobs
    runner.submit(job.id, kind)
    return job_row(job)


def _checked_path(settings: Settings, path: str) -> None:
    try:
        resolve_data_path(settings, path)
    except JobError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc


@router.post("/import", status_code=202, summary="Import a file from the server's data folder")
def start_import(
    body: ImportIn, request: Request, db: DbDep, settings: SettingsDep, who: AnalystDep
) -> dict[str, Any]:
    _checked_path(settings, body.path)
    return _start(request, db, "import", body.model_dump(), who.actor)


@router.post("/import/upload", status_code=202, summary="Upload a file and import it")
def upload_import(
    file: Annotated[UploadFile, File(description="An export file (JSONL, RIS, BibTeX, CSV …)")],
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    who: AnalystDep,
) -> dict[str, Any]:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", file.filename or "upload")[-100:]
    relative = f"uploads/{uuid.uuid4().hex}_{name}"
    target = settings.data_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            out.write(chunk)
    return _start(
        request, db, "import", {"path": relative, "format": None, "skip_bad_rows": False}, who.actor
    )


@router.post("/analysis", status_code=202, summary="Run an analysis of the corpus")
def start_analysis(body: AnalysisIn, request: Request, db: DbDep, who: AnalystDep) -> dict[str, Any]:
    return _start(request, db, "analysis", body.model_dump(), who.actor)


@router.get("/{job_id}", summary="A job's status, progress, result or error")
def job(job_id: PathId, request: Request, db: DbDep, _: ReaderDep) -> dict[str, Any]:
    row = job_row(get_job(db, job_id))
    runner: JobRunner | None = getattr(request.app.state, "jobs", None)
    live = runner.live_progress(job_id) if runner is not None and row["status"] == "running" else None
    return {**row, "progress": live} if live is not None else row
