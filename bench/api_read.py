"""Latency of the analysis API's reads on a synthetic run of 40 000 documents (prints figures; no asserts).

    .venv/bin/python bench/api_read.py [--documents 40000] [--themes 400] [--requests 60] [--database-url URL]

Builds a fresh store (SQLite in a temporary folder by default), one run with ``--themes`` themes, their
memberships and indicators, then times requests through the real app (TestClient, in process) and prints
p50 / p95 per endpoint against the targets (listing and detail p95 < 150 ms).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from foresight.apikeys import create_key
from foresight.db.bulk import bulk_insert
from foresight.db.models import AnalysisRun, Document, ImportBatch, Theme, ThemeIndicators, ThemeMembership
from foresight.db.session import session_scope
from foresight.settings import Settings

TARGET_MS = 150.0
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


def build(settings: Settings, n_docs: int, n_themes: int, seed: int = 0) -> tuple[int, list[int], str]:
    rng = random.Random(seed)
    app = create_app(settings)
    with TestClient(app):
        engine = app.state.engines.get(settings)[0]
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


def timed(call: Callable[[], int], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        status = call()
        out.append((time.perf_counter() - t0) * 1000)
        assert status == 200, status
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40_000)
    parser.add_argument("--themes", type=int, default=400)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() after start-up (long-lived objects leave the GC)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}",
                            data_dir=Path(tmp))  # fmt: skip
        t0 = time.perf_counter()
        run_id, theme_ids, key = build(settings, args.documents, args.themes)
        print(f"store: {args.documents} documents, {args.themes} themes in {time.perf_counter() - t0:.1f} s")
        rng = random.Random(1)
        h = {"Authorization": f"Bearer {key}"}
        with TestClient(create_app(settings)) as c:
            if args.gc_freeze:
                gc.collect()
                gc.freeze()
            cases: dict[str, Callable[[], int]] = {
                "themes list (size)": lambda: c.get(f"/api/v1/runs/{run_id}/themes", headers=h).status_code,
                "themes list (indicator:escore, zh, 2020-2026)": lambda: (
                    c.get(
                        f"/api/v1/runs/{run_id}/themes",
                        params={
                            "sort": "indicator:escore",
                            "language": "zh",
                            "year_from": 2020,
                            "year_to": 2026,
                        },
                        headers=h,
                    ).status_code
                ),
                "theme detail": lambda: (
                    c.get(f"/api/v1/themes/{rng.choice(theme_ids)}", headers=h).status_code
                ),
                "documents of a theme": lambda: (
                    c.get(
                        "/api/v1/documents", params={"theme_id": rng.choice(theme_ids)}, headers=h
                    ).status_code
                ),
                "documents page (offset 20000)": lambda: (
                    c.get("/api/v1/documents", params={"offset": 20_000}, headers=h).status_code
                ),
            }
            for name, call in cases.items():
                call()  # warm-up
                ms = sorted(timed(call, args.requests))
                p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
                verdict = "ok" if p95 < TARGET_MS else "OVER TARGET"
                p50 = statistics.median(ms)
                print(f"{name:<46} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {ms[-1]:6.1f} ms  ({verdict})")
        print("search: not measured here (/api/v1/search is not wired; see bench/search.py)")


if __name__ == "__main__":
    main()
