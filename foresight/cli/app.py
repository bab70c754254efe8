"""Assembly of the ``foresight`` command groups."""

from __future__ import annotations

import typer

from foresight.cli import (
    analysis_cmd,
    db_cmd,
    delphi_cmd,
    demo_cmd,
    docs_cmd,
    graph_cmd,
    ingest_cmd,
    keys_cmd,
    monitoring_cmd,
    priorities_cmd,
    scenarios_cmd,
    search_cmd,
)

app = typer.Typer(
    name="foresight",
    help="Intelligent technology foresight: import, analyse, curate, Delphi, priority lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest_cmd.ingest)
app.command("demo")(demo_cmd.demo)
app.command("formats")(ingest_cmd.list_formats)
app.command("analyze")(analysis_cmd.analyze)
app.add_typer(analysis_cmd.themes_app, name="themes")
app.add_typer(analysis_cmd.runs_app, name="runs")
app.add_typer(docs_cmd.app, name="docs")
app.add_typer(db_cmd.app, name="db")
app.add_typer(delphi_cmd.app, name="delphi")
app.add_typer(delphi_cmd.serve_app, name="serve")
app.command("indicators")(monitoring_cmd.indicators)
app.command("lineage")(monitoring_cmd.lineage)
app.add_typer(monitoring_cmd.watch_app, name="watch")
app.command("alerts")(monitoring_cmd.alerts)
app.command("report")(monitoring_cmd.report)
app.command("search")(search_cmd.search_cmd)
app.add_typer(graph_cmd.graph_app, name="graph")
app.add_typer(graph_cmd.curate_app, name="curate")
app.command("split-preview")(graph_cmd.split_preview)
app.add_typer(scenarios_cmd.app, name="scenarios")
app.add_typer(priorities_cmd.app, name="priorities")
app.add_typer(keys_cmd.app, name="keys")
