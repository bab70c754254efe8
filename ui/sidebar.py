"""The shared sidebar: language switch, run selector, store status, and viewer / analyst access."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from ui import auth, state, widgets
from ui import datasource as ds
from ui.i18n import t

LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
FAILURES_KEY = "_sign_in_failures"
LAST_FAILURE_KEY = "_sign_in_last_failure"


def render() -> None:
    """Draw the sidebar and keep ``ui.state``'s keys up to date (called by ``app.py`` on every run)."""
    with st.sidebar:
        _language()
        problem = ds.store_problem()
        if problem:
            st.error(t("common.store_error", error=problem))
            st.session_state[state.RUN_KEY] = None
        else:
            _run_selector()
        st.divider()
        _access()
        st.divider()
        st.caption(t("sidebar.store", url=ds.store_label()))
        if st.button(t("sidebar.refresh"), key="refresh_data", icon=":material/refresh:"):
            ds.clear_caches()


def _language() -> None:
    if st.session_state.get(state.LANG_KEY) not in state.LANGUAGES:
        st.session_state[state.LANG_KEY] = state.default_language()
    st.radio(
        t("sidebar.language"),
        options=state.LANGUAGES,
        format_func=LANGUAGE_NAMES.__getitem__,
        key=state.LANG_KEY,
        horizontal=True,
    )


def _run_option(run: dict[str, Any], lang: str) -> str:
    label = f"{run['label']} · " if run.get("label") else ""
    created = (run.get("created_at") or "")[:10]
    return t("sidebar.run_option", lang, id=run["id"], label=label, created=created, n_themes=run["n_themes"])


def _run_selector() -> None:
    runs = ds.runs()
    if not runs:
        st.session_state[state.RUN_KEY] = None
        st.info(t("sidebar.no_runs"))
        return
    by_id = {run["id"]: run for run in runs}
    lang = state.language()  # bound now: format_func may be called outside the script run
    # newest completed run first, so it is the default
    widgets.select(
        t("sidebar.run"),
        list(by_id),
        name=state.RUN_KEY,
        format_func=lambda run_id: _run_option(by_id[run_id], lang),
    )


def _access() -> None:
    policy = auth.load_policy()
    st.session_state[state.MODE_KEY] = policy.mode
    st.markdown(f"**{t('sidebar.access')}**")
    for problem in policy.problems:
        st.warning(t("sidebar.config_problem", problem=problem))
    if policy.mode == "viewer":
        st.caption(t("sidebar.viewer_badge"))
        st.caption(t("sidebar.viewer"))
    elif policy.mode == "open":
        st.caption(t("sidebar.open_mode"))
        st.text_input(t("sidebar.open_name"), key=state.OPEN_NAME_KEY, max_chars=100)
    else:
        _sign_in(policy)


def _sign_in(policy: auth.AccessPolicy) -> None:
    signed_in = st.session_state.get(state.ANALYST_KEY)
    if signed_in and signed_in in policy.analysts:
        st.success(t("sidebar.signed_in", name=signed_in))
        if st.button(t("sidebar.sign_out"), key="sign_out"):
            st.session_state.pop(state.ANALYST_KEY, None)
            st.rerun()
        return
    st.session_state.pop(state.ANALYST_KEY, None)  # removed from the configuration meanwhile
    st.caption(t("sidebar.viewer_badge"))
    with st.form("sign_in_form", clear_on_submit=True):
        st.markdown(t("sidebar.sign_in"))
        name = st.text_input(t("sidebar.name"), max_chars=100, key="sign_in_name")
        password = st.text_input(t("sidebar.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("sidebar.sign_in_button"))
    if not submitted:
        return
    failures = int(st.session_state.get(FAILURES_KEY, 0))
    wait = auth.locked_for(failures, st.session_state.get(LAST_FAILURE_KEY), time.monotonic())
    if wait > 0:
        st.error(t("sidebar.locked", seconds=int(wait) + 1))
        return
    who = auth.authenticate(policy, name, password)
    if who is None:
        st.session_state[FAILURES_KEY] = failures + 1
        st.session_state[LAST_FAILURE_KEY] = time.monotonic()
        st.error(t("sidebar.sign_in_failed"))
        return
    st.session_state[FAILURES_KEY] = 0
    st.session_state[state.ANALYST_KEY] = who
    st.rerun()
