"""Assembly of the ``foresight`` command groups."""

from __future__ import annotations

import typer

from foresight.cli import analysis_cmd, db_cmd, docs_cmd, ingest_cmd, monitoring_cmd

app = typer.Typer(
    name="foresight",
    help="Intelligent technology foresight: import, analyse, curate, Delphi, priority lists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("ingest")(ingest_cmd.ingest)
app.command("demo")(ingest_cmd.demo)
app.command("formats")(ingest_cmd.list_formats)
app.command("analyze")(analysis_cmd.analyze)
app.add_typer(analysis_cmd.themes_app, name="themes")
app.add_typer(analysis_cmd.runs_app, name="runs")
app.add_typer(docs_cmd.app, name="docs")
app.add_typer(db_cmd.app, name="db")
app.command("indicators")(monitoring_cmd.indicators)
app.command("lineage")(monitoring_cmd.lineage)
app.add_typer(monitoring_cmd.watch_app, name="watch")
app.command("alerts")(monitoring_cmd.alerts)
app.command("report")(monitoring_cmd.report)
