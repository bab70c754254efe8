"""One theme's evidence, rendered on the themes page: "why is this theme here?"

Keywords (chart), documents per year, representative and most typical documents (restricted ones without
their text), quality with the formulas behind it, lineage across runs, and curation history.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import figures, frames, state
from ui.i18n import STRINGS, kind_label, t


def _document_table(documents: list[dict[str, Any]], key: str) -> None:
    if not documents:
        st.caption(t("common.no_data"))
        return
    lang = state.language()
    rows = [
        {
            "title": doc["title"],
            "kind": kind_label(doc["kind"], lang),
            "year": doc.get("year"),
            "identifier": doc.get("doi") or doc.get("arxiv_id") or doc.get("patent_number") or "",
        }
        for doc in documents
    ]
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key=key,
        column_config={
            "title": st.column_config.TextColumn(t("col.title"), width="large"),
            "kind": st.column_config.TextColumn(t("col.kind")),
            "year": st.column_config.NumberColumn(t("col.year"), format="%d"),
            "identifier": st.column_config.TextColumn(t("col.identifier")),
        },
    )


def _quality(quality: dict[str, Any]) -> None:
    st.markdown(f"**{t('detail.quality')}**")
    left, right = st.columns(2)
    for column, name in ((left, "silhouette"), (right, "stability")):
        value = quality.get(name)
        column.metric(
            t(f"col.{name}"), frames.fmt_number(value) if value is not None else t("detail.not_computed")
        )
        column.caption(t(f"formula.{name}"))


def _lineage(run_id: int, theme_id: int) -> None:
    st.markdown(f"**{t('detail.lineage')}**")
    events = ds.theme_lineage(run_id, theme_id)
    if not events:
        st.caption(t("detail.lineage_none"))
        return
    for event in events:
        st.markdown(
            "- "
            + t(
                "detail.lineage_event",
                event=t(f"lineage.{event['event']}"),
                run=event["from_run_id"] or "—",
                themes=", ".join(f"#{th['id']} {th['label']}".strip() for th in event["from_themes"]) or "—",
            )
        )


def _curation(theme_id: int) -> None:
    st.markdown(f"**{t('detail.curation')}**")
    history = ds.curation_history(theme_id)
    if not history:
        st.caption(t("detail.curation_none"))
        return
    st.dataframe(pd.DataFrame(history), hide_index=True, key="curation_history")


def render_theme_detail(run_id: int, theme_id: int, series: pd.DataFrame) -> None:
    """Everything known about one theme of ``run_id``."""
    detail = ds.theme_detail(theme_id)
    if detail is None:
        st.warning(t("detail.missing", id=theme_id))
        return
    lang = state.language()
    label = (detail["label_zh"] if lang == "zh" else detail["label_en"]) or detail["label"]
    field = detail.get("field") or {}
    field_label = (field.get("label_zh") if lang == "zh" else field.get("label_en")) or field.get(
        "label_en", "—"
    )
    st.subheader(f"#{detail['number']} · {label}")
    origin = t(f"origin.{detail['origin']}") if f"origin.{detail['origin']}" in STRINGS else detail["origin"]
    st.caption(t("detail.summary", size=detail["size"], field=field_label or "—", origin=origin))
    with st.expander(t("detail.why"), icon=":material/help:"):
        st.markdown(t("detail.why_text"))

    left, right = st.columns(2)
    left.plotly_chart(
        figures.keyword_bar(
            detail["keywords"],
            title=t("detail.keywords"),
            x_title=t("axis.weight"),
            empty_text=t("common.no_data"),
        ),
        key="keyword_bar",
    )
    periods = frames.period_range(series)
    counts = frames.series_by_theme(series, periods).get(theme_id, [0] * len(periods))
    right.plotly_chart(figures.sparkline(periods, counts, title=t("detail.trend"), height=260), key="trend")

    st.markdown(f"**{t('detail.representative')}**")
    _document_table(detail["representative_documents"], "representative_documents")
    st.markdown(f"**{t('detail.top')}**")
    _document_table(detail["top_documents"], "top_documents")
    _quality(detail.get("quality") or {})
    left, right = st.columns(2)
    with left:
        _lineage(run_id, theme_id)
    with right:
        _curation(theme_id)
