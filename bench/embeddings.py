"""Benchmarks of the embedding layer; prints figures, asserts nothing.

Parts (``--part``, default all):

- ``throughput``: documents/s of ``embed_texts`` on an empty cache against a bare
  ``SentenceTransformer.encode`` of the same arXiv abstracts (target: at least 95 % of bare), plus a
  second, fully cached run.
- ``onnx``: documents/s and clustering quality (NMI of KMeans, k = number of arXiv primary categories)
  of the PyTorch model against its int8 ONNX export (offered when NMI stays within 0.01).
- ``chinese``: NMI of KMeans (k = number of disciplines; mean of three seeds) and of HDBSCAN on the CSL
  and CSLDCP Chinese abstracts for the neural, lexical and fused representations.

Examples
--------
    .venv/bin/python bench/embeddings.py --part throughput --n 1000
    .venv/bin/python bench/embeddings.py --part chinese --n 1000
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
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from foresight.db.migrate import upgrade  # noqa: E402
from foresight.db.session import make_engine  # noqa: E402
from foresight.embeddings.backends import SentenceTransformerBackend, bundled_model_path  # noqa: E402
from foresight.embeddings.chinese import LexicalEmbedder, assess_representation, fuse  # noqa: E402
from foresight.embeddings.service import embed_texts  # noqa: E402

DATA = Path(os.environ.get("FORESIGHT_SHARED_DATA", "/work/shared/data"))
SEEDS = (0, 1, 2)


def load_jsonl(path: Path, n: int | None, seed: int = 0) -> list[dict[str, Any]]:
    """Read a gzip JSON Lines file; a seeded random sample of ``n`` records when ``n`` is smaller."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if n is not None and n < len(records):
        records = random.Random(seed).sample(records, n)
    return records


def arxiv(n: int) -> tuple[list[str], list[str]]:
    records = load_jsonl(DATA / "arxiv-cs" / "arxiv-cs.jsonl.gz", n)
    return [f"{r['title']}. {r['abstract']}" for r in records], [r["categories"][0] for r in records]


def migrated_engine(path: Path) -> Any:
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    upgrade(engine)
    return engine


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Call ``fn(*args, **kwargs)``; return its result and the seconds it took."""
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def nmi_kmeans(vectors: np.ndarray, labels: list[str], seeds: tuple[int, ...] = SEEDS) -> float:
    from sklearn.cluster import KMeans
    from sklearn.metrics import normalized_mutual_info_score

    k = len(set(labels))
    scores = [
        normalized_mutual_info_score(labels, KMeans(k, n_init=3, random_state=s).fit_predict(vectors))
        for s in seeds
    ]
    return float(np.mean(scores))


def nmi_hdbscan(vectors: np.ndarray, labels: list[str], min_cluster_size: int) -> tuple[float, float, int]:
    """NMI of HDBSCAN (noise as one more cluster), noise share and number of clusters."""
    from sklearn.cluster import HDBSCAN
    from sklearn.decomposition import PCA
    from sklearn.metrics import normalized_mutual_info_score

    reduced = PCA(n_components=min(50, vectors.shape[1]), random_state=0).fit_transform(vectors)
    found = HDBSCAN(min_cluster_size=min_cluster_size, min_samples=3, copy=True).fit_predict(reduced)
    return (
        float(normalized_mutual_info_score(labels, found)),
        float(np.mean(found == -1)),
        len(set(found) - {-1}),
    )


# -- (a) throughput ----------------------------------------------------------------------------------------


def part_throughput(args: argparse.Namespace) -> None:
    """Bare ``SentenceTransformer.encode`` against ``embed_texts`` on an empty cache.

    The corpus is cut into ``--slices`` slices; on each the two run one after the other, the first
    alternating, so that the load of a shared machine weighs on both alike. Wall-clock and process CPU
    time are both summed.
    """
    from sentence_transformers import SentenceTransformer

    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    texts, _ = arxiv(args.n)
    bare = SentenceTransformer(str(bundled_model_path()), device="cpu", local_files_only=True)
    backend = SentenceTransformerBackend(device="cpu")
    bare.encode(texts[:16], batch_size=16)
    backend.encode(texts[:16], batch_size=16)
    size = -(-len(texts) // args.slices)
    slices = [texts[i : i + size] for i in range(0, len(texts), size)]
    print(
        f"[throughput] {len(texts)} arXiv abstracts in {len(slices)} interleaved slices, batch "
        f"{args.batch_size}, torch threads {args.threads or 'default'}"
    )
    wall = {"bare": 0.0, "project": 0.0}
    cpu = {"bare": 0.0, "project": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        engine = migrated_engine(Path(tmp) / "cache.db")
        for i, chunk in enumerate(slices):
            runs: dict[str, Callable[[], Any]] = {
                "bare": partial(
                    bare.encode,
                    chunk,
                    batch_size=args.batch_size,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                ),
                "project": partial(embed_texts, engine, chunk, backend, args.batch_size),
            }
            for name in sorted(runs, reverse=i % 2 == 1):  # alternate who goes first
                cpu_start = time.process_time()
                _, seconds = timed(runs[name])
                wall[name] += seconds
                cpu[name] += time.process_time() - cpu_start
        vectors, t_cached = timed(embed_texts, engine, texts, backend, args.batch_size)
        engine.dispose()
    n = len(texts)
    for name, label in (("bare", "bare SentenceTransformer.encode"), ("project", "embed_texts, empty cache")):
        print(f"  {label:32s} {n / wall[name]:7.1f} docs/s wall   {n / cpu[name]:7.1f} docs/CPU-s")
    print(
        f"  ratio embed_texts / bare: wall {wall['bare'] / wall['project']:.3f}, CPU "
        f"{cpu['bare'] / cpu['project']:.3f} (target >= 0.95); cached rerun {n / t_cached:.0f} docs/s; "
        f"vectors {vectors.shape}"
    )


# -- (b) ONNX int8 -----------------------------------------------------------------------------------------


def part_onnx(args: argparse.Namespace) -> None:
    texts, labels = arxiv(args.n)
    onnx_dir = ROOT / "data" / "cache" / "onnx" / "all-MiniLM-L6-v2-int8"
    torch_backend = SentenceTransformerBackend(device="cpu")
    onnx_backend = SentenceTransformerBackend(backend="onnx", onnx_dir=onnx_dir)
    _, t_export = timed(onnx_backend.encode, texts[:16], batch_size=16)
    torch_backend.encode(texts[:16], batch_size=16)
    print(
        f"[onnx] {len(texts)} arXiv abstracts, {len(set(labels))} primary categories; "
        f"export+load {t_export:.1f}s"
    )
    results = {}
    for name, backend in (("torch", torch_backend), ("onnx-int8", onnx_backend)):
        cpu_start = time.process_time()
        vectors, seconds = timed(backend.encode, texts, batch_size=args.batch_size)
        cpu = time.process_time() - cpu_start
        results[name] = (vectors, len(texts) / seconds, nmi_kmeans(vectors, labels))
        print(
            f"  {name:10s} {results[name][1]:7.1f} docs/s wall  {len(texts) / cpu:7.1f} docs/CPU-s   "
            f"NMI(KMeans) {results[name][2]:.4f}"
        )
    cos = np.sum(results["torch"][0] * results["onnx-int8"][0], axis=1)
    gap = results["torch"][2] - results["onnx-int8"][2]
    print(
        f"  speed-up {results['onnx-int8'][1] / results['torch'][1]:.2f}x; cosine(torch, onnx) mean "
        f"{cos.mean():.4f} min {cos.min():.4f}; NMI gap {gap:+.4f} -> "
        f"{'offered' if abs(gap) <= 0.01 else 'NOT offered'} (limit 0.01)"
    )


# -- (c) Chinese -------------------------------------------------------------------------------------------


def chinese_corpora(n: int) -> dict[str, tuple[list[str], list[str]]]:
    csl = load_jsonl(DATA / "csl" / "csl-dev.jsonl.gz", n)
    csldcp = load_jsonl(DATA / "csl" / "csldcp-dev.jsonl.gz", n)
    return {
        "csl (title+abstract)": (
            [f"{r['title']}. {r['abstract']}" for r in csl],
            [r["discipline"] for r in csl],
        ),
        "csldcp (abstract)": ([r["abstract"] for r in csldcp], [r["discipline"] for r in csldcp]),
    }


def part_chinese(args: argparse.Namespace) -> None:
    backend = SentenceTransformerBackend(device="cpu")
    cache_path = Path(args.cache)
    cache_path.parent.mkdir(parents=True, exist_ok=True)
    engine = migrated_engine(cache_path)
    weights = [float(w) for w in args.weights.split(",")]
    for corpus, (texts, labels) in chinese_corpora(args.n).items():
        choice = assess_representation(texts, ["zh"] * len(texts), backend)
        print(
            f"[chinese] {corpus}: {len(texts)} docs, {len(set(labels))} disciplines; UNK share "
            f"{choice.unk_share:.3f} -> automatic choice {choice.representation!r}"
        )
        neural, t_neural = timed(embed_texts, engine, texts, backend, args.batch_size)
        lexical, t_lexical = timed(LexicalEmbedder(random_state=0).fit_transform, texts)
        print(f"  neural (cache at {cache_path.name}) {t_neural:.1f}s, lexical fit {t_lexical:.1f}s")
        variants: dict[str, np.ndarray] = {"neural": neural, "lexical": lexical}
        for w in weights:
            variants[f"fused w={w:.1f}"] = fuse(neural, lexical, w)
        for name, vectors in variants.items():
            line = f"  {name:14s} NMI KMeans {nmi_kmeans(vectors, labels):.4f}"
            if args.hdbscan:
                score, noise, k = nmi_hdbscan(vectors, labels, args.min_cluster_size)
                line += f"   HDBSCAN {score:.4f} ({k} clusters, {noise:.0%} noise)"
            print(line, flush=True)
    engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--part", choices=["throughput", "onnx", "chinese", "all"], default="all")
    parser.add_argument("--n", type=int, default=1000, help="documents per corpus (seeded sample)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--slices", type=int, default=10, help="interleaved slices of the throughput run")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    parser.add_argument("--weights", default="0.3,0.5,0.7", help="neural weights of the fused variants")
    parser.add_argument("--hdbscan", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--min-cluster-size", type=int, default=5)
    parser.add_argument(
        "--cache", default=str(ROOT / "data" / "cache" / "bench-embeddings.db"), help="SQLite cache of part c"
    )
    args = parser.parse_args(argv)
    parts = ["throughput", "onnx", "chinese"] if args.part == "all" else [args.part]
    for part in parts:
        {"throughput": part_throughput, "onnx": part_onnx, "chinese": part_chinese}[part](args)


if __name__ == "__main__":
    main()
