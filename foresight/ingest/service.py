"""Importing one export file into the document store, atomically, with deduplication."""

from __future__ import annotations

import hashlib
import json
import operator
import queue
import threading
import time
from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from foresight.db.base import utcnow
from foresight.db.bulk import bulk_insert
from foresight.db.ids import allocate_ids
from foresight.db.models import Document, DocumentSource, ImportBatch
from foresight.ingest.dedup import Candidate, KeyIndex, merge_record, rows_matching
from foresight.ingest.errors import FileFormatError, ImportAborted, RecordError
from foresight.ingest.formats import detect_format, get_parser
from foresight.ingest.formats.base import ParseOptions, Parser, hashed_record
from foresight.ingest.normalize import finalize
from foresight.ingest.record import DocumentRecord

DOCUMENT_COLUMNS = (
    "kind", "title", "abstract", "full_text", "language", "publication_date", "year", "priority_date",
    "application_date", "grant_date", "doi", "arxiv_id", "patent_number", "patent_key", "family_id",
    "source_id", "identifiers", "title_key", "authors", "organizations", "countries", "keywords",
    "categories", "ipc_codes", "cpc_codes", "venue", "patent_office", "citation_count", "url",
    "access_level",
)  # fmt: skip

_DOCUMENT_VALUES = operator.attrgetter(*DOCUMENT_COLUMNS)
#: Below this many rows the planner's guesses cannot hurt, and ANALYZE would cost more than it saves.
ANALYZE_MIN_ROWS = 1000

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
    pending: list[_Finalized] = []
    # Parsing runs ahead in a helper thread; leaving this block in any way stops that thread.
    threaded = session.get_bind().dialect.name != "sqlite"
    with closing(_parsed_chunks(parser, path, batch_size, parser_cls.name, threaded=threaded)) as chunks:
        for chunk in chunks:
            for item in chunk:
                report.read += 1
                if isinstance(item, RecordError):
                    if not skip_bad_rows:
                        raise ImportAborted(item)
                    report.rejected += 1
                    rejects.append({"file": item.path, "location": item.location, "error": item.message})
                    if len(report.errors) < 20:
                        report.errors.append(str(item))
                else:
                    pending.append(item)
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


_DONE = object()


class _Finalized(NamedTuple):
    """A finalized record with the hash and JSON text of its raw source record."""

    record: DocumentRecord
    digest: str
    raw_json: Any


def _chunks_of(
    parser: Parser, path: Path, size: int, source_format: str
) -> Generator[list[_Finalized | RecordError], None, None]:
    """Parse, finalize and hash ``path``, ``size`` items at a time, in file order.

    Items are finalized records or the :class:`RecordError` of a record that could not be read or
    finalized.
    """
    items = parser.parse(path)
    try:
        chunk: list[_Finalized | RecordError] = []
        for item in items:
            if isinstance(item, DocumentRecord):
                try:
                    record = finalize(item, str(path))
                except RecordError as exc:
                    chunk.append(exc)
                else:
                    chunk.append(_Finalized(record, *hashed_record(source_format, record.raw)))
            else:
                chunk.append(item)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


def _parsed_chunks(
    parser: Parser, path: Path, size: int, source_format: str, *, threaded: bool = True
) -> Generator[list[_Finalized | RecordError], None, None]:
    """:func:`_chunks_of`, produced by a helper thread when ``threaded``.

    The thread only parses (it never touches the session), so parsing overlaps the database round trips
    of the caller, which releases the GIL while it waits on a server; the queue holds at most two chunks,
    so memory stays flat. An exception of the parser is re-raised here; leaving the loop early (an abort,
    a database error) stops the thread before this generator returns. SQLite runs in-process: its
    ``executemany`` releases and re-takes the GIL for every row, so a parsing thread beside it makes
    each row wait for the interpreter's switch interval (measured: the whole import 30 % slower);
    there the chunks are produced inline.
    """
    if not threaded:
        yield from _chunks_of(parser, path, size, source_format)
        return
    chunks: queue.Queue[Any] = queue.Queue(maxsize=2)
    stop = threading.Event()

    def put(value: Any) -> bool:
        while not stop.is_set():
            try:
                chunks.put(value, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            produced = _chunks_of(parser, path, size, source_format)
            try:
                for chunk in produced:
                    if not put(chunk):
                        return
            finally:
                produced.close()
        except BaseException as exc:  # handed to the consuming thread, which re-raises it
            put(_Failure(exc))
            return
        put(_DONE)

    worker = threading.Thread(target=produce, name=f"parse {path.name}", daemon=True)
    worker.start()
    try:
        while True:
            value = chunks.get()
            if value is _DONE:
                return
            if isinstance(value, _Failure):
                raise value.exc
            yield value
    finally:
        stop.set()
        worker.join()


@dataclass(frozen=True)
class _Failure:
    exc: BaseException


class _BatchWriter:
    """Writes chunks of finalized records: unchanged ones skipped, duplicates merged, the rest inserted."""

    def __init__(self, session: Session, batch_id: int, source_format: str, report: ImportReport) -> None:
        self.session = session
        self.batch_id = batch_id
        self.source_format = source_format
        self.report = report
        self.index = KeyIndex()
        self._raw_json: dict[str, Any] = {}
        self._postgres = session.get_bind().dialect.name == "postgresql"
        #: Rows of ``documents`` the planner's statistics know of, and rows inserted since (PostgreSQL).
        self._rows_in_stats = 0.0
        self._rows_since_stats = 0
        if self._postgres:
            self._rows_in_stats = max(
                0.0,
                session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('documents')"))
                or 0.0,
            )

    def _refresh_statistics(self) -> None:
        """ANALYZE ``documents`` when this import has (at least) doubled it since its last statistics.

        The duplicate lookups by ``title_key`` (a non-unique index) are only planned as index scans
        when the planner knows the column is (nearly) unique; without statistics it assumes 200
        distinct values, so a lookup of a few hundred keys becomes a sequential scan of the whole table,
        every batch: the import of a file into a fresh or small store grew quadratically. Autovacuum
        cannot help (it does not see this transaction's rows); ANALYZE inside the transaction does. The
        geometric schedule (1k, 2k, 4k … rows) bounds its cost to about that of one ANALYZE of the
        final table, and an import that adds little to a large store never runs it. (ANALYZE holds a
        SHARE UPDATE EXCLUSIVE lock on the table until the import commits: a concurrent VACUUM or
        ANALYZE of ``documents`` waits for it; reads and writes do not.)
        """
        if not self._postgres:
            return
        if self._rows_since_stats >= max(ANALYZE_MIN_ROWS, self._rows_in_stats):
            self.session.execute(text("ANALYZE documents (title_key)"))
            self._rows_in_stats += self._rows_since_stats
            self._rows_since_stats = 0

    def write(self, items: list[_Finalized]) -> None:
        self._refresh_statistics()
        records = [item.record for item in items]
        hashes = [item.digest for item in items]
        self._raw_json = {item.digest: item.raw_json for item in items}
        known = {
            row[0]
            for row in rows_matching(
                self.session, (DocumentSource.record_hash,), DocumentSource.record_hash, hashes
            )
        }
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
            self._rows_since_stats += len(ids)
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
        row = dict(zip(DOCUMENT_COLUMNS, _DOCUMENT_VALUES(rec), strict=True))
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
