"""Emergence and monitoring: time series with bursts, weak-signal map, strategic diagram, lineage flows
between runs, the watchlist and the alerts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import datasource_monitor as dm
from ui import figures_extra, frames, state, widgets
from ui.i18n import t

WATCH_KINDS = {
    "theme": "emergence.kind_theme",
    "keyword": "emergence.kind_keyword",
    "field": "emergence.kind_field",
}
TAB_KEYS = (
    "emergence.tab_series",
    "emergence.tab_maps",
    "emergence.tab_lineage",
    "emergence.tab_watch",
    "emergence.tab_alerts",
)


def series_tab(themes: pd.DataFrame, series: pd.DataFrame, details: pd.DataFrame) -> None:
    labels = {int(r.theme_id): str(r.label) for r in themes.itertuples()}
    chosen = widgets.multiselect(
        t("emergence.themes"),
        list(labels),
        name="e_themes",
        format_func=labels.__getitem__,
        placeholder=t("common.all"),
    )
    ids = [int(i) for i in chosen] or list(labels)
    data = series[series["theme_id"].isin(ids)].copy()
    data["label"] = data["theme_id"].map(labels)
    stored = {int(r.theme_id): r.bursts for r in details.itertuples()}
    bursts = {}
    for theme_id in ids:
        part = data[data["theme_id"] == theme_id].sort_values("period")
        periods = stored.get(theme_id)
        if periods is None:  # no stored Kleinberg states: a simple above-average heuristic
            periods = figures_extra.burst_periods(list(part["period"]), list(part["count"]))
        bursts[labels[theme_id]] = periods
    st.plotly_chart(
        figures_extra.theme_timeseries(
            data,
            bursts,
            title=t("emergence.series"),
            y_title=t("emergence.documents"),
            empty_text=t("common.no_data"),
        ),
        key="e_series",
    )
    st.caption(t("emergence.burst_help"))


def maps_tab(themes: pd.DataFrame, details: pd.DataFrame) -> None:
    table = (
        themes.merge(details, on="theme_id", how="left")
        if not details.empty
        else themes.assign(mean_frequency=None, signal_growth=None, centrality=None, density=None)
    )
    for column in ("mean_frequency", "signal_growth", "centrality", "density"):
        table[column] = pd.to_numeric(table[column], errors="coerce")
    left, right = st.columns(2)
    left.plotly_chart(
        figures_extra.quadrant_scatter(
            table,
            x="mean_frequency",
            y="signal_growth",
            size="size",
            title=t("emergence.weak_map"),
            x_title=t("emergence.frequency"),
            y_title=t("emergence.growth"),
            empty_text=t("emergence.no_indicators"),
        ),
        key="e_weak",
    )
    right.plotly_chart(
        figures_extra.quadrant_scatter(
            table,
            x="centrality",
            y="density",
            size="size",
            title=t("emergence.strategic"),
            x_title=t("emergence.centrality"),
            y_title=t("emergence.density"),
            empty_text=t("emergence.no_indicators"),
        ),
        key="e_strategic",
    )


def lineage_tab(run_id: int) -> None:
    flows = dm.lineage_flows(run_id)
    st.plotly_chart(
        figures_extra.lineage_sankey(
            flows, title=t("emergence.lineage"), empty_text=t("emergence.no_lineage")
        ),
        key="e_sankey",
    )
    if flows:
        st.dataframe(pd.DataFrame(flows), hide_index=True, key="e_flows")


def watch_tab(themes: pd.DataFrame) -> None:
    watches = dm.watchlist()
    if watches:
        st.dataframe(
            pd.DataFrame(watches)[["id", "kind", "label", "target", "created_by"]],
            hide_index=True,
            key="e_watches",
        )
    else:
        st.caption(t("emergence.no_watches"))
    actor = state.analyst()
    if not state.can_edit() or actor is None:
        st.info(t("emergence.viewer"))
        return
    left, right = st.columns(2)
    with left:
        kind = st.selectbox(
            t("emergence.watch_kind"),
            list(WATCH_KINDS),
            key="e_watch_kind",
            format_func=lambda k: t(WATCH_KINDS[k]),
        )
        if kind == "theme":
            labels = frames.label_options(themes)
            target = str(
                st.selectbox(
                    t("emergence.watch_target"),
                    list(labels),
                    format_func=labels.__getitem__,
                    key="e_watch_theme",
                )
            )
        else:
            target = st.text_input(t("emergence.watch_target"), key="e_watch_text").strip()
        if st.button(t("emergence.watch_add"), key="e_watch_add") and target:
            try:
                dm.add_watch(str(kind), target, "", actor=actor)
                st.rerun()
            except dm.WatchError as exc:
                st.error(str(exc))
    with right:
        if watches:
            names = {int(w["id"]): f"#{w['id']} · {w['label'] or w['target']}" for w in watches}
            chosen = st.selectbox(
                t("emergence.watch_remove"), list(names), format_func=names.__getitem__, key="e_watch_pick"
            )
            if st.button(t("emergence.watch_remove_button"), key="e_watch_remove") and chosen is not None:
                try:
                    dm.remove_watch(int(chosen))
                    st.rerun()
                except dm.WatchError as exc:
                    st.error(str(exc))


def alerts_tab(run_id: int, lang: str) -> None:
    alerts = ds.alerts(run_id)
    if not alerts:
        st.caption(t("emergence.no_alerts"))
        return
    for alert in alerts:
        text = (
            alert.get(f"message_{lang}")
            or alert.get("message_en")
            or alert.get("message")
            or alert.get("rule")
        )
        st.warning(str(text), icon=":material/notifications:")


def main() -> None:
    st.title(t("nav.emergence"))
    problem = ds.store_problem()
    if problem:
        st.error(t("common.store_error", error=problem))
        return
    run_id = state.run_id()
    if run_id is None:
        st.info(t("common.no_run"))
        return
    lang = state.language()
    themes = frames.localize(ds.themes(run_id), lang)
    series = ds.theme_series(run_id)
    details = dm.indicator_details(run_id)
    tabs = st.tabs([t(key) for key in TAB_KEYS])
    with tabs[0]:
        series_tab(themes, series, details)
    with tabs[1]:
        maps_tab(themes, details)
    with tabs[2]:
        lineage_tab(run_id)
    with tabs[3]:
        watch_tab(themes)
    with tabs[4]:
        alerts_tab(run_id, lang)


main()
