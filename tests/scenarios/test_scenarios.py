"""The scenario catalogue: import with validation errors naming the entry; linking themes to scenarios
by meaning with the real bundled model; orphans both ways."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from foresight.cli import app
from foresight.curation.describe import unit_mean
from foresight.db.migrate import upgrade
from foresight.db.models import (
    AnalysisRun,
    CatalogueField,
    Document,
    Embedding,
    ImportBatch,
    Scenario,
    Theme,
    ThemeMembership,
    ThemeScenario,
)
from foresight.db.session import make_engine, session_scope
from foresight.embeddings import SentenceTransformerBackend, document_text
from foresight.embeddings.cache import encode_vector, text_hash
from foresight.scenarios import (
    CatalogueError,
    import_catalogue,
    link_scenarios,
    orphans,
    scenarios_for_theme,
    themes_for_scenario,
)
from foresight.themes.persist import encode_centroid, new_lineage_id

CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "scenarios.yaml"


def test_starter_catalogue_imports_and_reimports(session: Session) -> None:
    report = import_catalogue(session, CATALOGUE)
    assert (report.fields_added, report.scenarios_added) == (15, 30)
    sc = session.scalar(select(Scenario).where(Scenario.key == "drone-inspection"))
    assert (
        sc is not None
        and sc.label_zh == "无人机智能巡检"
        and sc.tier == "niche"
        and sc.fields == ["low-altitude", "ai"]
    )
    assert sc.label_en == "Autonomous drone inspection of power grids, pipelines and bridges"
    field = session.scalar(select(CatalogueField).where(CatalogueField.key == "ai"))
    assert field is not None and field.label_en.startswith("Artificial intelligence (foundation models")
    again = import_catalogue(session, CATALOGUE)
    assert (again.scenarios_added, again.scenarios_updated) == (0, 30)
    assert session.scalar(select(func.count()).select_from(Scenario)) == 30


def test_yaml_errors_name_every_bad_entry(session: Session, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "fields:\n  - {id: ai, en: AI}\n"
        "scenarios:\n"
        "  - {id: ok-one, en: Fine, tier: major, domain: city, fields: [ai]}\n"
        "  - {id: ok-one, en: Twice, tier: major, domain: city}\n"
        "  - {id: Bad Id, en: x, tier: major, domain: city}\n"
        "  - {id: big, en: Big, tier: huge, domain: space, fields: [ai, mars]}\n"
        "  - {id: noname, tier: niche, domain: city}\n"
        "  - {id: comma, en: Drones, parcels, tier: niche, domain: city}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as info:
        import_catalogue(session, bad)
    problems = info.value.problems
    assert "scenarios[1] (id 'ok-one'): duplicate id" in problems
    assert any(p.startswith("scenarios[2] (id 'Bad Id'): id must be") for p in problems)
    assert "scenarios[3] (id 'big'): unknown tier 'huge' (expected major, industry, niche)" in problems
    assert any(p.startswith("scenarios[3] (id 'big'): unknown domain 'space'") for p in problems)
    assert "scenarios[3] (id 'big'): unknown field(s) mars" in problems
    assert "scenarios[4] (id 'noname'): needs a Chinese (zh) or English (en) name" in problems
    assert "scenarios[5] (id 'comma'): unknown key(s) parcels" in problems  # an unquoted comma
    assert session.scalar(select(func.count()).select_from(Scenario)) == 0  # nothing stored


def test_csv_catalogue(session: Session, tmp_path: Path) -> None:
    import_catalogue(session, CATALOGUE)  # fields the CSV refers to
    good = tmp_path / "more.csv"
    good.write_text(
        "id,zh,en,tier,domain,fields\n"
        "port-drones,港口无人机,Port drone logistics,niche,industry,low-altitude;ai\n",
        encoding="utf-8",
    )
    report = import_catalogue(session, good)
    assert report.scenarios_added == 1 and report.source == "more.csv"
    sc = session.scalar(select(Scenario).where(Scenario.key == "port-drones"))
    assert sc is not None and sc.fields == ["low-altitude", "ai"]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,zh,en,tier,domain,fields\nx1,甲,X,major,city,ai\nx2,乙,Y,giant,city,nowhere\n", encoding="utf-8"
    )
    with pytest.raises(CatalogueError) as info:
        import_catalogue(session, bad)
    assert info.value.problems == [
        "line 3 (id 'x2'): unknown tier 'giant' (expected major, industry, niche)",
        "line 3 (id 'x2'): unknown field(s) nowhere",
    ]
    missing = tmp_path / "missing.csv"
    missing.write_text("id,en\nx,X\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="missing column"):
        import_catalogue(session, missing)


# --- linking by meaning (real model) -------------------------------------------------------------------

THEMES = {
    "drones": [
        "Drone delivery of parcels and medical supplies across a city",
        "Routing unmanned aerial vehicles for last-mile package delivery",
        "Autonomous delivery drones with battery swapping stations",
    ],
    "quantum": [
        "Quantum key distribution over metropolitan fibre networks",
        "Satellite quantum communication for secure links",
        "Entanglement-based QKD protocols for secure networks",
    ],
    "hydrogen": [
        "Hydrogen refuelling stations for heavy fuel-cell trucks",
        "Fuel-cell truck fleets on expressway corridors",
        "Hydrogen supply chains for long-haul freight transport",
    ],
    "poetry": [
        "Metre and rhyme in medieval French troubadour poetry",
        "Allegory in twelfth-century courtly love poems",
        "Manuscript traditions of Occitan lyric verse",
    ],
}
KEYWORDS = {
    "drones": [["drone delivery", 0.3], ["parcel", 0.2]],
    "quantum": [["quantum key distribution", 0.3], ["secure", 0.2]],
    "hydrogen": [["hydrogen", 0.3], ["fuel-cell trucks", 0.2]],
    "poetry": [["poetry", 0.3], ["troubadour", 0.2]],
}


@pytest.fixture(scope="session")
def backend() -> SentenceTransformerBackend:
    return SentenceTransformerBackend()


@pytest.fixture
def linked(session: Session, backend: SentenceTransformerBackend) -> Iterator[tuple[Session, dict[str, int]]]:
    import_catalogue(session, CATALOGUE)
    run = AnalysisRun(
        seed=0,
        model_id=backend.model_id,
        representation="neural",
        corpus_fingerprint="0" * 64,
        status="completed",
    )
    batch = ImportBatch(filename="t.jsonl", file_sha256="0" * 64, source_format="jsonl")
    session.add_all([run, batch])
    session.flush()
    ids = {}
    for number, (name, texts) in enumerate(THEMES.items()):
        docs = [
            Document(
                title=t,
                language="en",
                title_key=f"{name}{i}",
                source_format="jsonl",
                import_batch_id=batch.id,
            )
            for i, t in enumerate(texts)
        ]
        session.add_all(docs)
        session.flush()
        vectors = backend.encode([document_text(d) for d in docs])
        for d, v in zip(docs, vectors, strict=True):
            session.add(
                Embedding(
                    model_id=backend.model_id,
                    text_hash=text_hash(document_text(d)),
                    dim=len(v),
                    vector=encode_vector(v),
                )
            )
        centroid = unit_mean(list(np.asarray(vectors)))
        assert centroid is not None
        theme = Theme(
            run_id=run.id,
            number=number,
            label_en=name,
            keywords=KEYWORDS[name],
            size=3,
            centroid=encode_centroid(centroid),
            lineage_id=new_lineage_id(),
        )
        session.add(theme)
        session.flush()
        ids[name] = theme.id
        session.add_all(ThemeMembership(run_id=run.id, document_id=d.id, theme_id=theme.id) for d in docs)
    session.flush()
    report = link_scenarios(session, backend, run.id)
    assert report.text_mode == "en"  # the English-only model: Chinese names are mostly [UNK]
    assert report.n_themes == 4 and report.n_scenarios == 30 and report.n_links >= 3
    ids["run"] = run.id
    yield session, ids


def test_themes_link_to_the_scenarios_they_serve(linked: tuple[Session, dict[str, int]]) -> None:
    session, ids = linked
    best = {name: scenarios_for_theme(session, ids[name]) for name in ("drones", "quantum", "hydrogen")}
    assert best["drones"][0]["key"] == "drone-delivery"
    assert best["quantum"][0]["key"] == "quantum-network"
    assert best["hydrogen"][0]["key"] == "hydrogen-highway"
    top = best["drones"][0]
    assert top["score"] >= 0.3 and top["evidence"]["cosine"] > 0.4
    assert "drone delivery" in top["evidence"]["matching_terms"]
    assert len(top["evidence"]["nearest_documents"]) == 3 and top["evidence"]["nearest_documents"][0]["title"]
    assert all(len(v) <= 3 for v in best.values())
    served = themes_for_scenario(session, "quantum-network", ids["run"])
    assert served[0]["theme_id"] == ids["quantum"]


def test_orphans_both_ways(linked: tuple[Session, dict[str, int]]) -> None:
    session, ids = linked
    found = orphans(session, ids["run"])
    assert [t["theme_id"] for t in found["themes"]] == [ids["poetry"]]
    keys = {s["key"] for s in found["scenarios"]}
    assert {"smart-education", "deep-sea-resources"} <= keys
    assert "drone-delivery" not in keys and "quantum-network" not in keys
    linked_count = session.scalar(select(func.count()).select_from(ThemeScenario)) or 0
    assert len(keys) + len({r.scenario_id for r in session.scalars(select(ThemeScenario))}) == 30
    assert linked_count >= 3


def test_cli_imports_catalogue(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    engine.dispose()
    runner = CliRunner()
    result = runner.invoke(
        app, ["scenarios", "import", str(CATALOGUE)], env={"FORESIGHT_DATABASE_URL": db_url}
    )
    assert result.exit_code == 0, result.output
    assert "scenarios +30" in result.output
    with session_scope(make_engine(db_url)) as s:
        assert s.scalar(select(func.count()).select_from(Scenario)) == 30
