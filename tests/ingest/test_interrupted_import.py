"""A process killed in the middle of an import leaves the store exactly as it was before that file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from foresight.db.models import Document, DocumentSource, ImportBatch
from foresight.db.session import session_scope
from foresight.ingest.service import import_file
from tests.conftest import FIXTURES

KILLER = """
import os, signal, sys
from pathlib import Path
from foresight.db.session import make_engine, session_scope
from foresight.ingest.service import import_file

engine = make_engine(sys.argv[1])

def progress(n):
    if n >= int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)

with session_scope(engine) as s:
    import_file(s, Path(sys.argv[2]), batch_size=200, on_progress=progress)
"""


def _big_file(tmp_path: Path, n: int) -> Path:
    base = [json.loads(x) for x in (FIXTURES / "corpora" / "arxiv.jsonl").read_text().splitlines()]
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            rec = dict(base[i % len(base)], id=f"2601.{i:05d}", title=f"{base[i % len(base)]['title']} {i}")
            out.write(json.dumps(rec) + "\n")
    return path


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        return tuple(  # type: ignore[return-value]
            s.scalar(select(func.count()).select_from(m)) or 0
            for m in (Document, DocumentSource, ImportBatch)
        )


def test_killed_import_leaves_store_unchanged(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        import_file(s, FIXTURES / "corpora" / "csl.jsonl")
    before = _counts(engine)
    big = _big_file(tmp_path, 1500)
    url = engine.url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, url, str(big), "1000"], capture_output=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert _counts(engine) == before
    # the store is usable afterwards and the same file then imports completely
    with session_scope(engine) as s:
        report = import_file(s, big)
    assert report.new == 1500
    assert _counts(engine) == (before[0] + 1500, before[1] + 1500, before[2] + 1)
