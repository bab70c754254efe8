"""Server-rendered questionnaire pages: the invitation link ``/e/{token}`` opens them. Plain HTML forms (no
JavaScript), Chinese/English (``?lang=zh|en``), CSRF-checked POSTs, drafts, progress and round feedback."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from api.deps import DbDep, SecretDep, touched_invitation
from api.forms import error_map, parse_form
from api.i18n import strings
from api.pages import item_page, message_page, overview_page, pick_language
from api.security import csrf_token, csrf_valid
from foresight.db.models import Invitation
from foresight.delphi.service.answers import add_comment, save_answers
from foresight.delphi.service.common import get_survey, survey_template
from foresight.delphi.service.errors import InvalidInput, NotFoundError
from foresight.delphi.service.views import questionnaire
from foresight.delphi.validation import AnswerErrors

router = APIRouter(prefix="/e", tags=["expert pages"], include_in_schema=False)
NOTICES = {"draft": "saved_draft", "submitted": "submitted_ok", "comment": "comment_saved"}


def _item_view(
    db: Session, invitation: Invitation, secret: bytes, item_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    view = questionnaire(db, invitation, secret=secret, item_id=item_id)
    if not view["items"]:
        raise NotFoundError(f"item {item_id} is not asked in this round")
    return view, view["items"][0]


@router.get("/{token}", response_class=HTMLResponse)
def overview(
    request: Request,
    token: str,
    db: DbDep,
    secret: SecretDep,
    lang: str | None = None,
    saved: str | None = None,
) -> HTMLResponse:
    invitation = touched_invitation(db, token)
    view = questionnaire(db, invitation, secret=secret)
    lang = pick_language(lang, view["expert"]["default_language"])
    notice = strings(lang)[NOTICES[saved]] if saved in NOTICES else ""
    return overview_page(request, token, view, lang, notice)


@router.get("/{token}/items/{item_id}", response_class=HTMLResponse)
def item(
    request: Request,
    token: str,
    item_id: int,
    db: DbDep,
    secret: SecretDep,
    lang: str | None = None,
    saved: str | None = None,
) -> HTMLResponse:
    invitation = touched_invitation(db, token)
    view, current = _item_view(db, invitation, secret, item_id)
    lang = pick_language(lang, view["expert"]["default_language"])
    notice = strings(lang)[NOTICES[saved]] if saved in NOTICES else ""
    csrf = csrf_token(secret, invitation.token_hash)
    return item_page(request, token, view, current, lang, csrf=csrf, notice=notice)


def _checked(
    db: Session, token: str, form: FormData, secret: bytes, request: Request
) -> tuple[Invitation, str, int]:
    invitation = touched_invitation(db, token)
    lang = pick_language(str(form.get("lang") or ""), "zh")
    if not csrf_valid(secret, invitation.token_hash, str(form.get("csrf_token") or "")):
        raise _Forbidden(message_page(request, 403, strings(lang)["csrf"], lang))
    try:
        round_id = int(str(form.get("round_id")))
    except ValueError as exc:
        raise InvalidInput([]) from exc
    return invitation, lang, round_id


class _Forbidden(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _save(request: Request, token: str, item_id: int, form: FormData, db: Session, secret: bytes) -> Response:
    try:
        invitation, lang, round_id = _checked(db, token, form, secret, request)
    except _Forbidden as exc:
        return exc.response
    template = survey_template(get_survey(db, invitation.survey_id))
    answers = parse_form(template, form)
    submit = form.get("action") == "submit"
    try:
        save_answers(db, invitation, round_id, item_id, answers, submit=submit)
    except AnswerErrors as exc:
        db.rollback()
        view, current = _item_view(db, invitation, secret, item_id)
        errors = error_map([(e.field, e.message) for e in exc.errors])
        return item_page(
            request,
            token,
            view,
            current,
            lang,
            csrf=csrf_token(secret, invitation.token_hash),
            values=answers,
            errors=errors,
            status_code=422,
        )
    db.commit()
    if not submit:
        return RedirectResponse(f"/e/{token}/items/{item_id}?lang={lang}&saved=draft", status_code=303)
    view = questionnaire(db, invitation, secret=secret)
    order = view["item_order"]
    pending = [i["id"] for i in view["items"] if i["status"] != "submitted"]
    after = [i for i in order[order.index(item_id) + 1 :] if i in pending] + [i for i in pending]
    if after:
        return RedirectResponse(f"/e/{token}/items/{after[0]}?lang={lang}&saved=submitted", status_code=303)
    return RedirectResponse(f"/e/{token}?lang={lang}&saved=submitted", status_code=303)


@router.post("/{token}/items/{item_id}")
async def save(request: Request, token: str, item_id: int, db: DbDep, secret: SecretDep) -> Response:
    form = await request.form()
    return await run_in_threadpool(_save, request, token, item_id, form, db, secret)


def _comment(
    request: Request, token: str, item_id: int, form: FormData, db: Session, secret: bytes
) -> Response:
    try:
        invitation, lang, round_id = _checked(db, token, form, secret, request)
    except _Forbidden as exc:
        return exc.response
    add_comment(db, invitation, round_id, item_id, str(form.get("text") or ""), secret=secret)
    db.commit()
    return RedirectResponse(f"/e/{token}/items/{item_id}?lang={lang}&saved=comment", status_code=303)


@router.post("/{token}/items/{item_id}/comments")
async def comment(request: Request, token: str, item_id: int, db: DbDep, secret: SecretDep) -> Response:
    form = await request.form()
    return await run_in_threadpool(_comment, request, token, item_id, form, db, secret)
