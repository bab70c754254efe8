"""Semantic search (智能查询) over HTTP: ``GET /api/v1/search``, a thin router over ``foresight.search``."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request, status

from api.auth_keys import ReaderDep
from api.deps import SettingsDep
from api.routers.analysis_errors import PROBLEM_RESPONSES
from api.routers.params import QueryId
from foresight.search import SearchError, SearchFilters, search

router = APIRouter(prefix="/api/v1", tags=["search"], responses=PROBLEM_RESPONSES)


@router.get("/search", summary="Search documents or themes by meaning and keywords, Chinese or English")
def search_endpoint(
    request: Request,
    settings: SettingsDep,
    _: ReaderDep,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Query text (zh or en).")],
    kind: Literal["documents", "themes"] = "documents",
    run_id: QueryId = None,
    theme_id: QueryId = None,
    field_id: QueryId = None,
    doc_kind: Annotated[list[str] | None, Query(description="paper, patent, …")] = None,
    language: Annotated[list[str] | None, Query(description="zh, en, other")] = None,
    since: date | None = None,
    until: date | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Hits with their score parts (semantic cosine, BM25, fused) and matching terms; restricted
    documents may match but never show their text."""
    engine, _factory = request.app.state.engines.get(settings)
    filters = SearchFilters(
        run_id=run_id,
        theme_id=theme_id,
        field_id=field_id,
        kinds=tuple(doc_kind or ()),
        languages=tuple(language or ()),
        since=since,
        until=until,
    )
    try:
        results = search(engine, q, kind=kind, filters=filters, limit=limit, offset=offset, settings=settings)
    except (SearchError, ValueError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=str(exc)) from exc
    return results.to_dict()
