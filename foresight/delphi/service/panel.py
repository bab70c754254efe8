"""The expert pool (专家库): experts CRUD and bulk import from CSV/XLSX (coverage: :mod:`.coverage`).

Imports accept English or Chinese column headers (``name``/``姓名``, ``email``/``邮箱``,
``organization``/``单位``, ``region``/``地区``, ``stakeholder_group``/``类别``, ``fields``/``领域``,
``languages``/``语言``, ``coi_notes``/``利益冲突``). Lists are separated by ``;``, ``,``, ``、`` or ``|``.
Rows are matched to existing experts by e-mail (case-insensitive) and updated; every rejected row is
reported with its spreadsheet row number.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from foresight.db.models import Comment, Expert, Invitation, Response
from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import as_utc
from foresight.delphi.service.coverage import coverage as coverage  # re-exported: the panel's API
from foresight.delphi.service.errors import ConflictError, FieldError, InvalidInput, NotFoundError

StakeholderGroup = Literal["academia", "industry", "government", "finance", "other"]

_GROUP_ALIASES = {
    "academic": "academia", "university": "academia", "research": "academia", "学术": "academia",
    "高校": "academia", "科研": "academia", "科研院所": "academia", "学术界": "academia",
    "business": "industry", "company": "industry", "企业": "industry", "产业": "industry",
    "产业界": "industry",
    "gov": "government", "public": "government", "政府": "government", "政府部门": "government",
    "investor": "finance", "金融": "finance", "投资": "finance", "金融机构": "finance", "其他": "other",
}  # fmt: skip
_LANGUAGE_ALIASES = {
    "chinese": "zh", "中文": "zh", "汉语": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh_cn": "zh",
    "english": "en", "英文": "en", "英语": "en", "en-us": "en", "en-gb": "en",
}  # fmt: skip
_SPLIT = re.compile(r"\s*[;,、；，|]\s*")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "姓名", "专家姓名"),
    "email": ("email", "e-mail", "mail", "邮箱", "电子邮件", "电子邮箱"),
    "organization": ("organization", "organisation", "affiliation", "单位", "工作单位", "机构"),
    "region": ("region", "country", "地区", "省份", "所在地区"),
    "stakeholder_group": ("stakeholder_group", "group", "sector", "stakeholder", "类别", "部门", "所属部门"),
    "fields": ("fields", "field", "领域", "研究领域", "专业领域"),
    "languages": ("languages", "language", "语言"),
    "coi_notes": ("coi_notes", "coi", "conflicts of interest", "利益冲突"),
}


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = _SPLIT.split(value.strip()) if isinstance(value, str) else [str(v).strip() for v in value]
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)


class _ExpertFields(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @field_validator("email", check_fields=False)
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value.lower()

    @field_validator("stakeholder_group", mode="before", check_fields=False)
    @classmethod
    def _group(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            return _GROUP_ALIASES.get(text.lower(), _GROUP_ALIASES.get(text, text.lower() or "other"))
        return value

    @field_validator("fields", mode="before", check_fields=False)
    @classmethod
    def _fields(cls, value: Any) -> Any:
        return None if value is None else _split(value)

    @field_validator("languages", mode="before", check_fields=False)
    @classmethod
    def _languages(cls, value: Any) -> Any:
        if value is None:
            return None
        return [_LANGUAGE_ALIASES.get(v.lower(), v.lower()) for v in _split(value)]


class ExpertIn(_ExpertFields):
    """A new expert (or a full replacement of one)."""

    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    organization: str | None = Field(default=None, max_length=300)
    region: str | None = Field(default=None, max_length=100)
    stakeholder_group: StakeholderGroup = "other"
    fields: list[str] = []
    languages: list[str] = []
    coi_notes: str | None = Field(default=None, max_length=4000)


class ExpertPatch(_ExpertFields):
    """A partial update; omitted fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    organization: str | None = Field(default=None, max_length=300)
    region: str | None = Field(default=None, max_length=100)
    stakeholder_group: StakeholderGroup | None = None
    fields: list[str] | None = None
    languages: list[str] | None = None
    coi_notes: str | None = Field(default=None, max_length=4000)


def expert_out(expert: Expert) -> dict[str, Any]:
    return {
        "id": expert.id,
        "name": expert.name,
        "email": expert.email,
        "organization": expert.organization,
        "region": expert.region,
        "stakeholder_group": expert.stakeholder_group,
        "fields": expert.fields,
        "languages": expert.languages,
        "coi_notes": expert.coi_notes,
        "created_at": as_utc(expert.created_at).isoformat(),
    }


def get_expert(session: Session, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFoundError(f"expert {expert_id} does not exist")
    return expert


def list_experts(
    session: Session, *, group: str | None = None, field_name: str | None = None
) -> list[Expert]:
    stmt = select(Expert).order_by(Expert.id)
    if group:
        stmt = stmt.where(Expert.stakeholder_group == group)
    experts = list(session.scalars(stmt))
    return [e for e in experts if field_name in e.fields] if field_name else experts


def _email_taken(session: Session, email: str | None, other_than: int | None = None) -> bool:
    if email is None:
        return False
    stmt = select(Expert.id).where(func.lower(Expert.email) == email.lower())
    found = session.scalar(stmt)
    return found is not None and found != other_than


def create_expert(session: Session, data: ExpertIn, actor: str) -> Expert:
    if _email_taken(session, data.email):
        raise ConflictError(f"an expert with e-mail {data.email} already exists")
    expert = Expert(**data.model_dump())
    session.add(expert)
    session.flush()
    record_event(session, actor, "expert.create", f"expert:{expert.id}")
    return expert


def update_expert(session: Session, expert_id: int, patch: ExpertPatch, actor: str) -> Expert:
    expert = get_expert(session, expert_id)
    changes = patch.model_dump(exclude_unset=True)
    if "email" in changes and _email_taken(session, changes["email"], other_than=expert_id):
        raise ConflictError(f"an expert with e-mail {changes['email']} already exists")
    for key, value in changes.items():
        setattr(expert, key, value)
    session.flush()
    record_event(session, actor, "expert.update", f"expert:{expert.id}", {"fields": sorted(changes)})
    return expert


def delete_expert(session: Session, expert_id: int, actor: str) -> Literal["deleted", "erased"]:
    """Delete an expert; one who has answered or commented is *erased* instead (identity removed,
    pseudonymous answers kept, as a consent notice may allow — delphi.md §5)."""
    expert = get_expert(session, expert_id)
    has_votes = session.scalar(select(func.count()).where(Response.expert_id == expert_id)) or 0
    has_comments = session.scalar(select(func.count()).where(Comment.expert_id == expert_id)) or 0
    if has_votes or has_comments:
        expert.name, expert.email, expert.organization = "[erased]", None, None
        expert.region, expert.coi_notes = None, None
        session.execute(delete(Invitation).where(Invitation.expert_id == expert_id))
        outcome: Literal["deleted", "erased"] = "erased"
    else:
        session.delete(expert)
        outcome = "deleted"
    session.flush()
    record_event(
        session, actor, f"expert.{'erase' if outcome == 'erased' else 'delete'}", f"expert:{expert_id}"
    )
    return outcome


# --- bulk import -------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped_blank: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    expert_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped_blank": self.skipped_blank,
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in self.errors],
            "unknown_columns": self.unknown_columns,
            "expert_ids": self.expert_ids,
        }


def _map_headers(headers: list[Any]) -> tuple[dict[int, str], list[str]]:
    lookup = {alias.casefold(): key for key, aliases in HEADER_ALIASES.items() for alias in aliases}
    mapping: dict[int, str] = {}
    unknown: list[str] = []
    for i, raw in enumerate(headers):
        name = "" if raw is None else str(raw).strip().lstrip("\ufeff")
        key = lookup.get(name.casefold())
        if key is not None and key not in mapping.values():
            mapping[i] = key
        elif name:
            unknown.append(name)
    if "name" not in mapping.values():
        raise InvalidInput(
            [FieldError("header", "no 'name' (姓名) column; found: " + ", ".join(map(str, headers)))],
            "The file has no name column.",
        )
    return mapping, unknown


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInput([FieldError("file", "not UTF-8 or GB18030 text")])
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several kinds for a damaged file
        raise InvalidInput(
            [FieldError("file", f"not a readable XLSX workbook ({type(exc).__name__})")]
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_table(content: bytes, filename: str) -> Iterator[list[Any]]:
    """Rows of a CSV (UTF-8 or GB18030, delimiter sniffed) or XLSX file (first sheet), header first."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(content)
    if suffix in (".csv", ".tsv", ".txt"):
        return _csv_rows(content)
    raise InvalidInput([FieldError("file", f"unsupported file type {suffix or '(none)'}; use .csv or .xlsx")])


def import_experts(
    session: Session, content: bytes, filename: str, actor: str, *, strict: bool = False
) -> ImportReport:
    """Create or update experts from a CSV/XLSX table; bad rows are reported by row number, not imported.

    With ``strict`` nothing is written when any row is bad.
    """
    rows = read_table(content, filename)
    header = next(rows, None)
    if header is None:
        raise InvalidInput([FieldError("file", "the file is empty")])
    mapping, unknown = _map_headers(header)
    report = ImportReport(unknown_columns=unknown)
    by_email: dict[str, Expert] = {}
    for known in session.scalars(select(Expert).where(Expert.email.is_not(None))):
        if known.email:
            by_email[known.email.lower()] = known
    seen_emails: dict[str, int] = {}
    accepted: list[tuple[int, ExpertIn]] = []
    for number, row in enumerate(rows, start=2):
        raw = {key: row[i] for i, key in mapping.items() if i < len(row)}
        values = {k: (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
        values = {k: (None if v == "" else v) for k, v in values.items()}
        if all(v is None for v in values.values()):
            report.skipped_blank += 1
            continue
        values = {k: (str(v) if isinstance(v, int | float) else v) for k, v in values.items()}
        try:
            data = ExpertIn.model_validate({k: v for k, v in values.items() if v is not None})
        except ValidationError as exc:
            for err in exc.errors():
                loc = ".".join(str(p) for p in err["loc"]) or "row"
                report.errors.append(RowError(number, loc, str(err["msg"]).removeprefix("Value error, ")))
            continue
        if data.email is not None:
            if data.email in seen_emails:
                report.errors.append(
                    RowError(
                        number, "email", f"{data.email} already appears in row {seen_emails[data.email]}"
                    )
                )
                continue
            seen_emails[data.email] = number
        accepted.append((number, data))
    if strict and report.errors:
        return report
    for _, data in accepted:
        existing = by_email.get(data.email) if data.email else None
        if existing is not None:
            for key, value in data.model_dump().items():
                setattr(existing, key, value)
            report.updated += 1
            report.expert_ids.append(existing.id)
        else:
            expert = Expert(**data.model_dump())
            session.add(expert)
            session.flush()
            report.created += 1
            report.expert_ids.append(expert.id)
    session.flush()
    record_event(
        session,
        actor,
        "expert.import",
        f"file:{PurePath(filename).name}",
        {
            "created": report.created,
            "updated": report.updated,
            "rejected_rows": [e.row for e in report.errors],
        },
    )
    return report
