"""``foresight demo``: the main job on the embedded default, end to end, with a closing summary.

Steps: import the demo corpus → analyse it (themes, fields, indicators, lineage, alerts) → link themes to
the scenario catalogue → export the knowledge graph → write the monitoring report → a demo Delphi survey on
the top themes, answered by a generated panel (labelled as generated in the data and the dashboard) → a
priority list from it, exported to CSV, XLSX and a report → start the API and the dashboard on 127.0.0.1
(skipped with ``--no-serve``). Each step is also a command of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from foresight.cli.context import CliState, state
from foresight.cli.demo_steps import build_and_export_priorities, create_demo_survey, demo_survey_rows
from foresight.cli.docs_cmd import print_stats
from foresight.cli.ingest_cmd import _summary_table, run_imports
from foresight.corpus import corpus_stats
from foresight.db.session import session_scope
from foresight.delphi.service import DelphiError
from foresight.embeddings import SentenceTransformerBackend
from foresight.embeddings.cache import count as cached_vectors
from foresight.graph.service import export_run_graph
from foresight.reports.render import build_report
from foresight.scenarios.catalogue import import_catalogue
from foresight.scenarios.service import link_scenarios
from foresight.themes.runs import AnalysisOptions, run_analysis

DEMO_DIR = Path("data") / "demo"
SCENARIOS = Path("data") / "scenarios.yaml"
OUT_DIR = Path("out") / "demo"
ServeOption = Annotated[bool, typer.Option("--serve/--no-serve", help="Start the API and the dashboard.")]


def _step(st: CliState, timings: dict[str, float], name: str, started: float) -> None:
    timings[name] = time.perf_counter() - started
    st.console.print(f"[green]✓[/] {name} ({timings[name]:.1f} s)")


def demo(
    ctx: typer.Context,
    demo_dir: Annotated[Path, typer.Option(help="Folder of the demo corpus.")] = DEMO_DIR,
    out: Annotated[Path, typer.Option(help="Folder for the artefacts (graph, report).")] = Path("out")
    / "demo",
    scenarios: Annotated[Path, typer.Option(help="Scenario catalogue (YAML or CSV).")] = SCENARIOS,
    stability_runs: Annotated[int, typer.Option(min=0, help="Re-runs with other seeds for stability.")] = 1,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Start the API and the dashboard.")
    ] = True,
    api_port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    ui_port: Annotated[int, typer.Option(min=1, max=65535)] = 8501,
    experts: Annotated[int, typer.Option(min=1, max=500, help="Generated experts of the demo panel.")] = 24,
    survey_themes: Annotated[int, typer.Option(min=1, max=100, help="Top themes in the demo survey.")] = 10,
    max_theme_share: Annotated[
        float,
        typer.Option(
            min=0.01,
            max=1.0,
            help="Largest share of the corpus one theme may hold: the demo mixes arXiv papers, US patents "
            "and Chinese abstracts, and without a cap a whole source comes out as one theme.",
        ),
    ] = 0.1,
) -> None:
    """Run the whole foresight loop on the demo corpus and serve the results (see the README)."""
    st = state(ctx)
    files = sorted(p for p in demo_dir.glob("*.jsonl*") if p.is_file())
    if not files:
        raise typer.BadParameter(
            f"no demo files (*.jsonl, *.jsonl.gz) in {demo_dir}", param_hint="--demo-dir"
        )
    st.console.print(f"[bold]Foresight demo[/] — store: {st.settings.resolved_database_url}")
    timings: dict[str, float] = {}
    engine = st.engine()

    t0 = time.perf_counter()
    reports, failures = run_imports(st, files)
    if reports:
        st.console.print(_summary_table(reports))
    if failures:
        for message in failures:
            st.console.print(f"[red]error:[/] {message}", soft_wrap=True)
        raise typer.Exit(code=1)
    _step(st, timings, "import", t0)

    t0 = time.perf_counter()
    from foresight.cli.analysis_cmd import progress_reporter

    with session_scope(engine) as session:
        vectors_before = cached_vectors(session)
    with progress_reporter(st.console) as on_step:
        result = run_analysis(
            engine,
            st.settings,
            AnalysisOptions(
                stability_runs=stability_runs,
                seed=st.settings.random_seed,
                label="demo",
                max_theme_share=max_theme_share,
            ),
            on_step=on_step,
        )
    with session_scope(engine) as session:
        new_vectors = cached_vectors(session) - vectors_before
    for warning in result.warnings:
        st.console.print(f"[yellow]note:[/] {warning}", soft_wrap=True)
    _step(st, timings, "analysis (themes, indicators, lineage, alerts)", t0)

    t0 = time.perf_counter()
    backend = SentenceTransformerBackend(st.settings.embedding_model)
    with session_scope(engine) as session:
        import_catalogue(session, scenarios)
    with session_scope(engine) as session:
        links = link_scenarios(session, backend, result.run_id)
    _step(st, timings, "scenario links", t0)

    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with session_scope(engine) as session:
        graph_files = export_run_graph(session, out / "graph.graphml", run_id=result.run_id)
        graph_files += export_run_graph(session, out / "graph.json", run_id=result.run_id)
    _step(st, timings, "knowledge graph", t0)

    t0 = time.perf_counter()
    report = build_report(engine, out / "report", result.run_id, None, None, None, 10, None)
    _step(st, timings, "report", t0)

    t0 = time.perf_counter()
    try:
        survey = create_demo_survey(st, run_id=result.run_id, n_experts=experts, n_themes=survey_themes)
    except DelphiError as exc:
        st.console.print(f"[red]error:[/] demo survey: {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    _step(st, timings, "demo Delphi survey (generated demo responses)", t0)

    t0 = time.perf_counter()
    priorities = build_and_export_priorities(st, survey.survey_id, out)
    _step(st, timings, "priority list", t0)

    with session_scope(engine) as session:
        print_stats(st.console, corpus_stats(session))
    table = Table(title="demo artefacts", show_edge=False)
    table.add_column("what")
    table.add_column("where / figures")
    table.add_row("analysis run", f"{result.run_id}: {result.n_themes} themes in {result.n_fields} fields, "
                  f"noise {result.noise_share_after:.1%} ({result.representation})")  # fmt: skip
    table.add_row("import", f"{sum(r.new for r in reports):,} new, {sum(r.unchanged for r in reports):,} "
                  f"unchanged, {sum(r.merged for r in reports):,} merged")  # fmt: skip
    table.add_row("embeddings", f"{new_vectors:,} new, {vectors_before:,} from the cache")
    table.add_row(
        "scenario links",
        f"{links.n_links} links between {links.n_themes} themes and {links.n_scenarios} scenarios",
    )
    table.add_row("knowledge graph", ", ".join(str(p) for p in graph_files))
    table.add_row("report", f"{report.markdown}, {report.html}")
    for what, value in demo_survey_rows(survey):
        table.add_row(what, value)
    table.add_row(f"priority list {priorities.list_id}", f"{priorities.n_entries} entries (inputs: generated "
                  "demo responses): " + ", ".join(str(p) for p in priorities.files))  # fmt: skip
    table.add_row("time", ", ".join(f"{k} {v:.0f}s" for k, v in timings.items())
                  + f"; total {sum(timings.values()):.0f}s")  # fmt: skip
    st.console.print(table)
    if serve:
        serve_all(st, api_port, ui_port)


def serve_all(st: CliState, api_port: int, ui_port: int) -> None:
    """Start the API (uvicorn) and the dashboard (streamlit) on 127.0.0.1 until interrupted."""
    env = {**os.environ, "FORESIGHT_DATABASE_URL": st.settings.resolved_database_url}
    bin_dir = Path(sys.executable).parent
    api = subprocess.Popen(
        [
            str(bin_dir / "uvicorn"),
            "api.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(api_port),
        ],
        env=env,
    )  # fmt: skip
    ui = subprocess.Popen(
        [str(bin_dir / "streamlit"), "run", "ui/app.py", "--server.address", "127.0.0.1", "--server.port",
         str(ui_port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        env=env,
    )  # fmt: skip
    st.console.print(
        f"\n[bold]API[/]        http://127.0.0.1:{api_port}/docs\n"
        f"[bold]Dashboard[/]  http://127.0.0.1:{ui_port}\n(Ctrl-C stops both)"
    )
    try:
        while api.poll() is None and ui.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for proc in (api, ui):
            proc.terminate()
        for proc in (api, ui):
            proc.wait(timeout=10)
