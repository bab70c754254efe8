"""Experts' answers and comments: validated, upserted while the round is open, read-only once it closes.

One row per round × item × expert × question is guaranteed by the database's unique constraint; writes are
``INSERT … ON CONFLICT DO UPDATE`` (SQLite and PostgreSQL dialects), so the same answer sent twice at once
leaves one row. Saving a draft checks only the answers given; submitting checks the whole item with
:func:`foresight.delphi.validate_answers`, including the reason required for an answer outside the previous
round's interquartile range (only when that round asked the same wording and showed its statistics).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, load_only

from foresight.db.models import Comment, Invitation, Response, Round, SurveyItem
from foresight.delphi.pseudonyms import pseudonym
from foresight.delphi.questions import ReasonQuestion, SurveyTemplate
from foresight.delphi.service.common import get_survey, now_utc, previous_closed_round, survey_template
from foresight.delphi.service.errors import ConflictError, FieldError, InvalidInput, NotFoundError
from foresight.delphi.service.results import load_snapshot
from foresight.delphi.validation import (
    AnswerError,
    AnswerErrors,
    AnswerValue,
    validate_answer,
    validate_answers,
)

MAX_COMMENT_CHARS = 2000
MAX_COMMENTS_PER_ITEM = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Quartiles:
    """The previous round's quartiles of one question (satisfies the validation module's protocol)."""

    q1: float | None
    q3: float | None


@dataclass(frozen=True)
class SaveResult:
    round_id: int
    item_id: int
    status: Literal["draft", "submitted"]
    answers: dict[str, AnswerValue | None]
    reason_rule_applies: bool


def answerable_round(session: Session, invitation: Invitation, round_id: int) -> Round:
    """The round, if it belongs to the invitation's survey and is open; a closed round is read-only."""
    rnd = session.get(Round, round_id)
    if rnd is None or rnd.survey_id != invitation.survey_id:
        raise NotFoundError(f"round {round_id} does not exist in this survey")
    if rnd.status != "open":
        raise ConflictError(f"round {rnd.number} is {rnd.status}; its answers are read-only")
    return rnd


def asked_item(session: Session, rnd: Round, item_id: int) -> SurveyItem:
    if item_id not in rnd.items_asked:
        if item_id in rnd.carried_forward:
            raise ConflictError(
                f"item {item_id} met the stopping rule in an earlier round and is not asked again"
            )
        raise NotFoundError(f"item {item_id} is not asked in round {rnd.number}")
    columns = (SurveyItem.id, SurveyItem.survey_id, SurveyItem.wording_version)
    item = session.get(SurveyItem, item_id, options=[load_only(*columns)])
    if item is None:  # pragma: no cover - items_asked only holds existing ids
        raise NotFoundError(f"item {item_id} does not exist")
    return item


def previous_quartiles(session: Session, rnd: Round, item: SurveyItem) -> dict[str, Quartiles] | None:
    """Q1/Q3 per question from the previous round's snapshot, when it asked this wording and showed them."""
    previous = previous_closed_round(session, rnd)
    snapshot = load_snapshot(previous) if previous else None
    entry = (snapshot or {}).get("items", {}).get(str(item.id))
    if entry is None or entry["wording_version"] != item.wording_version:
        return None
    min_n = (snapshot or {}).get("min_group_size", 1)
    out: dict[str, Quartiles] = {}
    for qid, stats in entry["questions"].items():
        summary = (stats.get("ordinal") or {}).get("all")
        if summary and summary.get("n", 0) >= min_n:
            out[qid] = Quartiles(summary.get("q1"), summary.get("q3"))
    return out or None


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list | tuple):
        return len(value) == 0 if not isinstance(value, str) else not value.strip()
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return False


def validate_draft(template: SurveyTemplate, answers: Mapping[str, Any]) -> dict[str, AnswerValue | None]:
    """Check only the answers given (a draft may be incomplete); an empty answer (``None``) clears it."""
    errors: list[AnswerError] = []
    normalized: dict[str, AnswerValue | None] = {}
    known = {q.id: q for q in template.questions}
    for qid, value in answers.items():
        question = known.get(qid)
        if question is None:
            errors.append(AnswerError(qid, "no such question in the survey"))
            continue
        if _empty(value):
            normalized[qid] = None
            continue
        try:
            normalized[qid] = validate_answer(question, value)
        except AnswerError as exc:
            if not (isinstance(question, ReasonQuestion) and exc.message == "a reason is required"):
                errors.append(exc)
    if errors:
        raise AnswerErrors(errors)
    return normalized


_UPSERTS: dict[str, Any] = {}


def _upsert_statement(dialect: str) -> Any:
    """The upsert for ``dialect``, built once: reusing the same statement object keeps compilation cached."""
    if dialect not in _UPSERTS:
        if dialect == "postgresql":
            insert: Any = postgresql.insert
        elif dialect == "sqlite":
            insert = sqlite.insert
        else:
            raise NotImplementedError(f"upsert is implemented for SQLite and PostgreSQL, not {dialect}")
        stmt = insert(Response.__table__)
        _UPSERTS[dialect] = stmt.on_conflict_do_update(
            index_elements=["round_id", "item_id", "expert_id", "question_id"],
            set_={
                "value": stmt.excluded.value,
                "wording_version": stmt.excluded.wording_version,
                "status": stmt.excluded.status,
                "updated_at": stmt.excluded.updated_at,
            },
        )
    return _UPSERTS[dialect]


def upsert_responses(session: Session, rows: list[dict[str, Any]]) -> None:
    """``INSERT … ON CONFLICT (round, item, expert, question) DO UPDATE`` — atomic on both databases.

    One executemany of a prebuilt Core statement, so its compiled form is cached across requests.
    """
    if rows:
        connection = session.connection()
        connection.execute(_upsert_statement(connection.dialect.name), rows)


def save_answers(
    session: Session,
    invitation: Invitation,
    round_id: int,
    item_id: int,
    answers: Mapping[str, Any],
    *,
    submit: bool,
    now: datetime | None = None,
) -> SaveResult:
    """Validate and store one expert's answers to one item (a draft, or the submitted set).

    Raises
    ------
    AnswerErrors
        One entry per invalid answer (field = question id) — nothing is stored.
    ConflictError
        The round is closed (read-only) or the item was carried forward.
    """
    rnd = answerable_round(session, invitation, round_id)
    item = asked_item(session, rnd, item_id)
    template = survey_template(get_survey(session, rnd.survey_id))
    quartiles = previous_quartiles(session, rnd, item)
    if submit:
        normalized = validate_answers(template, answers, quartiles)
    else:
        normalized = validate_draft(template, answers)
    at = now_utc(now)
    status: Literal["draft", "submitted"] = "submitted" if submit else "draft"
    rows = [
        {
            "round_id": rnd.id,
            "item_id": item.id,
            "expert_id": invitation.expert_id,
            "question_id": qid,
            "value": value,
            "wording_version": item.wording_version,
            "status": status,
            "created_at": at,
            "updated_at": at,
        }
        for qid, value in normalized.items()
        if submit or value is not None
    ]
    upsert_responses(session, rows)
    cleared = [qid for qid, value in normalized.items() if value is None]
    if not submit and cleared:  # an emptied field of a draft removes that answer
        session.execute(
            delete(Response).where(
                Response.round_id == rnd.id,
                Response.item_id == item.id,
                Response.expert_id == invitation.expert_id,
                Response.question_id.in_(cleared),
            )
        )
    if not submit:
        # A draft reopens the item: every answer to it counts again only once the item is submitted.
        session.execute(
            update(Response)
            .where(
                Response.round_id == rnd.id,
                Response.item_id == item.id,
                Response.expert_id == invitation.expert_id,
            )
            .values(status="draft")
        )
    return SaveResult(rnd.id, item.id, status, normalized, quartiles is not None)


def own_answers(session: Session, round_id: int, expert_id: int) -> dict[int, dict[str, tuple[Any, str]]]:
    """An expert's stored answers in a round: item id → question id → (value, status)."""
    out: dict[int, dict[str, tuple[Any, str]]] = {}
    rows = session.execute(
        select(Response.item_id, Response.question_id, Response.value, Response.status).where(
            Response.round_id == round_id, Response.expert_id == expert_id
        )
    )
    for item_id, qid, value, status in rows:
        out.setdefault(item_id, {})[qid] = (value, status)
    return out


def clean_text(text: str) -> str:
    return _CONTROL.sub("", unicodedata.normalize("NFC", text).replace("\r\n", "\n")).strip()


def add_comment(
    session: Session,
    invitation: Invitation,
    round_id: int,
    item_id: int,
    text: str,
    *,
    secret: bytes,
) -> Comment:
    """A comment on an item, shown to the other experts under the author's pseudonym for this round."""
    rnd = answerable_round(session, invitation, round_id)
    item = asked_item(session, rnd, item_id)
    body = clean_text(text)
    if not body:
        raise InvalidInput([FieldError("text", "the comment is empty")])
    if len(body) > MAX_COMMENT_CHARS:
        raise InvalidInput([FieldError("text", f"{len(body)} characters; the limit is {MAX_COMMENT_CHARS}")])
    count = session.scalar(
        select(func.count()).where(
            Comment.round_id == rnd.id, Comment.item_id == item.id, Comment.expert_id == invitation.expert_id
        )
    )
    if (count or 0) >= MAX_COMMENTS_PER_ITEM:
        raise ConflictError(f"at most {MAX_COMMENTS_PER_ITEM} comments per item and round")
    comment = Comment(
        round_id=rnd.id,
        item_id=item.id,
        expert_id=invitation.expert_id,
        pseudonym=pseudonym(str(invitation.expert_id), str(rnd.id), secret),
        text=body,
    )
    session.add(comment)
    session.flush()
    return comment
