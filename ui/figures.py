"""Plotly figure builders for the dashboard: pure functions of plain data, no Streamlit, no database.

Every builder takes its display texts (titles, axis names) as arguments, so the pages pass them in the
chosen language, and returns a :class:`plotly.graph_objects.Figure`. Empty input gives a figure that
says so instead of an empty frame.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

RESTRICTED_TEXT = "[restricted]"
NOISE_COLOR = "#b8b8b8"
PALETTE: tuple[str, ...] = tuple(qualitative.Plotly) + tuple(qualitative.D3) + tuple(qualitative.Set3)
MAP_COLUMNS = ("x", "y", "theme_id", "theme_label", "title", "kind", "year", "restricted")


def _layout(fig: go.Figure, title: str | None, height: int | None = None) -> go.Figure:
    fig.update_layout(
        title={"text": title} if title else None,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        height=height,
    )
    return fig


def empty_figure(text: str, title: str | None = None, height: int | None = 300) -> go.Figure:
    """A blank figure with ``text`` in its middle (for charts without data)."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, title, height)


def theme_color(index: int) -> str:
    """A stable colour for the ``index``-th theme."""
    return PALETTE[index % len(PALETTE)]


def count_bar(
    counts: Mapping[str, int],
    *,
    title: str,
    x_title: str,
    y_title: str,
    labels: Mapping[str, str] | None = None,
    sort_by_count: bool = True,
    empty_text: str = "no data",
) -> go.Figure:
    """Bar chart of category counts (documents by kind, by language…), largest first.

    ``labels`` translates category keys for display; the key itself stays in the hover text.
    """
    items = [(key, int(n)) for key, n in counts.items() if n]
    if not items:
        return empty_figure(empty_text, title)
    if sort_by_count:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
    names = [(labels or {}).get(key, key) for key, _ in items]
    fig = go.Figure(
        go.Bar(
            x=names,
            y=[n for _, n in items],
            text=[n for _, n in items],
            textposition="auto",
            customdata=[key for key, _ in items],
            hovertemplate="%{x} (%{customdata}): %{y}<extra></extra>",
            marker_color=[theme_color(i) for i in range(len(items))],
        )
    )
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title, showlegend=False)
    return _layout(fig, title, 320)


def year_bar(
    counts: Mapping[str, int],
    *,
    title: str,
    x_title: str,
    y_title: str,
    unknown_label: str,
    empty_text: str = "no data",
) -> go.Figure:
    """Documents per year on a numeric axis; documents without a year are counted in the subtitle."""
    years = {int(key): int(n) for key, n in counts.items() if str(key).lstrip("-").isdigit() and n}
    unknown = sum(int(n) for key, n in counts.items() if not str(key).lstrip("-").isdigit())
    if not years and not unknown:
        return empty_figure(empty_text, title)
    full_title = f"{title} ({unknown_label}: {unknown})" if unknown else title
    if not years:
        return empty_figure(f"{unknown_label}: {unknown}", full_title)
    ordered = sorted(years.items())
    fig = go.Figure(
        go.Bar(
            x=[y for y, _ in ordered],
            y=[n for _, n in ordered],
            hovertemplate="%{x}: %{y}<extra></extra>",
            marker_color=theme_color(0),
        )
    )
    fig.update_layout(xaxis_title=x_title, yaxis_title=y_title, showlegend=False, bargap=0.1)
    fig.update_xaxes(tickformat="d")
    return _layout(fig, full_title, 320)


def _hover_title(title: Any, restricted: Any, width: int = 90) -> str:
    if bool(restricted) or not isinstance(title, str) or not title:
        return RESTRICTED_TEXT if bool(restricted) else "—"
    return title if len(title) <= width else title[: width - 1] + "…"


def document_map(
    points: pd.DataFrame,
    *,
    title: str,
    noise_label: str,
    empty_text: str = "no map coordinates",
    height: int = 620,
) -> go.Figure:
    """Zoomable 2-D map of documents, one WebGL trace per theme (click the legend to hide one).

    ``points`` has the columns of :data:`MAP_COLUMNS`; ``theme_id`` is missing for noise documents. The
    hover shows the title, except for restricted documents, which show ``[restricted]`` whatever their
    ``title`` column holds.
    """
    if points.empty or points[["x", "y"]].dropna().empty:
        return empty_figure(empty_text, title, height)
    data = points.dropna(subset=["x", "y"])
    # Plain numpy arrays, split by index: plotly validates lists element by element and pandas slicing per
    # theme is slow, which matters for tens of thousands of points.
    x = data["x"].to_numpy(dtype=float)
    y = data["y"].to_numpy(dtype=float)
    custom = np.empty((len(data), 4), dtype=object)
    custom[:, 0] = [_hover_title(t, r) for t, r in zip(data["title"], data["restricted"], strict=True)]
    custom[:, 1] = [str(label) for label in data["theme_label"]]
    custom[:, 2] = [str(kind) for kind in data["kind"]]
    custom[:, 3] = [str(int(v)) if pd.notna(v) else "—" for v in data["year"]]
    theme = data["theme_id"].to_numpy(dtype=float, na_value=np.nan)
    ids, counts = np.unique(theme[~np.isnan(theme)], return_counts=True)
    traces = []
    for index, position in enumerate(sorted(range(len(ids)), key=lambda i: (-counts[i], ids[i]))):
        rows = np.flatnonzero(theme == ids[position])
        name = f"{custom[rows[0], 1]} ({rows.size})"
        traces.append(_map_trace(x[rows], y[rows], custom[rows], name, theme_color(index), 7))
    noise = np.flatnonzero(np.isnan(theme))
    if noise.size:
        name = f"{noise_label} ({noise.size})"
        traces.append(_map_trace(x[noise], y[noise], custom[noise], name, NOISE_COLOR, 5))
    fig = go.Figure(data=traces)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(dragmode="zoom", legend={"itemsizing": "constant"}, hovermode="closest")
    return _layout(fig, title, height)


def _map_trace(
    x: np.ndarray, y: np.ndarray, custom: np.ndarray, name: str, color: str, size: int
) -> go.Scattergl:
    return go.Scattergl(
        x=x,
        y=y,
        mode="markers",
        name=name,
        marker={"color": color, "size": size, "opacity": 0.8},
        customdata=custom,
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]} · %{customdata[3]}"
        "<extra></extra>",
    )


def theme_treemap(
    themes: pd.DataFrame, *, title: str, root_label: str, empty_text: str = "no themes"
) -> go.Figure:
    """Treemap of theme sizes grouped by field; ``themes`` has ``label``, ``field_label`` and ``size``."""
    data = themes[themes["size"] > 0] if not themes.empty else themes
    if data.empty:
        return empty_figure(empty_text, title)
    ids: list[str] = [root_label]
    labels: list[str] = [root_label]
    parents: list[str] = [""]
    values: list[int] = [int(data["size"].sum())]
    for field_label, group in data.groupby("field_label", sort=True):
        field_id = f"field:{field_label}"
        ids.append(field_id)
        labels.append(str(field_label))
        parents.append(root_label)
        values.append(int(group["size"].sum()))
        for i, row in enumerate(group.itertuples(index=False)):
            ids.append(f"{field_id}/theme:{i}:{row.label}")
            labels.append(str(row.label))
            parents.append(field_id)
            values.append(int(row.size))
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            hovertemplate="<b>%{label}</b><br>%{value}<extra></extra>",
        )
    )
    return _layout(fig, title, 480)


def theme_size_bar(
    themes: pd.DataFrame, *, title: str, x_title: str, top: int = 30, empty_text: str = "no themes"
) -> go.Figure:
    """Horizontal bars of the ``top`` largest themes, coloured by field (one legend entry per field)."""
    if themes.empty:
        return empty_figure(empty_text, title)
    data = themes.sort_values("size", ascending=False).head(top)
    fig = go.Figure()
    for index, (field_label, group) in enumerate(data.groupby("field_label", sort=True)):
        fig.add_trace(
            go.Bar(
                x=group["size"].tolist(),
                y=group["label"].astype(str).tolist(),
                orientation="h",
                name=str(field_label),
                marker_color=theme_color(index),
                hovertemplate="%{y}: %{x}<extra>" + str(field_label) + "</extra>",
            )
        )
    order = data.sort_values("size")["label"].astype(str).tolist()
    fig.update_yaxes(categoryorder="array", categoryarray=order)
    fig.update_layout(xaxis_title=x_title, barmode="stack")
    return _layout(fig, title, max(300, 24 * len(data) + 80))


def sparkline(
    periods: Sequence[str], values: Sequence[float], *, title: str | None = None, height: int = 120
) -> go.Figure:
    """A small line of one theme's per-period series, without axes clutter."""
    fig = go.Figure(
        go.Scatter(
            x=list(periods),
            y=list(values),
            mode="lines+markers",
            line={"width": 2, "color": theme_color(0)},
            marker={"size": 4},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    fig.update_xaxes(showgrid=False, type="category")
    fig.update_yaxes(showgrid=False, rangemode="tozero")
    fig.update_layout(showlegend=False)
    return _layout(fig, title, height)


def sparkline_grid(
    series: Mapping[str, tuple[Sequence[str], Sequence[float]]],
    *,
    title: str,
    columns: int = 3,
    empty_text: str = "no series",
) -> go.Figure:
    """Small multiples: one sparkline per theme (``label → (periods, values)``), shared period axis."""
    if not series:
        return empty_figure(empty_text, title)
    labels = list(series)
    cols = max(1, min(columns, len(labels)))
    rows = math.ceil(len(labels) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[label if len(label) <= 40 else label[:39] + "…" for label in labels],
        vertical_spacing=min(0.3 / rows, 0.12) if rows > 1 else 0.1,
    )
    for index, label in enumerate(labels):
        periods, values = series[label]
        fig.add_trace(
            go.Scatter(
                x=list(periods),
                y=list(values),
                mode="lines",
                name=label,
                line={"width": 2, "color": theme_color(index)},
                hovertemplate="%{x}: %{y}<extra>" + label.replace("<", "&lt;") + "</extra>",
            ),
            row=index // cols + 1,
            col=index % cols + 1,
        )
    fig.update_xaxes(showgrid=False, type="category", showticklabels=False)
    fig.update_yaxes(showgrid=False, rangemode="tozero")
    fig.update_annotations(font_size=11)
    fig.update_layout(showlegend=False)
    _layout(fig, title, 120 * rows + 90)
    fig.update_layout(margin={"t": 80})  # room between the title and the first row's subplot titles
    return fig


def keyword_bar(
    keywords: Sequence[Mapping[str, Any]] | Sequence[tuple[str, float]],
    *,
    title: str,
    x_title: str,
    top: int = 15,
    empty_text: str = "no keywords",
) -> go.Figure:
    """Horizontal bars of a theme's top keywords by weight (``[{term, weight}]`` or ``[(term, weight)]``)."""
    pairs: list[tuple[str, float]] = []
    for item in keywords:
        if isinstance(item, Mapping):
            pairs.append((str(item["term"]), float(item["weight"])))
        else:
            pairs.append((str(item[0]), float(item[1])))
    pairs = sorted(pairs, key=lambda p: -p[1])[:top]
    if not pairs:
        return empty_figure(empty_text, title)
    pairs.reverse()  # largest on top
    fig = go.Figure(
        go.Bar(
            x=[w for _, w in pairs],
            y=[term for term, _ in pairs],
            orientation="h",
            marker_color=theme_color(0),
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    fig.update_layout(xaxis_title=x_title, showlegend=False)
    return _layout(fig, title, max(260, 22 * len(pairs) + 80))


def timings_bar(timings: Mapping[str, Any], *, title: str, x_title: str, empty_text: str) -> go.Figure:
    """Seconds per step of an analysis run, in the order the steps ran."""
    items = [(step, float(sec)) for step, sec in timings.items() if isinstance(sec, int | float)]
    if not items:
        return empty_figure(empty_text, title, 200)
    fig = go.Figure(
        go.Bar(
            x=[sec for _, sec in items],
            y=[step for step, _ in items],
            orientation="h",
            text=[f"{sec:.2f} s" for _, sec in items],
            textposition="auto",
            marker_color=theme_color(1),
            hovertemplate="%{y}: %{x:.3f} s<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(xaxis_title=x_title, showlegend=False)
    return _layout(fig, title, max(200, 28 * len(items) + 80))
