"""Overview: the corpus by kind, language and year; the selected analysis run; early-warning alerts."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from ui import datasource as ds
from ui import figures, state
from ui.i18n import kind_label, language_label, t


def corpus_section() -> None:
    stats = ds.corpus()
    st.subheader(t("overview.corpus"))
    if not stats["total"]:
        st.info(t("overview.empty_store"))
        return
    cols = st.columns(3)
    cols[0].metric(t("metric.documents"), f"{stats['total']:,}")
    cols[1].metric(t("metric.restricted"), f"{stats['restricted']:,}")
    cols[2].metric(t("metric.batches"), f"{stats['import_batches']:,}")
    lang = state.language()
    left, middle = st.columns(2)
    left.plotly_chart(
        figures.count_bar(
            stats["by_kind"],
            title=t("chart.by_kind"),
            x_title=t("axis.kind"),
            y_title=t("axis.documents"),
            labels={k: kind_label(k, lang) for k in stats["by_kind"]},
            empty_text=t("common.no_data"),
        ),
        key="chart_by_kind",
    )
    middle.plotly_chart(
        figures.count_bar(
            stats["by_language"],
            title=t("chart.by_language"),
            x_title=t("axis.language"),
            y_title=t("axis.documents"),
            labels={k: language_label(k, lang) for k in stats["by_language"]},
            empty_text=t("common.no_data"),
        ),
        key="chart_by_language",
    )
    st.plotly_chart(
        figures.year_bar(
            stats["by_year"],
            title=t("chart.by_year"),
            x_title=t("axis.year"),
            y_title=t("axis.documents"),
            unknown_label=t("axis.undated"),
            empty_text=t("common.no_data"),
        ),
        key="chart_by_year",
    )


def _json_block(label: str, value: Any) -> None:
    with st.expander(label):
        st.code(json.dumps(value, ensure_ascii=False, indent=2, default=str), language="json")


def run_section(run_id: int) -> None:
    run = ds.run(run_id)
    if run is None:
        st.warning(t("common.run_missing", id=run_id))
        return
    st.subheader(t("run.heading", id=run["id"]) + (f" · {run['label']}" if run.get("label") else ""))
    cols = st.columns(4)
    cols[0].metric(t("metric.documents"), f"{run['n_documents']:,}")
    cols[1].metric(t("metric.themes"), run["n_themes"])
    cols[2].metric(t("metric.fields"), run["n_fields"])
    noise = run.get("noise_share")
    cols[3].metric(t("metric.noise"), f"{noise:.1%}" if noise is not None else "—")
    facts = {
        t("run.created"): (run.get("created_at") or "").replace("T", " ")[:19],
        t("run.model"): run["model_id"],
        t("run.representation"): run["representation"],
        t("run.seed"): run["seed"],
        t("run.fingerprint"): (run.get("corpus_fingerprint") or "")[:16],
        t("run.previous"): f"#{run['previous_run_id']}" if run.get("previous_run_id") else "—",
    }
    st.markdown("  \n".join(f"**{name}:** `{value}`" for name, value in facts.items()))
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(
            figures.timings_bar(
                run.get("timings") or {},
                title=t("run.timings"),
                x_title=t("axis.seconds"),
                empty_text=t("common.no_data"),
            ),
            key="chart_timings",
        )
    with right:
        st.markdown(f"**{t('run.warnings')}**")
        if run.get("warnings"):
            for warning in run["warnings"]:
                st.warning(warning)
        else:
            st.success(t("run.no_warnings"))
    _json_block(t("run.parameters"), run.get("parameters") or {})
    _json_block(t("run.filters"), run.get("filters") or {})
    _json_block(t("run.versions"), run.get("versions") or {})


def alerts_section(run_id: int | None) -> None:
    st.subheader(t("overview.alerts"))
    alerts = ds.alerts(run_id)
    if not alerts:
        st.info(t("overview.no_alerts"))
        st.caption(t("overview.alerts_hint"))
        return
    lang = state.language()
    for alert in alerts:
        message = alert["message_zh"] if lang == "zh" and alert["message_zh"] else alert["message_en"]
        where = f" · {t('alert.theme', id=alert['theme_id'])}" if alert.get("theme_id") else ""
        when = (alert.get("created_at") or "").replace("T", " ")[:16]
        st.warning(f"**{alert['rule']}**{where} · {when}  \n{message}")


st.title(t("overview.title"))
problem = ds.store_problem()
if problem:
    st.error(t("common.store_error", error=problem))
    st.stop()
corpus_section()
st.divider()
current = state.run_id()
if current is None:
    st.info(t("common.no_run"))
else:
    run_section(current)
st.divider()
alerts_section(current)
