"""Search latency on a 40,000-document index, on SQLite and PostgreSQL; prints figures, asserts nothing.

For each backend: a fresh store, the arXiv-cs abstracts imported (37,231 records; with ``--max-docs``
above that the rest are copies of random records with "(copy N)" in the title and a new id, said in the
output), document vectors cached, the whole-corpus ``SearchIndex`` built through ``IndexCache``, then
``foresight.search.search`` timed end to end (fingerprint check, query embedding with the real model,
scoring, loading the page of documents) over a fixed set of queries: p50 / p95 per part.

Embedding 40k abstracts on a 2-core CPU takes hours, so ``--synthetic-vectors`` stores random unit vectors
(seeded, 384-d) in the embedding cache instead; the queries are still embedded by the real model, so the
latency is real and the rankings are meaningless (the output says so).

Examples
--------
    .venv/bin/python bench/search.py --synthetic-vectors                       # 40k docs, both backends
    .venv/bin/python bench/search.py --synthetic-vectors --backends sqlite --ann --torch-threads 1
    .venv/bin/python bench/search.py --max-docs 2000 --backends sqlite           # real vectors (slow)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sqlalchemy import Engine, create_engine, select, text  # noqa: E402

from foresight.db.migrate import upgrade  # noqa: E402
from foresight.db.models import Document  # noqa: E402
from foresight.db.session import make_engine, session_scope  # noqa: E402
from foresight.embeddings import cache, document_text, embed_texts  # noqa: E402
from foresight.ingest.service import import_file  # noqa: E402
from foresight.search import (  # noqa: E402
    IndexCache,
    IndexScope,
    SearchOptions,
    quick_fingerprint,
    search,
    store_fingerprint,
)
from foresight.search.ann import hnswlib_available  # noqa: E402
from foresight.search.spaces import neural_backend  # noqa: E402
from foresight.settings import Settings  # noqa: E402

CORPUS = Path(os.environ.get("FORESIGHT_SHARED_DATA", "/work/shared/data")) / "arxiv-cs" / "arxiv-cs.jsonl.gz"
DEFAULT_PG = os.environ.get(
    "FORESIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TOPICS = [
    "graph neural networks for traffic forecasting", "large language model hallucination detection",
    "federated learning privacy", "diffusion models for image generation", "reinforcement learning robots",
    "quantum error correction", "speech recognition low-resource languages", "adversarial attacks",
    "code generation with LLMs", "autonomous driving perception lidar", "medical image segmentation",
    "recommender systems fairness", "smart contract vulnerabilities", "knowledge graph embedding",
    "energy efficient neural network accelerators", "explainable AI for clinicians",
    "multi-agent path finding", "zero-knowledge proofs", "time series anomaly detection", "protein folding",
]  # fmt: skip


def write_corpus(path: Path, n: int, seed: int = 0) -> tuple[int, int]:
    """Write ``n`` records (the real ones first, then marked copies); returns (real, copies)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    real = records[:n]
    rng = random.Random(seed)
    copies = []
    for i in range(n - len(real)):
        rec = dict(rng.choice(records))
        rec["id"] = f"copy{i}.{rec['id']}"
        rec["title"] = f"{rec['title']} (copy {i})"
        copies.append(rec)
    with path.open("w", encoding="utf-8") as out:
        for rec in [*real, *copies]:
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return len(real), len(copies)


@contextmanager
def store(backend: str, workdir: Path, pg_url: str) -> Iterator[tuple[Engine, str]]:
    if backend == "sqlite":
        url = f"sqlite:///{(workdir / 'bench.db').as_posix()}"
        engine = make_engine(url)
        yield engine, url
        engine.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{pg_url}?options=-csearch_path%3D{schema}"
    engine = make_engine(pg_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine, url
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cache_vectors(engine: Engine, settings: Settings, synthetic: bool, seed: int = 0) -> str:
    """Fill the embedding cache for every document; returns what was stored."""
    with session_scope(engine) as s:
        texts = [document_text(d) for d in s.execute(select(Document.title, Document.abstract)).all()]
    backend = neural_backend(settings)
    if not synthetic:
        embed_texts(engine, texts, backend, settings.embedding_batch_size)
        return f"real {backend.model_id} vectors"
    rng = np.random.default_rng(seed)
    for start in range(0, len(texts), 5000):
        chunk = texts[start : start + 5000]
        vectors = rng.standard_normal((len(chunk), 384)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        with session_scope(engine) as s:
            cache.put_many(
                s, backend.model_id, {cache.text_hash(t): v for t, v in zip(chunk, vectors, strict=True)}
            )
    return "SYNTHETIC random unit vectors (seeded), not model vectors: latency is real, rankings are not"


def percentiles(values: list[float]) -> str:
    arr = np.asarray(values)
    return f"p50 {np.percentile(arr, 50):7.1f}  p95 {np.percentile(arr, 95):7.1f}  max {arr.max():7.1f}"


def time_queries(
    engine: Engine, settings: Settings, cache_: IndexCache, queries: list[str], options: SearchOptions
) -> dict[str, list[float]]:
    """Each query once (after a warm-up of five); the timings of every part, in ms."""
    parts: dict[str, list[float]] = {}
    results = None
    for query in queries[:5]:  # warm-up: model, caches
        search(engine, query, settings=settings, cache=cache_, options=options, limit=10)
    for query in queries:
        started, cpu = time.perf_counter(), time.process_time()
        results = search(engine, query, settings=settings, cache=cache_, options=options, limit=10)
        parts.setdefault("wall", []).append((time.perf_counter() - started) * 1000)
        parts.setdefault("cpu (process)", []).append((time.process_time() - cpu) * 1000)
        for name, ms in results.timings_ms.items():
            parts.setdefault(name, []).append(ms)
        parts.setdefault("without encode", []).append(
            results.timings_ms["total"] - results.timings_ms["encode"]
        )
    if results is not None:
        print(f"    method: {results.method['search']}")
    return parts


def bench_backend(backend: str, args: argparse.Namespace, corpus: Path, queries: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp, store(backend, Path(tmp), args.postgres) as (engine, url):
        upgrade(engine)
        settings = Settings(database_url=url)
        started = time.perf_counter()
        with session_scope(engine) as s:
            report = import_file(s, corpus)
        print(f"\n[{backend}] imported {report.new} documents in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        what = cache_vectors(engine, settings, args.synthetic_vectors)
        print(f"[{backend}] cached vectors in {time.perf_counter() - started:.1f} s: {what}")
        cache_ = IndexCache()
        options = SearchOptions()
        started = time.perf_counter()
        index, _ = cache_.get(engine, IndexScope(), settings, options)
        read_bm25 = time.perf_counter() - started
        started = time.perf_counter()
        space = index.space(engine, "neural")
        print(
            f"[{backend}] index of {len(index.docs)} documents: documents + BM25 {read_bm25:.1f} s "
            f"({index.bm25.weights_.nnz} postings, {len(index.bm25.vocabulary_)} terms); vectors from the "
            f"cache {time.perf_counter() - started:.1f} s ({space.matrix.shape[0]} x {space.matrix.shape[1]} "
            f"{space.matrix.nbytes / 2**20:.0f} MiB)"
        )
        vector = space.encode("graph neural networks")
        runs = []
        for _ in range(50):
            t = time.perf_counter()
            _ = space.matrix @ vector
            runs.append((time.perf_counter() - t) * 1000)
        print(f"[{backend}] exact cosine over all vectors (matrix @ vector), ms: {percentiles(runs)}")
        for name, fingerprint in (("quick", quick_fingerprint), ("full", store_fingerprint)):
            runs = []
            with session_scope(engine) as s:
                for _ in range(30):
                    t = time.perf_counter()
                    fingerprint(s, IndexScope())
                    runs.append((time.perf_counter() - t) * 1000)
            print(f"[{backend}] {name} fingerprint, ms: {percentiles(runs)}")
        parts = time_queries(engine, settings, cache_, queries, options)
        print(f"[{backend}] {len(queries)} queries, limit 10, ms:")
        for name in (
            "wall",
            "cpu (process)",
            "total",
            "without encode",
            "index",
            "encode",
            "score",
            "hydrate",
        ):
            print(f"    {name:>15}: {percentiles(parts[name])}")
        if args.ann:
            if not hnswlib_available():
                print(f"[{backend}] --ann: hnswlib is not installed; search stays exact")
                return
            ann_options = SearchOptions(ann_threshold=1000)
            started = time.perf_counter()
            ann_index, _ = cache_.get(engine, IndexScope(), settings, ann_options)
            ann_index.ann(ann_index.space(engine, "neural"))
            print(
                f"[{backend}] HNSW graph built in {time.perf_counter() - started:.1f} s (with a second index)"
            )
            parts = time_queries(engine, settings, cache_, queries, ann_options)
            for name in ("total", "cpu (process)", "without encode", "score"):
                print(f"    {name:>15}: {percentiles(parts[name])}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-docs", type=int, default=40_000)
    parser.add_argument("--synthetic-vectors", action="store_true", help="random unit vectors as stand-ins")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--postgres", default=DEFAULT_PG)
    parser.add_argument("--queries", type=int, default=100, help="queries timed (topics, then titles)")
    parser.add_argument("--ann", action="store_true", help="also time HNSW search (hnswlib)")
    parser.add_argument("--torch-threads", type=int, help="torch.set_num_threads for the query encoder")
    args = parser.parse_args()
    if args.torch_threads:
        import torch

        torch.set_num_threads(args.torch_threads)
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        real, copies = write_corpus(corpus, args.max_docs)
        print(f"corpus: {real} arXiv-cs records" + (f" + {copies} marked copies" if copies else ""))
        with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
            titles = [json.loads(line)["title"] for _, line in zip(range(3000), handle, strict=False)]
        rng = random.Random(1)
        queries = (TOPICS + [" ".join(t.split()[:8]) for t in rng.sample(titles, args.queries)])[
            : args.queries
        ]
        for backend in args.backends.split(","):
            bench_backend(backend.strip(), args, corpus, queries)


if __name__ == "__main__":
    main()
