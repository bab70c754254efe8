"""Portfolio charts of a priority list (delphi.md §4.5: 2-D portfolio plots as NISTEP, KISTEP, CASTED do).

Two PNG charts (matplotlib, Agg canvas, no global pyplot state):

* ``importance_gap`` — x importance index, y R&D-position gap (0 leading … 100 behind);
* ``importance_year`` — x median expected realisation year (technological), or the urgency index when
  no entry has a year; y importance index.

Bubble area grows with the emergence composite (``80 + 420·x̃`` pt², ``x̃`` = min–max normalised emergence
of the plotted entries); entries without emergence are hollow circles of the minimum size. Points are
labelled with their rank (the report's table maps ranks to titles; the bundled fonts have no CJK glyphs);
pinned entries have a black edge. Dashed lines mark the medians of the plotted values (quadrants);
index axes span 0–100.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from foresight.priorities.model import DELPHI_COMPONENTS, Component, PriorityEntry, PriorityList


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart file and what it shows."""

    name: str
    path: Path
    title_en: str
    title_zh: str
    plotted: int
    omitted: tuple[str, ...]  #: item ids without the values this chart needs


def _value(e: PriorityEntry, c: Component) -> float | None:
    return e.component(c).value


def _scatter(
    entries: list[PriorityEntry],
    xs: list[float],
    ys: list[float],
    labels: tuple[str, str, str],
    index_axes: tuple[bool, bool],
) -> Figure:
    xlabel, ylabel, title = labels
    fig = Figure(figsize=(7.5, 5.5), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    em = np.array([np.nan if (v := _value(e, "emergence")) is None else v for e in entries], dtype=float)
    ok = np.isfinite(em)
    norm = np.zeros_like(em)
    if ok.sum() >= 2 and np.ptp(em[ok]) > 0:
        norm[ok] = (em[ok] - em[ok].min()) / np.ptp(em[ok])
    elif ok.any():
        norm[ok] = 0.5
    sizes = 80 + 420 * norm
    edges = ["black" if e.pinned else "tab:blue" for e in entries]
    faces = ["tab:blue" if k else "none" for k in ok]
    ax.scatter(xs, ys, s=sizes, c=faces, edgecolors=edges, alpha=0.6, linewidths=1.2)
    for e, x, y in zip(entries, xs, ys, strict=True):
        ax.annotate(str(e.rank), (x, y), ha="center", va="center", fontsize=8)
    if xs:
        ax.axvline(float(np.median(xs)), ls="--", lw=0.8, color="grey")
        ax.axhline(float(np.median(ys)), ls="--", lw=0.8, color="grey")
    if index_axes[0]:
        ax.set_xlim(-5, 105)
    if index_axes[1]:
        ax.set_ylim(-5, 105)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def _chart(
    plist: PriorityList,
    out: Path,
    name: str,
    x_of: Component | None,
    y_of: Component,
    labels: tuple[str, ...],
) -> Chart:
    xlabel, ylabel, title_en, title_zh = labels
    pts: list[tuple[PriorityEntry, float, float]] = []
    omitted = []
    for e in plist.entries:
        x = e.realization_year if x_of is None else _value(e, x_of)
        y = _value(e, y_of)
        if x is None or y is None:
            omitted.append(e.item_id)
        else:
            pts.append((e, x, y))
    index_axes = (x_of in DELPHI_COMPONENTS, y_of in DELPHI_COMPONENTS)
    fig = _scatter(
        [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts], (xlabel, ylabel, title_en), index_axes
    )
    path = out / f"{name}.png"
    fig.savefig(path)
    return Chart(name, path, title_en, title_zh, len(pts), tuple(omitted))


def portfolio_charts(plist: PriorityList, out_dir: str | Path) -> tuple[Chart, ...]:
    """Write the two portfolio charts into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gap = _chart(
        plist,
        out,
        "importance_gap",
        "importance",
        "gap",
        (
            "Importance index (0–100)",
            "R&D-position gap (0 leading … 100 behind)",
            "Importance × R&D position (bubble = emergence)",
            "重要性 × 研发水平差距（气泡大小 = 新兴性）",
        ),
    )
    with_year = any(e.realization_year is not None for e in plist.entries)
    year = _chart(
        plist,
        out,
        "importance_year",
        None if with_year else "urgency",
        "importance",
        (
            "Median expected realisation year" if with_year else "Urgency index (0–100, earlier = higher)",
            "Importance index (0–100)",
            "Importance × realisation time (bubble = emergence)",
            "重要性 × 预计实现时间（气泡大小 = 新兴性）",
        ),
    )
    return gap, year
