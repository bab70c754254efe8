"""Every export format is written, keeps node types, and is read back where a reader exists."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

import knowledge_graph as kg

from .conftest import snapshot

WHO = {"actor": "analyst-1", "reason": "test"}


@pytest.fixture
def curated(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The small graph with notes, flags and a hidden node: nested and boolean attributes."""
    H, _ = kg.annotate(G, "theme:1", "注意：与第六次技术预测清单重叠", **WHO)
    H, _ = kg.flag(H, ("theme:1", "theme:2", "cites"), actor="expert", reason="self-citation cluster")
    H, _ = kg.hide(H, "kw:uav", **WHO)
    H, _ = kg.relabel(H, "theme:3", label_en="Drones, logistics; last mile", **WHO)
    return H


def test_node_link_round_trip_is_exact(curated: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = kg.export_graph(curated, tmp_path / "graph.json")
    assert "注意：与第六次技术预测清单重叠" in path.read_text(encoding="utf-8")  # not \\u-escaped
    back = kg.read_node_link(path)
    assert isinstance(back, nx.MultiDiGraph)
    assert snapshot(back) == snapshot(curated)
    assert list(back.nodes) == list(curated.nodes)


def test_graphml_is_read_back_by_networkx(curated: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = kg.export_graph(curated, tmp_path / "graph.graphml")
    back = nx.read_graphml(path)
    assert isinstance(back, nx.MultiDiGraph)  # parallel typed edges theme:1 -> theme:2
    assert set(back.nodes) == set(curated.nodes)
    assert {n: d["type"] for n, d in back.nodes(data=True)} == dict(curated.nodes(data="type"))
    t1 = back.nodes["theme:1"]
    assert json.loads(t1["documents"]) == ["d1", "d2", "d3", "d4"]
    assert json.loads(t1["indicators"]) == {"novelty": 0.2, "volume": 4}
    assert json.loads(t1["notes"])[0]["text"] == "注意：与第六次技术预测清单重叠"
    assert t1["size"] == 4 and t1["label_zh"] == "图神经网络"
    assert back.nodes["kw:uav"]["hidden"] is True
    assert back.number_of_edges() == curated.number_of_edges()
    assert set(back["theme:1"]["theme:2"]) == {"similar_to", "cites"}
    assert back.edges["theme:1", "theme:2", "cites"]["flagged"] is True
    assert back.edges["theme:1", "theme:2", "similar_to"]["weight"] == pytest.approx(0.8)
    assert back.graph["ontology"] == "foresight-default"


def test_gexf_is_read_back_by_networkx(curated: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = kg.export_graph(curated, tmp_path / "graph.gexf")
    assert 'version="1.2"' in path.read_text(encoding="utf-8")
    back = nx.read_gexf(path)
    assert set(back.nodes) == set(curated.nodes)
    assert {n: d["type"] for n, d in back.nodes(data=True)} == dict(curated.nodes(data="type"))
    assert back.nodes["theme:1"]["label"] == "Graph neural networks"
    assert back.nodes["field:aero"]["label"] == "aero"
    assert json.loads(back.nodes["theme:1"]["documents"]) == ["d1", "d2", "d3", "d4"]
    assert back.number_of_edges() == curated.number_of_edges()
    edge_types = sorted(d["edge_type"] for *_, d in back.edges(data=True))
    assert edge_types == sorted(k for *_, k in curated.edges(keys=True))
    cites = [
        d
        for u, v, d in back.edges(data=True)
        if (u, v) == ("theme:1", "theme:2") and d["edge_type"] == "cites"
    ]
    assert cites[0]["label"] == "cites" and cites[0]["directed"] is True and cites[0]["weight"] == 1.0
    sim = [d for *_, d in back.edges(data=True) if d["edge_type"] == "similar_to"]
    assert all(d["directed"] is False for d in sim)


def test_neo4j_csv_headers_and_rows(curated: nx.MultiDiGraph, tmp_path: Path) -> None:
    nodes_path, edges_path = kg.export_graph(curated, tmp_path / "graph.csv")
    assert (nodes_path.name, edges_path.name) == ("graph_nodes.csv", "graph_edges.csv")
    with nodes_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:3] == ["id:ID", ":LABEL", "type"]
    assert {
        "label_en",
        "label_zh",
        "size:long",
        "documents:string[]",
        "hidden:boolean",
        "notes",
        "growth:double",
        "indicators",
        "run:long",
        "theme_count:long",
    } <= set(header)
    assert len(rows) == curated.number_of_nodes() + 1
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    t1 = by_id["theme:1"]
    assert t1[":LABEL"] == "Theme" and t1["type"] == "theme"
    assert t1["documents:string[]"] == "d1;d2;d3;d4" and t1["size:long"] == "4"
    assert json.loads(t1["indicators"]) == {"novelty": 0.2, "volume": 4}
    assert json.loads(t1["notes"])[0]["actor"] == "analyst-1"
    assert by_id["kw:uav"]["hidden:boolean"] == "true" and by_id["kw:uav"][":LABEL"] == "Keyword"
    assert by_id["theme:3"]["label_en"] == "Drones, logistics; last mile"
    assert by_id["org:thu"][":LABEL"] == "Organization" and by_id["org:thu"]["label_zh"] == "清华大学"
    with edges_path.open(encoding="utf-8", newline="") as fh:
        erows = list(csv.reader(fh))
    eheader = erows[0]
    assert eheader[:5] == [":START_ID", ":END_ID", ":TYPE", "type", "flagged:boolean"]
    assert "weight:double" in eheader and "flags" in eheader
    assert len(erows) == curated.number_of_edges() + 1
    edges = [dict(zip(eheader, r, strict=True)) for r in erows[1:]]
    assert {e[":TYPE"] for e in edges} == {
        "CONTAINS",
        "HAS_KEYWORD",
        "SIMILAR_TO",
        "RELEVANT_TO",
        "ACTIVE_IN",
        "EVOLVES_INTO",
        "CITES",
    }
    [cite] = [
        e for e in edges if (e[":START_ID"], e[":END_ID"], e["type"]) == ("theme:1", "theme:2", "cites")
    ]
    assert cite[":TYPE"] == "CITES" and cite["weight:double"] == "1.0" and cite["flagged:boolean"] == "true"
    ids = set(by_id)
    assert all(e[":START_ID"] in ids and e[":END_ID"] in ids for e in edges)


def test_vosviewer_map_and_network_files(curated: nx.MultiDiGraph, tmp_path: Path) -> None:
    map_path, net_path = kg.export_graph(curated, tmp_path / "graph.vos", include_hidden=False)
    assert (map_path.name, net_path.name) == ("graph_map.txt", "graph_network.txt")
    lines = map_path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    assert header == [
        "id",
        "label",
        "description",
        "x",
        "y",
        "cluster",
        "weight<Links>",
        "weight<Total link strength>",
        "weight<Documents>",
    ]
    items = [line.split("\t") for line in lines[1:]]
    assert len(items) == curated.number_of_nodes() - 1  # kw:uav is hidden
    assert all(len(item) == len(header) for item in items)
    assert [int(item[0]) for item in items] == list(range(1, len(items) + 1))
    by_desc = {item[2]: item for item in items}
    assert "keyword: kw:uav" not in by_desc
    t1 = by_desc["theme: theme:1"]
    assert t1[1] == "Graph neural networks" and t1[8] == "4" and t1[6] == "6"
    assert by_desc["theme: theme:3"][1] == '"Drones, logistics; last mile"'  # quoted: comma and semicolon
    for item in items:
        float(item[3]), float(item[4])
        assert 1 <= int(item[5]) <= 1000
    net = [line.split("\t") for line in net_path.read_text(encoding="utf-8").splitlines()]
    assert all(len(row) == 3 for row in net)
    ids = {int(item[0]) for item in items}
    pairs = set()
    for a, b, strength in net:
        assert int(a) in ids and int(b) in ids and int(a) < int(b) and float(strength) > 0
        pairs.add((int(a), int(b)))
    assert len(pairs) == len(net)  # each pair once
    # theme:1 -- theme:2: similar 0.8 + cites 3 + cites 1 collapse into one link
    i1, i2 = int(t1[0]), int(by_desc["theme: theme:2"][0])
    [link] = [row for row in net if {int(row[0]), int(row[1])} == {i1, i2}]
    assert float(link[2]) == pytest.approx(4.8)


def test_vosviewer_options(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    clusters = {n: (1 if n == "theme:3" else 7) for n in G}
    map_path, net_path = kg.write_vosviewer(
        G,
        tmp_path / "m.txt",
        tmp_path / "n.txt",
        node_types={"theme"},
        language="zh",
        clusters=clusters,
        layout=False,
    )
    lines = map_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:4] == [
        "id",
        "label",
        "description",
        "cluster",
    ]  # no x, y: VOSviewer lays out
    rows = {r[2]: r for r in (line.split("\t") for line in lines[1:])}
    assert set(rows) == {"theme: theme:1", "theme: theme:2", "theme: theme:3", "theme: theme:4"}
    assert rows["theme: theme:1"][1] == "图神经网络" and rows["theme: theme:2"][1] == "Transformers"
    assert rows["theme: theme:3"][3] == "1" and rows["theme: theme:1"][3] == "2"
    assert len(net_path.read_text().splitlines()) == 3  # 1-2, 1-4, 2-4


def test_export_format_selection(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    [p] = kg.export_graph(G, tmp_path / "out.data", format="node-link")
    assert snapshot(kg.read_node_link(p)) == snapshot(G)
    paths = kg.export_graph(G, tmp_path / "out.TXT")  # .txt (any case) -> VOSviewer
    assert [p.name for p in paths] == ["out_map.txt", "out_network.txt"]
    with pytest.raises(ValueError, match="cannot tell the export format"):
        kg.export_graph(G, tmp_path / "graph.xlsx")
    H, _ = kg.hide(G, "theme:3", **WHO)
    [p] = kg.export_graph(H, tmp_path / "visible.json", include_hidden=False)
    back = kg.read_node_link(p)
    assert "theme:3" not in back and not back.has_edge("field:aero", "theme:3")
    [p] = kg.export_graph(H, tmp_path / "all.gexf")
    assert nx.read_gexf(p).nodes["theme:3"]["hidden"] is True


def test_mixed_attribute_types_are_harmonised(tmp_path: Path) -> None:
    G = nx.MultiDiGraph()
    G.add_node("theme:1", type="theme", label_en="a", score=1, extra=None, start=2019)
    G.add_node("theme:2", type="theme", label_en="b", score=0.5, extra="x", start="late")
    G.add_edge("theme:1", "theme:2", key="cites", type="cites", weight=2)
    back = nx.read_graphml(kg.write_graphml(G, tmp_path / "g.graphml"))
    assert back.nodes["theme:1"]["score"] == 1.0 and back.nodes["theme:2"]["score"] == 0.5
    assert "extra" not in back.nodes["theme:1"] and back.nodes["theme:2"]["extra"] == "x"
    assert back.nodes["theme:1"]["start"] == "2019"  # int and str mixed: text
    gexf = nx.read_gexf(kg.write_gexf(G, tmp_path / "g.gexf"))
    assert gexf.nodes["theme:1"]["attr_start"] == "2019"  # GEXF's reserved 'start' is renamed
    assert gexf.nodes["theme:2"]["score"] == 0.5
