"""Routine templated report (常态化模板报告) of a priority list in Markdown and HTML.

The Jinja2 templates live in ``foresight/priorities/templates/`` (``report.md.j2``, ``report.html.j2``);
both get the same context from :func:`report_context`: settings and weights, the ranked entries with
scores, rank intervals, consensus and missing components, exclusions with reasons, expert agreement
(Kendall's W, read with Schmidt's 1997 bands), the weight-sensitivity summary, the diff against a
previous list, the portfolio charts and the provenance. The HTML report embeds the charts as data URIs
so it is one self-contained file; the Markdown report links the PNG files next to it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from foresight.priorities.charts import Chart, portfolio_charts
from foresight.priorities.codebook import provenance_rows
from foresight.priorities.diff import ListDiff, diff_lists
from foresight.priorities.model import COMPONENT_LABELS, DELPHI_COMPONENTS, PriorityEntry, PriorityList


@dataclass(frozen=True, slots=True)
class ReportFiles:
    markdown: Path
    html: Path
    charts: tuple[Chart, ...]
    diff: ListDiff | None


def _md(text: Any) -> str:
    """Escape a value for a Markdown table cell."""
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("foresight.priorities", "templates"),
        autoescape=lambda name: name is not None and name.endswith(".html.j2"),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _md
    return env


def agreement_label(w: float) -> str:
    """Schmidt (1997) reading of Kendall's W: ≥ 0.7 strong, ≥ 0.5 moderate, > 0.3 fair, else weak."""
    if w >= 0.7:
        return "strong / 强"
    if w >= 0.5:
        return "moderate / 中等"
    return "fair / 一般" if w > 0.3 else "weak / 弱"


def _fmt(v: float | None, digits: int = 3) -> str:
    return "–" if v is None else f"{v:.{digits}f}"


def _entry_view(e: PriorityEntry) -> dict[str, Any]:
    ci = e.rank_ci
    consensus = [
        f"{c.name}: {c.consensus.value}"
        for c in e.components
        if c.name in DELPHI_COMPONENTS and c.consensus is not None and c.weight > 0
    ]
    return {
        "rank": e.rank,
        "item_id": e.item_id,
        "title_zh": e.title_zh,
        "title_en": e.title_en,
        "field": e.field or "",
        "score": _fmt(e.score),
        "ci": "–" if ci is None else f"[{ci.lower:g}, {ci.upper:g}]",
        "coverage": f"{e.coverage:.0%}",
        "missing": ", ".join(e.missing),
        "pinned": f"📌 {e.pin_reason}" if e.pinned else "",
        "consensus": "; ".join(consensus),
        "contributions": [
            (COMPONENT_LABELS[c.name][0], _fmt(c.value, 2), _fmt(c.normalised), _fmt(c.contribution))
            for c in e.components
            if c.weight > 0
        ],
    }


def report_context(
    plist: PriorityList,
    *,
    diff: ListDiff | None = None,
    charts: tuple[Chart, ...] = (),
    title: str | None = None,
    embed_images: bool = False,
) -> dict[str, Any]:
    """The template context (plain strings and lists; see the module doc)."""
    s = plist.settings
    weights = [
        (c, COMPONENT_LABELS[c][0], COMPONENT_LABELS[c][1], f"{w:.1%}")
        for c, w in s.weights.values.items()
        if w > 0
    ]
    agreement = None
    if plist.agreement is not None:
        k = plist.agreement.kendall
        agreement = {
            "component": plist.agreement.component,
            "experts": f"{plist.agreement.n_experts_complete}/{plist.agreement.n_experts_total}",
            "w": _fmt(k.w) if k else "–",
            "chi2": _fmt(k.chi2, 2) if k else "–",
            "df": k.df if k else "–",
            "p": _fmt(k.p_value, 4) if k else "–",
            "label": agreement_label(k.w) if k else "not computable / 无法计算",
        }
    sensitivity = None
    if plist.sensitivity is not None:
        t = plist.sensitivity
        sensitivity = {
            "step": f"{t.step:.0%}",
            "rows": [(r.component, f"{r.change:+.0%}", r.max_abs_delta) for r in t.rows],
            "fragile": sorted(
                ((i, d) for i, d in t.max_abs_delta_by_item.items() if d > 0), key=lambda x: (-x[1], x[0])
            ),
        }
    chart_views = [
        {
            "title_en": ch.title_en,
            "title_zh": ch.title_zh,
            "src": _data_uri(ch.path) if embed_images else ch.path.name,
            "omitted": ", ".join(ch.omitted),
        }
        for ch in charts
    ]
    return {
        "title": title or "Priority technology list / 关键技术清单",
        "generated": bool(plist.provenance.get("generated_responses")),
        "preset": s.preset or "custom / 自定义",
        "view": s.view,
        "weights": weights,
        "filters": {
            "fields": ", ".join(s.fields) or "all / 全部",
            "scenarios": ", ".join(s.scenarios) or "all / 全部",
            "stakeholder": s.stakeholder_group or "all / 全部",
        },
        "cut": ", ".join(
            x
            for x in (
                f"top {s.top_n}" if s.top_n else "",
                f"score ≥ {s.threshold}" if s.threshold is not None else "",
            )
            if x
        )
        or "none / 无",
        "pin_mode": s.pin_mode,
        "n_in_scope": plist.n_in_scope,
        "entries": [_entry_view(e) for e in plist.entries],
        "excluded": [(x.item_id, x.title_zh, x.title_en, x.reason) for x in plist.excluded],
        "n_below_cut": len(plist.below_cut),
        "agreement": agreement,
        "sensitivity": sensitivity,
        "diff": diff,
        "charts": chart_views,
        "provenance": provenance_rows(plist),
    }


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def render_markdown(plist: PriorityList, **options: Any) -> str:
    """The Markdown report (options as for :func:`report_context`)."""
    return _environment().get_template("report.md.j2").render(report_context(plist, **options))


def render_html(plist: PriorityList, **options: Any) -> str:
    """The HTML report (options as for :func:`report_context`)."""
    return _environment().get_template("report.html.j2").render(report_context(plist, **options))


def write_report(
    plist: PriorityList,
    out_dir: str | Path,
    *,
    previous: PriorityList | None = None,
    title: str | None = None,
    basename: str = "priority_list",
) -> ReportFiles:
    """Write ``<basename>.md``, ``<basename>.html`` and the chart PNGs into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    charts = portfolio_charts(plist, out)
    diff = diff_lists(plist, previous) if previous is not None else None
    md = out / f"{basename}.md"
    md.write_text(render_markdown(plist, diff=diff, charts=charts, title=title), encoding="utf-8")
    html = out / f"{basename}.html"
    html.write_text(
        render_html(plist, diff=diff, charts=charts, title=title, embed_images=True), encoding="utf-8"
    )
    return ReportFiles(markdown=md, html=html, charts=charts, diff=diff)
