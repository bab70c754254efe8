"""Latency of the analysis API's reads and of search on a synthetic run of 40 000 documents (prints figures).

    .venv/bin/python bench/api_read.py [--documents 40000] [--themes 400] [--requests 60]
        [--backends sqlite,postgresql] [--postgres URL] [--torch-threads N] [--gc-freeze]

For each backend: a fresh store (SQLite in a temporary folder; PostgreSQL in a new schema of ``--postgres``,
dropped afterwards), one run with ``--themes`` themes, their memberships and indicators, and a vector for
every document in the embedding cache of the configured model. Then requests go through the real app
(``TestClient``, in process): theme listing, theme detail, document pages, and ``GET /api/v1/search``.

Search, like the app, builds its index (documents, BM25, vectors read from the embedding cache) on the
first request after start-up; that cold request is reported on its own line, then p50 / p95 over warm
requests. The query model is loaded (and its load timed) before the cold request, so the cold figure is
the index build, not the model load.

Embedding 40 000 abstracts on a 2-core CPU takes hours, so the cached document vectors are SYNTHETIC:
seeded random unit vectors (as ``bench/search.py --synthetic-vectors``). Queries are still embedded by the
real model, so latency is real and the rankings are meaningless (the output says so).

Wall time and the process CPU time (``time.process_time``: this process's threads, server work included,
since the client is in process; the PostgreSQL server's own CPU is not) are printed per request. On a
shared machine wall time is mostly waiting for a core, so read the CPU columns too. Targets are on wall
p95: listing and detail < 150 ms, search < 100 ms (issue #10). Nothing is asserted besides HTTP 200.

The app never calls ``torch.set_num_threads``: the query encoder runs with torch's default intra-op
threads (one per core) in every worker process; ``--torch-threads`` sets it here to compare.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Engine, create_engine, select, text  # noqa: E402

from api.main import create_app  # noqa: E402
from foresight.apikeys import create_key  # noqa: E402
from foresight.db.bulk import bulk_insert  # noqa: E402
from foresight.db.models import (  # noqa: E402
    AnalysisRun,
    Document,
    ImportBatch,
    Theme,
    ThemeIndicators,
    ThemeMembership,
)
from foresight.db.session import session_scope  # noqa: E402
from foresight.embeddings import cache, document_text  # noqa: E402
from foresight.search.cache import default_cache  # noqa: E402
from foresight.search.spaces import neural_backend  # noqa: E402
from foresight.settings import Settings  # noqa: E402

LIST_DETAIL_TARGET_MS = 150.0
SEARCH_TARGET_MS = 100.0
DEFAULT_PG = os.environ.get(
    "FORESIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WORDS = [
    "quantum",
    "battery",
    "hydrogen",
    "robot",
    "sensor",
    "protein",
    "catalyst",
    "laser",
    "graphene",
    "neural",
    "fusion",
    "vaccine",
]
#: Search queries: with corpus words (every document is a keyword match), and without (meaning only).
QUERIES = [
    "quantum sensor", "solid-state battery electrolyte", "hydrogen storage catalyst", "robot grasping",
    "protein folding prediction", "graphene laser", "neural network accelerator", "fusion plasma control",
    "mRNA vaccine delivery", "large language model hallucination", "federated learning privacy",
    "autonomous driving lidar perception", "smart contract vulnerabilities", "time series anomaly detection",
    "knowledge graph embedding", "speech recognition low-resource languages", "carbon capture membranes",
    "perovskite solar cells", "quantum error correction codes", "medical image segmentation",
]  # fmt: skip
SYNTHETIC_NOTE = (
    "SYNTHETIC random unit vectors (seeded), not model vectors: latency is real, rankings are not"
)


@dataclass
class Row:
    backend: str
    name: str
    wall: list[float]
    cpu: list[float]
    target: float | None


@contextmanager
def fresh_store(backend: str, workdir: Path, pg_url: str) -> Iterator[str]:
    """The URL of an empty store: a SQLite file, or a new PostgreSQL schema dropped on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{(workdir / 'bench.db').as_posix()}"
        return
    if backend != "postgresql":
        raise SystemExit(f"unknown backend {backend!r}: sqlite or postgresql")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{pg_url}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def build(engine: Engine, n_docs: int, n_themes: int, seed: int = 0) -> tuple[int, list[int], str]:
    """Documents, one completed run with themes, memberships and indicators; returns (run, themes, key)."""
    rng = random.Random(seed)
    with session_scope(engine) as s:
        batch = ImportBatch(filename="synthetic", file_sha256="0" * 64, source_format="jsonl")
        s.add(batch)
        s.flush()
        docs = [
            {
                "id": i + 1, "kind": rng.choice(["paper", "patent"]), "language": rng.choice(["en", "zh"]),
                "title": " ".join(rng.choices(WORDS, k=8)), "abstract": " ".join(rng.choices(WORDS, k=60)),
                "year": rng.randint(2010, 2026), "title_key": f"k{i}", "source_format": "jsonl",
                "import_batch_id": batch.id, "access_level": "restricted" if i % 50 == 0 else "public",
            }
            for i in range(n_docs)
        ]  # fmt: skip
        bulk_insert(s, Document.__table__, docs)  # type: ignore[arg-type]
        run = AnalysisRun(status="completed", seed=seed, model_id="synthetic", representation="lexical",
                          corpus_fingerprint="0" * 64, n_documents=n_docs, n_themes=n_themes)  # fmt: skip
        s.add(run)
        s.flush()
        themes = [
            Theme(
                run_id=run.id,
                number=k,
                label_en=f"theme {k}",
                size=0,
                lineage_id=f"L{k}",
                keywords=[[rng.choice(WORDS), 0.4]],
                representative_doc_ids=[],
            )
            for k in range(n_themes)
        ]
        s.add_all(themes)
        s.flush()
        members = []
        for d in docs:
            theme = themes[rng.randrange(n_themes)]
            theme.size += 1
            members.append(
                {"run_id": run.id, "document_id": d["id"], "theme_id": theme.id, "probability": 0.8}
            )
        bulk_insert(s, ThemeMembership.__table__, members)  # type: ignore[arg-type]
        for t in themes:
            escore = {"value": rng.random(), "formula": "volume.papers"}
            s.add(
                ThemeIndicators(
                    run_id=run.id,
                    theme_id=t.id,
                    as_of=date(2026, 6, 30),
                    granularity="year",
                    indicators={"values": {"escore": escore}},
                    composite=rng.random(),
                )
            )
        key = create_key(s, "bench", "planner")[1]
        return run.id, [t.id for t in themes], key


def cache_synthetic_vectors(engine: Engine, settings: Settings, seed: int = 0) -> str:
    """Seeded random unit vectors in the embedding cache, under the configured model's id, for every
    document (keyed by the hash of ``document_text``, as the search index reads them)."""
    with session_scope(engine) as s:
        texts = [document_text(d) for d in s.execute(select(Document.title, Document.abstract)).all()]
    backend = neural_backend(settings)
    dim = int(backend.encode(["dimension probe"]).shape[1])
    rng = np.random.default_rng(seed)
    for start in range(0, len(texts), 5000):
        chunk = texts[start : start + 5000]
        vectors = rng.standard_normal((len(chunk), dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with session_scope(engine) as s:
            cache.put_many(
                s, backend.model_id, {cache.text_hash(t): v for t, v in zip(chunk, vectors, strict=True)}
            )
    return f"{len(texts)} x {dim} for {backend.model_id}"


def timed(call: Callable[[], int], n: int) -> tuple[list[float], list[float]]:
    """Wall and process CPU time of ``n`` calls, in ms."""
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time()
        status = call()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert status == 200, status
    return wall, cpu


def p95(values: list[float]) -> float:
    return float(np.percentile(np.asarray(values), 95))


def bench_backend(backend: str, args: argparse.Namespace, tmp: Path) -> list[Row]:
    rows: list[Row] = []
    with fresh_store(backend, tmp, args.postgres) as url:
        settings = Settings(database_url=url, data_dir=tmp)
        app = create_app(settings)
        with TestClient(app):  # start-up migrates the store
            engine: Engine = app.state.engines.get(settings)[0]
            t0 = time.perf_counter()
            run_id, theme_ids, key = build(engine, args.documents, args.themes)
            print(f"[{backend}] store: {args.documents} documents, {args.themes} themes in "
                  f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
            t0 = time.perf_counter()
            what = cache_synthetic_vectors(engine, settings)
            print(f"[{backend}] cached vectors {what} in {time.perf_counter() - t0:.1f} s: {SYNTHETIC_NOTE}")
        rng = random.Random(1)
        h = {"Authorization": f"Bearer {key}"}
        with TestClient(create_app(settings)) as c:
            if args.gc_freeze:
                gc.collect()
                gc.freeze()
            cases: dict[str, Callable[[], int]] = {
                "themes list (size)": lambda: c.get(f"/api/v1/runs/{run_id}/themes", headers=h).status_code,
                "themes list (indicator:escore, zh, 2020-2026)": lambda: c.get(
                    f"/api/v1/runs/{run_id}/themes",
                    params={"sort": "indicator:escore", "language": "zh", "year_from": 2020, "year_to": 2026},
                    headers=h,
                ).status_code,
                "theme detail": lambda: c.get(
                    f"/api/v1/themes/{rng.choice(theme_ids)}", headers=h
                ).status_code,
                "documents of a theme": lambda: c.get(
                    "/api/v1/documents", params={"theme_id": rng.choice(theme_ids)}, headers=h
                ).status_code,
                "documents page (offset 20000)": lambda: c.get(
                    "/api/v1/documents", params={"offset": 20_000}, headers=h
                ).status_code,
            }  # fmt: skip
            targets = {"themes list (size)": LIST_DETAIL_TARGET_MS, "theme detail": LIST_DETAIL_TARGET_MS,
                       "themes list (indicator:escore, zh, 2020-2026)": LIST_DETAIL_TARGET_MS}  # fmt: skip
            for name, call in cases.items():
                call()  # warm-up
                rows.append(Row(backend, name, *timed(call, args.requests), targets.get(name)))

            # Search: load the query model first (once per process), then the cold request builds the index.
            t0 = time.perf_counter()
            neural_backend(settings).encode(["warm the query encoder"])
            print(f"[{backend}] query model ready in {time.perf_counter() - t0:.1f} s "
                  "(loaded once per process; 0 s when an earlier backend loaded it)")  # fmt: skip
            queries = iter(QUERIES * (args.requests // len(QUERIES) + 2))

            def search_call() -> int:
                r = c.get("/api/v1/search", params={"q": next(queries), "limit": 20}, headers=h)
                if r.status_code == 200:
                    for part, ms in r.json()["timings_ms"].items():
                        server.setdefault(part, []).append(ms)
                return r.status_code

            server: dict[str, list[float]] = {}
            builds = default_cache().builds
            cold_wall, cold_cpu = timed(search_call, 1)
            assert default_cache().builds == builds + 1, "the first search request did not build the index"
            print(f"[{backend}] search cold (first request, builds the index): {cold_wall[0]:.0f} ms wall, "
                  f"{cold_cpu[0]:.0f} ms CPU; server parts: "
                  + ", ".join(f"{k} {v[0]:.0f}" for k, v in server.items()))  # fmt: skip
            server.clear()
            wall, cpu = timed(search_call, args.requests)
            rows.append(Row(backend, "search (documents, limit 20, warm)", wall, cpu, SEARCH_TARGET_MS))
            parts = ", ".join(f"{k} {statistics.median(v):.1f}/{p95(v):.1f}" for k, v in server.items())
            print(f"[{backend}] search warm, server-side parts (p50 / p95 ms): {parts}")
            if default_cache().builds != builds + 1:
                print(f"[{backend}] note: the index was rebuilt during the warm requests")
        default_cache().clear()
        if args.gc_freeze:
            gc.unfreeze()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--documents", type=int, default=40_000)
    parser.add_argument("--themes", type=int, default=400)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per endpoint")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_PG, help="server for the postgresql backend")
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads (the app sets none)")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after start-up (long-lived objects leave the GC)",
    )
    args = parser.parse_args()
    import torch

    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
          f"torch threads {torch.get_num_threads()}")  # fmt: skip
    rows: list[Row] = []
    for backend in (b.strip() for b in args.backends.split(",") if b.strip()):
        with tempfile.TemporaryDirectory() as tmp:
            rows += bench_backend(backend, args, Path(tmp))
    print(f"\n{args.documents} documents, {args.themes} themes, {args.requests} timed requests each "
          f"(search: {SYNTHETIC_NOTE}); ms")  # fmt: skip
    header = (
        f"{'backend':<10} {'endpoint':<46} {'p50':>7} {'p95':>7} {'max':>7} {'cpu p50':>8} {'cpu p95':>8}"
        "  target (wall)"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        verdict = "" if r.target is None else (
            f"p95 < {r.target:.0f}: " + ("ok" if p95(r.wall) < r.target else "OVER TARGET")
        )  # fmt: skip
        print(f"{r.backend:<10} {r.name:<46} {statistics.median(r.wall):7.1f} {p95(r.wall):7.1f} "
              f"{max(r.wall):7.1f} {statistics.median(r.cpu):8.1f} {p95(r.cpu):8.1f}  {verdict}")  # fmt: skip
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
