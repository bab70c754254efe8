"""Problem-JSON handlers for the analysis API's domain errors (read services, curation, keys, jobs)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api.errors import PROBLEM_MEDIA_TYPE, problem
from foresight.apikeys import ApiKeyError
from foresight.curation import ConflictError, CurationError, UnknownIdError
from foresight.themes.queries import NotFoundError

_PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
#: Statuses every analysis-API route may answer (documented in OpenAPI), beside its success status.
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"description": "No valid API key", **_PROBLEM},
    403: {"description": "The key's role may not do this", **_PROBLEM},
    404: {"description": "Not found", **_PROBLEM},
    409: {"description": "Stale expected_version; `current` holds the current state", **_PROBLEM},
    422: {"description": "Invalid request", **_PROBLEM},
}


def conflict_body(exc: ConflictError) -> dict[str, object]:
    """A 409 problem carrying ``current``: the state the client should refresh to before retrying."""
    current = {str(k): v for k, v in exc.current.items()}
    return {
        "type": "/problems/stale-version",
        "title": "Conflict",
        "status": 409,
        "detail": str(exc),
        "current": current,
    }


def install_analysis_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, exc: NotFoundError) -> Response:
        return problem(404, str(exc))

    @app.exception_handler(UnknownIdError)
    async def _unknown(request: Request, exc: UnknownIdError) -> Response:
        return problem(404, str(exc))

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> Response:
        return JSONResponse(conflict_body(exc), status_code=409, media_type=PROBLEM_MEDIA_TYPE)

    @app.exception_handler(CurationError)
    async def _invalid(request: Request, exc: CurationError) -> Response:
        return problem(422, str(exc), type_="/problems/invalid-curation")

    @app.exception_handler(ApiKeyError)
    async def _key(request: Request, exc: ApiKeyError) -> Response:
        return problem(422, str(exc), type_="/problems/invalid-key")
