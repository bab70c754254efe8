"""Knowledge graph: the run's theme graph (layers, indicator sizing) and its curation with undo / redo."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui import datasource as ds
from ui import datasource_edit as de
from ui import figures_extra, frames, state, widgets
from ui.i18n import t

LAYERS = ("field", "keyword", "organization", "scenario", "technology")
METRICS = ("size", "growth", "escore", "burst")
SPLIT_KEY = "g_split_preview"
TYPE_KEYS = {
    "theme": "graph.type_theme",
    "field": "graph.type_field",
    "keyword": "graph.type_keyword",
    "organization": "graph.type_organization",
    "scenario": "graph.type_scenario",
    "technology": "graph.type_technology",
}
METRIC_KEYS = {
    "size": "graph.metric_size",
    "growth": "graph.metric_growth",
    "escore": "graph.metric_escore",
    "burst": "graph.metric_burst",
}
SPLIT_MODE_KEYS = {"hand": "graph.split_mode_hand", "auto": "graph.split_mode_auto"}
TAB_KEYS = (
    "graph.tab_relabel",
    "graph.tab_merge",
    "graph.tab_split",
    "graph.tab_hide",
    "graph.tab_move",
    "graph.tab_link",
)


def node_frame(graph: dict[str, list[dict[str, Any]]], themes: pd.DataFrame, lang: str) -> pd.DataFrame:
    nodes = pd.DataFrame(graph["nodes"], columns=list(de.NODE_COLUMNS))
    if nodes.empty:
        return nodes.assign(label=[])
    zh = nodes["label_zh"].where(nodes["label_zh"].astype(bool), nodes["label_en"])
    nodes["label"] = zh if lang == "zh" else nodes["label_en"]
    indicators = themes.set_index("theme_id")[["growth", "escore", "burst"]] if not themes.empty else None
    for column in ("growth", "escore", "burst"):
        if indicators is not None:
            ids = nodes["node"].str.removeprefix("theme:")
            mapped = [
                indicators[column].get(int(i)) if n.startswith("theme:") and i.isdigit() else None
                for n, i in zip(nodes["node"], ids, strict=True)
            ]
            nodes[column] = pd.to_numeric(pd.Series(mapped, index=nodes.index), errors="coerce")
    return nodes[~nodes["hidden"]]


def edit_result(work: Any, success: str) -> None:
    """Run an edit; show its outcome (the service's message when it is refused)."""
    try:
        result = work()
    except de.EditError as exc:
        st.error(t("graph.edit_failed", error=str(exc)))
        return
    st.session_state["g_last_edit"] = t(success, op=result["op_id"])
    st.rerun()


def reason_input(name: str) -> str:
    return st.text_input(t("graph.reason"), key=f"g_reason_{name}").strip()


def needs_reason(reason: str) -> bool:
    if not reason:
        st.warning(t("graph.reason_missing"))
        return True
    return False


def relabel_tab(selected: list[int], labels: dict[int, str], actor: str) -> None:
    if len(selected) != 1:
        st.info(t("graph.pick_one"))
        return
    theme_id = selected[0]
    label_en = st.text_input(
        t("graph.label_en"), value=labels.get(theme_id, ""), key=f"g_label_en_{theme_id}"
    )
    label_zh = st.text_input(t("graph.label_zh"), key=f"g_label_zh_{theme_id}")
    reason = reason_input("relabel")
    if st.button(t("graph.relabel"), key="g_do_relabel") and not needs_reason(reason):
        edit_result(
            lambda: de.relabel(theme_id, label_en, label_zh, actor=actor, reason=reason), "graph.done"
        )


def merge_tab(selected: list[int], actor: str) -> None:
    if len(selected) < 2:
        st.info(t("graph.pick_two"))
        return
    label = st.text_input(t("graph.merged_label"), key="g_merge_label")
    reason = reason_input("merge")
    if st.button(t("graph.merge"), key="g_do_merge") and not needs_reason(reason):
        edit_result(lambda: de.merge(selected, label, actor=actor, reason=reason), "graph.done")


def split_tab(selected: list[int], documents: pd.DataFrame, actor: str) -> None:
    if len(selected) != 1:
        st.info(t("graph.pick_one"))
        return
    theme_id = selected[0]
    members = documents[documents["theme_id"] == theme_id]
    options = [int(d) for d in members["document_id"]]
    titles = dict(zip(options, members["title"].astype(str), strict=True))
    auto = st.radio(
        t("graph.split_mode"),
        ["hand", "auto"],
        horizontal=True,
        key="g_split_mode",
        format_func=lambda m: t(SPLIT_MODE_KEYS[m]),
    )
    parts: list[list[int]] | None = None
    n_parts: int | None = None
    if auto == "auto":
        n_parts = int(st.number_input(t("graph.n_parts"), min_value=2, max_value=8, value=2, key="g_n_parts"))
    else:
        moved = st.multiselect(
            t("graph.split_docs"),
            options,
            key=f"g_split_docs_{theme_id}",
            format_func=lambda d: f"#{d} · {titles.get(d, '')[:80]}",
        )
        parts = [[d for d in options if d not in moved], [int(d) for d in moved]]
    if st.button(t("graph.preview"), key="g_do_preview"):
        try:
            proposed = de.preview_split(theme_id, parts, n_parts)
        except de.EditError as exc:
            st.error(t("graph.edit_failed", error=str(exc)))
            proposed = None
        st.session_state[SPLIT_KEY] = {"theme": theme_id, "parts": proposed} if proposed else None
    preview = st.session_state.get(SPLIT_KEY)
    if not preview or preview["theme"] != theme_id:
        st.caption(t("graph.preview_first"))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {"part": i + 1, "size": p["size"], "label": p["label"], "keywords": ", ".join(p["keywords"])}
                for i, p in enumerate(preview["parts"])
            ]
        ),
        hide_index=True,
        key="g_split_table",
    )
    reason = reason_input("split")
    if st.button(t("graph.split"), key="g_do_split") and not needs_reason(reason):
        chosen = [p["documents"] for p in preview["parts"]]
        st.session_state[SPLIT_KEY] = None
        edit_result(lambda: de.split(theme_id, chosen, actor=actor, reason=reason), "graph.done")


def hide_tab(selected: list[int], actor: str) -> None:
    if not selected:
        st.info(t("graph.pick_some"))
        return
    reason = reason_input("hide")
    left, right = st.columns(2)
    if left.button(t("graph.hide"), key="g_do_hide") and not needs_reason(reason):
        edit_result(lambda: de.hide(selected, actor=actor, reason=reason), "graph.done")
    confirm = right.checkbox(t("graph.delete_confirm"), key="g_delete_confirm")
    if right.button(t("graph.delete"), key="g_do_delete", disabled=not confirm) and not needs_reason(reason):
        edit_result(lambda: de.delete(selected, actor=actor, reason=reason), "graph.done")


def move_tab(selected: list[int], labels: dict[int, str], documents: pd.DataFrame, actor: str) -> None:
    if len(selected) != 1:
        st.info(t("graph.pick_one"))
        return
    source = selected[0]
    members = [int(d) for d in documents.loc[documents["theme_id"] == source, "document_id"]]
    docs = st.multiselect(t("graph.move_docs"), members, key=f"g_move_docs_{source}")
    targets = [i for i in labels if i != source]
    target = st.selectbox(t("graph.move_to"), targets, format_func=labels.__getitem__, key="g_move_to")
    reason = reason_input("move")
    if (
        st.button(t("graph.move"), key="g_do_move")
        and docs
        and target is not None
        and not needs_reason(reason)
    ):
        edit_result(
            lambda: de.move_documents(docs, source, int(target), actor=actor, reason=reason), "graph.done"
        )


def link_tab(nodes: pd.DataFrame, run_id: int, actor: str) -> None:
    names = dict(zip(nodes["node"], nodes["label"] + " (" + nodes["node"] + ")", strict=True))
    left, right = st.columns(2)
    source = left.selectbox(
        t("graph.link_source"), list(names), format_func=names.__getitem__, key="g_link_u"
    )
    target = right.selectbox(
        t("graph.link_target"), list(names), format_func=names.__getitem__, key="g_link_v"
    )
    edge_type = st.selectbox(
        t("graph.edge_type"), ["similar_to", "relevant_to", "has_keyword"], key="g_link_t"
    )
    reason = reason_input("link")
    if st.button(t("graph.link"), key="g_do_link") and source and target and not needs_reason(reason):
        edit_result(
            lambda: de.link(
                str(source), str(target), str(edge_type), run_id=run_id, actor=actor, reason=reason
            ),
            "graph.done",
        )
    st.divider()
    note_on = st.selectbox(t("graph.note_on"), list(names), format_func=names.__getitem__, key="g_note_on")
    note = st.text_area(t("graph.note"), key="g_note")
    reason2 = reason_input("note")
    if st.button(t("graph.annotate"), key="g_do_note") and note.strip() and not needs_reason(reason2):
        edit_result(
            lambda: de.annotate(str(note_on), note.strip(), run_id=run_id, actor=actor, reason=reason2),
            "graph.done",
        )


def history(run_id: int, actor: str | None) -> None:
    st.subheader(t("graph.log"))
    if actor:
        reason = st.text_input(t("graph.reason"), key="g_reason_history").strip()
        left, right, _ = st.columns([1, 1, 4])
        if left.button(t("graph.undo"), key="g_undo", icon=":material/undo:") and not needs_reason(reason):
            edit_result(lambda: de.undo(run_id, actor=actor, reason=reason), "graph.done")
        if right.button(t("graph.redo"), key="g_redo", icon=":material/redo:") and not needs_reason(reason):
            edit_result(lambda: de.redo(run_id, actor=actor, reason=reason), "graph.done")
    log = de.edit_log(run_id)
    if not log:
        st.caption(t("graph.log_empty"))
        return
    table = pd.DataFrame(log)[["id", "created_at", "op", "status", "actor", "reason"]].iloc[::-1]
    st.dataframe(table, hide_index=True, key="g_log")


def main() -> None:
    st.title(t("nav.graph"))
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
    nodes = node_frame(de.graph(run_id), ds.themes(run_id), lang)
    labels = {int(r.theme_id): str(r.label) for r in themes.itertuples()}
    message = st.session_state.pop("g_last_edit", None)
    if message:
        st.success(message)

    left, right = st.columns([1, 2])
    metric = left.selectbox(
        t("graph.metric"), METRICS, format_func=lambda m: t(METRIC_KEYS[m]), key="g_metric"
    )
    layers = right.multiselect(
        t("graph.layers"),
        LAYERS,
        default=["field", "organization", "scenario"],
        key="g_layers",
        format_func=lambda x: t(TYPE_KEYS[x]),
    )
    selected = [
        int(i)
        for i in widgets.multiselect(
            t("graph.select"), list(labels), name="g_selected", format_func=labels.__getitem__
        )
    ]
    shown = nodes[nodes["type"].isin(["theme", *layers])] if not nodes.empty else nodes
    edges = pd.DataFrame(de.graph(run_id)["edges"], columns=["source", "target", "type", "weight"])
    st.plotly_chart(
        figures_extra.network(
            shown,
            edges,
            metric=metric,
            title=t("graph.figure"),
            empty_text=t("common.no_data"),
            type_names={x: t(TYPE_KEYS[x]) for x in ("theme", *LAYERS)},
            selected=[f"theme:{i}" for i in selected],
        ),
        key="g_network",
    )
    st.caption(t("graph.stats", nodes=len(shown), edges=len(edges)))

    actor = state.analyst()
    st.header(t("graph.curation"))
    if not state.can_edit() or actor is None:
        st.info(t("graph.viewer"))
    else:
        documents = ds.documents(run_id)
        tabs = st.tabs([t(key) for key in TAB_KEYS])
        with tabs[0]:
            relabel_tab(selected, labels, actor)
        with tabs[1]:
            merge_tab(selected, actor)
        with tabs[2]:
            split_tab(selected, documents, actor)
        with tabs[3]:
            hide_tab(selected, actor)
        with tabs[4]:
            move_tab(selected, labels, documents, actor)
        with tabs[5]:
            link_tab(nodes, run_id, actor)
    history(run_id, actor if state.can_edit() else None)


main()
