"""The import pipeline: parsing in a helper thread, batched duplicate lookups, statistics refresh."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import foresight.ingest.service as service
from foresight.db.models import Document, DocumentSource, ImportBatch
from foresight.db.session import session_scope
from foresight.ingest.dedup import rows_matching
from foresight.ingest.errors import FileFormatError, ImportAborted
from foresight.ingest.formats.shared_corpora import ArxivJsonl
from foresight.ingest.normalize import clean_text, split_list
from foresight.ingest.service import import_file


def _paper(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"2502.{i:05d}",
        "announced": "2025-02-03",
        "title": f"Paper number {i} on topic {i % 7}",
        "abstract": f"Abstract {i}.",
        "authors": [f"Author {i}", f"Author {i + 1}"],
        "categories": ["cs.AI"],
        **extra,
    }


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(  # type: ignore[return-value]
        session.scalar(select(func.count()).select_from(m)) or 0
        for m in (Document, DocumentSource, ImportBatch)
    )


def _second_file(tmp_path: Path) -> Path:
    """Ten rows: exact repeats, duplicates by arXiv id and by title + year of stored and of earlier rows."""
    rows = [
        _paper(1),  # unchanged (same raw record as stored)
        _paper(2, comment="v2", categories=["cs.AI", "cs.LG"]),  # merges into stored 2 by arXiv id
        _paper(100),  # new
        _paper(101),  # new
        {**_paper(102), "title": _paper(3)["title"].upper() + " ", "id": "2502.99003"},  # new: other arXiv id
        {k: v for k, v in _paper(103).items() if k != "id"} | {"id": "", "title": _paper(4)["title"]},
        _paper(100, comment="again"),  # merges into row 3 of this file (an earlier batch)
        _paper(101),  # unchanged: repeats row 4 of this file
        _paper(104),  # new
        _paper(5, abstract="Changed abstract."),  # merges into stored 5
    ]
    return _write(tmp_path / "second.jsonl", rows)


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_dedup_across_batches_and_against_stored_rows(
    engine: Engine, tmp_path: Path, batch_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Duplicates in other batches of the same file and in the store are found whatever the batch size,
    also when the table statistics are refreshed in the middle of the import (PostgreSQL)."""
    monkeypatch.setattr(service, "ANALYZE_MIN_ROWS", 2)
    first = _write(tmp_path / "first.jsonl", [_paper(i) for i in range(1, 9)])
    with session_scope(engine) as s:
        assert import_file(s, first, batch_size=batch_size).new == 8
    second = _second_file(tmp_path)
    with session_scope(engine) as s:
        report = import_file(s, second, batch_size=batch_size)
        assert (report.read, report.new, report.merged, report.unchanged) == (10, 4, 4, 2)
        # row 6 has no arXiv id: it merged into stored paper 4 by title and year
        merged = s.scalars(select(Document).where(Document.arxiv_id == "2502.00004")).one()
        assert len(merged.sources) == 2
        assert _counts(s) == (12, 16, 2)
        doc = s.scalars(select(Document).where(Document.arxiv_id == "2502.00002")).one()
        assert doc.categories == ["cs.AI", "cs.LG"]


def test_statistics_are_refreshed_geometrically(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "ANALYZE_MIN_ROWS", 2)
    statements: list[str] = []
    original = Session.execute

    def spy(self: Session, statement: Any, *args: Any, **kwargs: Any) -> Any:
        statements.append(str(statement))
        return original(self, statement, *args, **kwargs)

    monkeypatch.setattr(Session, "execute", spy)
    path = _write(tmp_path / "many.jsonl", [_paper(i) for i in range(40)])
    with session_scope(engine) as s:
        assert import_file(s, path, batch_size=2).new == 40
    analyses = [x for x in statements if x.startswith("ANALYZE")]
    if engine.dialect.name == "postgresql":
        # after 2, 4, 8, 16 and 32 rows (and not after every batch of two)
        assert len(analyses) == 5
    else:
        assert analyses == []


def test_lookup_values_with_quotes_commas_and_unicode(session: Session, tmp_path: Path) -> None:
    odd = ['odd,"1', "x'y\\z", "数据{1}", "a b"]
    path = _write(tmp_path / "odd.jsonl", [_paper(i, id=value) for i, value in enumerate(odd)])
    assert import_file(session, path).new == 4
    wanted = [*odd, "missing", "数据"]
    found = [row[0] for row in rows_matching(session, (Document.arxiv_id,), Document.arxiv_id, wanted)]
    assert sorted(found) == sorted(odd)
    again = import_file(session, path)
    assert (again.new, again.merged, again.unchanged) == (0, 0, 4)


def _threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("parse ")}


def test_abort_stops_the_parse_thread(engine: Engine, tmp_path: Path) -> None:
    rows = [json.dumps(_paper(i)) for i in range(50)]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join([*rows[:5], "{broken", *rows[5:]]) + "\n", encoding="utf-8")
    with pytest.raises(ImportAborted, match="line 6"), session_scope(engine) as s:
        import_file(s, path, batch_size=2)
    assert not _threads()
    with session_scope(engine) as s:
        assert _counts(s) == (0, 0, 0)


def test_progress_callback_error_propagates_and_stops_the_thread(engine: Engine, tmp_path: Path) -> None:
    path = _write(tmp_path / "many.jsonl", [_paper(i) for i in range(200)])

    def progress(n: int) -> None:
        if n == 7:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), session_scope(engine) as s:
        import_file(s, path, batch_size=5, on_progress=progress)
    assert not _threads()
    with session_scope(engine) as s:
        assert _counts(s) == (0, 0, 0)


def test_parser_failure_is_raised_in_the_caller(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "ok.jsonl", [_paper(i) for i in range(30)])
    original = ArxivJsonl.parse

    def failing(self: ArxivJsonl, p: Path) -> Iterator[Any]:
        for n, item in enumerate(original(self, p)):
            if n == 12:
                raise FileFormatError(p, "disk went away")
            yield item

    monkeypatch.setattr(ArxivJsonl, "parse", failing)
    with pytest.raises(FileFormatError, match="disk went away"), session_scope(engine) as s:
        import_file(s, path, batch_size=4)
    assert not _threads()
    with session_scope(engine) as s:
        assert _counts(s) == (0, 0, 0)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([], []),
        (["a", "b"], ["a", "b"]),
        ([" a ", "b "], ["a", "b"]),
        (["Ab", "aB", "c"], ["Ab", "c"]),
        (["", "a", "  "], ["a"]),
        (["a  b", "c"], ["a b", "c"]),
        (["x\u3000y", "x\xa0z"], ["x y", "x z"]),
        (["<i>Deep</i> nets", "A &amp; B"], ["Deep nets", "A & B"]),
        (["a\nb", "a b"], ["a b"]),
        ([1, "1", 2], ["1", "2"]),
        (("t", "u"), ["t", "u"]),
    ],
)
def test_split_list_of_items(items: list[Any], expected: list[str]) -> None:
    assert split_list(items) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  plain text ", "plain text"),
        ("two  spaces", "two spaces"),
        ("tab\there", "tab here"),
        ("line\r\nbreak", "line break"),
        ("<p>para</p>", "para"),
        ("a &lt; b", "a < b"),
        ("\u3000", None),
        ("", None),
    ],
)
def test_clean_text(text: str, expected: str | None) -> None:
    assert clean_text(text) == expected
