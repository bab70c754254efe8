"""PNG charts of a monitoring report (matplotlib, Agg backend: no display needed).

Each function takes plain data (rows from :func:`foresight.monitoring.indicators.run_indicators` and
the stored series) and writes one file; they return the path written.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter, ScalarFormatter

#: Fonts tried first for Chinese labels, when installed; DejaVu Sans covers Latin text.
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", "SimHei"]
ROLE_COLOURS = {
    "motor": "#1b9e77",
    "basic": "#7570b3",
    "niche": "#e7298a",
    "emerging": "#d95f02",
    "declining": "#666666",
    "emerging or declining": "#e6ab02",
    "undetermined": "#bbbbbb",
}
QUADRANT_COLOURS = {
    "weak signal": "#d95f02",
    "strong signal": "#1b9e77",
    "latent signal": "#bbbbbb",
    "well-known": "#7570b3",
    "undetermined": "#dddddd",
}


def short(label: str, width: int = 38) -> str:
    """A label cut to ``width`` characters with an ellipsis."""
    return label if len(label) <= width else label[: width - 1] + "…"


def _save(fig: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing CJK glyphs on machines without such fonts
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _font_families() -> list[str]:
    """The families of ``FONT_FAMILIES`` installed here (matplotlib falls back glyph by glyph)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in FONT_FAMILIES if f in installed] or ["sans-serif"]


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    plt.rcParams["font.family"] = _font_families()
    fig, ax = plt.subplots(figsize=(width, height))
    return fig, ax


def composite_chart(rows: Sequence[dict[str, Any]], path: Path) -> Path:
    """Horizontal bars of the emergence composite of the given themes (best on top)."""
    shown = [r for r in rows if r.get("composite") is not None]
    fig, ax = _figure(8.0, 0.45 * max(len(shown), 2) + 1.2)
    labels = [short(f"{r['label']} (#{r['theme_id']})") for r in shown][::-1]
    ax.barh(labels, [r["composite"] for r in shown][::-1], color="#d95f02")
    ax.set_xlim(0, 1)
    ax.set_xlabel("emergence composite (Rotolo five attributes, 0–1)")
    ax.set_title("Top emerging themes")
    return _save(fig, path)


def share_chart(series: Sequence[tuple[str, dict[str, Any]]], path: Path) -> Path:
    """Share of the corpus per period of each given theme (label, stored series)."""
    fig, ax = _figure(8.0, 4.2)
    for label, s in series:
        periods, share = s.get("periods", []), s.get("share", [])
        if periods:
            ax.plot(
                periods, [100.0 * (v or 0.0) for v in share], marker="o", markersize=3, label=short(label, 30)
            )
    ax.set_ylabel("share of documents (%)")
    ax.set_title("Share of corpus per period")
    ticks = ax.get_xticks()
    if len(ticks) > 12:
        step = len(ticks) // 12 + 1
        ax.set_xticks(ticks[::step])
    ax.tick_params(axis="x", labelrotation=45)
    if series:
        ax.legend(fontsize=7, loc="upper left")
    return _save(fig, path)


def strategic_chart(points: Sequence[dict[str, Any]], path: Path, highlight: set[int]) -> Path:
    """Callon diagram on ranks: centrality rank (x) against density rank (y), coloured by role.

    ``points`` carry ``theme_id``, ``label`` and the stored ``strategic`` entry.
    """
    fig, ax = _figure(6.5, 5.5)
    for p in points:
        s = p["strategic"]
        if s.get("centrality_rank") is None:
            continue
        ax.scatter(
            s["centrality_rank"],
            s["density_rank"],
            color=ROLE_COLOURS.get(s.get("value") or "", "#999"),
            s=40 if p["theme_id"] in highlight else 15,
        )
        if p["theme_id"] in highlight:
            ax.annotate(short(p["label"], 24), (s["centrality_rank"], s["density_rank"]), fontsize=7)
    ax.axvline(0.5, color="#999", lw=0.6)
    ax.axhline(0.5, color="#999", lw=0.6)
    ax.set_xlim(0.0, 1.15)
    ax.set_ylim(0.0, 1.1)
    ax.set_xlabel("centrality rank (external links)")
    ax.set_ylabel("density rank (internal links)")
    ax.set_title("Strategic diagram (Callon)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=r) for r, c in ROLE_COLOURS.items()]
    ax.legend(handles=handles, fontsize=7, loc="best")
    return _save(fig, path)


def weak_signal_chart(points: Sequence[dict[str, Any]], path: Path, highlight: set[int]) -> Path:
    """Yoon's map: mean documents per period (x; log scale when it spans decades) against the growth
    of visibility (y), coloured by quadrant."""
    fig, ax = _figure(6.5, 5.5)
    x_thr = y_thr = None
    for p in points:
        w = p["weak_signal"]
        x, y = w.get("mean_frequency"), w.get("growth")
        if x is None or y is None or x <= 0:
            continue
        x_thr, y_thr = w.get("frequency_threshold"), w.get("growth_threshold")
        ax.scatter(
            x,
            y,
            color=QUADRANT_COLOURS.get(w.get("value") or "", "#999"),
            s=40 if p["theme_id"] in highlight else 15,
        )
        if p["theme_id"] in highlight:
            ax.annotate(short(p["label"], 24), (x, y), fontsize=7)
    xs = [p["weak_signal"].get("mean_frequency") or 0.0 for p in points]
    positive = [x for x in xs if x > 0]
    if positive and max(positive) / min(positive) >= 20:  # many decades: log axis, plain numbers
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.margins(x=0.2, y=0.1)
    if x_thr:
        ax.axvline(x_thr, color="#999", lw=0.6)
    if y_thr is not None:
        ax.axhline(y_thr, color="#999", lw=0.6)
    ax.set_xlabel("mean documents per period")
    ax.set_ylabel("growth of degree of visibility per period")
    ax.set_title("Weak-signal map (Yoon)")
    handles = [plt.Line2D([], [], marker="o", ls="", color=c, label=q) for q, c in QUADRANT_COLOURS.items()]
    ax.legend(handles=handles, fontsize=7, loc="best")
    return _save(fig, path)
