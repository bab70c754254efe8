"""Back-test of the emergence ranking on the dated arXiv cs corpus (monthly, 2025-03 → 2026-07).

For each cut-off month the themes are found on the documents up to the cut-off only (``run_analysis``
with ``--until``, so clustering sees no later document), the indicators are computed as of the cut-off,
and the documents of the following months are assigned to the nearest theme centroid (cosine, same
embedding model). Each theme's actual growth is the log ratio of its share of the corpus in the
horizon to its share in the last ``--base-months`` months before the cut-off (with a ½ pseudo-count).
Three rankings made at the cut-off are compared:

- the emergence composite (Rotolo five attributes; ``foresight.metrics.scorecard``),
- plain growth: the log-share slope over the last 12 months,
- raw volume: documents of the theme up to the cut-off,

plus, for insight, the EScore and the Kleinberg burst weight alone. Figures: precision@k against the
top-k actual share growth, the threat score TS = hits / (hits + misses + false alarms) of the top
decile against "exceptional growth" (the top decile of actual growth; Klavans & Boyack), and
Spearman's ρ. Only themes with at least ``--min-docs`` documents up to the cut-off are scored.

Embedding the 37 k abstracts on two shared cores takes long: ``--max-docs`` samples the corpus (seeded).
Prints figures only; it asserts nothing.

A reused ``--store`` keeps its cached embeddings; its earlier analysis runs are deleted first, since a
later cut-off's run would otherwise be the "previous run" of an earlier one and leak later data through
lineage stability.

Usage::

    .venv/bin/python bench/backtest.py --max-docs 6000 --backend onnx --store /tmp/bt.db \
        --cutoffs 2025-12 2026-01 2026-02 --min-cluster-size 12
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
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sqlalchemy import delete, select  # noqa: E402

from foresight.db.migrate import upgrade  # noqa: E402
from foresight.db.models import AnalysisRun, Document, Theme, ThemeIndicators  # noqa: E402
from foresight.db.session import make_engine, session_scope  # noqa: E402
from foresight.embeddings import SentenceTransformerBackend, document_text, embed_texts  # noqa: E402
from foresight.ingest.service import import_file  # noqa: E402
from foresight.monitoring import IndicatorOptions, compute_indicators  # noqa: E402
from foresight.monitoring.indicators import run_indicators  # noqa: E402
from foresight.monitoring.periods import period_end, period_key, period_ordinal, period_range  # noqa: E402
from foresight.settings import Settings  # noqa: E402
from foresight.themes.persist import decode_centroid  # noqa: E402
from foresight.themes.runs import AnalysisOptions, CorpusFilter, run_analysis  # noqa: E402

DATA = Path(os.environ.get("FORESIGHT_SHARED_DATA", "/work/shared/data")) / "arxiv-cs" / "arxiv-cs.jsonl.gz"
LAST_FULL_MONTH = "2026-06"  # 2026-07 holds a few days only


def shift(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (before, for negative ``n``)."""
    o = period_ordinal(month) + n
    return f"{o // 12:04d}-{o % 12 + 1:02d}"


def sample_records(path: Path, n: int | None, seed: int) -> list[dict[str, Any]]:
    """All records, or a seeded uniform sample of ``n``."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    if n is not None and n < len(records):
        records = random.Random(seed).sample(records, n)
    return records


def build_store(url: str, records: list[dict[str, Any]], workdir: Path) -> float:
    """Import the records into a fresh store; returns the seconds taken."""
    started = time.perf_counter()
    engine = make_engine(url)
    upgrade(engine)
    path = workdir / "arxiv-sample.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    with session_scope(engine) as session:
        import_file(session, path, fmt="arxiv-jsonl")
    engine.dispose()
    return time.perf_counter() - started


def load_documents(engine: Any) -> tuple[list[int], list[str], list[str]]:
    """Ids, texts and months of every stored document."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(Document.id, Document.title, Document.abstract, Document.publication_date).order_by(
                Document.id
            )
        ).all()
    ids, texts, months = [], [], []
    for doc_id, title, abstract, published in rows:
        ids.append(doc_id)
        texts.append(document_text(_Text(title, abstract)))
        months.append(period_key(published, "month"))
    return ids, texts, months


class _Text:
    def __init__(self, title: str, abstract: str | None) -> None:
        self.title, self.abstract = title, abstract


def actual_growth(
    assigned: np.ndarray, months: list[str], themes: list[int], base: list[str], horizon: list[str]
) -> dict[int, float]:
    """``ln((n_h + ½)/(N_h + 1)) − ln((n_b + ½)/(N_b + 1))`` per theme: share growth from base to horizon."""
    in_base = np.isin(months, base)
    in_horizon = np.isin(months, horizon)
    n_base, n_horizon = int(in_base.sum()), int(in_horizon.sum())
    out = {}
    for theme in themes:
        b = int(((assigned == theme) & in_base).sum())
        h = int(((assigned == theme) & in_horizon).sum())
        out[theme] = float(np.log((h + 0.5) / (n_horizon + 1.0)) - np.log((b + 0.5) / (n_base + 1.0)))
    return out


def top_set(scores: dict[int, float], k: int) -> set[int]:
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    return set(ranked[:k])


def evaluate(predicted: dict[int, float], actual: dict[int, float], k: int) -> dict[str, float]:
    """precision@k, threat score of the top decile, Spearman ρ."""
    themes = [t for t in actual if t in predicted and np.isfinite(predicted[t])]
    pred = {t: predicted[t] for t in themes}
    act = {t: actual[t] for t in themes}
    decile = max(1, round(0.1 * len(themes)))
    hits = len(top_set(pred, decile) & top_set(act, decile))
    misses = false_alarms = decile - hits
    rho = (
        spearmanr([pred[t] for t in themes], [act[t] for t in themes]).statistic
        if len(themes) > 2
        else np.nan
    )
    return {
        "precision_at_k": len(top_set(pred, k) & top_set(act, k)) / k,
        "threat_score": hits / (hits + misses + false_alarms),
        "spearman": float(rho),
        "n": float(len(themes)),
    }


def backtest_cutoff(
    engine: Any,
    settings: Settings,
    cutoff: str,
    vectors: np.ndarray,
    months: list[str],
    args: argparse.Namespace,
) -> dict[str, dict[str, float]]:
    until = period_end(cutoff)
    t0 = time.perf_counter()
    options = AnalysisOptions(
        filters=CorpusFilter(until=until), representation="neural", stability_runs=0, seed=args.seed,
        label=f"backtest ≤ {cutoff}",
        min_cluster_size=args.min_cluster_size, map_2d=False,
    )  # fmt: skip
    result = run_analysis(engine, settings, options)
    t_fit = time.perf_counter() - t0
    with session_scope(engine) as session:  # computed by the run itself, as of its latest document
        ranking = run_indicators(session, result.run_id, granularity="month")
        t_ind = result.timings.get("monitoring", float("nan"))
    if not ranking:
        ranking = compute_indicators(
            engine, result.run_id, until, IndicatorOptions(granularity="month")
        ).ranking
    with session_scope(engine) as session:
        themes = session.scalars(select(Theme).where(Theme.run_id == result.run_id).order_by(Theme.id)).all()
        theme_ids = [t.id for t in themes]
        centroids = np.vstack([decode_centroid(t.centroid) for t in themes])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    assigned = np.asarray(theme_ids)[np.argmax(unit @ centroids.T, axis=1)]
    months_after = period_range(cutoff, LAST_FULL_MONTH)[1 : 1 + args.horizon]
    base = [shift(cutoff, -k) for k in range(args.base_months - 1, -1, -1)]
    rows = {r["theme_id"]: r for r in ranking if (r["documents"] or 0) >= args.min_docs}
    actual = actual_growth(assigned, months, list(rows), base, months_after)
    with session_scope(engine) as session:
        cards = {
            row.theme_id: {a["attribute"]: a["value"] for a in row.scorecard.get("attributes", [])}
            for row in session.scalars(select(ThemeIndicators).where(ThemeIndicators.run_id == result.run_id))
        }
    predictors = {
        "composite": {t: r["composite"] for t, r in rows.items()},
        "growth (log-share slope)": {t: r["log_share_slope"] for t, r in rows.items()},
        "volume": {t: r["documents"] for t, r in rows.items()},
        "EScore": {t: r["escore"] for t, r in rows.items()},
        "burst weight": {t: r["burst_weight"] for t, r in rows.items()},
        **{
            f"attribute: {a}": {t: cards.get(t, {}).get(a) for t in rows}
            for a in ("novelty", "growth", "coherence")
        },
    }
    print(
        f"\ncut-off {cutoff}: run {result.run_id}, {result.n_documents:,} documents ≤ {until}, "
        f"{result.n_themes} themes ({len(rows)} with ≥ {args.min_docs} documents scored); "
        f"base {base[0]}…{base[-1]}, horizon {months_after[0]}…{months_after[-1]} "
        f"({int(np.isin(months, months_after).sum()):,} documents assigned); "
        f"analysis {t_fit:.0f}s (of which lineage + indicators + alerts {t_ind:.0f}s)"
    )
    n, decile = len(rows), max(1, round(0.1 * len(rows)))
    hits = decile * decile / n if n else 0.0
    print(
        f"  {'random ranking (expected)':26} P@{args.top} {min(args.top, n) / n if n else 0:.2f}   "
        f"TS(top decile) {hits / (2 * decile - hits) if n else 0:.2f}   Spearman +0.00   n {n}"
    )
    out = {}
    for name, scores in predictors.items():
        cleaned = {t: (float(v) if v is not None else np.nan) for t, v in scores.items()}
        out[name] = evaluate(cleaned, actual, args.top)
        m = out[name]
        print(
            f"  {name:26} P@{args.top} {m['precision_at_k']:.2f}   TS(top decile) {m['threat_score']:.2f}   "
            f"Spearman {m['spearman']:+.2f}   n {int(m['n'])}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--max-docs", type=int, default=8000, help="Seeded sample size (0: all).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cutoffs", nargs="+", default=["2026-01"], help="Cut-off months (YYYY-MM).")
    parser.add_argument("--horizon", type=int, default=5, help="Months after the cut-off to measure.")
    parser.add_argument("--base-months", type=int, default=3, help="Months before the cut-off as base.")
    parser.add_argument("--min-docs", type=int, default=10, help="Themes smaller than this are not scored.")
    parser.add_argument("--top", type=int, default=10, help="k of precision@k.")
    parser.add_argument(
        "--min-cluster-size", type=int, default=None, help="HDBSCAN smallest theme (default: scales)."
    )
    parser.add_argument(
        "--store", type=Path, help="SQLite file to keep, embeddings cached (default: temporary)."
    )
    parser.add_argument("--backend", choices=("torch", "onnx"), default="torch", help="Embedding backend.")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="foresight-backtest-"))
    store = args.store or workdir / "backtest.db"
    url = f"sqlite:///{store.as_posix()}"
    fresh = not store.exists()
    t0 = time.perf_counter()
    records = sample_records(args.data, args.max_docs or None, args.seed)
    if fresh:
        build_store(url, records, workdir)
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:  # runs of an earlier invocation would leak later data via lineage
        session.execute(delete(AnalysisRun))
    settings = Settings(database_url=url, embedding_backend=args.backend)
    ids, texts, months = load_documents(engine)
    print(f"{len(ids):,} documents ({'sampled' if args.max_docs else 'all'}, seed {args.seed}), "
          f"{months[0] if months else '?'}…; import {time.perf_counter() - t0:.0f}s")  # fmt: skip
    t0 = time.perf_counter()
    backend = SentenceTransformerBackend(settings.embedding_model, backend=settings.embedding_backend)  # type: ignore[arg-type]
    vectors = np.asarray(embed_texts(engine, texts, backend, settings.embedding_batch_size), dtype=np.float64)
    print(
        f"embedded {len(texts):,} texts with {backend.model_id} in {time.perf_counter() - t0:.0f}s (cached)"
    )

    results = [backtest_cutoff(engine, settings, c, vectors, months, args) for c in sorted(args.cutoffs)]
    print("\nmean over cut-offs:")
    for name in results[0]:
        p = np.mean([r[name]["precision_at_k"] for r in results])
        ts = np.mean([r[name]["threat_score"] for r in results])
        rho = np.nanmean([r[name]["spearman"] for r in results])
        print(f"  {name:26} P@{args.top} {p:.2f}   TS {ts:.2f}   Spearman {rho:+.2f}")


if __name__ == "__main__":
    main()
