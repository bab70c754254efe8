"""Importing one export file into the document store, atomically, with deduplication."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.base import utcnow
from foresight.db.bulk import bulk_insert
from foresight.db.ids import allocate_ids
from foresight.db.models import Document, DocumentSource, ImportBatch
from foresight.ingest.dedup import Candidate, KeyIndex, merge_record
from foresight.ingest.errors import FileFormatError, ImportAborted, RecordError
from foresight.ingest.formats import detect_format, get_parser
from foresight.ingest.formats.base import ParseOptions, hashed_record
from foresight.ingest.normalize import finalize
from foresight.ingest.record import DocumentRecord

DOCUMENT_COLUMNS = (
    "kind", "title", "abstract", "full_text", "language", "publication_date", "year", "priority_date",
    "application_date", "grant_date", "doi", "arxiv_id", "patent_number", "patent_key", "family_id",
    "source_id", "identifiers", "title_key", "authors", "organizations", "countries", "keywords",
    "categories", "ipc_codes", "cpc_codes", "venue", "patent_office", "citation_count", "url",
    "access_level",
)  # fmt: skip

ProgressCallback = Callable[[int], None]


@dataclass
class ImportReport:
    """What one file did to the store. ``read = new + merged + unchanged + rejected``."""

    file: str
    format: str
    batch_id: int | None = None
    read: int = 0
    new: int = 0
    merged: int = 0
    unchanged: int = 0
    rejected: int = 0
    seconds: float = 0.0
    rejects_file: str | None = None
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_file(
    session: Session,
    path: Path,
    *,
    fmt: str | None = None,
    options: ParseOptions | None = None,
    skip_bad_rows: bool = False,
    rejects_path: Path | None = None,
    batch_size: int = 1000,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Parse ``path`` and store its documents in ``session`` (the caller commits).

    By default the first malformed record raises :class:`ImportAborted` and the caller's transaction
    must be rolled back, so a file imports all or nothing. With ``skip_bad_rows`` bad records are
    counted as rejected and written, with their reasons, to ``rejects_path`` (default:
    ``<file>.rejected.jsonl`` beside the input). A file whose every record is already stored changes
    nothing, not even the batch log.
    """
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise FileFormatError(path, "no such file")
    parser_cls = get_parser(fmt) if fmt else detect_format(path)
    parser = parser_cls(options)
    report = ImportReport(file=str(path), format=parser_cls.name)
    batch = ImportBatch(
        filename=str(path),
        file_sha256=file_sha256(path),
        source_format=parser_cls.name,
        options={"skip_bad_rows": skip_bad_rows, **({"column_map": options.column_map} if options else {})},
    )
    session.add(batch)
    session.flush()
    writer = _BatchWriter(session, batch.id, parser_cls.name, report)
    rejects: list[dict[str, str]] = []
    pending: list[DocumentRecord] = []
    for item in parser.parse(path):
        report.read += 1
        if isinstance(item, DocumentRecord):
            try:
                pending.append(finalize(item, str(path)))
            except RecordError as exc:
                item = exc
        if isinstance(item, RecordError):
            if not skip_bad_rows:
                raise ImportAborted(item)
            report.rejected += 1
            rejects.append({"file": item.path, "location": item.location, "error": item.message})
            if len(report.errors) < 20:
                report.errors.append(str(item))
        if len(pending) >= batch_size:
            writer.write(pending)
            pending = []
        if on_progress is not None:
            on_progress(report.read)
    if pending:
        writer.write(pending)
    if rejects:
        target = rejects_path or path.with_name(path.name + ".rejected.jsonl")
        with target.open("w", encoding="utf-8") as out:
            for row in rejects:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        report.rejects_file = str(target)
    if report.new == 0 and report.merged == 0:
        session.delete(batch)  # nothing new: leave the store exactly as it was
    else:
        batch.status = "completed"
        batch.finished_at = utcnow()
        batch.n_read, batch.n_new, batch.n_merged = report.read, report.new, report.merged
        batch.n_unchanged, batch.n_rejected = report.unchanged, report.rejected
        report.batch_id = batch.id
    session.flush()
    report.seconds = time.perf_counter() - started
    return report


class _BatchWriter:
    """Writes chunks of finalized records: unchanged ones skipped, duplicates merged, the rest inserted."""

    def __init__(self, session: Session, batch_id: int, source_format: str, report: ImportReport) -> None:
        self.session = session
        self.batch_id = batch_id
        self.source_format = source_format
        self.report = report
        self.index = KeyIndex()
        self._raw_json: dict[str, Any] = {}

    def write(self, records: list[DocumentRecord]) -> None:
        hashed = [hashed_record(self.source_format, rec.raw) for rec in records]
        hashes = [digest for digest, _ in hashed]
        self._raw_json = {digest: payload for digest, payload in hashed}
        known = set(
            self.session.scalars(
                select(DocumentSource.record_hash).where(DocumentSource.record_hash.in_(hashes))
            )
        )
        self.index.load(self.session, records)
        new_rows: list[dict[str, Any]] = []
        new_records: list[tuple[DocumentRecord, str]] = []
        merges: list[tuple[int, DocumentRecord, str]] = []
        local: dict[int, Candidate] = {}  # placeholder ids (negative) for records new in this chunk
        for rec, digest in zip(records, hashes, strict=True):
            if digest in known:
                self.report.unchanged += 1
                continue
            known.add(digest)
            match = self.index.match(rec)
            if match is not None:
                merges.append((match.id, rec, digest))
                continue
            placeholder = -(len(new_rows) + 1)
            cand = Candidate(placeholder, rec.kind, rec.doi, rec.arxiv_id, rec.patent_key, rec.title_key)
            local[placeholder] = cand
            self.index.add(cand)
            new_rows.append(self._row(rec))
            new_records.append((rec, digest))
        ids: list[int] = []
        if new_rows:
            ids = allocate_ids(self.session, Document.__table__, len(new_rows))  # type: ignore[arg-type]
            for row, doc_id in zip(new_rows, ids, strict=True):
                row["id"] = doc_id
            bulk_insert(self.session, Document.__table__, new_rows)  # type: ignore[arg-type]
            for placeholder, real_id in zip(sorted(local, reverse=True), ids, strict=True):
                local[placeholder].id = real_id  # the index now points at the stored document
            self.report.new += len(ids)
        sources = [
            self._source(doc_id, rec, digest) for doc_id, (rec, digest) in zip(ids, new_records, strict=True)
        ]
        if merges:
            resolved = [(local[i].id if i < 0 else i, rec, digest) for i, rec, digest in merges]
            docs = {
                d.id: d
                for d in self.session.scalars(
                    select(Document).where(Document.id.in_({doc_id for doc_id, _, _ in resolved}))
                )
            }
            for doc_id, rec, digest in resolved:
                merge_record(docs[doc_id], rec)
                sources.append(self._source(doc_id, rec, digest))
            self.report.merged += len(resolved)
            self.session.flush()
        if sources:
            bulk_insert(self.session, DocumentSource.__table__, sources)  # type: ignore[arg-type]

    def _row(self, rec: DocumentRecord) -> dict[str, Any]:
        row = {name: getattr(rec, name) for name in DOCUMENT_COLUMNS}
        row["source_format"] = self.source_format
        row["import_batch_id"] = self.batch_id
        return row

    def _source(self, doc_id: int, rec: DocumentRecord, digest: str) -> dict[str, Any]:
        return {
            "document_id": doc_id,
            "import_batch_id": self.batch_id,
            "source_format": self.source_format,
            "location": rec.location[:1100],
            "record_hash": digest,
            "raw": self._raw_json.get(digest, rec.raw),
        }
