"""The indicator service on a hand-built monthly store: values equal the pure functions' on the known
series, nothing after the as-of date counts, and the read side shows formulas and series."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine, select

from foresight.db.models import AnalysisRun, Theme, ThemeIndicators
from foresight.db.session import session_scope
from foresight.metrics.burst import kleinberg_bursts
from foresight.metrics.escore import escore
from foresight.metrics.growth import growth_indicators
from foresight.monitoring import IndicatorOptions, SnapshotError, compute_indicators, theme_indicators
from foresight.monitoring.indicators import run_indicators
from tests.monitoring.builders import StoreBuilder
from tests.monitoring.conftest import MONTHS, MonthlyStore


def _stored(engine: Engine, theme_id: int) -> ThemeIndicators:
    with session_scope(engine) as s:
        row = s.scalars(select(ThemeIndicators).where(ThemeIndicators.theme_id == theme_id)).one()
        s.expunge(row)
        return row


def test_monthly_series_give_the_pure_functions_values(engine: Engine, monthly_store: MonthlyStore) -> None:
    summary = compute_indicators(engine, monthly_store.run_id)
    assert (summary.granularity, summary.as_of) == ("month", MONTHS[-1])  # auto: 18 months of full dates
    assert summary.periods[0] == "2024-01" and summary.periods[-1] == "2025-06" and len(summary.periods) == 18
    assert summary.n_documents == 18 * 20 + 3 and summary.n_themes == 2
    row = _stored(engine, monthly_store.quantum_id)
    series, values = row.indicators["series"], row.indicators["values"]
    r, d = monthly_store.quantum, monthly_store.corpus
    assert series["documents"] == r.tolist() and series["corpus"] == d.tolist()
    assert values["patent_families"]["value"] == 2 and values["patent_families"]["patent_documents"] == 3
    assert values["papers"]["value"] == 60 and values["documents"]["value"] == 62

    growth = growth_indicators(r, d, 12)
    burst = kleinberg_bursts(r, d)
    esc = escore(r, d)
    assert values["log_share_slope"]["value"] == pytest.approx(growth.log_share_slope.slope, abs=1e-6)
    assert values["cagr"]["value"] == pytest.approx(growth.cagr, abs=1e-6)
    assert values["acceleration"]["value"] == pytest.approx(growth.acceleration, abs=1e-6)
    assert values["share"]["value"] == pytest.approx(9 / 20)
    assert values["burst"]["value"] == pytest.approx(burst.total_weight, abs=1e-5) and burst.total_weight > 0
    assert values["burst"]["active"] is burst.in_burst is True
    assert values["escore"]["value"] == pytest.approx(esc.escore, abs=1e-5)
    assert values["escore"]["emergent"] is esc.emergent is True
    assert values["first_appearance"]["value"] == "2024-03"
    assert values["escore"]["formula"] == "escore.theme" and values["burst"]["formula"] == "burst.kleinberg"
    # the growing theme leads the composite; the flat one trails
    assert [r["theme_id"] for r in summary.ranking] == [monthly_store.quantum_id, monthly_store.graph_id]
    assert summary.ranking[0]["composite"] > summary.ranking[1]["composite"]
    graph = _stored(engine, monthly_store.graph_id).indicators["values"]
    flat = growth_indicators(np.full(18, 4.0), d, 12).log_share_slope.slope
    assert graph["log_share_slope"]["value"] == pytest.approx(flat, abs=1e-6) and abs(flat) < 1e-3
    assert graph["diversity_organizations"]["richness"] == 2
    assert graph["diversity_organizations"]["value"] == pytest.approx(np.log(2))  # ETH and MIT on every paper
    assert values["balance"]["leaning"] == "science-led"
    assert values["novelty_distance"]["value"] is not None and values["cohesion"]["value"] > 0.9
    assert (
        values["weak_signal"]["value"] == "strong signal" and graph["weak_signal"]["value"] != "strong signal"
    )


def test_later_documents_change_nothing_as_of_an_earlier_date(
    engine: Engine, monthly_store: MonthlyStore
) -> None:
    as_of = date(2025, 3, 31)
    options = IndicatorOptions(granularity="month")
    before = compute_indicators(engine, monthly_store.run_id, as_of, options)
    stored = {t: _stored(engine, t) for t in (monthly_store.quantum_id, monthly_store.graph_id)}
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run = s.get(AnalysisRun, monthly_store.run_id)
        quantum, graph = s.get(Theme, monthly_store.quantum_id), s.get(Theme, monthly_store.graph_id)
        assert run is not None and quantum is not None and graph is not None
        later = b.documents("quantum", date(2025, 4, 2), 30) + b.documents("battery", date(2025, 5, 1), 5)
        b.members(run, quantum, later)
        b.members(run, graph, b.documents("graph", date(2025, 6, 30), 12))
        b.members(run, None, b.documents("noise", date(2025, 4, 1), 40))
    after = compute_indicators(engine, monthly_store.run_id, as_of, options)
    assert after.n_documents == before.n_documents and after.n_after_as_of == before.n_after_as_of + 87
    for theme_id, old in stored.items():
        new = _stored(engine, theme_id)
        assert new.indicators == old.indicators
        assert new.scorecard == old.scorecard and new.composite == old.composite


def test_read_side_shows_formulas_series_and_restricted_evidence(
    engine: Engine, monthly_store: MonthlyStore
) -> None:
    compute_indicators(engine, monthly_store.run_id, options=IndicatorOptions(granularity="year"))
    with session_scope(engine) as s:
        detail = theme_indicators(s, monthly_store.quantum_id)
        rows = run_indicators(s, monthly_store.run_id)
    assert detail["granularity"] == "year" and detail["series"]["periods"] == ["2024", "2025"]
    assert detail["series"]["documents"] == [
        monthly_store.quantum[:12].sum(),
        monthly_store.quantum[12:].sum(),
    ]
    names = [i["name"] for i in detail["indicators"]]
    assert names[:3] == ["composite", "documents", "papers"] and "life_cycle" in names
    for item in detail["indicators"]:
        assert item["formula"]["text_en"] and item["formula"]["text_zh"], item["name"]
    assert detail["indicators"][0]["formula"]["name_zh"] == "涌现综合分"
    evidence = detail["evidence"]
    assert evidence[0]["id"] == monthly_store.restricted_doc_id and evidence[0]["title"] == "[restricted]"
    assert {a["attribute"] for a in detail["scorecard"]["attributes"]} == {
        "novelty", "growth", "coherence", "impact", "uncertainty"
    }  # fmt: skip
    # two years: too short for an EScore (10 periods) or a life cycle (5 periods)
    values = {i["name"]: i for i in detail["indicators"]}
    assert values["escore"]["details"]["status"] == "insufficient data" and values["escore"]["value"] is None
    assert values["life_cycle"]["details"]["status"] == "insufficient data"
    assert [r["theme_id"] for r in rows] == [monthly_store.quantum_id, monthly_store.graph_id]


def test_as_of_before_every_document_is_an_error(engine: Engine, monthly_store: MonthlyStore) -> None:
    with pytest.raises(SnapshotError, match="no dated document on or before 2023-12-31"):
        compute_indicators(engine, monthly_store.run_id, date(2023, 12, 31))


def test_year_only_documents_count_in_years_and_not_in_months(engine: Engine) -> None:
    with session_scope(engine) as s:
        b = StoreBuilder(s)
        run = b.run()
        theme = b.theme(run, 0, "quantum error correction")
        dated = [d for m in (1, 4, 7) for d in b.documents("quantum", date(2025, m, 3), 2)]
        b.members(run, theme, [*dated, b.document("quantum", None, year=2025)])
        b.members(run, None, b.documents("noise", date(2025, 2, 1), 4))
        run_id = run.id
    months = compute_indicators(engine, run_id)  # auto: most documents carry a full date
    assert (months.granularity, months.as_of, months.n_undated) == ("month", date(2025, 7, 3), 1)
    assert months.periods == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]
    years = compute_indicators(engine, run_id, options=IndicatorOptions(granularity="year"))
    assert (years.as_of, years.periods, years.n_documents) == (date(2025, 12, 31), ["2025"], 11)
