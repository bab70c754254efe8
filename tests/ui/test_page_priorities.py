"""The priorities page on the fixture store: presets and sliders, ranked list with intervals,
sensitivity, provenance and the four downloads."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from streamlit.testing.v1 import AppTest

OpenApp = Callable[..., AppTest]


def _frame(at: AppTest, column: str) -> Any:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_priorities_page_ranks_the_survey_items(open_app: OpenApp) -> None:
    at = open_app("priorities")
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Priority technologies"]
    ranked = _frame(at, "rank_low")
    assert list(ranked["label"]) == ["language models", "patented processes"]
    assert list(ranked["rank"]) == [1, 2]
    assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
    assert not _frame(at, "max_abs_delta").empty
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert any(c["layout"]["title"]["text"] == "Ranks with bootstrap intervals" for c in charts)
    downloads = [d for d in at.get("download_button")]
    assert len(downloads) == 4
    assert at.get("json")  # the provenance of the first entry


def test_custom_weights_use_the_sliders(open_app: OpenApp) -> None:
    at = open_app("priorities")
    at.selectbox(key="p_preset").set_value("custom").run()
    sliders = [s for s in at.slider if s.key and s.key.startswith("p_w_custom_")]
    assert sliders and not any(s.disabled for s in sliders)
    for slider in sliders:
        slider.set_value(1.0 if str(slider.key).endswith("_burst") else 0.0)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    ranked = _frame(at, "rank_low")
    assert ranked["label"].iloc[0] == "language models"  # the only theme with a burst
    assert ranked["score"].iloc[0] > ranked["score"].iloc[1]
    at.slider(key="p_w_custom_burst").set_value(0.0).run()
    assert any("positive weight" in w.value for w in at.warning)
