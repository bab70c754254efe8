"""``foresight scenarios``: import the application-scenario catalogue, link a run's themes to it by
meaning, and list what links to nothing (themes without a scenario, scenarios no theme serves)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from foresight.cli.context import state
from foresight.cli.graph_cmd import AsJson, Run, session_for
from foresight.scenarios import import_catalogue, link_scenarios, orphans
from foresight.themes.queries import get_run

app = typer.Typer(help="Application scenarios (场景): import the catalogue, link themes, find orphans.")


@app.command("import")
def scenarios_import(ctx: typer.Context, file: Path, source: str | None = None) -> None:
    """Import (add or update) fields and scenarios from YAML (data/scenarios.yaml) or CSV."""
    st = state(ctx)
    with session_for(st) as session:
        report = import_catalogue(session, file, source)
    st.console.print(
        f"{report.source}: scenarios +{report.scenarios_added} ~{report.scenarios_updated}, "
        f"fields +{report.fields_added} ~{report.fields_updated}"
    )


@app.command("link")
def scenarios_link(
    ctx: typer.Context, run: Run = None, top_k: int = 3, threshold: float = 0.3, as_json: AsJson = False
) -> None:
    """Link each theme of a run to its most relevant scenarios (by meaning and keywords)."""
    from foresight.embeddings import SentenceTransformerBackend

    st = state(ctx)
    backend = SentenceTransformerBackend(st.settings.embedding_model, backend=st.settings.embedding_backend)  # type: ignore[arg-type]
    with session_for(st) as session:
        run_id = get_run(session, run).id
        report = link_scenarios(session, backend, run_id, top_k=top_k, threshold=threshold)
    for w in report.warnings:
        st.console.print(f"[yellow]warning:[/] {w}")
    if as_json:
        typer.echo(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
    else:
        st.console.print(
            f"run {report.run_id}: {report.n_links} links for {report.n_themes} themes and "
            f"{report.n_scenarios} scenarios ({report.text_mode} text, {report.model_id})"
        )


@app.command("orphans")
def scenarios_orphans(ctx: typer.Context, run: Run = None) -> None:
    """Themes linked to no scenario, and scenarios no theme serves."""
    st = state(ctx)
    with session_for(st) as session:
        found = orphans(session, run)
    typer.echo(json.dumps(found, ensure_ascii=False, indent=2))
