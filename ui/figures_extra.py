"""Plotly figure builders of the graph, emergence, Delphi and priorities pages: pure functions of plain
data (no Streamlit, no database), display texts passed in, an explaining figure for empty input."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ui.figures import NOISE_COLOR, _layout, empty_figure, theme_color

NODE_TYPES_ORDER = ("field", "theme", "keyword", "organization", "scenario", "technology")
NODE_SYMBOLS = {
    "field": "square",
    "theme": "circle",
    "keyword": "diamond",
    "organization": "triangle-up",
    "scenario": "star",
    "technology": "hexagon",
}


def graph_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]], *, seed: int = 42
) -> dict[str, tuple[float, float]]:
    """Seeded spring layout of the nodes (same input, same positions)."""
    G = nx.Graph()
    G.add_nodes_from(nodes)
    G.add_edges_from((u, v) for u, v in edges if u in G and v in G)
    if not G.number_of_nodes():
        return {}
    pos = nx.spring_layout(G, seed=seed)
    return {str(n): (float(x), float(y)) for n, (x, y) in pos.items()}


def _scaled(values: pd.Series, low: float = 10.0, high: float = 40.0) -> list[float]:
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if numbers.notna().sum() == 0:
        return [low] * len(numbers)
    lo, hi = float(numbers.min()), float(numbers.max())
    span = hi - lo or 1.0
    return [low if math.isnan(v) else low + (high - low) * (v - lo) / span for v in numbers]


def network(
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    metric: str,
    title: str,
    empty_text: str,
    type_names: Mapping[str, str],
    selected: Sequence[str] = (),
    seed: int = 42,
) -> go.Figure:
    """The knowledge graph: one trace per node type (symbol), theme nodes sized and coloured by
    ``metric``; ``nodes`` has ``node, type, label, <metric>``, ``edges`` has ``source, target``."""
    if nodes.empty:
        return empty_figure(empty_text, title)
    pairs = list(zip(edges["source"], edges["target"], strict=True)) if not edges.empty else []
    pos = graph_layout(list(nodes["node"]), pairs, seed=seed)
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for u, v in pairs:
        if u in pos and v in pos:
            xs += [pos[u][0], pos[v][0], None]
            ys += [pos[u][1], pos[v][1], None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"width": 0.6, "color": NOISE_COLOR},
            hoverinfo="skip",
            showlegend=False,
            name="edges",
        )
    )
    chosen = set(selected)
    for node_type in sorted(nodes["type"].unique(), key=lambda t: (*NODE_TYPES_ORDER, t).index(t)):
        part = nodes[nodes["type"] == node_type]
        values = part[metric] if metric in part else pd.Series([np.nan] * len(part))
        theme = node_type == "theme"
        marker: dict[str, Any] = {
            "symbol": NODE_SYMBOLS.get(node_type, "circle"),
            "size": _scaled(values) if theme else 9,
            "line": {"width": [3 if n in chosen else 0.5 for n in part["node"]], "color": "#222"},
        }
        if theme:
            marker.update(
                color=pd.to_numeric(values, errors="coerce").fillna(0).tolist(),
                colorscale="Viridis",
                showscale=True,
                colorbar={"title": metric},
            )
        else:
            marker["color"] = theme_color(
                NODE_TYPES_ORDER.index(node_type) if node_type in NODE_TYPES_ORDER else 9
            )
        fig.add_trace(
            go.Scatter(
                x=[pos[n][0] for n in part["node"]],
                y=[pos[n][1] for n in part["node"]],
                mode="markers+text" if theme else "markers",
                text=list(part["label"]) if theme else None,
                textposition="top center",
                hovertext=[f"{lab} ({n})" for lab, n in zip(part["label"], part["node"], strict=True)],
                hoverinfo="text",
                customdata=list(part["node"]),
                marker=marker,
                name=type_names.get(node_type, node_type),
            )
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(legend={"orientation": "h"})
    return _layout(fig, title, height=600)


def theme_timeseries(
    series: pd.DataFrame,
    bursts: Mapping[str, Sequence[tuple[str, str]]],
    *,
    title: str,
    y_title: str,
    empty_text: str,
) -> go.Figure:
    """Documents per period, one line per theme (``label, period, count``), burst periods shaded."""
    if series.empty:
        return empty_figure(empty_text, title)
    fig = go.Figure()
    for i, (label, part) in enumerate(series.groupby("label", sort=True)):
        part = part.sort_values("period")
        color = theme_color(i)
        fig.add_trace(
            go.Scatter(
                x=part["period"].astype(str),
                y=part["count"],
                mode="lines+markers",
                name=str(label),
                line={"color": color},
            )
        )
        for start, end in bursts.get(str(label), ()):
            fig.add_vrect(x0=str(start), x1=str(end), fillcolor=color, opacity=0.15, line_width=0)
    fig.update_yaxes(title=y_title, rangemode="tozero")
    return _layout(fig, title, height=420)


def burst_periods(
    periods: Sequence[str], counts: Sequence[float], *, factor: float = 1.5
) -> list[tuple[str, str]]:
    """Runs of consecutive periods whose count exceeds ``factor`` × the series mean (a simple burst
    heuristic used when the monitoring service has stored no Kleinberg states)."""
    if not counts:
        return []
    mean = float(np.mean(counts))
    out: list[tuple[str, str]] = []
    start: str | None = None
    last = ""
    for period, count in zip(periods, counts, strict=True):
        if count > factor * mean and mean > 0:
            start = start if start is not None else str(period)
            last = str(period)
        elif start is not None:
            out.append((start, last))
            start = None
    if start is not None:
        out.append((start, last))
    return out


def quadrant_scatter(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    size: str,
    title: str,
    x_title: str,
    y_title: str,
    empty_text: str,
) -> go.Figure:
    """Themes in four quadrants split at the medians of ``x`` and ``y`` (weak-signal map, strategic
    diagram); ``frame`` has ``label`` and the named columns."""
    data = frame.dropna(subset=[x, y]) if not frame.empty else frame
    if data.empty:
        return empty_figure(empty_text, title)
    fig = go.Figure(
        go.Scatter(
            x=data[x],
            y=data[y],
            mode="markers+text",
            text=data["label"],
            textposition="top center",
            marker={
                "size": _scaled(data[size] if size in data else pd.Series([1.0] * len(data)), 10, 45),
                "color": [theme_color(i) for i in range(len(data))],
                "opacity": 0.8,
            },
        )
    )
    fig.add_vline(x=float(data[x].median()), line_dash="dot", line_color="#888")
    fig.add_hline(y=float(data[y].median()), line_dash="dot", line_color="#888")
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return _layout(fig, title, height=460)


def lineage_sankey(flows: Sequence[Mapping[str, Any]], *, title: str, empty_text: str) -> go.Figure:
    """Theme flows between runs: ``flows`` of ``source, target`` (labels) and ``value``."""
    if not flows:
        return empty_figure(empty_text, title)
    labels = list(dict.fromkeys([str(f["source"]) for f in flows] + [str(f["target"]) for f in flows]))
    index = {label: i for i, label in enumerate(labels)}
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "color": [theme_color(i) for i in range(len(labels))]},
            link={
                "source": [index[str(f["source"])] for f in flows],
                "target": [index[str(f["target"])] for f in flows],
                "value": [float(f.get("value") or 1.0) for f in flows],
            },
        )
    )
    return _layout(fig, title, height=420)


def heatmap(table: pd.DataFrame, *, title: str, x_title: str, y_title: str, empty_text: str) -> go.Figure:
    """A count table (rows × columns) as a heatmap with the numbers written in."""
    if table.empty:
        return empty_figure(empty_text, title)
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(dtype=float),
            x=[str(c) for c in table.columns],
            y=[str(i) for i in table.index],
            colorscale="Blues",
            texttemplate="%{z:.0f}",
        )
    )
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title=y_title)
    return _layout(fig, title, height=360)


def rate_bar(rates: pd.DataFrame, *, title: str, x_title: str, empty_text: str) -> go.Figure:
    """Response rate (0–1) per group: ``group, rate``."""
    if rates.empty:
        return empty_figure(empty_text, title)
    fig = go.Figure(
        go.Bar(
            x=rates["rate"],
            y=rates["group"],
            orientation="h",
            text=[f"{r:.0%}" for r in rates["rate"]],
            marker_color=theme_color(0),
        )
    )
    fig.update_xaxes(title=x_title, range=[0, 1], tickformat=".0%")
    return _layout(fig, title, height=300)


def ranked_intervals(ranked: pd.DataFrame, *, title: str, x_title: str, empty_text: str) -> go.Figure:
    """The ranked list: score per entry with its interval (``label, score, low, high``), best on top."""
    if ranked.empty:
        return empty_figure(empty_text, title)
    data = ranked.iloc[::-1]
    fig = go.Figure(
        go.Scatter(
            x=data["score"],
            y=data["label"],
            mode="markers",
            marker={"size": 10, "color": theme_color(0)},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (data["high"] - data["score"]).tolist(),
                "arrayminus": (data["score"] - data["low"]).tolist(),
            },
        )
    )
    fig.update_xaxes(title=x_title)
    return _layout(fig, title, height=max(300, 28 * len(data) + 80))
