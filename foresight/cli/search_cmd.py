"""``foresight search``: find documents or themes by meaning and keywords, in Chinese or English."""

from __future__ import annotations

import calendar
import json
from datetime import date, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from foresight.cli.context import state
from foresight.search import (
    MAX_LIMIT,
    DocumentHit,
    SearchError,
    SearchFilters,
    SearchOptions,
    SearchResults,
    ThemeHit,
    search,
)


def _date(value: str | None, name: str, *, end: bool) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a year or month as ``--until`` means its last day."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            parsed = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if end and fmt == "%Y":
            return parsed.replace(month=12, day=31)
        if end and fmt == "%Y-%m":
            return parsed.replace(day=calendar.monthrange(parsed.year, parsed.month)[1])
        return parsed
    raise typer.BadParameter(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}", param_hint=name)


def search_cmd(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Words, a sentence or an abstract, in Chinese or English.")],
    themes: Annotated[bool, typer.Option("--themes", help="Search themes instead of documents.")] = False,
    run: Annotated[int | None, typer.Option(help="Analysis run (themes: default the latest).")] = None,
    theme: Annotated[int | None, typer.Option(help="Only documents of this theme id.")] = None,
    field: Annotated[int | None, typer.Option(help="Only documents or themes of this field id.")] = None,
    kind: Annotated[list[str] | None, typer.Option(help="Document kinds (repeat): paper, patent …")] = None,
    language: Annotated[
        list[str] | None, typer.Option(help="Document languages (repeat): zh, en, other.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="Published from (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, typer.Option(help="Published up to (YYYY[-MM[-DD]], inclusive).")] = None,
    access: Annotated[str, typer.Option(help="all, public or restricted.")] = "all",
    query_language: Annotated[
        str | None, typer.Option("--query-language", help="zh, en or other instead of detecting it.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=MAX_LIMIT)] = 10,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the results and their explanation as JSON.")
    ] = False,
) -> None:
    """Semantic search: cosine of embeddings fused with BM25 keyword relevance, with the score parts."""
    st = state(ctx)
    try:
        filters = SearchFilters(
            run_id=run,
            theme_id=theme,
            field_id=field,
            kinds=tuple(kind or ()),
            languages=tuple(language or ()),
            since=_date(since, "--since", end=False),
            until=_date(until, "--until", end=True),
            access=access,
        )
        results = search(
            st.engine(),
            query,
            kind="themes" if themes else "documents",
            filters=filters,
            limit=limit,
            offset=offset,
            settings=st.settings,
            options=SearchOptions(query_language=query_language),
        )
    except (ValueError, SearchError) as exc:
        raise typer.BadParameter(str(exc)) from exc
    if as_json:
        typer.echo(json.dumps(results.to_dict(), ensure_ascii=False, indent=2))
        return
    print_results(Console(), results)


def print_results(console: Console, results: SearchResults) -> None:
    """A table of the hits with their score parts, then how they were scored."""
    method = results.method
    table = Table(show_edge=False, title=f"{results.total} matches for {results.query!r}")
    table.add_column("#", justify="right")
    table.add_column("id", justify="right")
    if results.kind == "documents":
        table.add_column("kind")
        table.add_column("lang")
        table.add_column("year")
        table.add_column("title", no_wrap=True, max_width=60, overflow="ellipsis")
    else:
        table.add_column("size", justify="right")
        table.add_column("label", no_wrap=True, max_width=50, overflow="ellipsis")
    table.add_column("semantic", justify="right")
    table.add_column("bm25", justify="right")
    table.add_column("lexical", justify="right")
    table.add_column("fused", justify="right")
    table.add_column("matching" if results.kind == "documents" else "matching keywords", max_width=40)
    for hit in results.hits:
        s = hit.scores
        scores = (f"{s.semantic:.3f}", f"{s.bm25:.2f}", f"{s.lexical:.3f}", f"{s.fused:.3f}")
        if isinstance(hit, DocumentHit):
            doc = hit.document
            cells = [doc["kind"], doc["language"], str(doc["year"] or ""), doc["title"]]
            matching = ", ".join(hit.matching_terms) if not hit.text_hidden else "(restricted)"
        else:
            assert isinstance(hit, ThemeHit)
            cells = [str(hit.size), hit.label_en or hit.label_zh or f"theme {hit.number}"]
            matching = ", ".join(str(k[0]) for k in hit.matching_keywords)
        table.add_row(str(hit.rank), str(hit.document_id if isinstance(hit, DocumentHit) else hit.theme_id),
                      *cells, *scores, matching)  # fmt: skip
    console.print(table)
    console.print(
        f"[dim]{method['scope']}; query language {results.query_language}; {method['space']} space "
        f"({method['model_id']}); {method['fusion']}; {method['search']}; "
        f"{results.timings_ms['total']:.0f} ms[/]"
    )
    for warning in method["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")
