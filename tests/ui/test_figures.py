"""The pure figure builders: traces, data and labels."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import figures


def _map_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "x": [0.0, 0.5, 5.0, 5.5, 9.0, None],
            "y": [0.0, 0.2, 5.0, 5.1, 9.0, 1.0],
            "theme_id": pd.array([1, 1, 2, 2, None, 1], dtype="Int64"),
            "theme_label": ["solar cells", "solar cells", "batteries", "batteries", "noise", "solar cells"],
            "title": ["Perovskite cells", "Tandem cells", "Secret battery", "Solid cells", "Misc", "x"],
            "kind": ["paper", "paper", "patent", "paper", "paper", "paper"],
            "year": pd.array([2020, 2021, None, 2022, 2019, 2020], dtype="Int64"),
            "restricted": [False, False, True, False, False, False],
        }
    )


def test_count_bar_sorts_by_count_and_translates_labels() -> None:
    fig = figures.count_bar(
        {"paper": 70, "patent": 30, "news": 0},
        title="By kind",
        x_title="Kind",
        y_title="Documents",
        labels={"paper": "论文", "patent": "专利"},
    )
    (bar,) = fig.data
    assert isinstance(bar, go.Bar)
    assert list(bar.x) == ["论文", "专利"]  # zero counts left out
    assert list(bar.y) == [70, 30]
    assert list(bar.customdata) == ["paper", "patent"]
    assert fig.layout.title.text == "By kind"
    assert fig.layout.xaxis.title.text == "Kind"


def test_count_bar_without_data_says_so() -> None:
    fig = figures.count_bar({}, title="By kind", x_title="", y_title="", empty_text="暂无数据")
    assert not fig.data
    assert fig.layout.annotations[0].text == "暂无数据"


def test_year_bar_uses_numeric_years_and_counts_undated_in_the_title() -> None:
    fig = figures.year_bar(
        {"2019": 2, "unknown": 5, "2021": 4},
        title="By year",
        x_title="Year",
        y_title="n",
        unknown_label="undated",
    )
    (bar,) = fig.data
    assert list(bar.x) == [2019, 2021]
    assert list(bar.y) == [2, 4]
    assert fig.layout.title.text == "By year (undated: 5)"


def test_document_map_has_one_trace_per_theme_plus_noise_and_hides_restricted_titles() -> None:
    fig = figures.document_map(_map_points(), title="Map", noise_label="unassigned")
    names = [trace.name for trace in fig.data]
    assert names == ["solar cells (2)", "batteries (2)", "unassigned (1)"]  # missing x dropped
    assert all(isinstance(trace, go.Scattergl) for trace in fig.data)
    hovers = [row[0] for trace in fig.data for row in trace.customdata]
    assert "Secret battery" not in hovers
    assert figures.RESTRICTED_TEXT in hovers
    batteries = fig.data[1]
    assert list(batteries.x) == [5.0, 5.5]
    assert [row[3] for row in batteries.customdata] == ["—", "2022"]
    assert fig.layout.dragmode == "zoom"
    assert fig.layout.yaxis.scaleanchor == "x"


def test_document_map_colours_are_distinct_and_noise_is_grey() -> None:
    fig = figures.document_map(_map_points(), title="Map", noise_label="unassigned")
    colors = [trace.marker.color for trace in fig.data]
    assert colors[-1] == figures.NOISE_COLOR
    assert len(set(colors)) == 3


def test_document_map_without_coordinates_is_an_empty_figure() -> None:
    points = _map_points().assign(x=None)
    fig = figures.document_map(points, title="Map", noise_label="n", empty_text="no coordinates")
    assert not fig.data
    assert fig.layout.annotations[0].text == "no coordinates"


def _themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["solar cells", "batteries", "grids"],
            "field_label": ["energy", "energy", "networks"],
            "size": [30, 20, 5],
        }
    )


def test_theme_treemap_nests_themes_under_fields_with_totals() -> None:
    fig = figures.theme_treemap(_themes(), title="Sizes", root_label="All")
    (tree,) = fig.data
    values = dict(zip(tree.labels, tree.values, strict=True))
    assert values == {"All": 55, "energy": 50, "networks": 5, "solar cells": 30, "batteries": 20, "grids": 5}
    parents = dict(zip(tree.labels, tree.parents, strict=True))
    assert parents["solar cells"] == "field:energy"
    assert parents["energy"] == "All"
    assert tree.branchvalues == "total"


def test_theme_size_bar_has_one_trace_per_field_ordered_by_size() -> None:
    fig = figures.theme_size_bar(_themes(), title="Largest", x_title="Size")
    assert [trace.name for trace in fig.data] == ["energy", "networks"]
    assert list(fig.data[0].x) == [30, 20]
    assert list(fig.layout.yaxis.categoryarray) == ["grids", "batteries", "solar cells"]


def test_sparkline_and_grid() -> None:
    fig = figures.sparkline(["2020", "2021", "2022"], [1, 4, 2], title="Trend")
    assert list(fig.data[0].y) == [1, 4, 2]
    assert fig.layout.xaxis.type == "category"
    grid = figures.sparkline_grid(
        {"a": (["2020", "2021"], [1, 2]), "b": (["2020", "2021"], [0, 3]), "c": (["2020", "2021"], [5, 5])},
        title="Trends",
        columns=2,
    )
    assert [trace.name for trace in grid.data] == ["a", "b", "c"]
    assert [a.text for a in grid.layout.annotations] == ["a", "b", "c"]
    assert grid.data[2].xaxis == "x3"  # second row, first column
    assert figures.sparkline_grid({}, title="T", empty_text="none").layout.annotations[0].text == "none"


def test_keyword_bar_keeps_the_top_terms_largest_on_top() -> None:
    keywords = [{"term": f"t{i}", "weight": i / 10} for i in range(20)]
    fig = figures.keyword_bar(keywords, title="Keywords", x_title="Weight", top=5)
    (bar,) = fig.data
    assert list(bar.y) == ["t15", "t16", "t17", "t18", "t19"]  # plotly draws the last on top
    assert bar.x[-1] == 1.9
    pairs = figures.keyword_bar([("solar", 0.5), ("cell", 0.25)], title="K", x_title="w")
    assert list(pairs.data[0].y) == ["cell", "solar"]


def test_timings_bar_keeps_step_order() -> None:
    timings = {"embed": 12.5, "fit": 3.25, "note": "x"}
    fig = figures.timings_bar(timings, title="T", x_title="s", empty_text="-")
    (bar,) = fig.data
    assert list(bar.y) == ["embed", "fit"]
    assert list(bar.text) == ["12.50 s", "3.25 s"]
    assert fig.layout.yaxis.autorange == "reversed"
