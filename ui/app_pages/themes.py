"""Themes: the 2-D document map, the theme table, sizes by field, trends, and one theme's evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import figures, frames, state, widgets
from ui.i18n import kind_label, language_label, t
from ui.theme_detail import render_theme_detail


def filters(documents: pd.DataFrame, themes: pd.DataFrame) -> frames.DocumentFilter:
    """The filter widgets; returns what was chosen."""
    lang = state.language()
    with st.expander(t("filter.heading"), expanded=True, icon=":material/filter_alt:"):
        left, right = st.columns(2)
        years: tuple[int, int] | None = None
        include_undated = True
        bounds = frames.year_bounds(documents)
        with left:
            if bounds and bounds[0] < bounds[1]:
                years = widgets.year_range(t("filter.years"), bounds, name="f_years")
            include_undated = st.checkbox(t("filter.undated"), value=True, key="f_undated")
            fields = frames.field_options(themes)
            field_ids = widgets.multiselect(
                t("filter.fields"),
                list(fields),
                name="f_fields",
                format_func=fields.__getitem__,
                placeholder=t("common.all"),
            )
        with right:
            kinds = widgets.multiselect(
                t("filter.kinds"),
                sorted(documents["kind"].dropna().unique()),
                name="f_kinds",
                format_func=lambda k: kind_label(k, lang),
                placeholder=t("common.all"),
            )
            languages = widgets.multiselect(
                t("filter.languages"),
                sorted(documents["language"].dropna().unique()),
                name="f_languages",
                format_func=lambda c: language_label(c, lang),
                placeholder=t("common.all"),
            )
    return frames.DocumentFilter(
        years=years,
        include_undated=include_undated,
        kinds=tuple(kinds),
        languages=tuple(languages),
        field_ids=tuple(int(f) for f in field_ids),
    )


def map_tab(documents: pd.DataFrame, themes: pd.DataFrame) -> None:
    points, dropped = frames.map_points(documents, themes, noise_label=t("map.noise"))
    st.plotly_chart(
        figures.document_map(
            points, title=t("map.title"), noise_label=t("map.noise"), empty_text=t("map.empty")
        ),
        key="document_map",
        config={"scrollZoom": True, "displaylogo": False},
    )
    st.caption(t("map.help"))
    if dropped:
        st.caption(t("map.sampled", n=dropped))


def table_tab(table: pd.DataFrame, indicators_shown: bool) -> None:
    if table.empty:
        st.info(t("table.empty"))
        return
    st.dataframe(
        table,
        hide_index=True,
        key="theme_table",
        column_config={
            "theme_id": st.column_config.NumberColumn(t("col.id"), format="%d"),
            "label": st.column_config.TextColumn(t("col.label"), width="large"),
            "field_label": st.column_config.TextColumn(t("col.field")),
            "size": st.column_config.NumberColumn(t("col.size"), format="%d"),
            "in_view": st.column_config.NumberColumn(t("col.in_view"), format="%d"),
            "stability": st.column_config.NumberColumn(t("col.stability"), format="%.2f"),
            "silhouette": st.column_config.NumberColumn(t("col.silhouette"), format="%.2f"),
            "growth": st.column_config.NumberColumn(t("col.growth"), format="%.3f"),
            "escore": st.column_config.NumberColumn(t("col.escore"), format="%.2f"),
            "burst": st.column_config.NumberColumn(t("col.burst"), format="%.2f"),
            "trend": st.column_config.LineChartColumn(t("col.trend"), y_min=0),
        },
    )
    if not indicators_shown:
        st.caption(t("table.indicators_missing"))


def sizes_tab(table: pd.DataFrame) -> None:
    if table.empty:
        st.info(t("table.empty"))
        return
    left, right = st.columns(2)
    left.plotly_chart(
        figures.theme_treemap(
            table, title=t("sizes.treemap"), root_label=t("sizes.root"), empty_text=t("table.empty")
        ),
        key="theme_treemap",
    )
    right.plotly_chart(
        figures.theme_size_bar(
            table, title=t("sizes.bar"), x_title=t("col.size"), empty_text=t("table.empty")
        ),
        key="theme_size_bar",
    )


def trends_tab(table: pd.DataFrame, series: pd.DataFrame) -> None:
    st.plotly_chart(
        figures.sparkline_grid(
            frames.spark_series(table, series), title=t("trends.title"), empty_text=t("common.no_data")
        ),
        key="sparkline_grid",
    )


def main() -> None:
    st.title(t("themes.title"))
    problem = ds.store_problem()
    if problem:
        st.error(t("common.store_error", error=problem))
        return
    run_id = state.run_id()
    if run_id is None:
        st.info(t("common.no_run"))
        return
    st.caption(t("themes.caption", id=run_id))
    lang = state.language()
    themes = frames.localize(ds.themes(run_id), lang)
    documents = ds.documents(run_id)
    series = ds.theme_series(run_id)

    chosen = filters(documents, themes)
    in_view = frames.filter_documents(documents, chosen)
    st.markdown(t("filter.summary", n=f"{len(in_view):,}", total=f"{len(documents):,}"))
    table = frames.theme_view(themes, in_view, series, field_ids=chosen.field_ids)
    indicators_shown = bool(frames.indicator_columns(table))

    tab_map, tab_table, tab_sizes, tab_trends = st.tabs(
        [t("tab.map"), t("tab.table"), t("tab.sizes"), t("tab.trends")]
    )
    with tab_map:
        map_tab(in_view, themes)
    with tab_table:
        table_tab(table, indicators_shown)
    with tab_sizes:
        sizes_tab(table)
    with tab_trends:
        trends_tab(table, series)

    st.divider()
    st.header(t("detail.heading"))
    options = frames.label_options(table)
    if not options:
        st.info(t("detail.no_theme"))
        return
    theme_id = widgets.select(
        t("detail.pick"), list(options), name="detail_theme", format_func=options.__getitem__
    )
    if theme_id is not None:
        render_theme_detail(run_id, int(theme_id), series)


main()
