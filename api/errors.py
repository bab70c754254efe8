"""Problem details (RFC 9457) for every error: ``type``, ``title``, ``status``, ``detail`` and, for invalid
input, ``errors`` — one ``{field, message}`` per problem. Expert pages (``/e/…``) get an HTML page instead.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from foresight.delphi.service.errors import ConflictError, InvalidInput, InvitationInvalid, NotFoundError
from foresight.delphi.validation import AnswerErrors

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem(
    status: int,
    detail: str,
    *,
    type_: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A ``application/problem+json`` response."""
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": type_ or f"/problems/{title.lower().replace(' ', '-')}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _is_page(request: Request) -> bool:
    return request.url.path.startswith("/e/")


def _page(request: Request, status: int, message: str) -> Response:
    from api.pages import message_page

    return message_page(request, status, message)


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "form", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    """Register the problem-JSON handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"field": _loc(e.get("loc", ())), "message": str(e.get("msg", ""))} for e in exc.errors()]
        return problem(422, "The request is not valid.", type_="/problems/validation-error", errors=errors)

    @app.exception_handler(AnswerErrors)
    async def _answers(request: Request, exc: AnswerErrors) -> Response:
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        return problem(422, "Some answers are not valid.", type_="/problems/invalid-answers", errors=errors)

    @app.exception_handler(InvalidInput)
    async def _invalid(request: Request, exc: InvalidInput) -> Response:
        if _is_page(request):
            return _page(request, 422, str(exc))
        errors = [{"field": e.field, "message": e.message} for e in exc.errors]
        return problem(422, exc.detail, type_="/problems/validation-error", errors=errors)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        if _is_page(request):
            return _page(request, 404, str(exc))
        return problem(404, str(exc))

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> Response:
        if _is_page(request):
            return _page(request, 409, str(exc))
        return problem(409, str(exc), type_="/problems/conflict")

    @app.exception_handler(InvitationInvalid)
    async def _invitation(request: Request, exc: InvitationInvalid) -> Response:
        if _is_page(request):
            return _page(request, 401, InvitationInvalid.MESSAGE)
        return problem(401, InvitationInvalid.MESSAGE, type_="/problems/invalid-invitation")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        if _is_page(request):
            return _page(request, exc.status_code, detail)
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))
