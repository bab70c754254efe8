"""Steps of ``foresight demo`` after the monitoring report, each also run alone by its own command.

* :func:`create_demo_survey` — ``foresight delphi demo-panel``: a demo Delphi survey on the run's top themes,
  answered by a generated panel (labelled as generated in the data), with a progress bar;
* :func:`build_and_export_priorities` — ``foresight priorities build`` then ``foresight priorities export``
  to CSV, XLSX and the Markdown + HTML report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from foresight.cli.context import CliState
from foresight.db.session import session_scope
from foresight.delphi.service.demo import DemoSurveyResult, run_demo_survey
from foresight.priorities.model import ListSettings
from foresight.priorities.service import build_priority_list
from foresight.priorities.store import export_priority_list

DEMO_ACTOR = "cli:demo"
PRIORITY_PRESET = "importance-first"


def create_demo_survey(
    st: CliState,
    *,
    run_id: int | None = None,
    n_experts: int = 24,
    n_themes: int = 10,
    rounds: int = 2,
    seed: int | None = None,
) -> DemoSurveyResult:
    """Run :func:`~foresight.delphi.service.demo.run_demo_survey` in one transaction, with a progress bar.

    Raises the service's :class:`~foresight.delphi.service.DelphiError` (nothing is stored then).
    """
    with (
        Progress(
            TextColumn("generated answers, {task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=st.console,
        ) as progress,
        session_scope(st.engine()) as session,
    ):
        tasks: dict[str, TaskID] = {}

        def on_progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = progress.add_task(step, total=total)
            progress.update(tasks[step], completed=done)

        return run_demo_survey(
            session,
            run_id=run_id,
            n_experts=n_experts,
            n_themes=n_themes,
            seed=st.settings.random_seed if seed is None else seed,
            rounds=rounds,
            on_progress=on_progress,
        )


def demo_survey_table(result: DemoSurveyResult) -> Table:
    """Closing summary of the demo survey step."""
    table = Table(title="demo Delphi survey (generated demo responses)", show_edge=False)
    table.add_column("what")
    table.add_column("value")
    for what, value in demo_survey_rows(result):
        table.add_row(what, value)
    return table


def demo_survey_rows(result: DemoSurveyResult) -> list[tuple[str, str]]:
    """``(what, value)`` rows describing the demo survey, for the summaries."""
    state = "study finished" if result.study_finished else "rounds closed"
    return [
        ("demo survey", f"{result.survey_id} — generated demo responses (run {result.run_id})"),
        ("generated panel", f"{len(result.expert_ids)} generated experts"),
        ("items (top themes)", "; ".join(result.item_titles)),
        ("answers stored", f"{result.answers_stored:,} in {result.rounds_closed} round(s), {state}"),
    ]


@dataclass(frozen=True)
class PriorityExport:
    list_id: int
    n_entries: int
    files: list[Path]


def build_and_export_priorities(st: CliState, survey_id: int, out: Path) -> PriorityExport:
    """Build the priority list of ``survey_id`` (preset importance-first) and export it into ``out``.

    Writes ``out/priorities.csv``, ``out/priorities.xlsx`` and ``out/priorities/priorities.md`` + ``.html``
    with the portfolio charts.
    """
    settings = ListSettings.model_validate({"preset": PRIORITY_PRESET})
    out.mkdir(parents=True, exist_ok=True)
    with session_scope(st.engine()) as session:
        record = build_priority_list(
            session,
            survey_id,
            settings,
            name=f"demo survey {survey_id} list",
            created_by=DEMO_ACTOR,
            random_state=st.settings.random_seed,
        )
        list_id, n_entries = record.id, record.n_entries
    files: list[Path] = []
    with session_scope(st.engine()) as session:
        for target in (out / "priorities.csv", out / "priorities.xlsx", out / "priorities" / "priorities.md"):
            files += export_priority_list(session, list_id, target)[: 1 if target.suffix != ".md" else 2]
    return PriorityExport(list_id, n_entries, files)
