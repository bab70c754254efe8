"""Load test of the online Delphi: many experts answering many items at once, against uvicorn on 127.0.0.1.

For each backend (a SQLite file, and a fresh PostgreSQL schema) it creates a survey with ``--items`` items and
``--experts`` invited experts, opens round 1, starts ``uvicorn --factory api.main:create_app`` in a separate
process, and then lets every expert open the questionnaire once and submit every item (httpx AsyncClient,
``--concurrency`` requests in flight, a wall-clock ``--time-limit``, only to 127.0.0.1). A share of the
submissions (``--duplicates``) is sent twice at the same moment, as a double click would. It prints
throughput, latency percentiles, errors, and whether the database holds exactly the expected answers: one
row per expert × item × question, none lost, none duplicated, all submitted, with the values that were sent.

Example::

    python bench/delphi_load.py --backend both --experts 500 --items 30 --concurrency 16

Figures are printed, never asserted (targets: zero errors, no lost/duplicate answers, p99 < 300 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from foresight.db.models import Expert, Response  # noqa: E402
from foresight.delphi.service.invitations import create_invitations  # noqa: E402
from foresight.delphi.service.rounds import open_next_round  # noqa: E402
from foresight.delphi.service.surveys import ItemIn, SurveyCreate, create_survey  # noqa: E402
from foresight.settings import Settings  # noqa: E402
from foresight.store import open_store  # noqa: E402

SECRET = "bench-secret-key-0123456789abcdef"
GROUPS = ("academia", "industry", "government", "finance", "other")
IMPORTANCE = ("very_high", "high", "medium", "low", "very_low", "dont_know")
BINS = ("y2026_2030", "y2031_2035", "y2036_2040", "y2041_2045", "y2046_2050", "after_2050", "never")
POSITIONS = ("leading", "on_par", "behind")
CONSTRAINTS = ("technical", "commercial", "regulation", "human_resources", "rd_funding", "infrastructure")
MEASURES = ("human_resources", "funding", "standards", "regulation", "procurement")
N_QUESTIONS = 8  # questions of the default template; a submission stores one row each


def answers_for(rng: random.Random) -> dict[str, Any]:
    """A valid random answer set for the default template."""
    return {
        "familiarity": rng.choice(("high", "medium", "low")),
        "importance": rng.choice(IMPORTANCE),
        "realization_technological": rng.choice(BINS),
        "realization_social": rng.choice(BINS),
        "rd_position": {
            "position": rng.choice(POSITIONS),
            "leading_countries": rng.sample(["US", "JP", "EU"], 2),
        },
        "constraints": rng.sample(CONSTRAINTS, 2),
        "policy_measures": rng.sample(MEASURES, 2),
        "reason": {"text": "benchmark argument"} if rng.random() < 0.3 else None,
    }


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    not_sent: int = 0

    def record(self, started: float, outcome: str | None) -> None:
        self.latencies.append(time.perf_counter() - started)
        if outcome is not None:
            self.errors[outcome] = self.errors.get(outcome, 0) + 1

    def report(self) -> str:
        n = len(self.latencies)
        if not n:
            return f"{self.name}: no requests"
        ms = np.asarray(self.latencies) * 1000
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        errors = sum(self.errors.values())
        return (
            f"{self.name:<10} requests {n:>6}  errors {errors:>3} {dict(self.errors) if errors else ''}  "
            f"throughput {n / self.seconds:7.1f} req/s  latency ms p50 {p50:6.1f}  p95 {p95:6.1f}  "
            f"p99 {p99:6.1f}  max {ms.max():7.1f}"
            + (f"  NOT SENT (time limit) {self.not_sent}" if self.not_sent else "")
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(
    url: str, data_dir: Path, n_experts: int, n_items: int
) -> tuple[int, dict[int, str], int, list[int]]:
    """Experts, a survey with items, invitations (plain tokens kept for the simulation), round 1 open."""
    settings = Settings(database_url=url, data_dir=data_dir)
    engine = open_store(settings)
    with Session(engine) as s:
        experts = [
            Expert(
                name=f"Bench expert {k}",
                email=f"bench{k}@example.org",
                stakeholder_group=GROUPS[k % 5],
                fields=["energy"],
                languages=["zh"],
            )
            for k in range(n_experts)
        ]
        s.add_all(experts)
        s.flush()
        items = [ItemIn(title_zh=f"技术{k}", title_en=f"Technology {k}") for k in range(n_items)]
        survey = create_survey(
            s, SurveyCreate(title_en="Load test", title_zh="压力测试", items=items), "bench"
        )
        issued = create_invitations(s, survey.id, [e.id for e in experts], "bench", expires_days=1)
        rnd = open_next_round(s, survey.id, "bench")
        s.commit()
        result = survey.id, {i.invitation.expert_id: i.token for i in issued}, rnd.id, list(rnd.items_asked)
    engine.dispose()
    return result


def start_server(url: str, data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "FORESIGHT_DATABASE_URL": url,
        "FORESIGHT_DATA_DIR": str(data_dir),
        "FORESIGHT_SECRET_KEY": SECRET,
        "FORESIGHT_ADMIN_TOKEN": "bench-admin",
    }
    cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "api.main:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("uvicorn did not come up within 60 s")


async def simulate(
    base: str, tokens: dict[int, str], round_id: int, items: list[int], args: argparse.Namespace
) -> tuple[Phase, Phase, dict[tuple[int, int], dict[str, Any]]]:
    """Every expert opens the questionnaire, then submits every item; returns phases and what was accepted."""
    rng = random.Random(args.seed)
    limits = httpx.Limits(max_connections=args.concurrency, max_keepalive_connections=args.concurrency)
    opened, answered = Phase("open"), Phase("submit")
    accepted: dict[tuple[int, int], dict[str, Any]] = {}
    deadline = time.monotonic() + args.time_limit
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

        async def run(jobs: list[Any], worker: Any, phase: Phase) -> None:
            queue: asyncio.Queue[Any] = asyncio.Queue()
            for job in jobs:
                queue.put_nowait(job)
            started = time.perf_counter()

            async def loop() -> None:
                while not queue.empty():
                    job = queue.get_nowait()
                    if time.monotonic() > deadline:
                        phase.not_sent += 1
                        continue
                    await worker(job)

            await asyncio.gather(*(loop() for _ in range(args.concurrency)))
            phase.seconds = time.perf_counter() - started

        async def request(phase: Phase, method: str, url: str, token: str, **kw: Any) -> bool:
            t0 = time.perf_counter()
            try:
                r = await client.request(method, url, headers={"Authorization": f"Bearer {token}"}, **kw)
            except httpx.HTTPError as exc:
                phase.record(t0, type(exc).__name__)
                return False
            phase.record(t0, None if r.status_code == 200 else f"HTTP {r.status_code}")
            return r.status_code == 200

        async def open_one(expert_id: int) -> None:
            await request(opened, "GET", "/api/expert/questionnaire", tokens[expert_id])

        await run(list(tokens), open_one, opened)

        jobs = [(e, i, answers_for(rng), rng.random() < args.duplicates) for e in tokens for i in items]
        rng.shuffle(jobs)

        async def submit(job: tuple[int, int, dict[str, Any], bool]) -> None:
            expert_id, item_id, answers, twice = job
            url = f"/api/expert/rounds/{round_id}/items/{item_id}/answers"
            body = {"answers": answers, "submit": True}
            sends = [
                request(answered, "PUT", url, tokens[expert_id], json=body) for _ in range(2 if twice else 1)
            ]
            results = await asyncio.gather(*sends)
            if any(results):
                accepted[(expert_id, item_id)] = answers

        await run(jobs, submit, answered)
    return opened, answered, accepted


def verify(url: str, round_id: int, accepted: dict[tuple[int, int], dict[str, Any]]) -> list[str]:
    """Compare the database with what the server accepted."""
    engine = create_engine(url)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(Response).where(Response.round_id == round_id)) or 0
        distinct = s.scalar(
            text(
                "SELECT count(*) FROM (SELECT DISTINCT item_id, expert_id, question_id FROM responses "
                "WHERE round_id = :r) AS d"
            ),
            {"r": round_id},
        )
        statuses = dict(
            s.execute(
                select(Response.status, func.count())
                .where(Response.round_id == round_id)
                .group_by(Response.status)
            ).all()
        )
        stored = {
            (e, i): v
            for e, i, v in s.execute(
                select(Response.expert_id, Response.item_id, Response.value).where(
                    Response.round_id == round_id, Response.question_id == "importance"
                )
            )
        }
    engine.dispose()
    expected = len(accepted) * N_QUESTIONS
    lost = set(accepted) - set(stored)
    unexpected = set(stored) - set(accepted)
    wrong = [k for k, a in accepted.items() if k in stored and stored[k] != a["importance"]]
    ok = total == expected and distinct == total and not lost and not unexpected and not wrong
    return [
        f"database   rows {total} (expected {expected} = {len(accepted)} submissions × {N_QUESTIONS}), "
        f"distinct {distinct}, duplicates {total - (distinct or 0)}, lost submissions {len(lost)}, "
        f"unexpected {len(unexpected)}, wrong values {len(wrong)}, statuses {statuses}",
        "check      " + ("PASS: exactly the expected answers" if ok else "FAIL"),
    ]


def backend_url(name: str, args: argparse.Namespace, workdir: Path) -> tuple[str, Any]:
    if name == "sqlite":
        return f"sqlite:///{(workdir / 'bench.db').as_posix()}", None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return f"{args.postgres_url}?options=-csearch_path%3D{schema}", drop


def run_backend(name: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="delphi-load-") as tmp:
        workdir = Path(tmp)
        url, cleanup = backend_url(name, args, workdir)
        try:
            t0 = time.perf_counter()
            _, tokens, round_id, items = prepare(url, workdir, args.experts, args.items)
            setup_s = time.perf_counter() - t0
            port = free_port()
            server = start_server(url, workdir, port, args.workers)
            try:
                opened, answered, accepted = asyncio.run(
                    simulate(f"http://127.0.0.1:{port}", tokens, round_id, items, args)
                )
            finally:
                server.terminate()
                server.wait(timeout=30)
            print(
                f"\n== {name}: {args.experts} experts × {args.items} items, concurrency {args.concurrency}, "
                f"duplicates {args.duplicates:.0%}, uvicorn workers {args.workers} (setup {setup_s:.1f} s)"
            )
            print(opened.report())
            print(answered.report())
            submissions = args.experts * args.items
            print(
                f"submitted  {len(accepted)}/{submissions} expert × item answer sets accepted "
                f"({len(accepted) * N_QUESTIONS / answered.seconds:.0f} answers/s stored)"
            )
            for line in verify(url, round_id, accepted):
                print(line)
        finally:
            if cleanup:
                cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--experts", type=int, default=500)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=16, help="Requests in flight at once.")
    parser.add_argument(
        "--duplicates", type=float, default=0.02, help="Share of submissions sent twice at once."
    )
    parser.add_argument("--time-limit", type=float, default=600, help="Stop sending after this many seconds.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "FORESIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); server and client on 127.0.0.1")
    for name in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        run_backend(name, args)


if __name__ == "__main__":
    main()
