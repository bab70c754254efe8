"""``foresight graph``, ``foresight curate`` and ``foresight split-preview``: the knowledge graph of a
run and its human curation (logged, undoable, carried to the next run). ``foresight scenarios`` is in
:mod:`foresight.cli.scenarios_cmd`."""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from foresight import curation
from foresight.cli.context import CliState, state
from foresight.curation import ConflictError, CurationError, OpResult
from foresight.db.session import session_scope
from foresight.graph import GraphOptions, build_run_graph, export_run_graph, graph_stats
from foresight.scenarios import CatalogueError
from foresight.themes.queries import NotFoundError

graph_app = typer.Typer(
    help="The knowledge graph of a run: export (GraphML, GEXF, JSON, Neo4j CSV, VOSviewer), stats."
)
curate_app = typer.Typer(
    help="Curate a run's themes and graph; every edit is logged, undoable and carried over."
)

Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (kept in the curation log).")]
Actor = Annotated[str | None, typer.Option(help="Who (default: $USER).")]
Run = Annotated[int | None, typer.Option("--run", help="Analysis run id (default: the latest).")]
Version = Annotated[int | None, typer.Option("--expected-version", help="Refuse if the theme changed since.")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@contextmanager
def session_for(st: CliState) -> Iterator[Session]:
    """A unit of work whose refusals become a red message and exit code 1 (2 for conflicts)."""
    try:
        with session_scope(st.engine()) as session:
            yield session
    except ConflictError as exc:
        st.console.print(f"[red]conflict:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    except (CurationError, NotFoundError, CatalogueError, LookupError) as exc:
        st.console.print(f"[red]error:[/] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc


def _done(st: CliState, result: OpResult) -> None:
    created = f", created theme(s) {', '.join(map(str, result.created))}" if result.created else ""
    st.console.print(f"{result.op} → operation {result.op_id} (run {result.run_id}{created})")
    typer.echo(json.dumps(result.__dict__, ensure_ascii=False, default=str))


def _op(ctx: typer.Context, fn: Callable[[Session], OpResult]) -> None:
    st = state(ctx)
    with session_for(st) as session:
        result = fn(session)
    _done(st, result)


@graph_app.command("export")
def graph_export(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("-o", "--output", help="File; the extension picks the format.")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="graphml, gexf, node-link, neo4j-csv or vosviewer.")
    ] = None,
    run: Run = None,
    include_hidden: Annotated[bool, typer.Option(help="Also export hidden themes.")] = False,
    with_documents: Annotated[bool, typer.Option(help="Member document ids on theme nodes.")] = False,
) -> None:
    """Write the run's knowledge graph (every node carries its ``type``)."""
    st = state(ctx)
    with session_for(st) as session:
        try:
            files = export_run_graph(
                session,
                output,
                fmt,
                run_id=run,
                include_hidden=include_hidden,
                options=GraphOptions(with_documents=with_documents),
            )
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="-o/--format") from exc
    for f in files:
        st.console.print(f"wrote {f}")


@graph_app.command("stats")
def graph_stats_cmd(ctx: typer.Context, run: Run = None, top: int = 10, as_json: AsJson = False) -> None:
    """Node and edge counts, communities, and the most central themes."""
    st = state(ctx)
    with session_for(st) as session:
        stats = graph_stats(build_run_graph(session, run), top=top)
    if as_json:
        typer.echo(json.dumps(stats, ensure_ascii=False, indent=2))
        return
    st.console.print(f"run {stats['run_id']}: nodes {stats['nodes']}, edges {stats['edges']}")
    st.console.print(f"communities ({stats['communities']['backend']}): {stats['communities']['sizes']}")
    table = Table("betweenness", "theme", "degree", "strength")
    for b, d, s in zip(stats["betweenness"], stats["degree"], stats["strength"], strict=False):
        table.add_row(
            f"{b['value']:.3f}",
            f"{b['label']} ({b['node']})",
            f"{d['label']}: {d['value']:.0f}",
            f"{s['label']}: {s['value']:.2f}",
        )
    st.console.print(table)


@curate_app.command("relabel")
def relabel(
    ctx: typer.Context,
    theme: int,
    en: Annotated[str | None, typer.Option("--en", help="English label.")] = None,
    zh: Annotated[str | None, typer.Option("--zh", help="Chinese label.")] = None,
    reason: Reason = "",
    actor: Actor = None,
    expected_version: Version = None,
) -> None:
    """Give a theme a new English and/or Chinese label."""
    _op(
        ctx,
        lambda s: curation.relabel(
            s,
            theme,
            label_en=en,
            label_zh=zh,
            actor=_actor(actor),
            reason=reason,
            expected_version=expected_version,
        ),
    )


@curate_app.command("merge")
def merge(
    ctx: typer.Context,
    themes: Annotated[list[int], typer.Argument(help="Two or more theme ids.")],
    en: Annotated[str | None, typer.Option("--en")] = None,
    zh: Annotated[str | None, typer.Option("--zh")] = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Merge themes into a new one (keywords and centroid recomputed)."""
    _op(
        ctx, lambda s: curation.merge(s, themes, label_en=en, label_zh=zh, actor=_actor(actor), reason=reason)
    )


def _parts(docs: list[str] | None) -> list[list[int]] | None:
    if not docs:
        return None
    try:
        return [[int(x) for x in part.replace(" ", "").split(",") if x] for part in docs]
    except ValueError as exc:
        raise typer.BadParameter("--docs takes comma-separated document ids", param_hint="--docs") from exc


@curate_app.command("split")
def split(
    ctx: typer.Context,
    theme: int,
    parts: Annotated[
        int | None, typer.Option("--parts", help="Number of parts (default: by silhouette).")
    ] = None,
    docs: Annotated[
        list[str] | None, typer.Option("--docs", help="One part's document ids, '1,2,3' (repeat).")
    ] = None,
    seed: int = 0,
    reason: Reason = "",
    actor: Actor = None,
    expected_version: Version = None,
) -> None:
    """Split a theme: by hand-assigned document lists, or by re-clustering its documents."""
    _op(
        ctx,
        lambda s: curation.split(
            s,
            theme,
            _parts(docs),
            n_parts=parts,
            seed=seed,
            actor=_actor(actor),
            reason=reason,
            expected_version=expected_version,
        ),
    )


@curate_app.command("hide")
def hide(
    ctx: typer.Context,
    themes: list[int],
    show: Annotated[bool, typer.Option("--show", help="Show hidden themes again.")] = False,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Hide themes from lists, graphs and exports (nothing is lost)."""
    _op(ctx, lambda s: curation.hide(s, themes, hidden=not show, actor=_actor(actor), reason=reason))


@curate_app.command("delete")
def delete(ctx: typer.Context, themes: list[int], reason: Reason = "", actor: Actor = None) -> None:
    """Delete themes (retired, restorable by undo); their documents become unassigned."""
    _op(ctx, lambda s: curation.delete(s, themes, actor=_actor(actor), reason=reason))


@curate_app.command("move")
def move(
    ctx: typer.Context,
    documents: Annotated[list[int], typer.Argument(help="Document ids.")],
    source: Annotated[int, typer.Option("--from", help="Theme they are in.")],
    target: Annotated[int, typer.Option("--to", help="Theme they go to.")],
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Move documents from one theme to another."""
    _op(
        ctx,
        lambda s: curation.move_documents(s, documents, source, target, actor=_actor(actor), reason=reason),
    )


EdgeType = Annotated[str, typer.Option("--type", help="Edge type: similar_to, relevant_to, active_in …")]


@curate_app.command("link")
def link(
    ctx: typer.Context,
    source: str,
    target: str,
    edge_type: EdgeType = "similar_to",
    weight: float = 1.0,
    run: Run = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Add an edge between two nodes (theme ids or node ids like scenario:smart-port, org:CATL)."""
    _op(
        ctx,
        lambda s: curation.link(
            s, source, target, edge_type, weight=weight, run_id=run, actor=_actor(actor), reason=reason
        ),
    )


@curate_app.command("unlink")
def unlink(
    ctx: typer.Context,
    source: str,
    target: str,
    edge_type: EdgeType = "similar_to",
    run: Run = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Remove an edge (an analyst's, or suppress a machine-made one)."""
    _op(
        ctx,
        lambda s: curation.unlink(
            s, source, target, edge_type, run_id=run, actor=_actor(actor), reason=reason
        ),
    )


def _target(target: str, edge: str | None) -> Any:
    if edge is None:
        return target
    u, _, v = target.partition(",")
    if not v:
        raise typer.BadParameter("with --edge TYPE give the target as U,V", param_hint="TARGET")
    return (u, v, edge)


@curate_app.command("annotate")
def annotate(
    ctx: typer.Context,
    target: str,
    note: str,
    edge: Annotated[
        str | None, typer.Option("--edge", help="Annotate the edge TARGET=U,V of this type.")
    ] = None,
    run: Run = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Attach a note to a theme, another node, or an edge."""
    _op(
        ctx,
        lambda s: curation.annotate(
            s, _target(target, edge), note, run_id=run, actor=_actor(actor), reason=reason
        ),
    )


@curate_app.command("flag")
def flag(
    ctx: typer.Context,
    target: str,
    reason: Reason,
    edge: Annotated[str | None, typer.Option("--edge", help="Flag the edge TARGET=U,V of this type.")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Withdraw the flag.")] = False,
    run: Run = None,
    actor: Actor = None,
) -> None:
    """Flag a theme, node or edge as wrong, with the reason."""
    _op(
        ctx,
        lambda s: curation.flag(
            s, _target(target, edge), reason=reason, flagged=not clear, run_id=run, actor=_actor(actor)
        ),
    )


@curate_app.command("undo")
def undo(
    ctx: typer.Context,
    op: Annotated[int | None, typer.Argument()] = None,
    run: Run = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Undo an operation (default: the run's latest one in effect)."""
    _op(ctx, lambda s: curation.undo(s, op, run_id=run, actor=_actor(actor), reason=reason))


@curate_app.command("redo")
def redo(
    ctx: typer.Context,
    op: Annotated[int | None, typer.Argument()] = None,
    run: Run = None,
    reason: Reason = "",
    actor: Actor = None,
) -> None:
    """Redo an undone operation (default: the most recently undone one)."""
    _op(ctx, lambda s: curation.redo(s, op, run_id=run, actor=_actor(actor), reason=reason))


@curate_app.command("log")
def log(ctx: typer.Context, run: Run = None, limit: int | None = None, as_json: AsJson = False) -> None:
    """The run's curation log: who did what, when and why, and what was carried or needs review."""
    st = state(ctx)
    with session_for(st) as session:
        rows = curation.log(session, run, limit=limit)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("id", "op", "status", "actor", "when", "reason / review")
    for r in rows:
        note = r["review_reason"] or r["reason"]
        table.add_row(str(r["id"]), r["op"], r["status"], r["actor"], r["created_at"][:19], note)
    st.console.print(table)


def split_preview(
    ctx: typer.Context,
    theme: int,
    parts: Annotated[
        int | None, typer.Option("--parts", help="Number of parts (default: by silhouette).")
    ] = None,
    seed: int = 0,
) -> None:
    """Propose how a theme would split, with each part's keywords; changes nothing."""
    st = state(ctx)
    with session_for(st) as session:
        preview = curation.preview_split(session, theme, n_parts=parts, seed=seed)
    typer.echo(json.dumps(preview.__dict__, ensure_ascii=False, indent=2))
