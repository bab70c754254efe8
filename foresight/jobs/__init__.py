"""Background jobs (imports, analyses) run in a thread pool of the API process, recorded in ``jobs``."""

from foresight.jobs.service import (
    INTERRUPTED,
    JobError,
    JobRunner,
    create_job,
    get_job,
    job_row,
    mark_interrupted,
    resolve_data_path,
)

__all__ = [
    "INTERRUPTED",
    "JobError",
    "JobRunner",
    "create_job",
    "get_job",
    "job_row",
    "mark_interrupted",
    "resolve_data_path",
]
