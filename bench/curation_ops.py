"""Timing of the store-backed curation operations and of a full carry-over at national scale (SQLite).

Builds (seeded) a synthetic analysis run of 5,000 themes with 4 documents each (20,000 documents of
~40 words, 384-d cached embeddings, c-TF-IDF-style keywords), then times each curation operation in
its own transaction, commit included (median of ``--repeat`` runs on different themes), undo and redo,
the split preview and building the run's knowledge graph. Then it adds a later run over the same
documents plus new ones (every 10th theme gets a document, every 50th theme dies) and times carrying
all the curation made so far, plus ``--ops`` more mixed operations, onto it. Targets: < 200 ms per
operation, < 5 s per carry-over.

    .venv/bin/python bench/curation_ops.py [--themes 5000] [--docs 4] [--repeat 5] [--ops 60] [--seed 0]

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
from sqlalchemy import Engine, insert, select

import foresight.curation as cur
from foresight.curation.describe import run_term_stats
from foresight.db.migrate import upgrade
from foresight.db.models import (
    AnalysisRun,
    Document,
    Embedding,
    ImportBatch,
    Theme,
    ThemeField,
    ThemeMembership,
)
from foresight.db.session import make_engine, session_scope
from foresight.embeddings import document_text
from foresight.embeddings.cache import encode_vector, text_hash
from foresight.graph import build_run_graph
from foresight.themes.persist import encode_centroid

MODEL = "bench/synthetic-384d"
DIM = 384
FILLER = [
    "we",
    "study",
    "the",
    "method",
    "and",
    "report",
    "results",
    "on",
    "data",
    "from",
    "field",
    "trials",
    "with",
    "improved",
    "accuracy",
]


class Corpus:
    """Seeded theme vocabularies and directions; documents are generated on demand."""

    def __init__(self, n_themes: int, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = [f"term{i:05d}" for i in range(3 * n_themes + 500)]
        self.theme_words = [self.words[3 * t : 3 * t + 3] for t in range(n_themes)]
        self.dirs = self.rng.normal(size=(n_themes, 2, DIM)).astype(np.float32)

    def document(self, theme: int, i: int) -> tuple[str, str, np.ndarray]:
        words = self.theme_words[theme]
        sub = i % 2
        body = [*(words * 4), *self.rng.choice(self.words, 6).tolist(), *FILLER]
        self.rng.shuffle(body)
        title = f"{words[sub]} {words[2]} study {theme}.{i}"
        vec = self.dirs[theme, sub] + 0.3 * self.rng.normal(size=DIM).astype(np.float32)
        return title, " ".join(body) + ".", vec / np.linalg.norm(vec)


def insert_run(
    engine: Engine,
    corpus: Corpus,
    groups: list[list[int]],
    vectors: dict[int, np.ndarray],
    previous: int | None,
) -> tuple[int, list[int]]:
    """A completed run whose theme ``t`` holds the documents ``groups[t]``; returns (run id, theme ids)."""
    with session_scope(engine) as s:
        run = AnalysisRun(
            seed=0,
            model_id=MODEL,
            representation="neural",
            corpus_fingerprint="0" * 64,
            status="completed",
            previous_run_id=previous,
            n_themes=len(groups),
            parameters={"model": {"n_representative_docs": 3}},
        )
        s.add(run)
        s.flush()
        fields = [ThemeField(run_id=run.id, number=f, label_en=f"field {f}") for f in range(40)]
        s.add_all(fields)
        s.flush()
        rows = []
        for t, docs in enumerate(groups):
            c = np.mean([vectors[d] for d in docs], axis=0)
            kw = [[w, round(0.3 - 0.05 * k, 3)] for k, w in enumerate(corpus.theme_words[t])]
            rows.append(
                {
                    "run_id": run.id,
                    "number": t,
                    "field_id": fields[t % 40].id,
                    "label_en": " / ".join(corpus.theme_words[t]),
                    "label_zh": "",
                    "keywords": kw,
                    "size": len(docs),
                    "centroid": encode_centroid(c / np.linalg.norm(c)),
                    "representative_doc_ids": docs[:3],
                    "quality": {},
                    "lineage_id": f"{run.id}-{t}",
                    "version": 1,
                    "hidden": False,
                    "origin": "machine",
                }
            )
        s.execute(insert(Theme), rows)
        ids = list(s.scalars(select(Theme.id).where(Theme.run_id == run.id).order_by(Theme.number)))
        s.execute(
            insert(ThemeMembership),
            [
                {
                    "run_id": run.id,
                    "document_id": d,
                    "theme_id": ids[t],
                    "probability": 0.9,
                    "reassigned": False,
                }
                for t, docs in enumerate(groups)
                for d in docs
            ],
        )
        return run.id, ids


def insert_documents(
    engine: Engine, corpus: Corpus, spec: list[tuple[int, int]]
) -> tuple[list[int], dict[int, np.ndarray]]:
    """Documents ``(theme, index)`` with cached embeddings; returns their ids and vectors."""
    with session_scope(engine) as s:
        batch = ImportBatch(filename="bench.jsonl", file_sha256="0" * 64, source_format="jsonl")
        s.add(batch)
        s.flush()
        made = [corpus.document(t, i) for t, i in spec]
        rows = [
            {
                "title": title,
                "abstract": abstract,
                "language": "en",
                "title_key": f"b{t}.{i}",
                "kind": "paper",
                "source_format": "jsonl",
                "import_batch_id": batch.id,
            }
            for (t, i), (title, abstract, _) in zip(spec, made, strict=True)
        ]
        first = (s.scalar(select(Document.id).order_by(Document.id.desc()).limit(1)) or 0) + 1
        s.execute(insert(Document), rows)
        ids = list(range(first, first + len(rows)))
        s.execute(
            insert(Embedding),
            [
                {
                    "model_id": MODEL,
                    "text_hash": text_hash(document_text(_Text(title, abstract))),
                    "dim": DIM,
                    "vector": encode_vector(vec),
                }
                for title, abstract, vec in made
            ],
        )
        return ids, {d: vec for d, (_, _, vec) in zip(ids, made, strict=True)}


class _Text:
    title: str
    abstract: str | None

    def __init__(self, title: str, abstract: str) -> None:
        self.title, self.abstract = title, abstract


def timed(engine: Engine, fn: Callable[[Any], Any]) -> tuple[tuple[float, float], Any]:
    """Wall and CPU time (ms) of ``fn(session)`` in its own transaction, commit included. CPU time (this
    process, SQLite included) is what a busy shared machine distorts least."""
    t0, c0 = time.perf_counter(), time.process_time()
    with session_scope(engine) as s:
        result = fn(s)
    return ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--themes", type=int, default=5000)
    parser.add_argument("--docs", type=int, default=4, help="documents per theme")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--ops", type=int, default=60, help="extra mixed operations before the carry-over")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        corpus = Corpus(args.themes, args.seed)
        t0 = time.perf_counter()
        spec = [(t, i) for t in range(args.themes) for i in range(args.docs)]
        doc_ids, vectors = insert_documents(engine, corpus, spec)
        groups = [doc_ids[t * args.docs : (t + 1) * args.docs] for t in range(args.themes)]
        run1, themes = insert_run(engine, corpus, groups, vectors, None)
        built = time.perf_counter() - t0
        print(f"store: {args.themes:,} themes, {len(doc_ids):,} documents, built in {built:.1f} s")
        rows: list[tuple[str, tuple[float, float]]] = []
        ms, _ = timed(engine, lambda s: run_term_stats(s, s.get(AnalysisRun, run1)))
        rows.append(("run term statistics (once per run, on first curation)", ms))

        pick = iter(np.random.default_rng(args.seed + 1).permutation(themes).tolist())
        who: dict[str, Any] = {"actor": "bench", "reason": "timing"}

        def row(name: str, fn: Callable[[Any], Any]) -> list[Any]:
            times, results = [], []
            for _ in range(args.repeat):
                ms, result = timed(engine, fn)
                times.append(ms)
                results.append(result)
            wall = statistics.median(t[0] for t in times)
            rows.append((name, (wall, statistics.median(t[1] for t in times))))
            return results

        row("relabel", lambda s: cur.relabel(s, next(pick), label_en="Renamed", label_zh="新名", **who))
        row("hide", lambda s: cur.hide(s, next(pick), **who))
        row("annotate", lambda s: cur.annotate(s, next(pick), "check the label", **who))
        row("flag", lambda s: cur.flag(s, next(pick), actor="bench", reason="wrong cluster"))
        row(
            "link (similar_to)",
            lambda s: cur.link(s, next(pick), next(pick), "similar_to", weight=0.5, **who),
        )
        row(
            "unlink (suppress a keyword edge)",
            lambda s: (
                lambda t: cur.unlink(
                    s, t, f"kw:{corpus.theme_words[themes.index(t)][0]}", "has_keyword", **who
                )
            )(next(pick)),
        )

        def move(s: Any) -> Any:
            a, b = next(pick), next(pick)
            docs = s.scalars(select(ThemeMembership.document_id).where(ThemeMembership.theme_id == a)).all()
            return cur.move_documents(s, docs[:2], a, b, **who)

        row("move_documents (2 documents)", move)
        merges = row("merge (2 themes)", lambda s: cur.merge(s, [next(pick), next(pick)], **who))
        row("merge (5 themes)", lambda s: cur.merge(s, [next(pick) for _ in range(5)], **who))
        row("split (automatic, k by silhouette)", lambda s: cur.split(s, next(pick), **who))

        def split_hand(s: Any) -> Any:
            t = next(pick)
            docs = s.scalars(select(ThemeMembership.document_id).where(ThemeMembership.theme_id == t)).all()
            return cur.split(s, t, [docs[: len(docs) // 2], docs[len(docs) // 2 :]], **who)

        row("split (hand-assigned parts)", split_hand)
        row("delete", lambda s: cur.delete(s, next(pick), **who))
        row("preview_split", lambda s: cur.preview_split(s, next(pick)))
        undo_ids = iter(r.op_id for r in merges)
        row("undo (a merge)", lambda s: cur.undo(s, next(undo_ids), actor="bench"))
        redo_ids = iter(r.op_id for r in merges)
        row("redo (the merge)", lambda s: cur.redo(s, next(redo_ids), actor="bench"))
        ms, G = timed(engine, lambda s: build_run_graph(s, run1))
        rows.append((f"build_run_graph ({G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges)", ms))

        rng = np.random.default_rng(args.seed + 2)
        kinds = ["relabel", "hide", "annotate", "merge", "split", "move"]
        for k in range(args.ops):
            kind = kinds[k % len(kinds)]
            with session_scope(engine) as s:
                if kind == "relabel":
                    cur.relabel(s, next(pick), label_en=f"Label {k}", **who)
                elif kind == "hide":
                    cur.hide(s, next(pick), **who)
                elif kind == "annotate":
                    cur.annotate(s, next(pick), f"note {k}", **who)
                elif kind == "merge":
                    cur.merge(s, [next(pick), next(pick)], **who)
                elif kind == "split":
                    cur.split(s, next(pick), n_parts=2, **who)
                else:
                    move(s)
        # the later run: same groups, a new document in every 10th theme, every 50th theme gone
        new_spec = [(t, 100 + t) for t in range(0, args.themes, 10)]
        new_ids, new_vectors = insert_documents(engine, corpus, new_spec)
        vectors.update(new_vectors)
        later = [list(g) for g in groups]
        for (t, _), d in zip(new_spec, new_ids, strict=True):
            later[t].append(d)
        later = [g for t, g in enumerate(later) if t % 50 != 49]
        run2, _ = insert_run(engine, corpus, later, vectors, run1)
        del rng
        # run_analysis stores the later run's term statistics from its fitted c-TF-IDF; computed here
        ms, _ = timed(engine, lambda s: run_term_stats(s, s.get(AnalysisRun, run2)))
        rows.append(("later run's term statistics (stored by run_analysis; not part of carry-over)", ms))
        ms, report = timed(engine, lambda s: cur.carry_over(s, run1, run2))
        n_ops = len(report.operations)
        rows.append(
            (
                f"carry_over ({n_ops} operations → {len(report.carried)} carried, "
                f"{len(report.needs_review)} need review, {len(report.skipped)} skipped)",
                ms,
            )
        )
        engine.dispose()

    width = max(len(name) for name, _ in rows)
    print(f"\n{'operation (own transaction, commit included), median':<{width}}    wall ms     CPU ms")
    for name, (wall, cpu) in rows:
        print(f"{name:<{width}}  {wall:9.1f}  {cpu:9.1f}")


if __name__ == "__main__":
    main()
