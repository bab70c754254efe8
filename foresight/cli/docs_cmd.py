"""``foresight docs``: what is in the document store."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from foresight.cli.context import state
from foresight.corpus import corpus_stats, list_documents
from foresight.db.session import session_scope

app = typer.Typer(help="Inspect the document store.")


@app.command("stats")
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Counts of documents by kind, language, year and source format."""
    st = state(ctx)
    with session_scope(st.engine()) as session:
        data = corpus_stats(session)
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    print_stats(st.console, data)


def print_stats(console: Console, data: dict[str, Any]) -> None:
    console.print(
        f"[bold]{data['total']}[/] documents ({data['restricted']} restricted) "
        f"from {data['import_batches']} import batches"
    )
    for key, title in (
        ("by_kind", "kind"),
        ("by_language", "language"),
        ("by_source_format", "source format"),
    ):
        table = Table(title=f"by {title}", show_edge=False)
        table.add_column(title)
        table.add_column("documents", justify="right")
        for name, n in data[key].items():
            table.add_row(name, str(n))
        console.print(table)
    years = data["by_year"]
    if years:
        known = {k: v for k, v in years.items() if k != "unknown"}
        span = f"{min(known)}–{max(known)}" if known else "none"
        console.print(f"years: {span}; without a year: {years.get('unknown', 0)}")


@app.command("list")
def list_cmd(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="paper, patent, project, news, policy or other.")] = None,
    language: Annotated[str | None, typer.Option(help="zh, en or other.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List documents (restricted documents show metadata only)."""
    st = state(ctx)
    with session_scope(st.engine()) as session:
        rows = list_documents(session, kind=kind, language=language, limit=limit, offset=offset)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(show_edge=False)
    for col in ("id", "kind", "lang", "year", "title"):
        table.add_column(col)
    for row in rows:
        table.add_row(str(row["id"]), row["kind"], row["language"], str(row["year"] or ""), row["title"][:90])
    st.console.print(table)
