"""The emergence page on the fixture store: series with bursts, maps, lineage Sankey, watchlist, alerts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.fixture_store import EXPECTED
from ui import auth, state
from ui import datasource as ds
from ui import datasource_monitor as dm

OpenApp = Callable[..., AppTest]


def _figures(at: AppTest) -> dict[str, dict[str, Any]]:
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[spec["layout"].get("title", {}).get("text", "")] = spec
    return out


def test_emergence_page_renders_every_view(open_app: OpenApp) -> None:
    at = open_app("emergence")
    assert not at.exception, [e.value for e in at.exception]
    figures = _figures(at)
    assert {
        "Documents per period",
        "Weak-signal map",
        "Strategic diagram",
        "Theme flows between runs",
    } <= set(figures)
    series = figures["Documents per period"]
    assert 3 <= len(series["data"]) <= EXPECTED["latest_themes"]  # themes with dated documents
    assert any(shape.get("type") == "rect" for shape in series["layout"].get("shapes", []))  # a burst
    assert figures["Theme flows between runs"]["data"][0]["type"] == "sankey"
    assert any(EXPECTED["alert"] in w.value for w in at.warning)


def test_watchlist_add_and_remove(monkeypatch: pytest.MonkeyPatch, open_app: OpenApp) -> None:
    monkeypatch.setenv(auth.OPEN_ENV, "1")
    at = open_app()
    at.sidebar.text_input(key=state.OPEN_NAME_KEY).input("Li Wei").run()
    at.switch_page("app_pages/emergence.py").run()
    at.selectbox(key="e_watch_kind").set_value("keyword").run()
    at.text_input(key="e_watch_text").input("quantum")
    at.button(key="e_watch_add").click().run()
    assert not at.exception, [e.value for e in at.exception]
    ds.clear_caches()
    watches = dm.watchlist()
    assert [(w["kind"], w["target"], w["created_by"]) for w in watches] == [("keyword", "quantum", "Li Wei")]
    at.button(key="e_watch_remove").click().run()
    assert not at.exception, [e.value for e in at.exception]
    ds.clear_caches()
    assert dm.watchlist() == []
