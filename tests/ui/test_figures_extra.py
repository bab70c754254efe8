"""The figure builders of the graph, emergence, Delphi and priorities pages, on plain data."""

from __future__ import annotations

import pandas as pd

from ui import figures_extra as fx

NODES = pd.DataFrame(
    {
        "node": ["field:1", "theme:1", "theme:2", "organization:a"],
        "type": ["field", "theme", "theme", "organization"],
        "label": ["computing", "models", "systems", "ACME"],
        "size": [30.0, 10.0, 20.0, None],
    }
)
EDGES = pd.DataFrame(
    {"source": ["field:1", "field:1", "organization:a"], "target": ["theme:1", "theme:2", "theme:1"]}
)


def test_graph_layout_is_seeded() -> None:
    pairs = list(zip(EDGES["source"], EDGES["target"], strict=True))
    first = fx.graph_layout(list(NODES["node"]), pairs, seed=3)
    assert first == fx.graph_layout(list(NODES["node"]), pairs, seed=3)
    assert set(first) == set(NODES["node"])
    assert fx.graph_layout([], []) == {}


def test_network_has_a_trace_per_node_type_and_sizes_themes_by_the_metric() -> None:
    fig = fx.network(
        NODES,
        EDGES,
        metric="size",
        title="G",
        empty_text="none",
        type_names={"theme": "Theme"},
        selected=["theme:2"],
    )
    names = [trace.name for trace in fig.data]
    assert names == ["edges", "field", "Theme", "organization"]
    theme = fig.data[2]
    assert list(theme.customdata) == ["theme:1", "theme:2"]
    assert theme.marker.size[0] < theme.marker.size[1]
    assert list(theme.marker.line.width) == [0.5, 3]
    assert fig.layout.title.text == "G"
    empty = fx.network(NODES.iloc[0:0], EDGES, metric="size", title="G", empty_text="none", type_names={})
    assert empty.layout.annotations[0].text == "none"


def test_burst_periods_and_timeseries_shading() -> None:
    periods = ["2019", "2020", "2021", "2022", "2023"]
    assert fx.burst_periods(periods, [1, 1, 8, 9, 1]) == [("2021", "2022")]
    assert fx.burst_periods(periods, [0, 0, 0, 0, 0]) == []
    assert fx.burst_periods([], []) == []
    series = pd.DataFrame({"label": ["a"] * 5, "period": periods, "count": [1, 1, 8, 9, 1]})
    fig = fx.theme_timeseries(series, {"a": [("2021", "2022")]}, title="T", y_title="n", empty_text="none")
    assert len(fig.data) == 1 and len(fig.layout.shapes) == 1
    assert fig.layout.shapes[0].x0 == "2021"


def test_quadrant_scatter_splits_at_the_medians() -> None:
    frame = pd.DataFrame(
        {"label": ["a", "b", "c"], "x": [1.0, 2.0, 3.0], "y": [3.0, 1.0, None], "size": [5, 6, 7]}
    )
    fig = fx.quadrant_scatter(
        frame, x="x", y="y", size="size", title="Q", x_title="X", y_title="Y", empty_text="-"
    )
    assert list(fig.data[0].text) == ["a", "b"]  # rows without y left out
    assert [s.x0 for s in fig.layout.shapes if s.x0 == s.x1] == [1.5]
    empty = fx.quadrant_scatter(
        frame.iloc[0:0], x="x", y="y", size="size", title="Q", x_title="", y_title="", empty_text="-"
    )
    assert empty.layout.annotations[0].text == "-"


def test_lineage_sankey_links_labels() -> None:
    fig = fx.lineage_sankey(
        [{"source": "#1 a", "target": "#2 b", "value": 1.0}, {"source": "#1 c", "target": "#2 b"}],
        title="S",
        empty_text="none",
    )
    sankey = fig.data[0]
    assert list(sankey.node.label) == ["#1 a", "#1 c", "#2 b"]
    assert list(sankey.link.source) == [0, 1] and list(sankey.link.target) == [2, 2]
    assert fx.lineage_sankey([], title="S", empty_text="none").layout.annotations[0].text == "none"


def test_heatmap_rate_bar_and_ranked_intervals() -> None:
    table = pd.DataFrame({"academia": [1, 0], "industry": [2, 1]}, index=["computing", "energy"])
    heat = fx.heatmap(table, title="H", x_title="g", y_title="f", empty_text="-")
    assert list(heat.data[0].x) == ["academia", "industry"] and list(heat.data[0].y) == [
        "computing",
        "energy",
    ]
    rates = pd.DataFrame({"group": ["academia", "industry"], "rate": [1.0, 0.5]})
    bar = fx.rate_bar(rates, title="R", x_title="rate", empty_text="-")
    assert list(bar.data[0].text) == ["100%", "50%"]
    ranked = pd.DataFrame({"label": ["a", "b"], "score": [1.0, 2.0], "low": [1.0, 1.0], "high": [2.0, 3.0]})
    fig = fx.ranked_intervals(ranked, title="P", x_title="rank", empty_text="-")
    assert list(fig.data[0].y) == ["b", "a"]  # best on top
    assert list(fig.data[0].error_x.array) == [1.0, 1.0] and list(fig.data[0].error_x.arrayminus) == [
        1.0,
        0.0,
    ]
    for empty in (
        fx.heatmap(table.iloc[0:0], title="H", x_title="", y_title="", empty_text="-"),
        fx.rate_bar(rates.iloc[0:0], title="R", x_title="", empty_text="-"),
        fx.ranked_intervals(ranked.iloc[0:0], title="P", x_title="", empty_text="-"),
    ):
        assert empty.layout.annotations[0].text == "-"
