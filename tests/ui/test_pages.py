"""Every page through Streamlit's AppTest on the fixture store: renders, shows the right numbers, speaks
Chinese when asked, and signs analysts in only with the right password."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from foresight.db.models import AnalysisRun
from foresight.db.session import session_scope
from tests.ui.conftest import APP, TIMEOUT
from tests.ui.fixture_store import EXPECTED
from ui import auth, state
from ui import datasource as ds

OpenApp = Callable[..., AppTest]
PAGES = {
    "graph": "Knowledge graph",
    "emergence": "Emergence and monitoring",
    "delphi": "Delphi survey",
    "priorities": "Priority technologies",
}


def _plotly(at: AppTest) -> dict[str, dict[str, Any]]:
    """Plotly figures on the page by title."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[spec["layout"].get("title", {}).get("text", "")] = spec
    return out


def _array(value: Any) -> list[Any]:
    """A plotly JSON array: a list, or numpy data sent as ``{"dtype", "bdata"}`` (base64)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def _widget(widgets: Any, name: str, lang: str = "en") -> Any:
    """The widget behind ``ui.widgets`` name ``name`` drawn in ``lang`` (its key also names its options)."""
    (found,) = [w for w in widgets if w.key and w.key.startswith(f"{name}.{lang}.")]
    return found


def _sign_in(at: AppTest, name: str, password: str) -> None:
    at.sidebar.text_input(key="sign_in_name").input(name)
    at.sidebar.text_input(key="sign_in_password").input(password)
    next(b for b in at.sidebar.button if b.label == "Sign in").click().run()


def _texts(at: AppTest) -> str:
    parts = [
        getattr(e, "value", "")
        for kind in ("markdown", "caption", "info", "warning", "success")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


def test_overview_shows_corpus_run_and_alerts(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    at = open_app()
    assert [t.value for t in at.title] == ["Overview"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Documents"] == "100"
    assert metrics["Restricted"] == "1"
    assert metrics["Import batches"] == "3"
    assert metrics["Themes"] == "4" and metrics["Fields"] == "2"
    assert metrics["Unassigned share"] == "10.0%"
    assert f"Analysis run #{ui_store['latest_run']} · fixture" in [s.value for s in at.subheader]
    assert EXPECTED["warning"] in [w.value for w in at.warning]
    assert any(EXPECTED["alert"] in w.value for w in at.warning)
    charts = _plotly(at)
    by_kind = charts["Documents by kind"]["data"][0]
    assert by_kind["x"] == ["Paper", "Patent"] and by_kind["y"] == [70, 30]
    assert "Documents by year (undated: 30)" in charts
    assert charts["Time per step"]["data"][0]["y"][:2] == ["select", "embed"]


def test_run_selector_switches_the_run(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    at = open_app()
    selector = _widget(at.sidebar.selectbox, state.RUN_KEY)
    assert selector.value == ui_store["latest_run"]
    selector.select(ui_store["first_run"]).run()
    assert f"Analysis run #{ui_store['first_run']} · first" in [s.value for s in at.subheader]
    assert {m.label: m.value for m in at.metric}["Themes"] == "2"
    assert "No alerts yet." in [i.value for i in at.info]
    assert "The run raised no warnings." in [s.value for s in at.success]


def test_language_switch_changes_headings_to_chinese(open_app: OpenApp) -> None:
    at = open_app()
    at.sidebar.radio(key=state.LANG_KEY).set_value("zh").run()
    assert [t.value for t in at.title] == ["概览"]
    assert {m.label: m.value for m in at.metric}["文献"] == "100"
    assert "各类型文献数" in _plotly(at)
    at.switch_page("app_pages/themes.py").run()
    assert [t.value for t in at.title] == ["主题"]
    assert [h.value for h in at.header] == ["主题详情"]
    assert at.session_state[state.LANG_KEY] == "zh"  # kept across pages


def test_choices_survive_a_language_switch_and_relabel(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    at = open_app("themes")
    language_models = ui_store["theme_ids"][0]
    _widget(at.selectbox, "detail_theme").select(language_models).run()
    _widget(at.multiselect, "f_kinds").select("paper").run()
    at.sidebar.radio(key=state.LANG_KEY).set_value("zh").run()
    picker = _widget(at.selectbox, "detail_theme", "zh")
    assert picker.value == language_models
    assert picker.format_func(language_models) == "语言模型 (16)"
    kinds = _widget(at.multiselect, "f_kinds", "zh")
    assert kinds.value == ["paper"] and kinds.format_func("paper") == "论文"
    assert "当前视图：70 / 100 篇文献" in _texts(at)
    run_picker = _widget(at.sidebar.selectbox, state.RUN_KEY, "zh")
    assert run_picker.value == ui_store["latest_run"]
    assert run_picker.format_func(ui_store["latest_run"]).endswith("4 个主题")


def test_themes_page_map_table_and_detail(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    at = open_app("themes")
    assert not at.exception
    assert [t.value for t in at.title] == ["Themes"]
    assert "100 of 100 documents in view" in _texts(at)
    charts = _plotly(at)
    doc_map = charts["Documents on the 2-D map, coloured by theme"]
    assert [trace["type"] for trace in doc_map["data"]] == ["scattergl"] * 5
    hovers = [row[0] for trace in doc_map["data"] for row in trace["customdata"]]
    assert "[restricted]" in hovers and ui_store["restricted_title"] not in hovers
    assert sum(len(_array(trace["x"])) for trace in doc_map["data"]) == 100
    xs = [x for trace in doc_map["data"] for x in _array(trace["x"])]
    assert min(xs) < -3 and max(xs) > 8  # the fixture's theme centres span about −5…10
    table = at.dataframe[0].value
    assert sorted(table["label"]) == sorted(EXPECTED["theme_labels_en"])
    assert {"stability", "silhouette", "growth", "escore", "burst", "trend"} <= set(table.columns)
    assert table.set_index("label").loc["language models", "escore"] == 2.5
    assert "Theme sizes by field" in charts and "Keywords (c-TF-IDF)" in charts
    # the detail shows the largest theme in view first, with its evidence
    picker = _widget(at.selectbox, "detail_theme")
    assert picker.value == table.loc[0, "theme_id"]
    assert at.subheader[0].value.startswith("#2 · patented processes")
    texts = _texts(at)
    assert "Silhouette: s(i) = (b(i) − a(i))" in texts and "No curation edits yet" in texts
    assert {m.label: m.value for m in at.metric} == {"Silhouette": "0.52", "Stability": "0.91"}


def test_themes_detail_lineage_and_filters(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    at = open_app("themes")
    _widget(at.selectbox, "detail_theme").select(ui_store["theme_ids"][0]).run()
    assert f"Continues from run #{ui_store['first_run']}: themes #1" in _texts(at)
    _widget(at.multiselect, "f_kinds").select("paper").run()  # the patent theme leaves the picker
    picker = _widget(at.selectbox, "detail_theme")
    assert ui_store["theme_ids"][2] not in picker.options and picker.value == ui_store["theme_ids"][0]
    _widget(at.multiselect, "f_kinds").unselect("paper").run()
    (years,) = [s for s in at.slider if (s.key or "").startswith("f_years.")]
    assert years.value == (1977, 2026)
    years.set_value((2020, 2026)).run()
    assert "73 of 100 documents in view" in _texts(at)  # 43 dated 2020–2026 and 30 undated
    next(s for s in at.slider if (s.key or "").startswith("f_years.")).set_value((1977, 2026)).run()
    _widget(at.multiselect, "f_kinds").select("patent").run()
    assert "30 of 100 documents in view" in _texts(at)
    assert list(at.dataframe[0].value["label"]) == ["patented processes"]
    _widget(at.multiselect, "f_kinds").unselect("patent").run()
    _widget(at.multiselect, "f_languages").select("zh").run()
    assert "30 of 100 documents in view" in _texts(at)
    at.checkbox(key="f_undated").uncheck().run()
    assert "0 of 100 documents in view" in _texts(at)  # the Chinese fixture records have no year
    assert "No theme has documents in view." in [i.value for i in at.info]


@pytest.mark.parametrize(("page", "title"), sorted(PAGES.items()))
def test_expert_and_graph_pages_render(open_app: OpenApp, page: str, title: str) -> None:
    at = open_app(page)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [title]
    assert not any(i.value.startswith("Coming with the ") for i in at.info)


def test_empty_store_renders_empty_states(
    monkeypatch: pytest.MonkeyPatch, ui_env: dict[str, Any], empty_store_url: str
) -> None:
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", empty_store_url)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any(i.startswith("The store holds no documents yet") for i in infos)
    assert any(i.startswith("No completed analysis run yet") for i in infos)
    at.switch_page("app_pages/themes.py").run()
    assert not at.exception
    assert any(i.value.startswith("No completed analysis run yet") for i in at.info)
    for page in ("graph", "emergence"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert any(i.value.startswith("No completed analysis run yet") for i in at.info)
    for page in ("delphi", "priorities"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_viewer_mode_by_default(open_app: OpenApp) -> None:
    at = open_app()
    assert at.session_state[state.MODE_KEY] == "viewer"
    assert "Viewer (read-only)" in [c.value for c in at.sidebar.caption]
    assert not at.sidebar.text_input


def test_open_mode_records_the_typed_name(monkeypatch: pytest.MonkeyPatch, open_app: OpenApp) -> None:
    monkeypatch.setenv(auth.OPEN_ENV, "1")
    at = open_app()
    assert at.session_state[state.MODE_KEY] == "open"
    at.sidebar.text_input(key=state.OPEN_NAME_KEY).input("Li Wei").run()
    assert at.session_state[state.OPEN_NAME_KEY] == "Li Wei"


def test_analyst_sign_in_and_out(monkeypatch: pytest.MonkeyPatch, open_app: OpenApp) -> None:
    alice = auth.hash_password("alice-password", iterations=1_000)
    monkeypatch.setenv(auth.ANALYSTS_ENV, f"alice:{alice}")
    at = open_app()
    assert at.session_state[state.MODE_KEY] == "sign_in"
    _sign_in(at, "alice", "wrong")
    assert "Name or password is wrong." in [e.value for e in at.sidebar.error]
    assert state.ANALYST_KEY not in at.session_state
    _sign_in(at, "alice", "alice-password")
    assert at.session_state[state.ANALYST_KEY] == "alice"
    assert "Signed in as **alice** (analyst)." in [s.value for s in at.sidebar.success]
    at.sidebar.button(key="sign_out").click().run()
    assert state.ANALYST_KEY not in at.session_state


def test_sign_in_locks_after_repeated_failures(monkeypatch: pytest.MonkeyPatch, open_app: OpenApp) -> None:
    monkeypatch.setenv(auth.ANALYSTS_ENV, f"alice:{auth.hash_password('alice-password', iterations=1_000)}")
    at = open_app()
    for _ in range(auth.MAX_FAILURES):
        _sign_in(at, "alice", "guess")
    _sign_in(at, "alice", "alice-password")
    assert state.ANALYST_KEY not in at.session_state
    assert any(e.value.startswith("Too many failed attempts") for e in at.sidebar.error)


def test_refresh_button_shows_edits_made_meanwhile(open_app: OpenApp, ui_store: dict[str, Any]) -> None:
    run_id = ui_store["latest_run"]
    at = open_app()
    try:
        with session_scope(ds.engine()) as session:
            session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id).values(label="relabelled"))
        at.run()
        assert f"Analysis run #{run_id} · fixture" in [s.value for s in at.subheader]  # cached
        at.sidebar.button(key="refresh_data").click().run()
        assert f"Analysis run #{run_id} · relabelled" in [s.value for s in at.subheader]
    finally:
        with session_scope(ds.engine()) as session:
            session.execute(update(AnalysisRun).where(AnalysisRun.id == run_id).values(label="fixture"))
        ds.clear_caches()
