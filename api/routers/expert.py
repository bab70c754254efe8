"""JSON endpoints for experts, authenticated by their invitation token (``Authorization: Bearer <token>``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import DbDep, ExpertDep, SecretDep
from foresight.delphi.service.answers import add_comment, save_answers
from foresight.delphi.service.views import questionnaire

router = APIRouter(prefix="/api/expert", tags=["expert"])


class AnswersIn(BaseModel):
    """Answers to one item, keyed by question id (see the survey template); ``submit`` finalizes the item."""

    answers: dict[str, Any]
    submit: bool = False


class CommentIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


@router.get("/questionnaire", summary="The current round: items, own answers, progress, feedback")
def get_questionnaire(invitation: ExpertDep, db: DbDep, secret: SecretDep) -> dict[str, Any]:
    return questionnaire(db, invitation, secret=secret)


@router.put("/rounds/{round_id}/items/{item_id}/answers", summary="Save a draft or submit one item")
def put_answers(
    round_id: int, item_id: int, body: AnswersIn, invitation: ExpertDep, db: DbDep
) -> dict[str, Any]:
    result = save_answers(db, invitation, round_id, item_id, body.answers, submit=body.submit)
    db.commit()
    return {
        "round_id": result.round_id,
        "item_id": result.item_id,
        "status": result.status,
        "answers": result.answers,
        "reason_rule_applies": result.reason_rule_applies,
    }


@router.post(
    "/rounds/{round_id}/items/{item_id}/comments", status_code=201, summary="Comment under a pseudonym"
)
def post_comment(
    round_id: int, item_id: int, body: CommentIn, invitation: ExpertDep, db: DbDep, secret: SecretDep
) -> dict[str, Any]:
    comment = add_comment(db, invitation, round_id, item_id, body.text, secret=secret)
    db.commit()
    return {"id": comment.id, "pseudonym": comment.pseudonym, "text": comment.text}
