"""``foresight priorities``: build a priority-technology list from a Delphi survey, export it, list lists."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from foresight.cli.context import state
from foresight.db.session import session_scope
from foresight.delphi.service import DelphiError, InvalidInput
from foresight.priorities.model import COMPONENTS, PRESETS, ListSettings, PriorityList
from foresight.priorities.service import build_priority_list
from foresight.priorities.store import export_priority_list, list_lists, priority_list, summary

app = typer.Typer(help="Priority-technology lists (关键技术清单) from Delphi answers and data indicators.")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _error(exc: DelphiError) -> typer.Exit:
    if isinstance(exc, InvalidInput):
        return _fail(exc.detail + "".join(f"\n  {e.field}: {e.message}" for e in exc.errors))
    return _fail(str(exc))


def _pairs(values: list[str], sep: str, what: str) -> dict[str, str]:
    out = {}
    for text in values:
        key, found, value = text.partition(sep)
        if not found or not key.strip() or not value.strip():
            raise typer.BadParameter(f"expected {what}, got {text!r}")
        out[key.strip()] = value.strip()
    return out


def parse_settings(
    preset: str | None,
    weight: list[str],
    top: int | None,
    threshold: float | None,
    pin: list[str],
    exclude: list[str],
    view: str,
    field: list[str],
    scenario: list[str],
    group: str | None,
) -> ListSettings:
    """:class:`ListSettings` from the command-line options (``--weight name=value``, ``--pin ID:reason``)."""
    weights: dict[str, float] = {}
    for name, value in _pairs(weight, "=", "NAME=VALUE").items():
        if name not in COMPONENTS:
            raise typer.BadParameter(f"unknown component {name!r}; known: {', '.join(COMPONENTS)}")
        try:
            weights[name] = float(value)
        except ValueError as exc:
            raise typer.BadParameter(f"weight of {name} is not a number: {value!r}") from exc
    if preset is None and not weights:
        preset = "importance-first"
    if preset is not None and weights:
        raise typer.BadParameter("give either --preset or --weight, not both")
    data: dict[str, Any] = {
        "view": view,
        "fields": tuple(field),
        "scenarios": tuple(scenario),
        "stakeholder_group": group,
        "top_n": top,
        "threshold": threshold,
        "pins": _pairs(pin, ":", "ID:reason"),
        "exclusions": _pairs(exclude, ":", "ID:reason"),
    }
    data.update({"preset": preset} if preset is not None else {"weights": {"values": weights}})
    try:
        return ListSettings.model_validate(data)
    except ValidationError as exc:
        raise typer.BadParameter(str(exc)) from exc


def _ci(plist: PriorityList, item_id: str) -> str:
    ci = plist.entry(item_id).rank_ci
    return f"{ci.lower:g}–{ci.upper:g}" if ci else "–"


def print_list(plist: PriorityList, title: str) -> None:
    table = Table("rank", "item", "title", "score", "rank 95% CI", "pinned", title=title)
    for e in plist.entries:
        score = f"{e.score:.3f}" if e.score is not None else "–"
        name = e.title_en or e.title_zh
        table.add_row(str(e.rank), e.item_id, name, score, _ci(plist, e.item_id), e.pin_reason or "")
    Console(width=160).print(table)
    for x in plist.excluded:
        typer.echo(f"excluded {x.item_id} ({x.title_en or x.title_zh}): {x.reason}")
    if plist.below_cut:
        typer.echo(f"{len(plist.below_cut)} item(s) below the cut")


@app.command("build")
def build(
    ctx: typer.Context,
    survey: Annotated[int, typer.Option("--survey", help="Delphi survey id.")],
    preset: Annotated[str | None, typer.Option(help=f"Weight preset: {', '.join(PRESETS)}.")] = None,
    weight: Annotated[list[str] | None, typer.Option(help="Component weight, e.g. importance=0.4.")] = None,
    top: Annotated[int | None, typer.Option(help="Keep the first N ranks.")] = None,
    threshold: Annotated[float | None, typer.Option(help="Keep scores ≥ this (0–1).")] = None,
    pin: Annotated[list[str] | None, typer.Option(help="ITEM_ID:reason — always on the list.")] = None,
    exclude: Annotated[list[str] | None, typer.Option(help="ITEM_ID:reason — left out.")] = None,
    view: Annotated[str, typer.Option(help="Delphi view: all, weighted, high_expertise.")] = "all",
    field: Annotated[list[str] | None, typer.Option(help="Keep items of this field.")] = None,
    scenario: Annotated[list[str] | None, typer.Option(help="Keep items with this scenario.")] = None,
    group: Annotated[str | None, typer.Option(help="Stakeholder group view.")] = None,
    name: Annotated[str, typer.Option(help="Name of the list.")] = "",
    n_boot: Annotated[int, typer.Option(help="Bootstrap resamples for the rank intervals.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed of the bootstrap.")] = 0,
) -> None:
    """Build, store and print a ranked list with bootstrap rank intervals."""
    settings = parse_settings(
        preset,
        weight or [],
        top,
        threshold,
        pin or [],
        exclude or [],
        view,
        field or [],
        scenario or [],
        group,
    )
    try:
        with session_scope(state(ctx).engine()) as session:
            record = build_priority_list(
                session, survey, settings, name=name, created_by=_actor(), n_boot=n_boot, random_state=seed
            )
            list_id, title, plist = record.id, record.name, priority_list(record)
    except DelphiError as exc:
        raise _error(exc) from exc
    typer.echo(f"priority list {list_id} stored ({len(plist.entries)} entries)")
    print_list(plist, title)


@app.command("export")
def export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="File: .csv .xlsx .json .md .html")],
    list_id: Annotated[int | None, typer.Option("--list", help="List id (default: the latest).")] = None,
) -> None:
    """Export a stored list; the format follows the file extension."""
    try:
        with session_scope(state(ctx).engine()) as session:
            files = export_priority_list(session, list_id, output)
    except DelphiError as exc:
        raise _error(exc) from exc
    for f in files:
        typer.echo(f"wrote {f}")


@app.command("list")
def list_cmd(ctx: typer.Context, survey: Annotated[int | None, typer.Option("--survey")] = None) -> None:
    """The stored lists: id, survey, name, preset, entries, created."""
    with session_scope(state(ctx).engine()) as session:
        rows = [summary(r) for r in list_lists(session, survey)]
    table = Table("id", "survey", "name", "preset", "entries", "previous", "created by", "created at")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["survey_id"]),
            r["name"],
            r["preset"] or "custom",
            str(r["n_entries"]),
            str(r["previous_list_id"] or ""),
            r["created_by"],
            r["created_at"][:19],
        )
    Console(width=160).print(table)
