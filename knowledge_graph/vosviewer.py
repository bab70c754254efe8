"""VOSviewer map and network files.

VOSviewer (https://www.vosviewer.com) reads a network as two tab-delimited text files:

* a *map file* with a header line and one line per item: ``id`` (a positive integer), ``label``,
  ``description``, ``x``, ``y``, ``cluster`` (an integer from 1 to 1000) and ``weight<...>`` columns
  (non-negative numbers; here ``weight<Links>``, ``weight<Total link strength>``, ``weight<Documents>``);
* a *network file* without header, one link per line: ``id1``, ``id2``, ``strength`` (positive).

Labels containing a comma, semicolon or double quote are enclosed in double quotes. The node's type
appears in the ``description`` column (``"<type>: <node id>"``), so the typed id is never lost.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping
from pathlib import Path

import networkx as nx

from knowledge_graph.analytics import communities, undirected_view

__all__ = ["write_vosviewer"]

MAX_CLUSTER = 1000


def _field(value: object) -> str:
    text = " ".join(str(value).split())  # no tabs or newlines inside a field
    if any(c in text for c in ',;"'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def _num(x: float) -> str:
    return f"{x:.6g}" if isinstance(x, float) else str(x)


def write_vosviewer(
    G: nx.MultiDiGraph,
    map_path: str | Path,
    network_path: str | Path,
    *,
    node_types: Collection[str] | None = None,
    include_hidden: bool = False,
    language: str = "en",
    clusters: Mapping[Hashable, int] | None = None,
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    layout: bool = True,
    seed: int = 0,
) -> tuple[Path, Path]:
    """Write ``G`` as a VOSviewer map file and network file.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    map_path, network_path : str or Path
    node_types : collection of str, optional
        Only nodes of these types (default: all types).
    include_hidden : bool, default False
        Hidden nodes are left out unless True.
    language : {"en", "zh"}, default "en"
        Which label to show (the other one is used when it is empty).
    clusters : mapping node -> int, optional
        Default: the node attribute ``cluster`` when every node has one, else communities from
        :func:`knowledge_graph.analytics.communities`. Written as 1, 2, ... (at most 1000).
    positions : mapping node -> (x, y), optional
        Default: node attributes ``x`` and ``y`` when every node has them, else (with ``layout``) a
        seeded spring layout; with ``layout=False`` the x and y columns are left out and VOSviewer
        computes its own layout.
    layout : bool, default True
    seed : int, default 0

    Returns
    -------
    (Path, Path)
        The map and network file paths.
    """
    H = undirected_view(G, include_hidden=include_hidden)
    if node_types is not None:
        H = H.subgraph([n for n in H if H.nodes[n].get("type") in node_types]).copy()
    nodes = list(H.nodes)
    ids = {n: i + 1 for i, n in enumerate(nodes)}

    if clusters is None:
        if nodes and all(isinstance(H.nodes[n].get("cluster"), int) for n in nodes):
            clusters = {n: H.nodes[n]["cluster"] for n in nodes}
        else:
            clusters = communities(H, seed=seed)
    distinct = sorted(set(clusters.get(n, 0) for n in nodes))
    cluster_no = {c: min(i + 1, MAX_CLUSTER) for i, c in enumerate(distinct)}

    if positions is None and nodes and all("x" in H.nodes[n] and "y" in H.nodes[n] for n in nodes):
        positions = {n: (float(H.nodes[n]["x"]), float(H.nodes[n]["y"])) for n in nodes}
    if positions is None and layout and nodes:
        raw = nx.spring_layout(H, weight="weight", seed=seed)
        positions = {n: (float(p[0]), float(p[1])) for n, p in raw.items()}

    header = ["id", "label", "description"]
    if positions is not None:
        header += ["x", "y"]
    header += ["cluster", "weight<Links>", "weight<Total link strength>", "weight<Documents>"]
    first, second = ("label_zh", "label_en") if language == "zh" else ("label_en", "label_zh")
    map_p, net_p = Path(map_path), Path(network_path)
    with map_p.open("w", encoding="utf-8", newline="") as fh:
        fh.write("\t".join(header) + "\n")
        for n in nodes:
            data = H.nodes[n]
            label = data.get(first) or data.get(second) or str(n)
            row = [str(ids[n]), _field(label), _field(f"{data.get('type', '')}: {n}")]
            if positions is not None:
                x, y = positions.get(n, (0.0, 0.0))
                row += [f"{x:.6f}", f"{y:.6f}"]
            size = data.get("size", 0)
            row += [
                str(cluster_no[clusters.get(n, 0)]),
                str(H.degree(n)),
                _num(float(H.degree(n, weight="weight"))),
                _num(size if isinstance(size, int | float) and not isinstance(size, bool) else 0),
            ]
            fh.write("\t".join(row) + "\n")
    with net_p.open("w", encoding="utf-8", newline="") as fh:
        for u, v, w in H.edges(data="weight", default=1.0):
            if w > 0:
                a, b = sorted((ids[u], ids[v]))
                fh.write(f"{a}\t{b}\t{_num(float(w))}\n")
    return map_p, net_p
