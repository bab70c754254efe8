"""Import throughput and memory of the document store, on SQLite and PostgreSQL.

Imports the full arXiv-cs corpus (37k records) from ``shared/data`` into a fresh SQLite file and a fresh
PostgreSQL schema, each in its own process, and prints records per second and peak memory. A run on a
quarter of the file shows whether memory grows with the file size (it should not: parsing streams).

    .venv/bin/python bench/ingest.py [--corpus PATH] [--postgres URL] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "arxiv-cs" / "arxiv-cs.jsonl.gz"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def child(url: str, corpus: str) -> None:
    """Run one import in this process and print a JSON line with the figures."""
    from sqlalchemy import text

    from foresight.db.session import session_scope
    from foresight.ingest.service import import_file
    from foresight.settings import Settings
    from foresight.store import open_store

    engine = open_store(Settings(database_url=url))
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = -1.0
    with session_scope(engine) as session:
        backend = (
            session.scalar(text("SELECT pg_backend_pid()")) if engine.dialect.name == "postgresql" else None
        )
        server_started = _backend_cpu(backend)
        report = import_file(session, Path(corpus))
        if server_started >= 0:
            server_cpu = _backend_cpu(backend) - server_started
    seconds = time.perf_counter() - started  # includes the commit
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {"read": report.read, "new": report.new, "seconds": seconds, "peak_mib": usage.ru_maxrss / 1024}
    figures["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    figures["import_cpu_seconds"] = figures["cpu_seconds"] - before.ru_utime - before.ru_stime
    figures["server_cpu_seconds"] = server_cpu
    print(json.dumps(figures))


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL backend ``pid`` when the server runs on this machine
    (wall-clock figures on a loaded machine say little; CPU time does), else -1."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return -1.0


def run_child(url: str, corpus: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", url, str(corpus)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def pg_schema(url: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with create_engine(url).begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    return f"{url}?options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(url).begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


def head_of(corpus: Path, fraction: float, folder: Path) -> Path:
    with gzip.open(corpus, "rt", encoding="utf-8") as src:
        lines = src.readlines()
    part = folder / f"{corpus.stem}.part.jsonl"
    part.write_text("".join(lines[: int(len(lines) * fraction)]), encoding="utf-8")
    return part


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--postgres", default=os.environ.get("FORESIGHT_TEST_POSTGRES_URL", DEFAULT_PG))
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--child", nargs=2, metavar=("URL", "CORPUS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        quarter = head_of(args.corpus, 0.25, Path(tmp))
        for backend in args.backends.split(","):
            for label, corpus in (("25%", quarter), ("100%", args.corpus)):
                if backend == "sqlite":
                    db = Path(tmp) / f"bench-{label.rstrip('%')}.db"
                    figures = run_child(f"sqlite:///{db}", corpus)
                else:
                    url, schema = pg_schema(args.postgres)
                    try:
                        figures = run_child(url, corpus)
                    finally:
                        drop_schema(args.postgres, schema)
                rows.append((backend, label, figures))
                rate = figures["read"] / figures["seconds"]
                server = figures.get("server_cpu_seconds", -1.0)
                print(
                    f"{backend:10} {label:>5} {int(figures['read']):>7,} records  "
                    f"{figures['seconds']:6.2f} s  {rate:8,.0f} records/s  "
                    f"(client CPU {figures['cpu_seconds']:5.1f} s, "
                    f"import {figures['import_cpu_seconds']:5.1f} s"
                    + (f"; server CPU {server:5.1f} s" if server >= 0 else "")
                    + f")  peak RSS {figures['peak_mib']:6.0f} MiB",
                    flush=True,
                )
    print(f"\ncorpus: {args.corpus}  (target: >= 5,000 records/s; peak memory flat from 25% to 100%)")
    print(f"machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
