"""``foresight indicators | lineage | watch | alerts | report``: monitoring and early warning (监测预警)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import jinja2
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from foresight.cli.context import state
from foresight.db.session import session_scope
from foresight.monitoring import IndicatorOptions, SnapshotError, compute_indicators, link_run, raise_alerts
from foresight.monitoring.alerts import list_alerts
from foresight.monitoring.indicators import theme_indicators
from foresight.monitoring.lineage import run_events
from foresight.monitoring.periods import parse_period_or_date
from foresight.monitoring.watchlist import WatchError, create_watch, delete_watch, list_watches
from foresight.reports import build_report
from foresight.themes.queries import NotFoundError, get_run

watch_app = typer.Typer(
    help="Watchlist: themes (followed across runs), keywords and fields to be warned about."
)

RunOption = Annotated[int | None, typer.Option("--run", help="Run id (default: the latest completed).")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Count documents up to this date: YYYY, YYYY-MM or YYYY-MM-DD.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_period_or_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--as-of") from exc


def _period(value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise typer.BadParameter(f"use one of {', '.join(allowed)}", param_hint="--period")
    return value


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


@contextmanager
def _progress(console: Console, disable: bool) -> Iterator[Any]:
    with Progress(
        TextColumn("{task.description:10}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=disable,
        transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def on_step(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        yield on_step


def indicators(
    ctx: typer.Context,
    run: RunOption = None,
    as_of: AsOfOption = None,
    period: Annotated[str, typer.Option("--period", help="auto, year or month.")] = "auto",
    theme: Annotated[int | None, typer.Option("--theme", help="Show one theme's stored indicators.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Rows in the table.")] = 25,
    as_json: JsonOption = False,
) -> None:
    """Compute the emergence indicators of every theme as of a date (no later document counts) and show
    them, best emergence composite first; with --theme, show one theme's values with their formulas."""
    st = state(ctx)
    day = _as_of(as_of)
    _period(period, ("auto", "year", "month"))
    if theme is not None:
        try:
            with session_scope(st.engine()) as session:
                detail = theme_indicators(session, theme, day, None if period == "auto" else period)
        except NotFoundError as exc:
            raise typer.BadParameter(str(exc), param_hint="--theme") from exc
        if as_json:
            typer.echo(json.dumps(detail, ensure_ascii=False, indent=2))
            return
        _print_theme(st.console, detail)
        return
    try:
        with _progress(st.console, as_json) as on_step:
            summary = compute_indicators(st.engine(), run, day, IndicatorOptions(granularity=period), on_step)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    except (SnapshotError, ValueError) as exc:
        st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(
            json.dumps({**summary.__dict__, "as_of": summary.as_of.isoformat()}, ensure_ascii=False, indent=2)
        )
        return
    table = Table(title=f"run {summary.run_id}: emergence as of {summary.as_of.isoformat()}", show_edge=False)
    table.add_column("#", justify="right")
    table.add_column("id", justify="right")
    table.add_column("theme", min_width=16, max_width=40, overflow="ellipsis", no_wrap=True)
    for col in ("composite", "docs", "share", "slope", "EScore", "burst"):
        table.add_column(col, justify="right", no_wrap=True)
    table.add_column("signal", no_wrap=True, overflow="ellipsis")
    for r in summary.ranking[:top]:
        table.add_row(
            str(r["rank"] or ""),
            str(r["theme_id"]),
            r["label"],
            _fmt(r["composite"]),
            _fmt(r["documents"], 0),
            f"{100 * (r['share'] or 0):.1f}%",
            _fmt(r["log_share_slope"], 3),
            _fmt(r["escore"]) + (" ★" if r["emergent"] else ""),
            _fmt(r["burst_weight"]) + (" ↑" if r["burst_active"] else ""),
            (r["weak_signal"] or "").replace(" signal", ""),
        )
    st.console.print(table)
    periods = summary.periods
    st.console.print(
        f"{summary.n_themes} themes, {summary.n_documents:,} documents up to {summary.as_of.isoformat()} "
        f"in {len(periods)} {summary.granularity} periods ({periods[0]} → {periods[-1]}); "
        f"{summary.n_after_as_of:,} later documents left out, {summary.n_undated:,} without a usable date. "
        "★ EScore emergent, ↑ burst active. Details: foresight indicators --theme ID",
        soft_wrap=True,
    )


def _print_theme(console: Console, detail: dict[str, Any]) -> None:
    t = detail["theme"]
    table = Table(
        title=f"theme {t['id']} — {t['label']} (as of {detail['as_of']}, {detail['granularity']})",
        show_edge=False,
    )
    for col in ("indicator", "value", "formula"):
        table.add_column(col)
    for item in detail["indicators"]:
        f = item["formula"] or {}
        value = item["value"]
        table.add_row(
            item["name"],
            _fmt(value, 4) if not isinstance(value, list) else json.dumps(value),
            f"{f.get('text_en', '')}\n{f.get('text_zh', '')}",
        )
    console.print(table)


def lineage(
    ctx: typer.Context,
    run: RunOption = None,
    recompute: Annotated[bool, typer.Option("--recompute", help="Match the themes again.")] = False,
    as_json: JsonOption = False,
) -> None:
    """How the themes of a run relate to the previous run's: continue, birth, death, merge, split."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            current = get_run(session, run)
            run_id, previous = current.id, current.previous_run_id
            events = run_events(session, run_id)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    if previous is not None and (recompute or not events):
        link_run(st.engine(), run_id)
        with session_scope(st.engine()) as session:
            events = run_events(session, run_id)
    if as_json:
        typer.echo(
            json.dumps(
                {"run_id": run_id, "previous_run_id": previous, "events": events},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if previous is None:
        st.console.print(f"run {run_id} has no previous run: nothing to compare with")
        return
    table = Table(title=f"lineage: run {previous} → run {run_id}", show_edge=False)
    for col in ("event", "from", "to", "similarity"):
        table.add_column(col)
    for e in events:
        sims = ", ".join(_fmt(p.get("combined")) for p in e["similarity"].get("pairs", []))
        table.add_row(
            e["event"],
            "; ".join(f"{t['id']} {t['label'][:30]}" for t in e["from_themes"]),
            "; ".join(f"{t['id']} {t['label'][:30]}" for t in e["to_themes"]),
            sims,
        )
    st.console.print(table)
    counts = {
        k: sum(1 for e in events if e["event"] == k) for k in ("continue", "birth", "death", "merge", "split")
    }
    st.console.print(", ".join(f"{n} {k}" for k, n in counts.items()))


@watch_app.command("add")
def watch_add(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="theme, keyword or field.")],
    target: Annotated[str, typer.Argument(help="Theme id or lineage id, keyword, or field label.")],
    label: Annotated[str, typer.Option(help="Display name.")] = "",
    by: Annotated[str, typer.Option("--by", help="Who asks for it.")] = "",
) -> None:
    """Watch a theme (across runs), a keyword or a field."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            row = create_watch(session, kind, target, label, by)
    except WatchError as exc:
        st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    st.console.print(f"watch {row['id']}: {row['kind']} {row['target']!r} ({row['label']})")


@watch_app.command("list")
def watch_list(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="Include inactive watches.")] = False,
    as_json: JsonOption = False,
) -> None:
    """List the watches."""
    st = state(ctx)
    with session_scope(st.engine()) as session:
        rows = list_watches(session, active_only=not all_)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(show_edge=False)
    for col in ("id", "kind", "target", "label", "by", "created"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            str(r["id"]), r["kind"], r["target"], r["label"], r["created_by"], (r["created_at"] or "")[:16]
        )
    st.console.print(table)
    st.console.print(f"{len(rows)} watches")


@watch_app.command("remove")
def watch_remove(ctx: typer.Context, watch_id: Annotated[int, typer.Argument(help="Watch id.")]) -> None:
    """Remove a watch (its alerts are kept)."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            delete_watch(session, watch_id)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="WATCH_ID") from exc
    st.console.print(f"removed watch {watch_id}")


def alerts(
    ctx: typer.Context,
    run: RunOption = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Raise the run's alerts again first.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Early warnings of a run: high EScore, new bursts, weak → strong signals, new themes near a watch."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            run_id = get_run(session, run).id
            rows = list_alerts(session, run_id)
        if refresh or not rows:
            with _progress(st.console, as_json) as on_step:
                on_step("alerts", 0, 1)
                raise_alerts(st.engine(), run_id)
                on_step("alerts", 1, 1)
            with session_scope(st.engine()) as session:
                rows = list_alerts(session, run_id)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    except SnapshotError as exc:
        st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for a in rows:
        colour = "yellow" if a["scope"] == "global" else "red"
        st.console.print(
            f"[{colour}]{a['rule']}[/] ({a['scope']}) {a['message_en']}\n    {a['message_zh']}",
            soft_wrap=True,
        )
    watched = sum(1 for a in rows if a["scope"] == "watch")
    st.console.print(
        f"{len(rows)} alerts for run {run_id}: {watched} on watched items, {len(rows) - watched} global"
    )


def report(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for report.md, report.html, charts/.")
    ],
    run: RunOption = None,
    as_of: AsOfOption = None,
    period: Annotated[
        str | None, typer.Option("--period", help="year or month (default: as stored).")
    ] = None,
    templates: Annotated[
        Path | None, typer.Option("--templates", help="Folder with edited report.md.j2 / report.html.j2.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="Themes described in detail.")] = 10,
) -> None:
    """Write the routine monitoring report (Markdown and HTML with PNG charts) from editable templates."""
    st = state(ctx)
    day = _as_of(as_of)
    _period(period, ("year", "month"))
    if templates is not None and not templates.is_dir():
        raise typer.BadParameter(f"{templates} is not a folder", param_hint="--templates")
    try:
        with _progress(st.console, False) as on_step:
            result = build_report(st.engine(), output, run, day, period, templates, top, on_step)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    except (SnapshotError, jinja2.TemplateError) as exc:
        st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    st.console.print(
        f"wrote {result.markdown} and {result.html} with {len(result.charts)} charts: run {result.run_id}, "
        f"{result.n_themes} themes as of {result.as_of.isoformat()} ({result.granularity}), "
        f"{result.n_alerts} alerts",
        soft_wrap=True,
    )
