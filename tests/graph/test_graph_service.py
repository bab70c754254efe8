"""The knowledge graph of a run, built from the store: typed nodes and edges, curation applied, exports
in every format, analytics, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import foresight.curation as cur
import knowledge_graph as kg
from foresight.cli import app
from foresight.db.migrate import upgrade
from foresight.db.models import Scenario, Theme, ThemeScenario
from foresight.db.session import make_engine, session_scope
from foresight.graph import GraphOptions, build_run_graph, export_run_graph, graph_stats
from tests.curation.factory import SyntheticRun, make_run


@pytest.fixture
def syn(session: Session) -> SyntheticRun:
    return make_run(session)


def add_scenario(session: Session, syn: SyntheticRun, topic: str, key: str, score: float) -> None:
    sc = Scenario(
        key=key, label_en=key.replace("-", " "), label_zh="场景", tier="industry", domain="society", fields=[]
    )
    session.add(sc)
    session.flush()
    session.add(
        ThemeScenario(
            run_id=syn.run_id,
            theme_id=syn.themes[topic],
            scenario_id=sc.id,
            score=score,
            evidence={"matching_terms": [topic]},
        )
    )
    session.flush()


def test_graph_has_typed_nodes_and_edges_from_the_store(session: Session) -> None:
    first = make_run(session)
    syn = make_run(session, previous_run_id=first.run_id, seed=1)
    for topic in ("drone", "quantum"):  # the later run's themes continue the earlier ones
        session.get(Theme, syn.themes[topic]).lineage_id = session.get(Theme, first.themes[topic]).lineage_id  # type: ignore[union-attr]
    add_scenario(session, syn, "drone", "drone-delivery", 0.62)
    G = build_run_graph(session, syn.run_id)
    kg.validate_graph(G)
    types = kg.node_type_counts(G)
    assert types["theme"] == 4 + 2 and types["field"] == 1 and types["scenario"] == 1
    assert types["organization"] == 7 and types["keyword"] > 4
    edges = kg.edge_type_counts(G)
    assert edges["contains"] == 4 and edges["relevant_to"] == 1 and edges["evolves_into"] == 2
    assert edges["has_keyword"] == 12 and edges["active_in"] == 8
    drone = G.nodes[f"theme:{syn.themes['drone']}"]
    assert drone["size"] == 8 and drone["label_en"] == "drone / parcel delivery" and drone["version"] == 1
    assert "documents" not in drone and drone["lineage_id"]
    assert G.edges[f"theme:{syn.themes['drone']}", "scenario:drone-delivery", "relevant_to"]["weight"] == 0.62
    assert G.edges["org:SkyWorks", f"theme:{syn.themes['drone']}", "active_in"]["weight"] == 4.0
    prev = f"theme:{first.themes['drone']}"
    assert G.has_edge(prev, f"theme:{syn.themes['drone']}", "evolves_into") and G.nodes[prev]["previous_run"]
    assert G.graph["run_id"] == syn.run_id and "cites" not in edges
    with_docs = build_run_graph(session, syn.run_id, GraphOptions(with_documents=True, lineage=False))
    assert sorted(with_docs.nodes[f"theme:{syn.themes['drone']}"]["documents"]) == syn.documents["drone"]


def test_similarity_edges_join_close_themes(session: Session, syn: SyntheticRun) -> None:
    merged = cur.split(session, syn.themes["drone"], n_parts=2, actor="a")
    G = build_run_graph(session, syn.run_id, GraphOptions(min_similarity=0.0))
    a, b = (f"theme:{i}" for i in merged.created)
    assert any(G.has_edge(u, v, "similar_to") for u, v in ((a, b), (b, a)))
    assert f"theme:{syn.themes['drone']}" not in G  # retired themes are left out


def test_curation_is_applied(session: Session, syn: SyntheticRun) -> None:
    d, q = syn.themes["drone"], syn.themes["quantum"]
    cur.hide(session, q, actor="a")
    cur.link(session, "org:CATL", d, "active_in", weight=3, actor="a")
    cur.unlink(session, d, "kw:drone", "has_keyword", actor="a")
    cur.annotate(session, d, "core low-altitude theme", actor="a")
    G = build_run_graph(session, syn.run_id)
    assert G.nodes[f"theme:{q}"]["hidden"] is True
    assert G.edges["org:CATL", f"theme:{d}", "active_in"]["curated"] is True
    assert not G.has_edge(f"theme:{d}", "kw:drone", "has_keyword")
    assert G.nodes[f"theme:{d}"]["notes"][0]["text"] == "core low-altitude theme"


@pytest.mark.parametrize(
    ("name", "files"),
    [
        ("g.graphml", ["g.graphml"]),
        ("g.gexf", ["g.gexf"]),
        ("g.json", ["g.json"]),
        ("g.csv", ["g_nodes.csv", "g_edges.csv"]),
        ("g.vos", ["g_map.txt", "g_network.txt"]),
    ],
)
def test_exports_every_format(
    session: Session, syn: SyntheticRun, tmp_path: Path, name: str, files: list[str]
) -> None:
    cur.hide(session, syn.themes["robot"], actor="a")
    written = export_run_graph(session, tmp_path / name, run_id=syn.run_id)
    assert sorted(p.name for p in written) == sorted(files)
    assert all(p.stat().st_size > 0 for p in written)
    if name.endswith(".graphml"):
        G = nx.read_graphml(tmp_path / name)
        assert all("type" in data for _, data in G.nodes(data=True))
        assert f"theme:{syn.themes['robot']}" not in G  # hidden themes are not exported by default
    if name.endswith(".json"):
        G2 = kg.read_node_link(tmp_path / name)
        assert {d["type"] for _, d in G2.nodes(data=True)} == {"field", "theme", "keyword", "organization"}


def test_stats_summarise_the_graph(session: Session, syn: SyntheticRun) -> None:
    stats = graph_stats(build_run_graph(session, syn.run_id), top=3)
    assert stats["nodes"]["theme"] == 4 and stats["communities"]["count"] >= 1
    assert len(stats["betweenness"]) <= 3 and {"node", "label", "value"} <= set(stats["degree"][0])


@pytest.fixture
def cli_store(db_url: str) -> tuple[str, SyntheticRun]:
    engine: Engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as s:
        syn = make_run(s)
    engine.dispose()
    return db_url, syn


def test_cli_curates_exports_and_logs(cli_store: tuple[str, SyntheticRun], tmp_path: Path) -> None:
    url, syn = cli_store
    env = {"FORESIGHT_DATABASE_URL": url, "USER": "tester"}
    runner = CliRunner()

    def ok(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return result.output

    d = str(syn.themes["drone"])
    ok("curate", "relabel", d, "--en", "Drones", "--zh", "无人机", "--reason", "clearer")
    ok("curate", "merge", str(syn.themes["battery"]), str(syn.themes["robot"]), "--en", "Energy robotics")
    ok("curate", "annotate", d, "check scope")
    ok("curate", "flag", d, "--reason", "two sub-topics")
    preview = json.loads(ok("split-preview", d, "--parts", "2"))
    assert preview["n_parts"] == 2
    ok("curate", "undo")
    log = json.loads(ok("curate", "log", "--json"))
    assert [(r["op"], r["status"], r["actor"]) for r in log] == [
        ("relabel", "applied", "tester"),
        ("merge", "applied", "tester"),
        ("annotate", "applied", "tester"),
        ("flag", "undone", "tester"),
        ("undo", "applied", "tester"),
    ]
    bad = runner.invoke(app, ["curate", "merge", d, d], env=env)
    assert bad.exit_code == 1 and "with itself" in bad.output
    stale = runner.invoke(app, ["curate", "relabel", d, "--en", "x", "--expected-version", "1"], env=env)
    assert stale.exit_code == 2 and "conflict" in stale.output
    out = tmp_path / "graph.gexf"
    ok("graph", "export", "-o", str(out))
    assert out.exists() and "Drones" in out.read_text(encoding="utf-8")
    stats = json.loads(ok("graph", "stats", "--json"))
    assert stats["nodes"]["theme"] == 3
    catalogue = Path(__file__).resolve().parents[2] / "data" / "scenarios.yaml"
    assert "scenarios +30" in ok("scenarios", "import", str(catalogue))
    found = json.loads(ok("scenarios", "orphans"))
    assert len(found["themes"]) == 3 and len(found["scenarios"]) == 30  # nothing linked yet
