"""A store shared by the search tests: the three fixture corpora and two analysis runs, on SQLite and
PostgreSQL (session-scoped: the real model embeds the corpus once per backend)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from foresight.db.migrate import upgrade
from foresight.db.session import make_engine, session_scope
from foresight.ingest.service import import_file
from foresight.search import IndexCache
from foresight.settings import Settings
from foresight.themes.runs import AnalysisOptions, CorpusFilter, run_analysis
from tests.conftest import FIXTURES, pg_schema, schema_url, sqlite_url

CORPORA = FIXTURES / "corpora"


@dataclass
class SearchStore:
    engine: Engine
    url: str
    settings: Settings
    cache: IndexCache
    _runs: dict[str, int]

    def run(self, name: str) -> int:
        """``"en"``: neural run over the English documents; ``"zh"``: lexical run over the Chinese ones."""
        if name not in self._runs:
            options = AnalysisOptions(
                stability_runs=0,
                map_2d=False,
                seed=7,
                representation="neural" if name == "en" else "lexical",
                filters=CorpusFilter(languages=(name,)),
                label=f"search tests {name}",
            )
            self._runs[name] = run_analysis(self.engine, self.settings, options).run_id
        return self._runs[name]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def search_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("search-db"))
        return
    url = request.getfixturevalue("postgres_url")
    with pg_schema(url) as (_engine, schema):
        yield schema_url(url, schema)


@pytest.fixture(scope="session")
def search_store(search_db_url: str) -> Iterator[SearchStore]:
    engine = make_engine(search_db_url)
    upgrade(engine)
    for name in ("arxiv.jsonl", "uspto.jsonl", "csl.jsonl"):
        with session_scope(engine) as s:
            import_file(s, CORPORA / name)
    yield SearchStore(
        engine, search_db_url, Settings(database_url=search_db_url), IndexCache(full_check_seconds=0), {}
    )
    engine.dispose()
