"""``foresight delphi`` (expert pool, surveys, invitations, rounds, results) and ``foresight serve api``."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from foresight.cli.context import state
from foresight.db.session import session_scope
from foresight.delphi.service import DelphiError, InvalidInput
from foresight.delphi.service.invitations import create_invitations
from foresight.delphi.service.panel import coverage, import_experts, list_experts
from foresight.delphi.service.results import response_rates, round_results
from foresight.delphi.service.rounds import close_current_round, open_next_round, round_out
from foresight.delphi.service.surveys import ItemIn, SurveyCreate, create_survey

app = typer.Typer(help="Delphi: expert pool, surveys from curated themes, invitations, rounds, results.")
experts_app = typer.Typer(help="The expert pool (专家库).")
survey_app = typer.Typer(help="Surveys.")
round_app = typer.Typer(help="Rounds: open the next one, close the open one.")
serve_app = typer.Typer(help="Run services.")
app.add_typer(experts_app, name="experts")
app.add_typer(survey_app, name="survey")
app.add_typer(round_app, name="round")


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"


def _fail(exc: DelphiError) -> typer.Exit:
    message = str(exc)
    if isinstance(exc, InvalidInput):
        message = exc.detail + "".join(f"\n  {e.field}: {e.message}" for e in exc.errors)
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise typer.BadParameter(f"expected comma-separated ids, got {text!r}") from exc


@experts_app.command("import")
def experts_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX, header row first.")],
    strict: Annotated[bool, typer.Option(help="Import nothing when any row is bad.")] = False,
) -> None:
    """Create or update experts from a table; bad rows are listed by row number."""
    st = state(ctx)
    try:
        with session_scope(st.engine()) as session:
            report = import_experts(session, file.read_bytes(), file.name, _actor(), strict=strict)
    except DelphiError as exc:
        raise _fail(exc) from exc
    typer.echo(f"created {report.created}, updated {report.updated}, rejected {len(report.errors)} row(s)")
    for error in report.errors:
        typer.echo(f"  row {error.row}: {error.field}: {error.message}")
    if report.errors and strict:
        raise typer.Exit(code=1)


@experts_app.command("list")
def experts_list(ctx: typer.Context, group: Annotated[str | None, typer.Option()] = None) -> None:
    """List the experts (id, name, group, fields)."""
    with session_scope(state(ctx).engine()) as session:
        table = Table("id", "name", "group", "organization", "fields")
        for e in list_experts(session, group=group):
            table.add_row(str(e.id), e.name, e.stakeholder_group, e.organization or "", ", ".join(e.fields))
    state(ctx).console.print(table)


@app.command("coverage")
def coverage_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Panel coverage: experts per field × stakeholder group."""
    with session_scope(state(ctx).engine()) as session:
        matrix = coverage(session)
    if as_json:
        typer.echo(json.dumps(matrix, ensure_ascii=False, indent=2))
        return
    table = Table("field", *matrix["groups"], "total", title=f"{matrix['total']} experts")
    for row in matrix["rows"]:
        table.add_row(row["field"], *(str(row["counts"][g]) for g in matrix["groups"]), str(row["total"]))
    table.add_row("[b]all[/b]", *(str(matrix["totals"][g]) for g in matrix["groups"]), str(matrix["total"]))
    state(ctx).console.print(table)


@survey_app.command("create")
def survey_create(
    ctx: typer.Context,
    title: Annotated[str, typer.Option(help="English title.")] = "",
    title_zh: Annotated[str, typer.Option(help="Chinese title.")] = "",
    from_themes: Annotated[str, typer.Option(help="Curated theme ids, e.g. 1,2,3.")] = "",
    item: Annotated[list[str] | None, typer.Option(help="A hand-written item title (repeat).")] = None,
    min_group_size: Annotated[int, typer.Option(min=1)] = 5,
    realtime: Annotated[bool, typer.Option(help="Show live statistics after an expert submits.")] = False,
) -> None:
    """Create a draft survey from curated themes (with evidence packs) and/or hand-written items."""
    try:
        data = SurveyCreate(
            title_en=title,
            title_zh=title_zh,
            theme_ids=_ids(from_themes),
            items=[ItemIn(title_en=t) for t in item or []],
            min_group_size=min_group_size,
            realtime=realtime,
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    try:
        with session_scope(state(ctx).engine()) as session:
            survey = create_survey(session, data, _actor())
            typer.echo(f"survey {survey.id} created with {len(survey.items)} item(s) (draft)")
    except DelphiError as exc:
        raise _fail(exc) from exc


@app.command("invite")
def invite(
    ctx: typer.Context,
    survey: Annotated[int, typer.Option(help="Survey id.")],
    expert: Annotated[
        list[int] | None, typer.Option(help="Expert id (repeat); default every expert.")
    ] = None,
    expires_days: Annotated[int | None, typer.Option(min=1, max=366)] = None,
) -> None:
    """Issue invitation links; they are printed once and never stored (only their SHA-256)."""
    st = state(ctx)
    days = expires_days or st.settings.invitation_days
    try:
        with session_scope(st.engine()) as session:
            ids = expert or [e.id for e in list_experts(session)]
            issued = create_invitations(session, survey, ids, _actor(), expires_days=days)
            base = st.settings.public_base_url.rstrip("/")
            lines = [
                f"{i.invitation.expert_id}\t{i.invitation.expert.email or ''}\t{base}/e/{i.token}"
                for i in issued
            ]
    except DelphiError as exc:
        raise _fail(exc) from exc
    typer.echo("expert_id\temail\tlink  (shown once: send them now)")
    for line in lines:
        typer.echo(line)


@round_app.command("open")
def round_open(ctx: typer.Context, survey: Annotated[int, typer.Option(help="Survey id.")]) -> None:
    """Open the next round (the first one freezes the survey's rules)."""
    try:
        with session_scope(state(ctx).engine()) as session:
            out = round_out(open_next_round(session, survey, _actor()))
    except DelphiError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"round {out['number']} open: {len(out['items_asked'])} item(s) asked, "
        f"{len(out['carried_forward'])} carried forward"
    )


@round_app.command("close")
def round_close(ctx: typer.Context, survey: Annotated[int, typer.Option(help="Survey id.")]) -> None:
    """Close the open round and freeze its results (snapshot + SHA-256)."""
    try:
        with session_scope(state(ctx).engine()) as session:
            out = round_out(close_current_round(session, survey, _actor()))
    except DelphiError as exc:
        raise _fail(exc) from exc
    typer.echo(f"round {out['number']} closed; snapshot sha256 {out['snapshot_sha256']}")


def _summary_rows(results: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for item in results.get("items", {}).values():
        for qid, assessment in item["assessments"].items():
            summary = item["questions"][qid]["ordinal"]["all"]
            rows.append(
                (
                    str(item["item_id"]),
                    item["title_en"] or item["title_zh"],
                    qid,
                    str(summary["n"]),
                    "" if summary["median"] is None else f"{summary['median']:g}",
                    "" if summary["iqr"] is None else f"{summary['iqr']:g}",
                    assessment["state"],
                    "yes" if item["done"] else "no",
                )
            )
    return rows


@app.command("results")
def results_cmd(
    ctx: typer.Context,
    survey: Annotated[int, typer.Option(help="Survey id.")],
    round_number: Annotated[int | None, typer.Option("--round", help="Round number; default latest.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Full results as JSON.")] = False,
) -> None:
    """Per item × question statistics and consensus states, plus response rates."""
    try:
        with session_scope(state(ctx).engine()) as session:
            results = round_results(session, survey, round_number)
            rates = response_rates(session, survey)
    except DelphiError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps({"results": results, "response_rates": rates}, ensure_ascii=False, indent=2))
        return
    title = (
        f"survey {survey}, round {results['round']} ({'provisional' if results['provisional'] else 'closed'})"
    )
    table = Table("item", "title", "question", "n", "median", "IQR", "state", "done", title=title)
    for row in _summary_rows(results):
        table.add_row(*row)
    state(ctx).console.print(table)
    for r in rates["rounds"]:
        rate = "n/a" if r["rate"] is None else f"{r['rate']:.0%}"
        done = f"{r['respondents']}/{r['invited']} responded ({rate}), {r['complete']} complete"
        typer.echo(f"round {r['number']}: {done}")


@app.command("demo-panel")
def demo_panel_cmd(
    ctx: typer.Context,
    run: Annotated[int | None, typer.Option("--run", help="Analysis run id; default the latest.")] = None,
    experts: Annotated[int, typer.Option("--experts", min=1, max=500, help="Generated experts.")] = 24,
    themes: Annotated[int, typer.Option("--themes", min=1, max=100, help="Top themes asked about.")] = 10,
    rounds: Annotated[int, typer.Option("--rounds", min=1, max=2, help="Rounds to run.")] = 2,
    seed: Annotated[
        int | None, typer.Option(help="Seed of the answers; default FORESIGHT_RANDOM_SEED.")
    ] = None,
) -> None:
    """A demo survey on the run's top themes, answered by a GENERATED panel (labelled so in the data)."""
    from foresight.cli.demo_steps import create_demo_survey, demo_survey_table

    st = state(ctx)
    try:
        result = create_demo_survey(
            st, run_id=run, n_experts=experts, n_themes=themes, rounds=rounds, seed=seed
        )
    except DelphiError as exc:
        raise _fail(exc) from exc
    st.console.print(demo_survey_table(result))
    st.console.print(
        f"next: foresight delphi results --survey {result.survey_id} ; "
        f"foresight priorities build --survey {result.survey_id}",
        soft_wrap=True,
    )


@serve_app.command("api")
def serve_api(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Serve the FastAPI app (admin API, expert pages, docs at /docs) with uvicorn."""
    import uvicorn

    state(ctx)  # settings are read from the environment by the app factory in each worker
    # By import string: the foresight package never imports the api package (layering contract).
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers)
