"""The datasource on the fixture store: plain data with the known numbers, restricted text never out."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from sqlalchemy import update

from foresight.db.models import Theme
from foresight.db.session import session_scope
from tests.ui.fixture_store import EXPECTED
from ui import datasource as ds


@pytest.fixture
def store(ui_env: dict[str, Any]) -> dict[str, Any]:
    ds.clear_caches()
    return ui_env


def test_store_and_corpus(store: dict[str, Any]) -> None:
    assert ds.database_url() == store["url"]
    assert ds.store_problem() is None
    corpus = ds.corpus()
    assert corpus["total"] == EXPECTED["documents"]
    assert corpus["restricted"] == EXPECTED["restricted"]
    assert corpus["import_batches"] == EXPECTED["import_batches"]
    assert corpus["by_kind"] == {"paper": 70, "patent": 30}
    assert corpus["by_language"] == {"en": 70, "zh": 30}


def test_runs_newest_first_and_run_summary(store: dict[str, Any]) -> None:
    runs = ds.runs()
    assert [r["id"] for r in runs] == [store["latest_run"], store["first_run"]]
    assert [r["n_themes"] for r in runs] == [4, 2]
    run = ds.run(store["latest_run"])
    assert run is not None
    assert run["warnings"] == [EXPECTED["warning"]]
    assert run["timings"]["embed"] == 12.5
    assert run["previous_run_id"] == store["first_run"]
    assert ds.run(9999) is None


def test_themes_with_quality_fields_and_indicators(store: dict[str, Any]) -> None:
    themes = ds.themes(store["latest_run"]).set_index("label_en")
    assert sorted(themes.index) == sorted(EXPECTED["theme_labels_en"])
    row = themes.loc["language models"]
    assert (row["silhouette"], row["stability"]) == (0.412, 0.875)
    assert (row["growth"], row["escore"], row["burst"]) == (0.42, 2.5, 1.7)
    assert row["field_label_en"] == "computing" and row["field_label_zh"] == "计算"
    assert themes["size"].sum() == 90  # every tenth document is noise
    first = ds.themes(store["first_run"])
    assert len(first) == 2
    assert first[["growth", "escore", "burst"]].isna().all().all()  # no indicators for that run


def test_documents_hide_restricted_titles(store: dict[str, Any]) -> None:
    docs = ds.documents(store["latest_run"])
    assert len(docs) == EXPECTED["documents"]
    restricted = docs[docs["document_id"] == store["restricted_id"]].iloc[0]
    assert bool(restricted["restricted"])
    assert restricted["title"] == "[restricted]"
    assert store["restricted_title"] not in set(docs["title"])
    assert docs["theme_id"].isna().sum() == 10
    assert docs[["x", "y"]].notna().all().all()


def test_theme_series_counts_dated_documents_per_year(store: dict[str, Any]) -> None:
    series = ds.theme_series(store["latest_run"])
    docs = ds.documents(store["latest_run"])
    dated = docs.dropna(subset=["theme_id", "year"])
    assert series["count"].sum() == len(dated)
    expected = dated.groupby(["theme_id", "year"]).size()
    for row in series.itertuples(index=False):
        assert expected[(row.theme_id, int(row.period))] == row.count


def test_theme_detail_lineage_and_alerts(store: dict[str, Any]) -> None:
    patents = store["theme_ids"][2]
    detail = ds.theme_detail(patents)
    assert detail is not None
    assert detail["label_zh"] == "专利工艺"
    titles = [d["title"] for d in detail["representative_documents"]]
    assert "[restricted]" in titles and store["restricted_title"] not in titles
    assert ds.theme_detail(123456) is None
    language_models = store["theme_ids"][0]
    (event,) = ds.theme_lineage(store["latest_run"], language_models)
    assert event["event"] == "continue" and event["from_run_id"] == store["first_run"]
    assert event["from_themes"] == [{"id": 1, "label": "language models"}]
    assert ds.theme_lineage(store["latest_run"], patents) == []
    assert ds.curation_history(patents) == []
    (alert,) = ds.alerts(store["latest_run"])
    assert alert["message_en"] == EXPECTED["alert"] and alert["theme_id"] == language_models
    assert ds.alerts(store["first_run"]) == []


def test_without_the_monitoring_service_indicators_lineage_and_alerts_are_empty(
    store: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ds, "monitoring_module", lambda name="": None)
    ds.clear_caches()
    run_id = store["latest_run"]
    assert ds.alerts(run_id) == []
    assert ds.theme_lineage(run_id, store["theme_ids"][0]) == []
    themes = ds.themes(run_id)
    assert len(themes) == 4 and themes[["growth", "escore", "burst"]].isna().all().all()
    ds.clear_caches()


def test_clear_caches_shows_edits(store: dict[str, Any]) -> None:
    run_id = store["latest_run"]
    theme_id = store["theme_ids"][3]
    before = ds.themes(run_id)
    try:
        with session_scope(ds.engine()) as session:
            session.execute(update(Theme).where(Theme.id == theme_id).values(label_en="renamed"))
        assert "renamed" not in set(ds.themes(run_id)["label_en"])  # cached
        ds.clear_caches()
        assert "renamed" in set(ds.themes(run_id)["label_en"])
    finally:
        with session_scope(ds.engine()) as session:
            session.execute(update(Theme).where(Theme.id == theme_id).values(label_en="chinese studies"))
        ds.clear_caches()
    pd.testing.assert_frame_equal(ds.themes(run_id), before)


def test_an_unreadable_store_is_reported_not_raised(
    monkeypatch: pytest.MonkeyPatch, ui_env: dict[str, Any]
) -> None:
    monkeypatch.setenv("FORESIGHT_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    problem = ds.store_problem()
    assert problem is not None and "OperationalError" in problem
    assert "nobody@127.0.0.1:1/none" in ds.store_label()
