"""``foresight analyze`` and ``foresight themes``: find themes, look at them, export them."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from foresight.cli.context import state
from foresight.db.session import session_scope
from foresight.themes.queries import NotFoundError, list_themes, membership_rows, run_summary, theme_detail
from foresight.themes.queries import get_run as load_run
from foresight.themes.runs import AnalysisError, AnalysisOptions, CorpusFilter, StepCallback, run_analysis

themes_app = typer.Typer(help="Themes of an analysis run: list, show, export.")
runs_app = typer.Typer(help="Analysis runs: parameters, fingerprint, versions, timings.")


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise typer.BadParameter(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}", param_hint=name)


@contextmanager
def progress_reporter(console: Console, disable: bool = False) -> Iterator[StepCallback]:
    """Rich progress bars fed by the analysis's ``on_step(step, done, total)`` callback."""
    with Progress(
        TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=disable,
    ) as progress:  # fmt: skip
        tasks: dict[str, TaskID] = {}

        def on_step(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done, total=total)

        yield on_step


def analyze(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only documents from this date (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Only documents up to this date.")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Document kinds to include (repeat).")] = None,
    language: Annotated[list[str] | None, typer.Option(help="Languages to include: zh, en, other.")] = None,
    representation: Annotated[
        str, typer.Option(help="auto (from the corpus), neural, lexical (jieba TF-IDF/SVD) or fused.")
    ] = "auto",
    min_cluster_size: Annotated[
        int | None, typer.Option(min=2, help="Smallest theme; default scales.")
    ] = None,
    min_samples: Annotated[
        int | None, typer.Option(min=1, help="HDBSCAN min_samples; default scales.")
    ] = None,
    max_theme_share: Annotated[
        float | None,
        typer.Option(
            min=0.0, max=1.0, help="Largest share of the corpus one theme may hold (mixed corpora)."
        ),
    ] = None,
    no_reassign: Annotated[bool, typer.Option("--no-reassign", help="Leave outliers as noise.")] = False,
    fields: Annotated[
        int | None, typer.Option("--fields", min=1, help="Number of fields; default ~√themes.")
    ] = None,
    stability_runs: Annotated[int, typer.Option(min=0, help="Re-runs with other seeds for stability.")] = 2,
    seed: Annotated[int | None, typer.Option(help="Random seed (default FORESIGHT_RANDOM_SEED).")] = None,
    label: Annotated[str | None, typer.Option(help="A name for this run.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the run summary as JSON.")] = False,
) -> None:
    """Embed the documents (cached), cluster them into themes and fields, and store the run."""
    st = state(ctx)
    try:
        options = AnalysisOptions(
            filters=CorpusFilter(
                since=_date(since, "--since"),
                until=_date(until, "--until"),
                kinds=tuple(kind or ()),
                languages=tuple(language or ()),
            ),
            representation=representation,
            min_cluster_size=min_cluster_size,
            min_samples=min_samples,
            max_theme_share=max_theme_share,
            reassign_outliers=not no_reassign,
            n_fields=fields,
            stability_runs=stability_runs,
            seed=st.settings.random_seed if seed is None else seed,
            label=label,
        )
    except AnalysisError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with progress_reporter(st.console, disable=as_json) as on_step:
        try:
            result = run_analysis(st.engine(), st.settings, options, on_step=on_step)
        except AnalysisError as exc:
            st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
            raise typer.Exit(code=1) from exc
    for warning in result.warnings:
        st.console.print(f"[yellow]warning:[/] {warning}", soft_wrap=True)
    with session_scope(st.engine()) as session:
        themes = list_themes(session, result.run_id)
    if as_json:
        typer.echo(json.dumps({**result.__dict__, "themes": themes}, ensure_ascii=False, indent=2))
        return
    table = Table(
        title=f"run {result.run_id}: {result.n_themes} themes in {result.n_fields} fields", show_edge=False
    )
    for col in ("id", "size", "label", "stability", "silhouette"):
        table.add_column(col, justify="right" if col != "label" else "left")
    for t in themes[:40]:
        q = t["quality"]
        table.add_row(
            str(t["id"]), str(t["size"]), t["label"][:70], _fmt(q.get("stability")), _fmt(q.get("silhouette"))
        )
    st.console.print(table)
    if len(themes) > 40:
        st.console.print(f"… and {len(themes) - 40} more (foresight themes list --run {result.run_id})")
    st.console.print(
        f"{result.n_documents:,} documents, representation {result.representation}; noise "
        f"{result.noise_share_before:.1%} before outlier reassignment, {result.noise_share_after:.1%} after; "
        + ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    )


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


@themes_app.command("list")
def themes_list(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Option(help="Run id (default: the latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the themes of a run, largest first."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            rows = list_themes(session, run)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(show_edge=False)
    for col in ("id", "size", "label", "keywords"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), str(r["size"]), r["label"][:50], ", ".join(r["keywords"][:6]))
    st.console.print(table)


@themes_app.command("show")
def themes_show(ctx: typer.Context, theme_id: Annotated[int, typer.Argument(help="Theme id.")]) -> None:
    """A theme with its evidence (keywords, representative documents, quality) as JSON."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            detail = theme_detail(session, theme_id)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="THEME_ID") from exc
    typer.echo(json.dumps(detail, ensure_ascii=False, indent=2, default=str))


@themes_app.command("export")
def themes_export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV or JSON file (by extension).")],
    run: Annotated[int | None, typer.Option(help="Run id (default: the latest).")] = None,
) -> None:
    """One row per document of a run: source identifier, theme id, theme label, field, probability."""
    st = state(ctx)
    suffix = output.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise typer.BadParameter("the output file must end in .csv or .json", param_hint="--output")
    try:
        with session_scope(st.engine()) as session:
            rows = membership_rows(session, run)
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="--run") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        output.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        with output.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["document_id"])
            writer.writeheader()
            writer.writerows(rows)
    st.console.print(f"wrote {len(rows):,} rows to {output}")


@runs_app.command("show")
def runs_show(
    ctx: typer.Context, run_id: Annotated[int | None, typer.Argument(help="Run id (default: latest).")] = None
) -> None:
    """Everything recorded about a run, as JSON."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            summary = run_summary(load_run(session, run_id))
    except NotFoundError as exc:
        raise typer.BadParameter(str(exc), param_hint="RUN_ID") from exc
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
