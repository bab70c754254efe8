"""Helpers shared by the Delphi services: time, canonical JSON and hashing, the survey's parsed template."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Round, Survey
from foresight.delphi.questions import SurveyTemplate
from foresight.delphi.service.errors import NotFoundError


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` (made timezone-aware) or the current UTC time."""
    return as_utc(now) if now is not None else datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes for ``DateTime(timezone=True)``; they are UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON (sorted keys) for hashing; the same on SQLite JSON and PostgreSQL JSONB."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


@lru_cache(maxsize=128)
def _parse_template(text: bytes) -> SurveyTemplate:
    return SurveyTemplate.model_validate_json(text)


def survey_template(survey: Survey) -> SurveyTemplate:
    """The survey's question template (parsed once per distinct template, then cached)."""
    return _parse_template(canonical_json(survey.template))


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFoundError(f"survey {survey_id} does not exist")
    return survey


def open_round(session: Session, survey_id: int) -> Round | None:
    """The survey's open round, if any."""
    return session.scalar(select(Round).where(Round.survey_id == survey_id, Round.status == "open"))


def latest_round(session: Session, survey_id: int) -> Round | None:
    return session.scalar(select(Round).where(Round.survey_id == survey_id).order_by(Round.number.desc()))


def previous_closed_round(session: Session, rnd: Round) -> Round | None:
    """The closed round just before ``rnd`` (its snapshot is ``rnd``'s feedback)."""
    if rnd.number <= 1:
        return None
    return session.scalar(
        select(Round)
        .where(Round.survey_id == rnd.survey_id, Round.number < rnd.number, Round.status == "closed")
        .order_by(Round.number.desc())
    )
