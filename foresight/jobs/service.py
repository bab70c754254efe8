"""Background jobs: a row per job (queued → running → succeeded | failed), executed by :class:`JobRunner`.

Each job runs in a worker thread with its own sessions: its status, progress and result are committed as
it goes, so ``GET /jobs/{id}`` from any worker sees them. A process that stops mid-job leaves the row
"running"; :func:`mark_interrupted`, called when the API starts, marks such rows failed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, update

from foresight.db.base import utcnow
from foresight.db.models import Job
from foresight.db.session import session_scope
from foresight.settings import Settings
from foresight.themes.queries import NotFoundError

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted by a restart"
Progress = Callable[[dict[str, Any]], None]
Worker = Callable[[Engine, Settings, dict[str, Any], Progress], dict[str, Any]]


class JobError(ValueError):
    """A job request that cannot run (bad path, bad parameters)."""


def job_row(job: Job) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "params": job.params,
        "result": job.result,
        "error": job.error,
        "created_by": job.created_by,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
    }


def create_job(session: Any, kind: str, params: dict[str, Any], created_by: str) -> Job:
    job = Job(kind=kind, status="queued", params=params, progress={}, result={}, created_by=created_by)
    job.created_at = utcnow()
    session.add(job)
    session.flush()
    return job


def get_job(session: Any, job_id: int) -> Job:
    job: Job | None = session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"job {job_id} does not exist")
    return job


def mark_interrupted(engine: Engine) -> int:
    """Mark every job still "running" (or "queued": the pool that held it is gone) as failed."""
    with session_scope(engine) as session:
        result = session.execute(
            update(Job)
            .where(Job.status.in_(("running", "queued")))
            .values(status="failed", error=INTERRUPTED, finished_at=utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)


def resolve_data_path(settings: Settings, path: str) -> Path:
    """``path`` (relative to the data folder, or absolute inside it) as a file inside the data folder."""
    root = settings.data_dir.resolve()
    if "\x00" in path:
        raise JobError("a path cannot contain a NUL character")
    candidate = Path(path)
    full = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if not full.is_relative_to(root):
        raise JobError(f"{path!r} is outside the data folder")
    if not full.is_file():
        raise JobError(f"{path!r} is not a file in the data folder")
    return full


def run_import(
    engine: Engine, settings: Settings, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    from foresight.ingest.service import import_file

    path = resolve_data_path(settings, str(params["path"]))
    with session_scope(engine) as session:
        report = import_file(
            session, path, fmt=params.get("format"), skip_bad_rows=bool(params.get("skip_bad_rows")),
            on_progress=lambda n: progress({"records": n}),
        )  # fmt: skip
    return report.as_dict()


def run_analysis_job(
    engine: Engine, settings: Settings, params: dict[str, Any], progress: Progress
) -> dict[str, Any]:
    from foresight.themes.runs import AnalysisOptions, CorpusFilter, run_analysis

    filters = CorpusFilter(
        since=date.fromisoformat(params["since"]) if params.get("since") else None,
        until=date.fromisoformat(params["until"]) if params.get("until") else None,
        kinds=tuple(params.get("kinds") or ()),
        languages=tuple(params.get("languages") or ()),
    )
    options = AnalysisOptions(
        filters=filters,
        representation=params.get("representation") or "auto",
        min_cluster_size=params.get("min_cluster_size"),
        seed=int(params.get("seed", 42)),
        label=params.get("label"),
    )
    result = run_analysis(
        engine,
        settings,
        options,
        on_step=lambda step, done, total: progress({"step": step, "done": done, "total": total}),
    )
    return asdict(result)


WORKERS: dict[str, Worker] = {"import": run_import, "analysis": run_analysis_job}


class JobRunner:
    """A small thread pool executing jobs; one per API process."""

    def __init__(self, engine: Engine, settings: Settings, max_workers: int = 2) -> None:
        self.engine = engine
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="foresight-job")
        self._futures: dict[int, Future[None]] = {}
        self._live: dict[int, dict[str, Any]] = {}
        self._lock = threading.Lock()
        # SQLite has one writer: a progress write would wait for the job's own open transaction
        self._persist_progress = engine.dialect.name != "sqlite"

    def live_progress(self, job_id: int) -> dict[str, Any] | None:
        """The latest progress of a job running in this process (fresher than the stored one)."""
        with self._lock:
            state = self._live.get(job_id)
            return dict(state) if state is not None else None

    def submit(self, job_id: int, kind: str) -> Future[None]:
        future = self._pool.submit(self._run, job_id, WORKERS[kind])
        with self._lock:
            self._futures[job_id] = future
        return future

    def wait(self, job_id: int, timeout: float | None = None) -> None:
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.result(timeout)

    def shutdown(self, wait: bool = True) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _set(self, job_id: int, **values: Any) -> None:
        with session_scope(self.engine) as session:
            session.execute(update(Job).where(Job.id == job_id).values(**values))

    def _run(self, job_id: int, worker: Worker) -> None:
        with session_scope(self.engine) as session:
            params = dict(get_job(session, job_id).params)
        self._set(job_id, status="running", started_at=utcnow())
        last = 0.0

        def progress(state: dict[str, Any]) -> None:
            nonlocal last
            with self._lock:
                self._live[job_id] = dict(state)
            now = time.monotonic()
            if self._persist_progress and now - last >= 0.5:  # at most two writes a second
                last = now
                self._set(job_id, progress=state)

        try:
            result = worker(self.engine, self.settings, params, progress)
        except Exception as exc:  # the job fails, the pool lives on
            log.exception("job %s failed", job_id)
            self._set(
                job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow(),
                progress=self.live_progress(job_id) or {},
            )  # fmt: skip
        else:
            self._set(
                job_id, status="succeeded", result=result, progress={"done": True}, finished_at=utcnow()
            )
        finally:
            with self._lock:
                self._live.pop(job_id, None)
