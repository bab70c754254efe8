"""Export the knowledge graph to GraphML, GEXF (Gephi), node-link JSON, Neo4j CSV and VOSviewer.

Every format keeps each node's ``type``. GraphML and GEXF only hold scalar attributes, so list and dict
values (``documents``, ``notes``, indicators) are written as JSON strings, ``None`` values are left
out, and an attribute whose values mix types is written as text (int and float mix as float).
Node-link JSON keeps everything and is the format :func:`read_node_link` reads back exactly.

GEXF reserves the edge attribute ``type`` for direction, so there the edge type is written as
``edge_type`` (and as the edge ``label`` Gephi shows) and ``directed`` says whether the ontology
treats the relation as directed. Nodes get a GEXF ``label`` (English label, else Chinese, else id).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from knowledge_graph.ontology import Ontology, default_ontology
from knowledge_graph.records import plain
from knowledge_graph.vosviewer import write_vosviewer

__all__ = [
    "FORMATS",
    "export_graph",
    "read_node_link",
    "write_gexf",
    "write_graphml",
    "write_neo4j_csv",
    "write_node_link",
]

FORMATS = {
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".json": "node-link",
    ".csv": "neo4j-csv",
    ".vos": "vosviewer",
    ".txt": "vosviewer",
}


def _visible(G: nx.MultiDiGraph, include_hidden: bool) -> nx.MultiDiGraph:
    if include_hidden:
        return G
    return G.subgraph([n for n, h in G.nodes(data="hidden", default=False) if not h])


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "json"


def _scalar_table(rows: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """Rows with JSON-encoded non-scalars and, per attribute, one kind: bool, int, float or str."""
    out, kinds = [], {}
    seen: dict[str, set[str]] = {}
    for row in rows:
        clean = {}
        for k, v in plain(dict(row)).items():
            if v is None:
                continue
            kind = _kind(v)
            if kind == "json":
                v, kind = json.dumps(v, ensure_ascii=False, sort_keys=True), "str"
            seen.setdefault(k, set()).add(kind)
            clean[k] = v
        out.append(clean)
    for k, ks in seen.items():
        kinds[k] = ks.pop() if len(ks) == 1 else ("float" if ks <= {"int", "float"} else "str")
    for row in out:
        for k, v in row.items():
            if kinds[k] == "float":
                row[k] = float(v)
            elif kinds[k] == "str" and not isinstance(v, str):
                row[k] = json.dumps(v)
    return out, kinds


_GEXF_NODE_RESERVED = frozenset({"id", "label", "pid", "start", "end", "viz", "parents", "slices", "spells"})
_GEXF_EDGE_RESERVED = frozenset({"id", "key", "start", "end", "viz", "slices", "spells"})


def _gexf_safe(row: dict[str, Any], reserved: frozenset[str]) -> dict[str, Any]:
    """Rename attributes GEXF gives a special meaning to (``start`` becomes ``attr_start``)."""
    return {(f"attr_{k}" if k in reserved else k): v for k, v in row.items()}


def _scalar_graph(G: nx.MultiDiGraph, *, gexf: bool, ontology: Ontology) -> nx.MultiDiGraph:
    nodes = list(G.nodes)
    node_rows, _ = _scalar_table(G.nodes[n] for n in nodes)
    edges = list(G.edges(keys=True, data=True))
    edge_rows_in = []
    for _, _, k, data in edges:
        row = dict(data)
        if gexf:
            et = ontology.edge_types.get(str(row.get("type", k)))
            row["edge_type"] = row.pop("type", k)
            row["label"] = row["edge_type"]
            row["directed"] = True if et is None else et.directed
        edge_rows_in.append(row)
    edge_rows, _ = _scalar_table(edge_rows_in)
    H = nx.MultiDiGraph(**{k: v for k, v in plain(G.graph).items() if _kind(v) != "json"})
    for n, row in zip(nodes, node_rows, strict=True):
        if gexf:
            row = _gexf_safe(row, _GEXF_NODE_RESERVED)
            row["label"] = str(row.get("label_en") or row.get("label_zh") or n)
        H.add_node(n, **row)
    for (u, v, k, _), row in zip(edges, edge_rows, strict=True):
        if gexf:
            row = _gexf_safe(row, _GEXF_EDGE_RESERVED)
            row["id"] = f"{u}|{k}|{v}"  # unique, readable GEXF edge id
        H.add_edge(u, v, key=k, **row)
    return H


def write_graphml(G: nx.MultiDiGraph, path: str | Path, *, ontology: Ontology | None = None) -> Path:
    """Write GraphML (typed keys; lists and dicts as JSON strings)."""
    H = _scalar_graph(G, gexf=False, ontology=ontology or default_ontology())
    nx.write_graphml(H, path, infer_numeric_types=True)
    return Path(path)


def write_gexf(G: nx.MultiDiGraph, path: str | Path, *, ontology: Ontology | None = None) -> Path:
    """Write GEXF 1.2 for Gephi (edge type as ``edge_type`` and edge label; see the module notes)."""
    H = _scalar_graph(G, gexf=True, ontology=ontology or default_ontology())
    nx.write_gexf(H, path, version="1.2draft")
    return Path(path)


def write_node_link(G: nx.MultiDiGraph, path: str | Path, *, indent: int | None = None) -> Path:
    """Write node-link JSON (UTF-8, Chinese kept as is); :func:`read_node_link` reads it back."""
    data = nx.node_link_data(G, edges="edges")
    Path(path).write_text(json.dumps(plain(data), ensure_ascii=False, indent=indent), encoding="utf-8")
    return Path(path)


def read_node_link(path: str | Path) -> nx.MultiDiGraph:
    """Read node-link JSON written by :func:`write_node_link` into a MultiDiGraph.

    The round trip is exact for graphs whose attributes are JSON types (tuples come back as lists).
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    G = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    return G


_NEO4J_TYPES = {"bool": "boolean", "int": "long", "float": "double", "str": "string"}


def _neo4j_columns(rows: list[dict[str, Any]]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Per property a Neo4j type (``long``, ``double``, ``boolean``, ``string`` or ``<type>[]``)."""
    kinds: dict[str, set[str]] = {}
    for row in rows:
        for k, v in row.items():
            if v is None:
                continue
            if isinstance(v, list) and v and all(_kind(x) in ("int", "float", "str", "bool") for x in v):
                elem = {_kind(x) for x in v}
                ok = not any(isinstance(x, str) and ";" in x for x in v)
                kind = "array:" + (elem.pop() if len(elem) == 1 else "str") if ok else "json"
            elif isinstance(v, list) and not v:
                kind = "array:empty"
            else:
                kind = _kind(v)
            kinds.setdefault(k, set()).add(kind)
    types = {}
    for k, ks in kinds.items():
        arrays = {x[6:] for x in ks if x.startswith("array:")} - {"empty"}
        if len(ks) == 1 and next(iter(ks)) in _NEO4J_TYPES:
            types[k] = _NEO4J_TYPES[next(iter(ks))]
        elif ks == {"int", "float"}:
            types[k] = "double"
        elif all(x.startswith("array:") for x in ks) and len(arrays) <= 1:
            types[k] = _NEO4J_TYPES[arrays.pop() if arrays else "str"] + "[]"
        else:
            types[k] = "json"
    out = []
    for row in rows:
        cells = {}
        for k, v in row.items():
            t = types.get(k)
            if v is None or t is None:
                cells[k] = ""
            elif t.endswith("[]"):
                cells[k] = ";".join("true" if x is True else "false" if x is False else str(x) for x in v)
            elif t == "json":
                cells[k] = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, sort_keys=True)
            elif t == "boolean":
                cells[k] = "true" if v else "false"
            else:
                cells[k] = v
        out.append(cells)
    return {k: ("string" if t == "json" else t) for k, t in types.items()}, out


def write_neo4j_csv(
    G: nx.MultiDiGraph,
    nodes_path: str | Path,
    edges_path: str | Path,
    *,
    ontology: Ontology | None = None,
) -> tuple[Path, Path]:
    """Write node and relationship CSV files for ``neo4j-admin database import`` or ``LOAD CSV``.

    Nodes: ``id:ID``, ``:LABEL`` (the ontology's ``neo4j_label``), then one column per property with
    its type (``type``, ``label_en``, ``size:long``, ``documents:string[]`` ...). Relationships:
    ``:START_ID``, ``:END_ID``, ``:TYPE`` (the ontology's ``neo4j_type``), then properties
    (``type``, ``weight:double`` ...). Arrays use ``;`` (neo4j-admin's default array delimiter); lists
    of objects and dicts are JSON strings.
    """
    onto = ontology or default_ontology()
    node_rows = [plain(dict(G.nodes[n])) for n in G.nodes]
    ntypes, ncells = _neo4j_columns(node_rows)
    props = ["type", *sorted(k for k in ntypes if k != "type")]
    header = ["id:ID", ":LABEL"] + [p if ntypes[p] == "string" else f"{p}:{ntypes[p]}" for p in props]
    np_, ep = Path(nodes_path), Path(edges_path)
    with np_.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for n, cells in zip(G.nodes, ncells, strict=True):
            t = str(G.nodes[n].get("type", ""))
            nt = onto.node_types.get(t)
            label = nt.neo4j_label if nt else "".join(p.title() for p in t.split("_")) or "Node"
            w.writerow([n, label, *(cells.get(p, "") for p in props)])
    edges = list(G.edges(keys=True, data=True))
    etypes, ecells = _neo4j_columns([plain(dict(d)) for *_, d in edges])
    eprops = ["type", *sorted(k for k in etypes if k != "type")] if etypes else []
    eheader = [":START_ID", ":END_ID", ":TYPE"] + [
        p if etypes[p] == "string" else f"{p}:{etypes[p]}" for p in eprops
    ]
    with ep.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(eheader)
        for (u, v, k, data), cells in zip(edges, ecells, strict=True):
            name = str(data.get("type", k))
            et = onto.edge_types.get(name)
            w.writerow([u, v, et.neo4j_type if et else name.upper(), *(cells.get(p, "") for p in eprops)])
    return np_, ep


def export_graph(
    G: nx.MultiDiGraph,
    path: str | Path,
    format: str | None = None,
    *,
    include_hidden: bool = True,
    ontology: Ontology | None = None,
    **options: Any,
) -> list[Path]:
    """Export ``G`` in the format named or given by the file extension.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    path : str or Path
        ``.graphml``, ``.gexf``, ``.json`` (node-link), ``.csv`` (writes ``<stem>_nodes.csv`` and
        ``<stem>_edges.csv`` for Neo4j) or ``.vos`` / ``.txt`` (writes ``<stem>_map.txt`` and
        ``<stem>_network.txt`` for VOSviewer).
    format : {"graphml", "gexf", "node-link", "neo4j-csv", "vosviewer"}, optional
        Overrides the extension.
    include_hidden : bool, default True
        Whether hidden nodes (and their edges) are exported.
    ontology : Ontology, optional
    **options
        Passed on to :func:`knowledge_graph.vosviewer.write_vosviewer` (``language``, ``node_types``,
        ``layout`` ...) or ``indent`` to :func:`write_node_link`.

    Returns
    -------
    list of Path
        The files written.
    """
    p = Path(path)
    fmt = format or FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the export format of {p.name!r}; known extensions: {sorted(FORMATS)}")
    H = _visible(G, include_hidden)
    if fmt == "graphml":
        return [write_graphml(H, p, ontology=ontology)]
    if fmt == "gexf":
        return [write_gexf(H, p, ontology=ontology)]
    if fmt in ("node-link", "json"):
        return [write_node_link(H, p, **options)]
    if fmt in ("neo4j-csv", "csv"):
        stem = p.with_suffix("")
        return list(write_neo4j_csv(H, f"{stem}_nodes.csv", f"{stem}_edges.csv", ontology=ontology))
    if fmt == "vosviewer":
        stem = p.with_suffix("")
        return list(
            write_vosviewer(H, f"{stem}_map.txt", f"{stem}_network.txt", include_hidden=True, **options)
        )
    raise ValueError(f"unknown export format {fmt!r}")
