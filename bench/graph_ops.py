"""Timing of the knowledge-graph library on a national-scale synthetic graph.

Builds (seeded) a graph of 5,000 themes in 40 fields with keywords, organizations, scenarios, lineage,
citations and k-NN similarity edges from random centroids, about 50,000 edges in all, then times each
curation operation in place (``copy=False``), its undo from the record, one operation with
``copy=True`` for comparison, analytics and exports. The design target is < 200 ms per curation
operation.

    .venv/bin/python bench/graph_ops.py [--themes 5000] [--seed 0] [--repeat 5]

Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import knowledge_graph as kg


def synthetic_inputs(n_themes: int, seed: int) -> dict[str, Any]:
    """Plain builder inputs shaped like one analysis run plus its predecessor."""
    rng = np.random.default_rng(seed)
    n_fields, n_kw, n_org, n_sc, dim = 40, 3000, 800, 60, 48
    field_of = rng.integers(0, n_fields, n_themes)
    field_centres = rng.normal(size=(n_fields, dim))
    centroids = field_centres[field_of] + 0.8 * rng.normal(size=(n_themes, dim))
    themes = []
    doc = 0
    for i in range(n_themes):
        size = int(rng.integers(5, 60))
        kws = rng.choice(n_kw, size=2, replace=False)
        themes.append(
            kg.schema.Theme(
                id=i,
                label_en=f"theme {i}",
                label_zh=f"主题{i}",
                documents=[f"doc{doc + j}" for j in range(size)],
                keywords={f"term {k}": float(rng.random()) for k in kws},
                field=int(field_of[i]),
                run=2 if i >= n_themes // 2 else 1,
                centroid=centroids[i].tolist(),
                attributes={"growth": float(rng.normal()), "indicators": {"volume": size}},
            )
        )
        doc += size
    half = n_themes // 2
    return {
        "themes": themes,
        "fields": [{"id": f, "label_en": f"field {f}", "label_zh": f"领域{f}"} for f in range(n_fields)],
        "organization_links": [
            {"organization": int(o), "theme": i, "weight": float(rng.integers(1, 20))}
            for i in range(n_themes)
            for o in rng.choice(n_org, size=2, replace=False)
        ],
        "scenario_links": [
            {"theme": int(i), "scenario": int(rng.integers(0, n_sc)), "weight": float(rng.random())}
            for i in rng.choice(n_themes, size=n_themes // 2, replace=False)
        ],
        "lineage": [{"source": i, "target": half + i, "weight": 0.7} for i in range(half)],
        "citations": [
            {"source": int(a), "target": int(b), "weight": float(rng.integers(1, 10))}
            for a, b in rng.integers(0, n_themes, size=(n_themes, 2))
            if a != b
        ],
    }


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median wall time in milliseconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    inputs = synthetic_inputs(args.themes, args.seed)
    ms, G = timed(lambda: kg.build_theme_graph(**inputs, knn=5, min_similarity=0.3))
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    print(f"  by type: {kg.edge_type_counts(G)}")
    rows: list[tuple[str, float]] = [("build_theme_graph (incl. k-NN, validation)", ms)]
    ms, _ = timed(lambda: kg.validate_graph(G), args.repeat)
    rows.append(("validate_graph", ms))

    rng = np.random.default_rng(args.seed + 1)
    themes = [n for n, t in G.nodes(data="type") if t == "theme"]
    pick = iter(rng.permutation(themes).tolist())
    who = {"actor": "bench", "reason": "timing", "copy": False}

    def op_row(name: str, fn: Callable[[], tuple[Any, kg.CurationRecord]]) -> None:
        times, undo_times = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            _, rec = fn()
            times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            kg.apply_record(G, kg.invert_record(rec), copy=False)
            undo_times.append((time.perf_counter() - t0) * 1000)
        rows.append((f"{name} (copy=False)", statistics.median(times)))
        rows.append((f"  undo {name} via invert_record", statistics.median(undo_times)))

    def split_half() -> tuple[Any, kg.CurationRecord]:
        node = next(pick)
        docs = G.nodes[node]["documents"]
        return kg.split(G, node, [docs[: len(docs) // 2], docs[len(docs) // 2 :]], **who)

    def move() -> tuple[Any, kg.CurationRecord]:
        a, b = next(pick), next(pick)
        return kg.move_documents(G, G.nodes[a]["documents"][:3], a, b, **who)

    op_row("relabel", lambda: kg.relabel(G, next(pick), label_en="new", label_zh="新", **who))
    op_row("merge (2 themes)", lambda: kg.merge(G, [next(pick), next(pick)], **who))
    op_row("merge (5 themes)", lambda: kg.merge(G, [next(pick) for _ in range(5)], **who))
    op_row("split (2 parts)", split_half)
    op_row("hide", lambda: kg.hide(G, next(pick), **who))
    op_row("delete (soft)", lambda: kg.delete(G, next(pick), **who))
    op_row("move_documents (3 docs)", move)
    op_row("link (similar_to)", lambda: kg.link(G, next(pick), next(pick), "similar_to", weight=0.5, **who))
    op_row("annotate", lambda: kg.annotate(G, next(pick), "check the label", **who))
    op_row("flag", lambda: kg.flag(G, next(pick), actor="bench", reason="wrong cluster", copy=False))
    ms, _ = timed(lambda: kg.merge(G, [themes[0], themes[1]], actor="bench", reason="x", copy=True), 3)
    rows.append(("merge (copy=True, whole-graph copy)", ms))
    ms, _ = timed(lambda: G.copy(), 3)
    rows.append(("  of which G.copy()", ms))

    ms, _ = timed(lambda: kg.degree(G))
    rows.append(("degree (whole graph)", ms))
    ms, _ = timed(lambda: kg.strength(G))
    rows.append(("strength (whole graph)", ms))
    ms, _ = timed(lambda: kg.theme_projection(G))
    rows.append(("theme_projection", ms))
    ms, _ = timed(lambda: kg.betweenness(G, projection=True, seed=0))
    rows.append(("betweenness (theme projection, 100 sampled sources)", ms))
    ms, _ = timed(lambda: kg.communities(G, projection=True, seed=0))
    rows.append((f"communities ({kg.community_backend()}, theme projection)", ms))
    with tempfile.TemporaryDirectory() as tmp:
        for ext in ("graphml", "gexf", "json", "csv"):
            ms, _ = timed(lambda ext=ext: kg.export_graph(G, Path(tmp) / f"g.{ext}"))
            rows.append((f"export .{ext}", ms))

    width = max(len(name) for name, _ in rows)
    print(f"\n{'operation':<{width}}  median ms")
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.1f}")


if __name__ == "__main__":
    main()
