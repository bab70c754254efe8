"""Delphi survey: surveys from themes, the panel and its coverage, invitations, rounds, response rates
and consensus / stability per item."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import datasource_delphi as dd
from ui import figures_extra, frames, state, widgets
from ui.i18n import t

LINKS_KEY = "d_links"


def create_section(run_id: int | None, actor: str) -> None:
    with st.expander(t("delphi.create"), icon=":material/add:"):
        if run_id is None:
            st.info(t("common.no_run"))
            return
        themes = frames.localize(ds.themes(run_id), state.language())
        labels = {int(r.theme_id): str(r.label) for r in themes.itertuples()}
        chosen = widgets.multiselect(
            t("delphi.from_themes"), list(labels), name="d_themes", format_func=labels.__getitem__
        )
        title_en = st.text_input(t("delphi.title_en"), key="d_title_en")
        title_zh = st.text_input(t("delphi.title_zh"), key="d_title_zh")
        if st.button(t("delphi.create_button"), key="d_create") and chosen:
            try:
                survey_id = dd.create_survey(title_en, title_zh, chosen, actor=actor)
            except dd.DelphiEditError as exc:
                st.error(str(exc))
                return
            st.session_state["d_survey"] = survey_id
            st.rerun()


def panel_section() -> None:
    st.subheader(t("delphi.panel"))
    experts = dd.experts()
    if not experts:
        st.caption(t("delphi.no_experts"))
        return
    st.dataframe(
        pd.DataFrame(experts)[["id", "name", "stakeholder_group", "fields", "organization"]],
        hide_index=True,
        key="d_experts",
    )
    st.plotly_chart(
        figures_extra.heatmap(
            dd.coverage(),
            title=t("delphi.coverage"),
            x_title=t("delphi.group"),
            y_title=t("delphi.field"),
            empty_text=t("common.no_data"),
        ),
        key="d_coverage",
    )


def manage_section(survey: dict[str, Any], actor: str) -> None:
    experts = dd.experts()
    names = {int(e["id"]): f"{e['name']} ({e['stakeholder_group']})" for e in experts}
    invited = st.multiselect(
        t("delphi.invite_who"), list(names), format_func=names.__getitem__, key="d_invite"
    )
    if st.button(t("delphi.invite"), key="d_do_invite") and invited:
        try:
            st.session_state[LINKS_KEY] = dd.invite(survey["id"], invited, actor=actor)
        except dd.DelphiEditError as exc:
            st.error(str(exc))
    links = st.session_state.pop(LINKS_KEY, None)  # shown once, never stored
    if links:
        st.warning(t("delphi.links_once"))
        st.dataframe(
            pd.DataFrame(
                [{"expert": names.get(x["expert_id"], x["expert_id"]), "link": x["link"]} for x in links]
            ),
            hide_index=True,
            key="d_links_table",
        )
    is_open = any(r["status"] == "open" for r in survey["rounds"])
    left, right = st.columns(2)
    if left.button(t("delphi.open_round"), key="d_open", disabled=is_open):
        try:
            dd.open_round(survey["id"], actor=actor)
            st.rerun()
        except dd.DelphiEditError as exc:
            st.error(str(exc))
    if right.button(t("delphi.close_round"), key="d_close", disabled=not is_open):
        try:
            dd.close_round(survey["id"], actor=actor)
            st.rerun()
        except dd.DelphiEditError as exc:
            st.error(str(exc))


def survey_section(survey: dict[str, Any], lang: str) -> None:
    if survey.get("generated"):
        st.warning(t("delphi.generated"), icon=":material/science:")
    rounds = ", ".join(f"#{r['number']} ({r['status']})" for r in survey["rounds"])
    st.markdown(
        t(
            "delphi.survey_summary",
            items=len(survey.get("items", [])),
            status=survey["status"],
            rounds=rounds or "—",
        )
    )
    rates = dd.response_rates(survey["id"])
    if rates.empty:
        st.caption(t("delphi.no_rounds"))
    else:
        latest = rates[rates["round"] == rates["round"].max()].dropna(subset=["rate"])
        st.plotly_chart(
            figures_extra.rate_bar(
                latest, title=t("delphi.rates"), x_title=t("delphi.rate"), empty_text=t("delphi.no_invited")
            ),
            key="d_rates",
        )
        st.dataframe(rates, hide_index=True, key="d_rates_table")
    table = dd.item_results(survey["id"])
    st.subheader(t("delphi.results"))
    if table.empty:
        st.caption(t("delphi.no_results"))
        return
    table["title"] = (
        table["title_zh"].where(table["title_zh"].astype(bool), table["title_en"])
        if lang == "zh"
        else table["title_en"].where(table["title_en"].astype(bool), table["title_zh"])
    )
    st.dataframe(
        table[["round", "item_id", "title", "question", "n", "state", "consensus", "stable", "done"]],
        hide_index=True,
        key="d_results",
    )


def survey_name(survey: dict[str, Any], lang: str) -> str:
    first, second = ("title_zh", "title_en") if lang == "zh" else ("title_en", "title_zh")
    mark = " ⚠" if survey.get("generated") else ""
    return f"#{survey['id']} · {survey[first] or survey[second]}{mark}"


def main() -> None:
    st.title(t("nav.delphi"))
    problem = ds.store_problem()
    if problem:
        st.error(t("common.store_error", error=problem))
        return
    lang = state.language()
    actor = state.analyst()
    editable = state.can_edit() and actor is not None
    if editable and actor is not None:
        create_section(state.run_id(), actor)
    else:
        st.info(t("delphi.viewer"))
    surveys = dd.survey_list()
    if surveys:
        names = {int(s["id"]): survey_name(s, lang) for s in surveys}
        current = st.session_state.get("d_survey")
        ids = list(names)
        chosen = st.selectbox(
            t("delphi.survey"),
            ids,
            index=ids.index(current) if current in ids else len(ids) - 1,
            format_func=names.__getitem__,
            key=f"d_pick_{len(ids)}",
        )
        st.session_state["d_survey"] = chosen
        survey = next(s for s in surveys if s["id"] == chosen)
        survey_section(survey, lang)
        if editable and actor is not None:
            st.subheader(t("delphi.manage"))
            manage_section(survey, actor)
    else:
        st.caption(t("delphi.no_surveys"))
    st.divider()
    panel_section()


main()
