"""Back-test of the emergence ranking on the dated arXiv cs corpus (monthly, 2025-03 → 2026-07).

For each cut-off month the themes are found on the documents up to the cut-off only (``run_analysis``
with ``--until``, so clustering sees no later document), the indicators are computed as of the cut-off,
and the documents of the following months are assigned to the nearest theme centroid (cosine, same
embedding model). Each theme's actual growth is the log ratio of its share of the corpus in the
horizon to its share in the last ``--base-months`` months before the cut-off (with a ½ pseudo-count).
Three rankings made at the cut-off are compared:

- the emergence composite (Rotolo five attributes; ``foresight.metrics.scorecard``): as stored by the
  pipeline, and recomputed from the stored raw inputs with the scorecard code now checked out (the two agree
  on a live run; after a scorecard change, ``--rescore`` shows the new composite on old records),
- plain growth: the log-share slope over the last 12 months,
- raw volume: documents of the theme up to the cut-off,

plus, for insight, the EScore, the Kleinberg burst weight, the recent-momentum inputs of
``foresight.metrics.momentum`` (slope over, and bursts ending in, the last ``--recent`` months) and three
attributes alone. Figures: precision@k against the top-k actual share growth, the threat score
TS = hits / (hits + misses + false alarms) of the top decile against "exceptional growth" (the top decile
of actual growth; Klavans & Boyack), and Spearman's ρ, per cut-off and as mean ± s.d. over the cut-offs,
beside the expectation of a random ranking. Only themes with at least ``--min-docs`` documents up to the
cut-off are scored.

The scorecard's design and weights were chosen on a 6,000-document sample with the cut-offs
2025-10…2025-12 (seed 0); 2026-01…2026-03 were held out. With a base of 3 months on that sample the target
mostly rewarded themes whose recent share happened to be low (regression to the mean): there *minus* the
12-month log-share slope ranked best. That is no emergence indicator and is not used.

The evaluation protocol was then fixed before it was run (and the scorecard left unchanged): the whole
corpus, the ONNX int8 embeddings, the default (scaling) smallest theme, the six cut-offs 2025-10…2026-03, a
6-month base, a 3-month horizon (the same for every cut-off, so that 2026-03 can be measured to 2026-06),
themes with at least 30 documents at the cut-off. ``--rescore DUMP --recompute-target`` with other
``--base-months``/``--horizon`` shows how much the verdict depends on that choice.

``--dump`` writes each theme's record (raw scorecard inputs, indicator values, monthly series, actual
growth) and ``--rescore`` scores such a file again without clustering or embedding.

Embedding the 37 k abstracts on two shared cores takes long: ``--max-docs`` samples the corpus (seeded).
Prints figures only; it asserts nothing.

A reused ``--store`` keeps its cached embeddings; its earlier analysis runs are deleted first, since a
later cut-off's run would otherwise be the "previous run" of an earlier one and leak later data through
lineage stability. A kept store also keeps its sample: ``--seed`` then changes the clustering seed only.

Usage (the protocol above; about 30 minutes of embedding on two cores the first time, then ~7 minutes)::

    .venv/bin/python bench/backtest.py --max-docs 0 --backend onnx --store /tmp/bt.db \
        --cutoffs 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03 --base-months 6 --horizon 3 \
        --min-docs 30 --dump /tmp/bt.json
    .venv/bin/python bench/backtest.py --rescore /tmp/bt.json --recompute-target --base-months 3
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
from foresight.metrics.momentum import DEFAULT_RECENT, momentum  # noqa: E402
from foresight.monitoring import IndicatorOptions, compute_indicators  # noqa: E402
from foresight.monitoring.indicators import run_indicators  # noqa: E402
from foresight.monitoring.periods import period_end, period_key, period_ordinal, period_range  # noqa: E402
from foresight.monitoring.relative import scorecards  # noqa: E402
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
        if published is None:  # undated: neither before nor after any cut-off
            continue
        ids.append(doc_id)
        texts.append(document_text(_Text(title, abstract)))
        months.append(period_key(published, "month"))
    return ids, texts, months


class _Text:
    def __init__(self, title: str, abstract: str | None) -> None:
        self.title, self.abstract = title, abstract


def share_growth(base: int, base_total: int, after: int, after_total: int) -> float:
    """``ln((n_h + ½)/(N_h + 1)) − ln((n_b + ½)/(N_b + 1))``: growth of a theme's share, base to horizon."""
    return float(np.log((after + 0.5) / (after_total + 1.0)) - np.log((base + 0.5) / (base_total + 1.0)))


def actual_growth(
    assigned: np.ndarray, months: list[str], themes: list[int], base: list[str], horizon: list[str]
) -> dict[int, float]:
    """``share_growth`` of every theme, counting the documents assigned to it in the base and the horizon."""
    in_base = np.isin(months, base)
    in_horizon = np.isin(months, horizon)
    n_base, n_horizon = int(in_base.sum()), int(in_horizon.sum())
    out = {}
    for theme in themes:
        b = int(((assigned == theme) & in_base).sum())
        h = int(((assigned == theme) & in_horizon).sum())
        out[theme] = share_growth(b, n_base, h, n_horizon)
    return out


def recompute_actual(
    records: dict[str, dict[str, Any]], corpus: dict[str, int], cutoff: str, base_months: int, horizon: int
) -> None:
    """Set each scored theme's ``actual`` growth (``share_growth``) for another base and horizon."""
    base = [shift(cutoff, -k) for k in range(base_months - 1, -1, -1)]
    after = period_range(cutoff, LAST_FULL_MONTH)[1 : 1 + horizon]
    n_base = sum(corpus.get(m, 0) for m in base)
    n_after = sum(corpus.get(m, 0) for m in after)
    for record in records.values():
        if not record.get("scored"):
            continue
        b = sum(record["assigned"].get(m, 0) for m in base)
        h = sum(record["assigned"].get(m, 0) for m in after)
        record["actual"] = share_growth(b, n_base, h, n_after)


def top_set(scores: dict[Any, float], k: int) -> set[Any]:
    ranked = sorted(scores, key=lambda t: (-scores[t], t))
    return set(ranked[:k])


def evaluate(predicted: dict[Any, float], actual: dict[Any, float], k: int) -> dict[str, float]:
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
) -> dict[str, dict[str, Any]]:
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
        stored = session.scalars(select(ThemeIndicators).where(ThemeIndicators.run_id == result.run_id)).all()
        records = {str(row.theme_id): theme_record(row, actual.get(row.theme_id)) for row in stored}
    all_months = np.asarray(months)
    for theme_id, record in records.items():  # lets --rescore change the base and horizon
        mine = all_months[assigned == int(theme_id)]
        record["assigned"] = {m: int(c) for m, c in zip(*np.unique(mine, return_counts=True), strict=True)}
        record["scored"] = record["actual"] is not None
    records["_corpus"] = {m: int(c) for m, c in zip(*np.unique(all_months, return_counts=True), strict=True)}
    print(
        f"\ncut-off {cutoff}: run {result.run_id}, {result.n_documents:,} documents ≤ {until}, "
        f"{result.n_themes} themes ({len(rows)} with ≥ {args.min_docs} documents scored); "
        f"base {base[0]}…{base[-1]}, horizon {months_after[0]}…{months_after[-1]} "
        f"({int(np.isin(months, months_after).sum()):,} documents assigned); "
        f"analysis {t_fit:.0f}s (of which lineage + indicators + alerts {t_ind:.0f}s)"
    )
    return records


def theme_record(row: ThemeIndicators, actual: float | None) -> dict[str, Any]:
    """What the scoring needs of one theme: raw scorecard inputs, indicator values, series, actual growth."""
    values = row.indicators.get("values", {})
    return {
        "actual": actual,  # None: below --min-docs, not scored (still part of the scorecard's normalisation)
        "composite": row.composite,  # as computed by the pipeline
        "inputs": {
            i["name"]: i["raw"] for a in row.scorecard.get("attributes", []) for i in a.get("inputs", [])
        },
        "values": {k: v.get("value") for k, v in values.items() if isinstance(v, dict)},
        "series": {k: row.indicators.get("series", {}).get(k) for k in ("periods", "documents", "corpus")},
    }


def momentum_inputs(record: dict[str, Any], recent: int) -> dict[str, float]:
    """Recent log-share slope and recent burst weight from the stored monthly series (no look-ahead)."""
    r = np.asarray(record["series"]["documents"], dtype=float)
    d = np.asarray(record["series"]["corpus"], dtype=float)
    return momentum(r, d, recent=recent).as_inputs()


def score_cutoff(records: dict[str, dict[str, Any]], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Every ranking of one cut-off against the actual growth of the scored themes."""
    corpus = records.get("_corpus")
    records = {t: r for t, r in records.items() if t != "_corpus"}
    if corpus is not None and args.recompute_target:  # target from the stored assignment counts
        recompute_actual(records, corpus, args.cutoff_of_records, args.base_months, args.horizon)
    actual = {t: float(r["actual"]) for t, r in records.items() if r["actual"] is not None}
    rescored = scorecards({int(t): r["inputs"] for t, r in records.items()})
    recent = {t: momentum_inputs(records[t], args.recent) for t in actual}

    def attr(card: dict[str, Any], name: str) -> float | None:
        return next((a.get("value") for a in card["attributes"] if a["attribute"] == name), None)

    value = {t: r["values"] for t, r in records.items()}
    predictors: dict[str, dict[str, Any]] = {
        "composite (pipeline)": {t: records[t].get("composite") for t in actual},
        "composite (this scorecard)": {t: rescored[int(t)][1] for t in actual},
        "growth (log-share slope)": {t: value[t].get("log_share_slope") for t in actual},
        "volume": {t: value[t].get("documents") for t in actual},
        "EScore": {t: value[t].get("escore") for t in actual},
        "burst weight": {t: value[t].get("burst") for t in actual},
        "recent burst weight": {t: recent[t]["recent_burst_weight"] for t in actual},
        "recent log-share slope": {t: recent[t]["recent_log_share_slope"] for t in actual},
        **{
            f"attribute: {a}": {t: attr(rescored[int(t)][0], a) for t in actual}
            for a in ("novelty", "growth", "coherence")
        },
    }
    n, decile = len(actual), max(1, round(0.1 * len(actual)))
    hits = decile * decile / n if n else 0.0
    out = {
        "random (expected)": {
            "precision_at_k": min(args.top, n) / n if n else 0.0,
            "threat_score": hits / (2 * decile - hits) if n else 0.0,
            "spearman": 0.0,
            "n": float(n),
        }
    }
    for name, scores in predictors.items():
        cleaned = {t: (float(v) if v is not None else np.nan) for t, v in scores.items()}
        out[name] = evaluate(cleaned, actual, args.top)
    for name, m in out.items():
        print(
            f"  {name:26} P@{args.top} {m['precision_at_k']:.2f}   TS(top decile) {m['threat_score']:.2f}   "
            f"Spearman {m['spearman']:+.2f}   n {int(m['n'])}"
        )
    return out


def summarise(results: dict[str, dict[str, dict[str, float]]], top: int) -> None:
    """Mean ± standard deviation over the cut-offs."""
    print(f"\nmean ± s.d. over {len(results)} cut-offs ({', '.join(results)}):")
    first = next(iter(results.values()))
    for name in first:
        p = [r[name]["precision_at_k"] for r in results.values()]
        ts = [r[name]["threat_score"] for r in results.values()]
        rho = [r[name]["spearman"] for r in results.values()]
        print(
            f"  {name:26} P@{top} {np.mean(p):.2f} ± {np.std(p):.2f}   "
            f"TS {np.mean(ts):.2f} ± {np.std(ts):.2f}   Spearman {np.nanmean(rho):+.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--max-docs", type=int, default=8000, help="Seeded sample size (0: all).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cutoffs", nargs="+", help="Cut-off months (YYYY-MM; default 2026-01, or all those of --rescore)."
    )
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
    parser.add_argument("--dump", type=Path, help="Write the per-theme records of every cut-off (JSON).")
    parser.add_argument(
        "--rescore",
        type=Path,
        help="Score the records of an earlier --dump again (no clustering, no embedding).",
    )
    parser.add_argument(
        "--recent",
        type=int,
        default=DEFAULT_RECENT,
        help="Months of the momentum inputs (default %(default)s).",
    )
    parser.add_argument("--backend", choices=("torch", "onnx"), default="torch", help="Embedding backend.")
    parser.add_argument(
        "--recompute-target",
        action="store_true",
        help="With --rescore: recompute the actual growth with --base-months and --horizon.",
    )
    args = parser.parse_args()
    if args.rescore:
        dumped = json.loads(args.rescore.read_text(encoding="utf-8"))
        chosen = sorted(c for c in dumped if args.cutoffs is None or c in args.cutoffs)
        results = {}
        for cutoff in chosen:
            print(f"\ncut-off {cutoff} (records of {args.rescore}):")
            args.cutoff_of_records = cutoff
            results[cutoff] = score_cutoff(dumped[cutoff], args)
        summarise(results, args.top)
        return

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
    sample = (
        f"{'sampled' if args.max_docs else 'all'}, seed {args.seed}" if fresh else f"the sample of {store}"
    )
    print(f"{len(ids):,} documents ({sample}; clustering seed {args.seed}), "
          f"{min(months) if months else '?'}…{max(months) if months else '?'}; "
          f"import {time.perf_counter() - t0:.0f}s")  # fmt: skip
    t0 = time.perf_counter()
    backend = SentenceTransformerBackend(settings.embedding_model, backend=settings.embedding_backend)  # type: ignore[arg-type]
    vectors = np.asarray(embed_texts(engine, texts, backend, settings.embedding_batch_size), dtype=np.float64)
    print(
        f"embedded {len(texts):,} texts with {backend.model_id} in {time.perf_counter() - t0:.0f}s (cached)"
    )

    dump, results = {}, {}
    for cutoff in sorted(args.cutoffs or ["2026-01"]):
        dump[cutoff] = backtest_cutoff(engine, settings, cutoff, vectors, months, args)
        results[cutoff] = score_cutoff(dump[cutoff], args)
    if args.dump:
        args.dump.write_text(json.dumps(dump, default=float), encoding="utf-8")
    summarise(results, args.top)


if __name__ == "__main__":
    main()
