"""Read stored priority lists and export them (by file extension). Services take a Session, never commit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models.priorities import PriorityListRecord
from foresight.delphi.service.errors import FieldError, InvalidInput, NotFoundError
from foresight.priorities.exports import write_csv, write_json, write_xlsx
from foresight.priorities.model import PriorityList
from foresight.priorities.report import write_report

EXPORT_FORMATS = ("csv", "xlsx", "json", "md", "html")


def latest_list(session: Session, survey_id: int | None = None) -> PriorityListRecord | None:
    """The most recently built list (of one survey when ``survey_id`` is given)."""
    stmt = select(PriorityListRecord)
    if survey_id is not None:
        stmt = stmt.where(PriorityListRecord.survey_id == survey_id)
    return session.scalars(stmt.order_by(PriorityListRecord.id.desc()).limit(1)).first()


def get_list(session: Session, list_id: int | None = None) -> PriorityListRecord:
    """A stored list by id (default: the latest one). Raises NotFoundError."""
    record = session.get(PriorityListRecord, list_id) if list_id is not None else latest_list(session)
    if record is None:
        raise NotFoundError(f"priority list {list_id} does not exist" if list_id else "no priority list yet")
    return record


def list_lists(session: Session, survey_id: int | None = None) -> list[PriorityListRecord]:
    stmt = select(PriorityListRecord)
    if survey_id is not None:
        stmt = stmt.where(PriorityListRecord.survey_id == survey_id)
    return list(session.scalars(stmt.order_by(PriorityListRecord.id)))


def priority_list(record: PriorityListRecord) -> PriorityList:
    """The stored :class:`PriorityList` (validated again from its JSON)."""
    return PriorityList.model_validate(record.result)


def summary(record: PriorityListRecord) -> dict[str, Any]:
    """The list's metadata without the full result."""
    return {
        "id": record.id,
        "survey_id": record.survey_id,
        "run_id": record.run_id,
        "name": record.name,
        "preset": record.preset,
        "weights": record.weights,
        "created_by": record.created_by,
        "created_at": record.created_at.isoformat(),
        "previous_list_id": record.previous_list_id,
        "fingerprint": record.fingerprint,
        "n_entries": record.n_entries,
    }


def export_priority_list(session: Session, list_id: int | None, path: str | Path) -> list[Path]:
    """Write the list to ``path`` in the format of its extension (.csv .xlsx .json .md .html).

    ``.md`` / ``.html`` write the report (both files, with the portfolio charts) into ``path``'s folder and
    diff against ``previous_list_id`` when set. Returns the files written, the requested one first.
    """
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        message = f"unknown export format {p.suffix!r}; use one of {', '.join(EXPORT_FORMATS)}"
        raise InvalidInput([FieldError("path", message)])
    record = get_list(session, list_id)
    plist = priority_list(record)
    if fmt == "csv":
        return [write_csv(plist, p)]
    if fmt == "xlsx":
        return [write_xlsx(plist, p)]
    if fmt == "json":
        return [write_json(plist, p)]
    previous = None
    if record.previous_list_id is not None:
        prev = session.get(PriorityListRecord, record.previous_list_id)
        previous = priority_list(prev) if prev is not None else None
    files = write_report(plist, p.parent, previous=previous, title=record.name, basename=p.stem)
    first, second = (files.markdown, files.html) if fmt == "md" else (files.html, files.markdown)
    return [first, second, *(c.path for c in files.charts)]
