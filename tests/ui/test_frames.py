"""Pure shaping of datasource frames: localization, filters, theme table, series."""

from __future__ import annotations

import pandas as pd

from ui import frames


def _themes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_id": [10, 11, 12],
            "number": [0, 1, 2],
            "label_en": ["solar cells", "", "grids"],
            "label_zh": ["太阳能电池", "电池", ""],
            "field_id": pd.array([1, 1, 2], dtype="Int64"),
            "field_label_en": ["energy", "energy", "networks"],
            "field_label_zh": ["能源", "能源", None],
            "size": [3, 2, 1],
            "stability": [0.9, 0.5, None],
            "silhouette": [0.4, 0.2, 0.1],
            "growth": [None, None, None],
            "escore": [2.0, None, 0.5],
            "burst": [None, None, None],
        }
    )


def _documents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "document_id": [1, 2, 3, 4, 5, 6, 7],
            "x": [0.0, 0.1, 1.0, 1.1, 5.0, 9.0, None],
            "y": [0.0, 0.1, 1.0, 1.1, 5.0, 9.0, None],
            "theme_id": pd.array([10, 10, 10, 11, 12, None, 11], dtype="Int64"),
            "field_id": pd.array([1, 1, 1, 1, 2, None, 1], dtype="Int64"),
            "title": ["a", "b", "c", "d", "e", "f", "g"],
            "kind": ["paper", "paper", "patent", "paper", "paper", "patent", "paper"],
            "language": ["en", "zh", "en", "en", "zh", "en", "en"],
            "year": pd.array([2018, 2020, None, 2021, 2022, 2020, 2019], dtype="Int64"),
            "restricted": [False, False, True, False, False, False, False],
        }
    )


def _series() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_id": [10, 10, 11, 11, 12],
            "period": ["2018", "2020", "2019", "2021", "2022"],
            "count": [1, 1, 1, 1, 1],
        }
    )


def test_localize_falls_back_to_the_other_language_then_the_number() -> None:
    en = frames.localize(_themes(), "en")
    assert list(en["label"]) == ["solar cells", "电池", "grids"]
    zh = frames.localize(_themes(), "zh")
    assert list(zh["label"]) == ["太阳能电池", "电池", "grids"]
    assert list(zh["field_label"]) == ["能源", "能源", "networks"]
    blank = _themes().assign(label_en="", label_zh="")
    assert list(frames.localize(blank, "en")["label"]) == ["#0", "#1", "#2"]


def test_filter_documents_by_window_kind_language_and_field() -> None:
    docs = _documents()
    assert frames.year_bounds(docs) == (2018, 2022)
    window = frames.filter_documents(docs, frames.DocumentFilter(years=(2019, 2021)))
    assert list(window["document_id"]) == [2, 3, 4, 6, 7]  # undated 3 kept by default
    dated = frames.filter_documents(docs, frames.DocumentFilter(years=(2019, 2021), include_undated=False))
    assert list(dated["document_id"]) == [2, 4, 6, 7]
    undated_out = frames.filter_documents(docs, frames.DocumentFilter(include_undated=False))
    assert list(undated_out["document_id"]) == [1, 2, 4, 5, 6, 7]
    chosen = frames.DocumentFilter(kinds=("paper",), languages=("en",), field_ids=(1,))
    assert list(frames.filter_documents(docs, chosen)["document_id"]) == [1, 4, 7]


def test_map_points_label_noise_and_sample_large_maps() -> None:
    themes = frames.localize(_themes(), "en")
    points, dropped = frames.map_points(_documents(), themes, noise_label="unassigned")
    assert dropped == 0
    assert len(points) == 6  # the document without coordinates is left out
    assert list(points["theme_label"]) == [*["solar cells"] * 3, "电池", "grids", "unassigned"]
    without_grids = themes[themes["theme_id"] != 12]  # e.g. hidden by curation
    points, _ = frames.map_points(_documents(), without_grids, noise_label="unassigned")
    assert list(points["theme_label"])[-2:] == ["unassigned", "unassigned"]
    assert points["theme_id"].isna().sum() == 2
    sample, dropped = frames.map_points(_documents(), themes, noise_label="n", max_points=4, seed=1)
    assert (len(sample), dropped) == (4, 2)


def test_series_are_aligned_on_every_year_with_zeros() -> None:
    series = _series()
    assert frames.period_range(series) == ["2018", "2019", "2020", "2021", "2022"]
    aligned = frames.series_by_theme(series)
    assert aligned == {10: [1, 0, 1, 0, 0], 11: [0, 1, 0, 1, 0], 12: [0, 0, 0, 0, 1]}
    assert frames.series_by_theme(series, ["2020", "2021"]) == {10: [1, 0], 11: [0, 1]}


def test_theme_view_counts_documents_in_view_and_hides_empty_indicator_columns() -> None:
    themes = frames.localize(_themes(), "en")
    in_view = frames.filter_documents(_documents(), frames.DocumentFilter(languages=("en",)))
    table = frames.theme_view(themes, in_view, _series())
    expected = ["theme_id", "label", "field_label", "size", "in_view", "stability", "silhouette", "escore"]
    assert list(table.columns) == [*expected, "trend"]
    assert list(table["theme_id"]) == [10, 11]  # theme 12 has no English document in view
    assert list(table["in_view"]) == [2, 2]
    assert table.loc[0, "trend"] == [1, 0, 1, 0, 0]
    only_networks = frames.theme_view(themes, _documents(), _series(), field_ids=(2,))
    assert list(only_networks["label"]) == ["grids"]


def test_theme_view_without_indicators_has_no_indicator_column() -> None:
    themes = frames.localize(_themes().assign(escore=None), "en")
    table = frames.theme_view(themes, _documents(), _series())
    assert not set(frames.INDICATOR_COLUMNS) & set(table.columns)
    assert frames.indicator_columns(table) == []


def test_pickers_and_spark_series() -> None:
    themes = frames.localize(_themes(), "zh")
    assert frames.label_options(themes) == {10: "太阳能电池 (3)", 11: "电池 (2)", 12: "grids (1)"}
    assert frames.field_options(themes) == {2: "networks", 1: "能源"}
    sparks = frames.spark_series(themes, _series(), top=2)
    assert sparks == {
        "太阳能电池": (["2018", "2019", "2020", "2021", "2022"], [1, 0, 1, 0, 0]),
        "电池": (["2018", "2019", "2020", "2021", "2022"], [0, 1, 0, 1, 0]),
    }
    assert frames.fmt_number(0.4567) == "0.46"
    assert frames.fmt_number(float("nan")) == "—"
