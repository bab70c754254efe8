"""``foresight ingest`` and ``foresight demo``: bring export files into the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from foresight.cli.context import CliState, state
from foresight.db.session import session_scope
from foresight.ingest.errors import IngestError
from foresight.ingest.formats import PARSERS, ParseOptions
from foresight.ingest.service import ImportReport, import_file


def _parse_map(pairs: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise typer.BadParameter(f"expected FIELD=COLUMN, got {pair!r}", param_hint="--map")
        mapping[field.strip()] = column.strip()
    return mapping


def run_imports(
    st: CliState,
    files: list[Path],
    *,
    fmt: str | None = None,
    options: ParseOptions | None = None,
    skip_bad_rows: bool = False,
    rejects: Path | None = None,
    quiet: bool = False,
) -> tuple[list[ImportReport], list[str]]:
    """Import each file in its own transaction; return the reports and the failures' messages."""
    reports: list[ImportReport] = []
    failures: list[str] = []
    engine = st.engine()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,} records"),
        TimeElapsedColumn(),
        console=st.console,
        transient=False,
        disable=quiet,
    ) as progress:
        for path in files:
            task = progress.add_task(path.name, total=None)
            try:
                with session_scope(engine) as session:
                    report = import_file(
                        session,
                        path,
                        fmt=fmt,
                        options=options,
                        skip_bad_rows=skip_bad_rows,
                        rejects_path=rejects,
                        batch_size=st.settings.import_batch_size,
                        on_progress=lambda n, t=task: progress.update(t, completed=n),  # type: ignore[misc]
                    )
            except (IngestError, ValueError) as exc:
                failures.append(str(exc))
                progress.update(task, description=f"[red]{path.name} failed")
                continue
            progress.update(task, total=report.read, completed=report.read)
            reports.append(report)
    return reports, failures


def _totals(reports: list[ImportReport], failures: list[str]) -> dict[str, Any]:
    keys = ("read", "new", "merged", "unchanged", "rejected")
    totals: dict[str, Any] = {k: sum(getattr(r, k) for r in reports) for k in keys}
    totals["files"] = [r.as_dict() for r in reports]
    totals["failed"] = failures
    return totals


def _summary_table(reports: list[ImportReport]) -> Table:
    table = Table(title="import summary", show_edge=False)
    for col in ("file", "format", "read", "new", "merged", "unchanged", "rejected", "records/s"):
        table.add_column(col, justify="left" if col in ("file", "format") else "right")
    for r in reports:
        rate = f"{r.read / r.seconds:,.0f}" if r.seconds else "-"
        table.add_row(Path(r.file).name, r.format, *(f"{getattr(r, k):,}" for k in
                      ("read", "new", "merged", "unchanged", "rejected")), rate)  # fmt: skip
    return table


def ingest(
    ctx: typer.Context,
    files: Annotated[list[Path], typer.Argument(help="Export files (format detected from content).")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="Force a format (see --list-formats).")
    ] = None,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Import the good records; write bad ones to a report.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option(help="Where to write rejected records (default FILE.rejected.jsonl).")
    ] = None,
    column_map: Annotated[
        list[str] | None, typer.Option("--map", "-m", help="FIELD=COLUMN for generic CSV/JSONL (repeat).")
    ] = None,
    kind: Annotated[str | None, typer.Option(help="Document kind for every record of the file(s).")] = None,
    restricted: Annotated[
        bool, typer.Option("--restricted", help="Mark the documents restricted: counted, never shown.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the import report as JSON.")] = False,
) -> None:
    """Import export files into the document store, deduplicating across files and formats.

    Each file is imported atomically: a malformed record aborts that file (nothing of it is stored)
    unless --skip-bad-rows is given.
    """
    st = state(ctx)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise typer.BadParameter(f"no such file: {', '.join(missing)}", param_hint="FILES")
    options = ParseOptions(
        column_map=_parse_map(column_map or []),
        kind=kind,
        access_level="restricted" if restricted else "public",
    )
    reports, failures = run_imports(
        st, files, fmt=fmt, options=options, skip_bad_rows=skip_bad_rows, rejects=rejects, quiet=as_json
    )
    if as_json:
        typer.echo(json.dumps(_totals(reports, failures), ensure_ascii=False, indent=2))
    else:
        if reports:
            st.console.print(_summary_table(reports))
        for r in reports:
            if r.rejects_file:
                st.console.print(
                    f"[yellow]{r.rejected} rejected record(s) of {r.file} listed in {r.rejects_file}"
                )
    for message in failures:
        st.console.print(f"[red]error:[/] {message}", soft_wrap=True)
    if failures:
        raise typer.Exit(code=1)


def list_formats() -> None:
    """Print the export formats the importer knows."""
    for parser in sorted(PARSERS, key=lambda p: p.name):
        typer.echo(f"{parser.name:22} {parser.label}")
