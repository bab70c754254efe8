"""Write a routine monitoring report: ``report.md`` and ``report.html`` with PNG charts.

The text comes from Jinja2 templates — ``report.md.j2`` and ``report.html.j2`` shipped in
``foresight/reports/templates`` — which a user can copy, edit and pass back with ``templates_dir``: a
template found there wins, the shipped one is the fallback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine, select

from foresight.db.models import ThemeIndicators
from foresight.db.session import session_scope
from foresight.monitoring.compute import IndicatorOptions
from foresight.monitoring.indicators import compute_indicators, latest_computation
from foresight.reports.charts import composite_chart, share_chart, strategic_chart, weak_signal_chart
from foresight.reports.context import report_context
from foresight.themes.queries import get_run

TEMPLATES_DIR = Path(__file__).with_name("templates")
TEMPLATE_NAMES = ("report.md.j2", "report.html.j2")
ProgressCallback = Callable[[str, int, int], None]


@dataclass
class ReportResult:
    """Files written by :func:`build_report`."""

    run_id: int
    as_of: date
    granularity: str
    markdown: Path
    html: Path
    charts: list[Path] = field(default_factory=list)
    n_themes: int = 0
    n_alerts: int = 0


def number(value: Any, digits: int = 2) -> str:
    """A number for display with ``digits`` decimals (``–`` when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    if isinstance(value, bool | str):
        return str(value)
    return f"{float(value):.{digits}f}"


def whole(value: Any) -> str:
    """A count for display, with thousands separators (``–`` when missing)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{round(float(value)):,}"


def percent(value: Any, digits: int = 1) -> str:
    """A share as a percentage (``–`` when missing)."""
    if value is None:
        return "–"
    return f"{100.0 * float(value):.{digits}f}%"


def environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """Jinja2 environment: the user's folder first (when given), then the shipped templates.

    HTML templates are autoescaped; Markdown ones are not.
    """
    folders = [str(templates_dir)] if templates_dir else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(TEMPLATES_DIR)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = number
    env.filters["whole"] = whole
    env.filters["pct"] = percent
    return env


def _charts(
    engine: Engine, ctx: dict[str, Any], out_dir: Path, as_of: date, granularity: str
) -> dict[str, str]:
    charts_dir = out_dir / "charts"
    top = ctx["top_themes"]
    with session_scope(engine) as session:
        stored = {
            row.theme_id: row.indicators
            for row in session.scalars(
                select(ThemeIndicators).where(
                    ThemeIndicators.run_id == ctx["run"]["id"],
                    ThemeIndicators.as_of == as_of,
                    ThemeIndicators.granularity == granularity,
                )
            )
        }
    labels = {r["theme_id"]: r["label"] for r in ctx["themes"]}
    points = [
        {
            "theme_id": t,
            "label": labels.get(t, str(t)),
            "strategic": ind["values"].get("strategic") or {},
            "weak_signal": ind["values"].get("weak_signal") or {},
        }
        for t, ind in stored.items()
    ]
    highlight = {r["theme_id"] for r in top[:8]}
    paths = {
        "composite": composite_chart(top, charts_dir / "composite.png"),
        "shares": share_chart(
            [(r["label"], stored[r["theme_id"]].get("series", {})) for r in top[:6]],
            charts_dir / "shares.png",
        ),
        "strategic": strategic_chart(points, charts_dir / "strategic.png", highlight),
        "weak_signals": weak_signal_chart(points, charts_dir / "weak_signals.png", highlight),
    }
    return {name: p.relative_to(out_dir).as_posix() for name, p in paths.items()}


def build_report(
    engine: Engine,
    out_dir: Path,
    run_id: int | None = None,
    as_of: date | None = None,
    granularity: str | None = None,
    templates_dir: Path | None = None,
    top: int = 10,
    on_progress: ProgressCallback | None = None,
) -> ReportResult:
    """Write ``report.md``, ``report.html`` and ``charts/*.png`` into ``out_dir``.

    Indicators stored for the run (at ``as_of`` and ``granularity`` when given, else the latest stored)
    are used; when there are none they are computed first.

    Raises
    ------
    jinja2.TemplateError
        When a user template is broken (the message names the template and line).
    """
    if templates_dir is not None and not templates_dir.is_dir():
        raise FileNotFoundError(f"templates folder {templates_dir} does not exist")
    steps = 4
    with session_scope(engine) as session:
        run = get_run(session, run_id)
        found = latest_computation(session, run.id, granularity) if as_of is None else None
        if as_of is not None:
            exists = session.scalar(
                select(ThemeIndicators.granularity)
                .where(ThemeIndicators.run_id == run.id, ThemeIndicators.as_of == as_of)
                .limit(1)
            )
            found = (as_of, exists) if exists and (granularity is None or exists == granularity) else None
    if found is None:
        summary = compute_indicators(
            engine,
            run.id,
            as_of,
            IndicatorOptions(granularity=granularity or "auto"),
            on_progress=on_progress,
        )
        found = (summary.as_of, summary.granularity)
    day, gran = found
    if on_progress:
        on_progress("report", 1, steps)
    with session_scope(engine) as session:
        ctx = report_context(session, run.id, day, gran, top)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx["charts"] = _charts(engine, ctx, out_dir, day, gran)
    if on_progress:
        on_progress("report", 2, steps)
    env = environment(templates_dir)
    written = []
    for name in TEMPLATE_NAMES:
        text = env.get_template(name).render(**ctx)
        target = out_dir / name.removesuffix(".j2")
        target.write_text(text, encoding="utf-8")
        written.append(target)
    if on_progress:
        on_progress("report", steps, steps)
    return ReportResult(
        run_id=run.id,
        as_of=day,
        granularity=gran,
        markdown=written[0],
        html=written[1],
        charts=[out_dir / p for p in ctx["charts"].values()],
        n_themes=len(ctx["themes"]),
        n_alerts=len(ctx["alerts"]),
    )
