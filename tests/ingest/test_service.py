"""Importing files into the store: counts, deduplication, atomicity, rejected rows, re-imports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from foresight.corpus import corpus_stats, document_view
from foresight.db.models import Document, DocumentSource, ImportBatch
from foresight.db.session import session_scope
from foresight.ingest.errors import ImportAborted
from foresight.ingest.formats import ParseOptions
from foresight.ingest.service import import_file
from tests.conftest import FIXTURES

CORPORA = FIXTURES / "corpora"


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines(keepends=True)


def test_import_counts_and_fields(session: Session) -> None:
    report = import_file(session, CORPORA / "arxiv.jsonl")
    assert (report.read, report.new, report.merged, report.rejected) == (40, 40, 0, 0)
    assert report.format == "arxiv-jsonl"
    first = json.loads(lines(CORPORA / "arxiv.jsonl")[0])
    doc = session.scalars(select(Document).where(Document.arxiv_id == first["id"])).one()
    assert doc.title == " ".join(first["title"].split())
    assert doc.categories == first["categories"]
    assert doc.publication_date is not None and doc.publication_date.isoformat() == first["announced"]
    assert doc.language == "en" and doc.kind == "paper"
    assert doc.sources[0].raw == first and doc.sources[0].location.startswith("line ")


def test_patents_and_chinese(session: Session) -> None:
    import_file(session, CORPORA / "uspto.jsonl")
    import_file(session, CORPORA / "csl.jsonl")
    stats = corpus_stats(session)
    assert stats["by_kind"] == {"paper": 30, "patent": 30}
    assert stats["by_language"]["zh"] == 30
    patent = session.scalars(select(Document).where(Document.kind == "patent")).first()
    assert patent is not None and patent.patent_key and patent.patent_key.startswith("US")
    assert patent.ipc_codes


def test_reimport_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as s:
        import_file(s, CORPORA / "csl.jsonl")
    with session_scope(engine) as s:
        before = (count(s, Document), count(s, DocumentSource), count(s, ImportBatch))
        report = import_file(s, CORPORA / "csl.jsonl")
        assert (report.new, report.merged, report.unchanged) == (0, 0, 30)
        assert report.batch_id is None
    with session_scope(engine) as s:
        assert (count(s, Document), count(s, DocumentSource), count(s, ImportBatch)) == before


def test_duplicates_merge_across_files(session: Session, tmp_path: Path) -> None:
    records = [json.loads(line) for line in lines(CORPORA / "arxiv.jsonl")[:5]]
    again = dict(records[0], categories=[*records[0]["categories"], "cs.XX"], comment="v2")
    second = tmp_path / "second.jsonl"
    second.write_text(json.dumps(again) + "\n", encoding="utf-8")
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert import_file(session, first).new == 5
    report = import_file(session, second)
    assert (report.new, report.merged) == (0, 1)
    doc = session.scalars(select(Document).where(Document.arxiv_id == records[0]["id"])).one()
    assert "cs.XX" in doc.categories and len(doc.sources) == 2
    assert count(session, Document) == 5


def test_title_and_year_duplicates_merge(session: Session, tmp_path: Path) -> None:
    rows = [json.loads(line) for line in lines(CORPORA / "csl.jsonl")[:3]]
    copy = dict(rows[2], id="other-export-7", title=rows[2]["title"] + "。 ", keywords=["新关键词"])
    path = tmp_path / "again.jsonl"
    path.write_text(json.dumps(copy, ensure_ascii=False) + "\n", encoding="utf-8")
    first = tmp_path / "first.jsonl"
    first.write_text("".join(lines(CORPORA / "csl.jsonl")[:3]), encoding="utf-8")
    assert import_file(session, first).new == 3
    report = import_file(session, path)
    assert (report.new, report.merged) == (0, 1)
    doc = session.scalars(select(Document).where(Document.source_id == rows[2]["id"])).one()
    assert "新关键词" in doc.keywords and len(doc.sources) == 2


def test_same_title_with_different_ids_is_not_merged(session: Session, tmp_path: Path) -> None:
    rows = [
        {"id": "2501.00001", "announced": "2025-01-02", "title": "Introduction", "categories": ["cs.AI"]},
        {"id": "2501.00002", "announced": "2025-01-03", "title": "Introduction", "categories": ["cs.CL"]},
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    report = import_file(session, path)
    assert (report.new, report.merged) == (2, 0)


def _with_bad_line(tmp_path: Path) -> Path:
    good = lines(CORPORA / "csl.jsonl")
    path = tmp_path / "broken.jsonl"
    path.write_text(
        "".join(good[:10]) + '{"abstract": "truncated...\n' + "".join(good[10:20]), encoding="utf-8"
    )
    return path


def test_bad_record_aborts_the_whole_file(engine: Engine, tmp_path: Path) -> None:
    path = _with_bad_line(tmp_path)
    with pytest.raises(ImportAborted) as info, session_scope(engine) as s:
        import_file(s, path)
    message = str(info.value)
    assert "broken.jsonl" in message and "line 11" in message and "invalid JSON" in message
    with session_scope(engine) as s:
        assert count(s, Document) == 0 and count(s, ImportBatch) == 0


def test_skip_bad_rows_imports_the_rest_and_reports(session: Session, tmp_path: Path) -> None:
    path = _with_bad_line(tmp_path)
    report = import_file(session, path, skip_bad_rows=True)
    assert (report.read, report.new, report.rejected) == (21, 20, 1)
    assert report.rejects_file is not None
    rejected = [json.loads(x) for x in Path(report.rejects_file).read_text(encoding="utf-8").splitlines()]
    assert (
        rejected == [{"file": str(path), "location": "line 11", "error": rejected[0]["error"]}]
        and "invalid JSON" in rejected[0]["error"]
    )
    batch = session.get(ImportBatch, report.batch_id)
    assert batch is not None and (batch.n_new, batch.n_rejected, batch.status) == (20, 1, "completed")


def test_restricted_documents_are_counted_but_not_shown(session: Session) -> None:
    import_file(session, CORPORA / "csl.jsonl", options=ParseOptions(access_level="restricted"))
    stats = corpus_stats(session)
    assert stats["total"] == 30 and stats["restricted"] == 30
    doc = session.scalars(select(Document)).first()
    assert doc is not None
    view = document_view(doc)
    assert view["title"] == "[restricted]" and view["abstract"] is None and view["keywords"] == []
