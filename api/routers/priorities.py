"""Priority-technology lists for planners: build from a Delphi survey, list, read, export.

Admin and planner roles (:func:`api.auth_keys.require_role`: the admin token or a planner/admin API key).
Building commits the stored list; reads and exports change nothing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, Field, ValidationError

from api.auth_keys import require_role
from api.deps import DbDep, Principal, Role
from foresight.priorities.model import ListSettings
from foresight.priorities.service import build_priority_list
from foresight.priorities.store import export_priority_list, get_list, list_lists, summary

router = APIRouter(prefix="/api/priorities", tags=["priorities"])

#: planners and admins (admins always pass ``require_role``)
Planner = Annotated[Principal, Depends(require_role(Role.PLANNER))]

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


class BuildIn(BaseModel):
    """A list to build: the survey, weights (a preset or ``component → weight``), filters, cut, pins."""

    survey_id: int
    name: str = Field(default="", max_length=500)
    preset: str | None = None
    weights: dict[str, float] | None = None
    view: Literal["all", "weighted", "high_expertise"] = "all"
    fields: list[str] = []
    scenarios: list[str] = []
    stakeholder_group: str | None = None
    top_n: int | None = Field(default=None, ge=1)
    threshold: float | None = Field(default=None, ge=0, le=1)
    pins: dict[str, str] = {}
    exclusions: dict[str, str] = {}
    n_boot: int = Field(default=2000, ge=0, le=20_000)
    random_state: int | None = 0

    def settings(self) -> ListSettings:
        data: dict[str, Any] = self.model_dump(
            exclude={"survey_id", "name", "n_boot", "random_state", "weights", "preset"}
        )
        if self.weights is not None:
            data["weights"] = {"values": self.weights}
        if self.preset is not None or self.weights is None:
            data["preset"] = self.preset or "importance-first"
        try:
            return ListSettings.model_validate(data)
        except ValidationError as exc:
            detail = [{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()]
            raise HTTPException(422, detail) from exc


@router.post("", status_code=status.HTTP_201_CREATED, summary="Build and store a priority list")
def build(body: BuildIn, who: Planner, db: DbDep) -> dict[str, Any]:
    record = build_priority_list(
        db,
        body.survey_id,
        body.settings(),
        name=body.name,
        created_by=who.actor,
        n_boot=body.n_boot,
        random_state=body.random_state,
    )
    db.commit()
    return {**summary(record), "result": record.result}


@router.get("", summary="Stored priority lists (metadata)")
def lists(who: Planner, db: DbDep, survey_id: Annotated[int | None, Query()] = None) -> list[dict[str, Any]]:
    return [summary(r) for r in list_lists(db, survey_id)]


@router.get("/{list_id}", summary="One stored list with its full result and provenance")
def read(list_id: int, who: Planner, db: DbDep) -> dict[str, Any]:
    record = get_list(db, list_id)
    return {**summary(record), "settings": record.settings, "result": record.result}


@router.get("/{list_id}/export", summary="Download a list as CSV, XLSX, JSON, Markdown or HTML")
def export(
    list_id: int,
    who: Planner,
    db: DbDep,
    format: Annotated[Literal["csv", "xlsx", "json", "md", "html"], Query()] = "csv",
) -> Response:
    name = f"priority_list_{list_id}.{format}"
    with tempfile.TemporaryDirectory() as tmp:
        files = export_priority_list(db, list_id, Path(tmp) / name)
        content = files[0].read_bytes()
    return Response(
        content,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
