"""Fixtures of the analysis API tests: API keys of each role and a small hand-made run over the arXiv fixture
corpus (no embedding model). The app on a migrated store (SQLite and PostgreSQL: ``settings``, ``app``,
``client``, ``app_engine``) comes from ``tests/conftest.py``, here with a 1 MiB body limit."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from foresight.apikeys import create_key
from foresight.db.models import AnalysisRun, Document, LineageEvent, Theme, ThemeIndicators, ThemeMembership
from foresight.db.session import session_scope
from foresight.ingest.service import import_file
from foresight.settings import Settings
from tests.conftest import ADMIN_TOKEN, FIXTURES, SECRET_KEY

__all__ = ["ADMIN_TOKEN", "SECRET_KEY", "THEMES", "Keys", "Store", "bearer", "build_store", "session_for"]


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def max_request_bytes() -> int:
    """Imports upload files: a 1 MiB body limit here (the shared ``settings`` fixture reads it)."""
    return 1024 * 1024


@dataclass
class Keys:
    analyst: str
    analyst2: str
    planner: str


@pytest.fixture
def keys(app_engine: Engine) -> Keys:
    with session_scope(app_engine) as s:
        return Keys(
            analyst=create_key(s, "alice", "analyst")[1],
            analyst2=create_key(s, "bob", "analyst")[1],
            planner=create_key(s, "paula", "planner")[1],
        )


@dataclass
class Store:
    run_id: int
    theme_ids: list[int]  # by number: 0, 1, 2
    doc_ids: list[int]
    restricted_id: int


#: (label, size share, escore) of the three hand-made themes.
THEMES = [("Language models", 20, 0.2), ("Fraud detection", 12, 0.9), ("Robotics", 8, None)]


def build_store(engine: Engine) -> Store:
    """The arXiv fixture (40 papers) with a run of three themes, indicators for two and a lineage event."""
    with session_scope(engine) as s:
        import_file(s, FIXTURES / "corpora" / "arxiv.jsonl")
    with session_scope(engine) as s:
        docs = list(s.scalars(select(Document).order_by(Document.id)))
        docs[0].access_level = "restricted"
        docs[0].language = "en"
        for d in docs[32:]:
            d.language = "zh"  # the last theme's documents
            d.year = 2019
        run = AnalysisRun(
            status="completed", seed=1, model_id="test", representation="lexical",
            corpus_fingerprint="f" * 64, n_documents=len(docs), n_themes=3,
            parameters={"min_cluster_size": 5}, timings={"fit": 1.5},
        )  # fmt: skip
        s.add(run)
        s.flush()
        theme_ids, start = [], 0
        for number, (label, size, escore) in enumerate(THEMES):
            members = docs[start : start + size]
            start += size
            theme = Theme(
                run_id=run.id, number=number, label_en=label, label_zh="", size=size,
                keywords=[[label.split()[0].lower(), 0.5], ["data", 0.1]],
                representative_doc_ids=[members[1].id], lineage_id=f"L{number}",
            )  # fmt: skip
            s.add(theme)
            s.flush()
            theme_ids.append(theme.id)
            for d in members:
                s.add(ThemeMembership(run_id=run.id, document_id=d.id, theme_id=theme.id, probability=0.9))
            if escore is not None:
                s.add(
                    ThemeIndicators(
                        run_id=run.id, theme_id=theme.id, as_of=date(2026, 6, 30), granularity="year",
                        indicators={
                            "values": {
                                "escore": {"value": escore, "formula": "volume.papers"},
                                "volume": {"value": size, "formula": "volume.papers"},
                            },
                            "series": {"volume": [[2025, size - 2], [2026, size]]},
                        },
                        composite=escore,
                    )
                )  # fmt: skip
        s.add(LineageEvent(from_run_id=None, to_run_id=run.id, event="birth", to_theme_ids=[theme_ids[1]]))
        return Store(run.id, theme_ids, [d.id for d in docs], docs[0].id)


@pytest.fixture
def store(app_engine: Engine) -> Store:
    return build_store(app_engine)


@pytest.fixture
def data_file(settings: Settings) -> str:
    """The arXiv fixture copied into the data folder (what a server-side import may read)."""
    target = settings.data_dir / "incoming" / "arxiv.jsonl"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "corpora" / "arxiv.jsonl", target)
    return "incoming/arxiv.jsonl"


def session_for(engine: Engine) -> Session:
    return Session(engine)
