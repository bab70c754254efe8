"""Read API of the analysis layer (``/api/v1``): runs, themes, documents, graph, indicators, scenarios,
watchlist and alerts. Any valid API key may read; the watchlist is written by analysts."""

from __future__ import annotations

from typing import Annotated, Any

import networkx as nx
from fastapi import APIRouter, HTTPException, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import or_, select

from api.auth_keys import AnalystDep, ReaderDep
from api.deps import DbDep
from api.routers.analysis_errors import PROBLEM_RESPONSES
from api.routers.analysis_queries import DocFilter, list_documents_page, list_run_themes
from api.routers.params import PathId, QueryId, Year
from foresight.corpus import corpus_stats
from foresight.curation.history import op_row
from foresight.db.models import AnalysisRun, CurationOp, LineageEvent, Theme
from foresight.graph.service import build_run_graph
from foresight.monitoring.alerts import list_alerts
from foresight.monitoring.indicators import theme_indicators
from foresight.monitoring.watchlist import create_watch, delete_watch, list_watches
from foresight.scenarios.service import orphans, scenarios_for_theme, themes_for_scenario
from foresight.themes.queries import NotFoundError, get_run, list_fields, run_summary, theme_detail

router = APIRouter(prefix="/api/v1", tags=["analysis"], responses=PROBLEM_RESPONSES)

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Page = dict[str, Any]


@router.get("/runs", summary="Analysis runs, newest first")
def runs(db: DbDep, _: ReaderDep, limit: Limit = 50, offset: Offset = 0) -> Page:
    rows = db.scalars(select(AnalysisRun).order_by(AnalysisRun.id.desc())).all()
    items = [run_summary(r) for r in rows[offset : offset + limit]]
    return {"total": len(rows), "limit": limit, "offset": offset, "items": items}


@router.get("/runs/{run_id}", summary="A run: parameters, corpus fingerprint, versions, timings")
def run(run_id: PathId, db: DbDep, _: ReaderDep) -> dict[str, Any]:
    return {**run_summary(get_run(db, run_id)), "fields": list_fields(db, run_id)}


@router.get("/runs/{run_id}/themes", summary="Themes of a run, filtered, sorted and paginated")
def run_themes(
    run_id: PathId,
    db: DbDep,
    _: ReaderDep,
    field_id: QueryId = None,
    language: str | None = None,
    kind: str | None = None,
    year_from: Year = None,
    year_to: Year = None,
    sort: Annotated[str, Query(description="size, number, label or indicator:<name>")] = "size",
    order: Annotated[str, Query(pattern="^(asc|desc)$")] = "desc",
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page:
    docs = DocFilter(language, kind, year_from, year_to)
    try:
        return list_run_themes(
            db, run_id, field_id=field_id, docs=docs, sort=sort, descending=order == "desc",
            limit=limit, offset=offset,
        )  # fmt: skip
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc


def _lineage(db: DbDep, theme: Theme) -> list[dict[str, Any]]:
    events = db.scalars(
        select(LineageEvent)
        .where(or_(LineageEvent.to_run_id == theme.run_id, LineageEvent.from_run_id == theme.run_id))
        .order_by(LineageEvent.id)
    )
    return [
        {"event": e.event, "from_run_id": e.from_run_id, "to_run_id": e.to_run_id,
         "from_theme_ids": e.from_theme_ids, "to_theme_ids": e.to_theme_ids, "similarity": e.similarity}
        for e in events
        if theme.id in (e.from_theme_ids or []) or theme.id in (e.to_theme_ids or [])
    ]  # fmt: skip


def _history(db: DbDep, theme: Theme) -> list[dict[str, Any]]:
    ops = db.scalars(select(CurationOp).where(CurationOp.run_id == theme.run_id).order_by(CurationOp.id))

    def touches(op: CurationOp) -> bool:
        p = op.payload or {}
        ids = [p.get("theme_id"), p.get("source"), p.get("target"), p.get("merged_id"), p.get("node")]
        ids += list(p.get("theme_ids") or []) + list(p.get("created") or [])
        return theme.id in ids or f"theme:{theme.id}" in ids

    return [op_row(op) for op in ops if touches(op)]


@router.get("/themes/{theme_id}", summary="A theme: keywords, documents, indicators, lineage, history")
def theme(theme_id: PathId, db: DbDep, _: ReaderDep) -> dict[str, Any]:
    detail = theme_detail(db, theme_id)
    row = db.get(Theme, theme_id)
    assert row is not None  # theme_detail raised otherwise
    try:
        indicators: dict[str, Any] | None = theme_indicators(db, theme_id)
    except NotFoundError:
        indicators = None
    return {
        **detail,
        "indicators": indicators,
        "lineage": _lineage(db, row),
        "curation_history": _history(db, row),
        "scenarios": scenarios_for_theme(db, theme_id),
    }


@router.get("/themes/{theme_id}/indicators", summary="A theme's indicators with formulas and series")
def theme_series(theme_id: PathId, db: DbDep, _: ReaderDep) -> dict[str, Any]:
    return theme_indicators(db, theme_id)


@router.get("/documents", summary="Documents (restricted ones without text)")
def documents(
    db: DbDep,
    _: ReaderDep,
    language: str | None = None,
    kind: str | None = None,
    year_from: Year = None,
    year_to: Year = None,
    run_id: QueryId = None,
    theme_id: QueryId = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page:
    docs = DocFilter(language, kind, year_from, year_to)
    return list_documents_page(db, docs=docs, run_id=run_id, theme_id=theme_id, limit=limit, offset=offset)


@router.get("/corpus/stats", summary="Counts of documents by kind, language, year and format")
def stats(db: DbDep, _: ReaderDep) -> dict[str, Any]:
    return corpus_stats(db)


@router.get("/runs/{run_id}/graph", summary="The run's knowledge graph as node-link JSON")
def graph(
    run_id: PathId,
    db: DbDep,
    _: ReaderDep,
    node: Annotated[str | None, Query(description="e.g. theme:12; with radius, its neighbourhood")] = None,
    radius: Annotated[int, Query(ge=0, le=5)] = 1,
) -> dict[str, Any]:
    G = build_run_graph(db, get_run(db, run_id).id)
    if node is not None:
        if node not in G:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"node {node!r} is not in run {run_id}'s graph")
        keep = nx.ego_graph(G.to_undirected(as_view=True), node, radius=radius).nodes
        G = G.subgraph(keep).copy()
    data: dict[str, Any] = nx.node_link_data(G, edges="links")
    return data


@router.get("/themes/{theme_id}/scenarios", summary="Scenarios a theme serves")
def theme_scenarios(theme_id: PathId, db: DbDep, _: ReaderDep) -> list[dict[str, Any]]:
    return scenarios_for_theme(db, theme_id)


@router.get("/scenarios/{key}/themes", summary="Themes of a run that serve a scenario")
def scenario_themes(key: str, db: DbDep, _: ReaderDep, run_id: QueryId = None) -> list[dict[str, Any]]:
    return themes_for_scenario(db, key, run_id)


@router.get(
    "/runs/{run_id}/scenario-orphans", summary="Themes without scenarios and scenarios without themes"
)
def scenario_orphans(run_id: PathId, db: DbDep, _: ReaderDep) -> dict[str, list[dict[str, Any]]]:
    return orphans(db, run_id)


class WatchIn(BaseModel):
    kind: str = Field(pattern="^(theme|keyword|field)$")
    target: str = Field(min_length=1, max_length=500)
    label: str = Field(default="", max_length=200)


@router.get("/watchlist", summary="Active watches")
def watches(db: DbDep, _: ReaderDep) -> list[dict[str, Any]]:
    return list_watches(db)


@router.post("/watchlist", status_code=201, summary="Watch a theme lineage, keyword or field (analyst)")
def add_watch(body: WatchIn, db: DbDep, who: AnalystDep) -> dict[str, Any]:
    try:
        row = create_watch(db, body.kind, body.target, body.label, created_by=who.actor)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    db.commit()
    return row


@router.delete("/watchlist/{watch_id}", status_code=204, summary="Stop a watch (analyst)")
def remove_watch(watch_id: PathId, db: DbDep, _: AnalystDep) -> None:
    delete_watch(db, watch_id)
    db.commit()


@router.get("/runs/{run_id}/alerts", summary="Alerts of a run, watched ones first")
def alerts(run_id: PathId, db: DbDep, _: ReaderDep) -> list[dict[str, Any]]:
    return list_alerts(db, run_id)
