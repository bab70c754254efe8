"""Pure pandas shaping of datasource frames for the pages: filters, localized labels, display tables.

Pages stay render-only: they pass the frames from :mod:`ui.datasource` and the widget values through
these functions and draw the result.

Frames used here:

- documents: ``document_id, x, y, theme_id, field_id, title, kind, language, year, restricted``
  (``theme_id``/``field_id`` missing for noise, ``year`` missing when undated);
- themes: ``theme_id, number, label_en, label_zh, field_id, field_label_en, field_label_zh, size,
  stability, silhouette`` plus the indicator columns of :data:`INDICATOR_COLUMNS` (missing values when no
  indicator was computed);
- series: ``theme_id, period, count`` (documents of the theme per period).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import pandas as pd

INDICATOR_COLUMNS = ("growth", "escore", "burst")
QUALITY_COLUMNS = ("stability", "silhouette")


@dataclass(frozen=True)
class DocumentFilter:
    """What the analyst chose to look at; empty collections mean "all"."""

    years: tuple[int, int] | None = None
    include_undated: bool = True
    kinds: Collection[str] = ()
    languages: Collection[str] = ()
    field_ids: Collection[int] = ()


def localize(themes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``themes`` with ``label`` and ``field_label`` in ``lang`` (the other language, then a number, as
    fall-backs)."""
    out = themes.copy()
    first, second = ("label_zh", "label_en") if lang == "zh" else ("label_en", "label_zh")
    out["label"] = [
        (a or b or f"#{n}") for a, b, n in zip(out[first], out[second], out["number"], strict=True)
    ]
    f_first, f_second = f"field_{first}", f"field_{second}"
    out["field_label"] = [
        (a or b or "—") for a, b in zip(out[f_first].fillna(""), out[f_second].fillna(""), strict=True)
    ]
    return out


def year_bounds(documents: pd.DataFrame) -> tuple[int, int] | None:
    """Earliest and latest year among dated documents, or ``None`` when none is dated."""
    years = documents["year"].dropna()
    if years.empty:
        return None
    return int(years.min()), int(years.max())


def filter_documents(documents: pd.DataFrame, chosen: DocumentFilter) -> pd.DataFrame:
    """The documents that pass every part of ``chosen``."""
    mask = pd.Series(True, index=documents.index)
    if chosen.years is not None:
        low, high = chosen.years
        dated = documents["year"].notna()
        in_window = dated & documents["year"].between(low, high)
        mask &= in_window | (~dated if chosen.include_undated else False)
    elif not chosen.include_undated:
        mask &= documents["year"].notna()
    if chosen.kinds:
        mask &= documents["kind"].isin(list(chosen.kinds))
    if chosen.languages:
        mask &= documents["language"].isin(list(chosen.languages))
    if chosen.field_ids:
        mask &= documents["field_id"].isin(list(chosen.field_ids))
    return documents[mask]


def map_points(
    documents: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    noise_label: str,
    max_points: int = 20_000,
    seed: int = 0,
) -> tuple[pd.DataFrame, int]:
    """Rows for :func:`ui.figures.document_map` and the number of documents left out by sampling.

    ``themes`` must be localized (documents of themes missing from it are drawn as unassigned). Above
    ``max_points`` a seeded random sample keeps the map responsive.
    """
    labels = dict(zip(themes["theme_id"], themes["label"], strict=True))
    points = documents.dropna(subset=["x", "y"])
    dropped = 0
    if len(points) > max_points:
        dropped = len(points) - max_points
        points = points.sample(n=max_points, random_state=seed)
    out = points[["x", "y", "theme_id", "title", "kind", "year", "restricted"]].copy()
    # members of themes not in ``themes`` (hidden by curation) are drawn as unassigned
    out.loc[~out["theme_id"].isin(list(labels)), "theme_id"] = pd.NA
    out["theme_label"] = [labels.get(t, noise_label) if pd.notna(t) else noise_label for t in out["theme_id"]]
    return out, dropped


def period_range(series: pd.DataFrame) -> list[str]:
    """Every year from the first to the last period of ``series`` (gaps filled), as strings."""
    years = [int(p) for p in series["period"].unique() if str(p).lstrip("-").isdigit()]
    if not years:
        return sorted(str(p) for p in series["period"].unique())
    return [str(y) for y in range(min(years), max(years) + 1)]


def series_by_theme(series: pd.DataFrame, periods: Sequence[str] | None = None) -> dict[int, list[int]]:
    """``theme_id → counts`` aligned on ``periods`` (default: :func:`period_range`), zeros filled."""
    periods = list(periods) if periods is not None else period_range(series)
    index = {p: i for i, p in enumerate(periods)}
    out: dict[int, list[int]] = {}
    for row in series.itertuples(index=False):
        position = index.get(str(row.period))
        if position is None:
            continue
        out.setdefault(int(row.theme_id), [0] * len(periods))[position] += int(row.count)
    return out


def indicator_columns(themes: pd.DataFrame) -> list[str]:
    """Indicator columns that hold at least one value (the others are hidden)."""
    return [c for c in INDICATOR_COLUMNS if c in themes and themes[c].notna().any()]


def theme_view(
    themes: pd.DataFrame,
    documents: pd.DataFrame,
    series: pd.DataFrame,
    *,
    field_ids: Collection[int] = (),
) -> pd.DataFrame:
    """The theme table: localized ``themes`` with ``in_view`` (documents passing the filters) and
    ``trend`` (documents per year), largest first; themes without a document in view are left out."""
    in_view = documents["theme_id"].dropna().astype(int).value_counts()
    periods = period_range(series)
    trends = series_by_theme(series, periods)
    out = themes.copy()
    if field_ids:
        out = out[out["field_id"].isin(list(field_ids))]
    out["in_view"] = [int(in_view.get(int(t), 0)) for t in out["theme_id"]]
    out["trend"] = [trends.get(int(t), [0] * len(periods)) for t in out["theme_id"]]
    out = out[out["in_view"] > 0]
    columns = ["theme_id", "label", "field_label", "size", "in_view", *QUALITY_COLUMNS]
    columns += [*indicator_columns(out), "trend"]
    return out.sort_values(["in_view", "size"], ascending=False)[columns].reset_index(drop=True)


def label_options(themes: pd.DataFrame) -> dict[int, str]:
    """``theme_id → "label (size)"`` for a theme picker, in table order."""
    return {int(r.theme_id): f"{r.label} ({int(r.size)})" for r in themes.itertuples(index=False)}


def field_options(themes: pd.DataFrame) -> dict[int, str]:
    """``field_id → field label`` of the localized ``themes``."""
    rows = themes.dropna(subset=["field_id"]).drop_duplicates("field_id").sort_values("field_label")
    return {int(r.field_id): str(r.field_label) for r in rows.itertuples(index=False)}


def spark_series(
    themes: pd.DataFrame, series: pd.DataFrame, top: int = 12
) -> dict[str, tuple[list[str], list[int]]]:
    """``label → (periods, counts)`` for the ``top`` themes of the (ordered) theme table."""
    periods = period_range(series)
    aligned = series_by_theme(series, periods)
    out: dict[str, tuple[list[str], list[int]]] = {}
    for row in themes.head(top).itertuples(index=False):
        label = str(row.label)
        while label in out:
            label += " "
        out[label] = (periods, aligned.get(int(row.theme_id), [0] * len(periods)))
    return out


def fmt_number(value: object, digits: int = 2) -> str:
    """A number for display, ``—`` when missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    if isinstance(value, int | float):
        return f"{value:.{digits}f}"
    return str(value)
