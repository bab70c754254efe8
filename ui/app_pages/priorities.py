"""Priority technologies: weights (sliders, presets), the ranked list with rank intervals, sensitivity,
provenance of each entry and exports."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import datasource_delphi as dd
from ui import datasource_priorities as dp
from ui import figures_extra, state
from ui.i18n import t

CUSTOM = "custom"
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html",
}


def weights_panel() -> tuple[dict[str, float], str | None]:
    presets = dp.presets()
    options = [*presets, CUSTOM]
    preset = st.selectbox(
        t("prio.preset"),
        options,
        key="p_preset",
        format_func=lambda p: t("prio.custom") if p == CUSTOM else p,
    )
    base = presets.get(str(preset), presets[next(iter(presets))])
    weights: dict[str, float] = {}
    columns = st.columns(4)
    for i, component in enumerate(dp.components()):
        weights[component] = columns[i % 4].slider(
            component,
            min_value=0.0,
            max_value=1.0,
            value=round(float(base.get(component, 0.0)), 2),
            step=0.05,
            key=f"p_w_{preset}_{component}",
            disabled=preset != CUSTOM,
        )
    return weights, (None if preset == CUSTOM else str(preset))


def title_of(row: dict[str, Any] | pd.Series, lang: str) -> str:
    first, second = ("title_zh", "title_en") if lang == "zh" else ("title_en", "title_zh")
    return str(row[first] or row[second])


def main() -> None:
    st.title(t("nav.priorities"))
    problem = ds.store_problem()
    if problem:
        st.error(t("common.store_error", error=problem))
        return
    lang = state.language()
    surveys = dd.survey_list()
    if not surveys:
        st.info(t("prio.no_survey"))
        return
    names = {int(s["id"]): f"#{s['id']} · {title_of(s, lang)}" for s in surveys}
    survey_id = st.selectbox(t("prio.survey"), list(names), format_func=names.__getitem__, key="p_survey")
    weights, preset = weights_panel()
    if sum(weights.values()) <= 0:
        st.warning(t("prio.no_weight"))
        return
    result = dp.priority_list(int(survey_id), weights, preset)
    if not result:
        st.info(t("prio.no_round"))
        return
    ranked = pd.DataFrame(result["entries"])
    ranked["label"] = [title_of(r, lang) for _, r in ranked.iterrows()]
    tab_list, tab_sens, tab_prov, tab_export = st.tabs(
        [t("prio.tab_list"), t("prio.tab_sensitivity"), t("prio.tab_provenance"), t("prio.tab_export")]
    )
    with tab_list:
        st.plotly_chart(
            figures_extra.ranked_intervals(
                pd.DataFrame(
                    {
                        "label": ranked["label"],
                        "score": ranked["rank"],
                        "low": ranked["rank_low"],
                        "high": ranked["rank_high"],
                    }
                ),
                title=t("prio.chart"),
                x_title=t("prio.rank_axis"),
                empty_text=t("common.no_data"),
            ),
            key="p_chart",
        )
        shown = ["rank", "label", "score", "rank_low", "rank_high", "coverage", "missing"]
        extra = [c for c in ranked.columns if c.startswith("c_")]
        st.dataframe(ranked[shown + extra], hide_index=True, key="p_table")
    with tab_sens:
        sensitivity = pd.DataFrame(result["sensitivity"])
        if sensitivity.empty:
            st.caption(t("common.no_data"))
        else:
            st.caption(t("prio.sensitivity_help"))
            st.dataframe(sensitivity, hide_index=True, key="p_sensitivity")
    with tab_prov:
        labels = dict(zip(ranked["item_id"], ranked["label"], strict=True))
        item = st.selectbox(t("prio.entry"), list(labels), format_func=labels.__getitem__, key="p_entry")
        st.json(json.loads(json.dumps(result["provenance"].get(str(item), {}), default=str)), expanded=1)
    with tab_export:
        for fmt, data in result["exports"].items():
            st.download_button(
                t("prio.download", format=fmt.upper()),
                data=data,
                file_name=f"priority-list-survey-{survey_id}.{fmt}",
                mime=MIME.get(fmt, "application/octet-stream"),
                key=f"p_download_{fmt}",
            )


main()
