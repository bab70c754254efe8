"""Duplicate detection across files and formats, and merging of a duplicate into its document.

A record is the same document as a stored one when, in this order of precedence, their DOI, arXiv id or
patent number (publication number without kind code) agree, or else their normalized title and year
agree and no identifier contradicts it (two different DOIs, two different patent numbers, or a paper
against a patent are never merged). Patents of one family stay separate documents (they are counted once
per family in the indicators).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.db.session import json_dumps
from foresight.ingest.record import DocumentRecord

#: Identifier columns that decide identity on their own, strongest first.
STRONG_KEYS = ("doi", "arxiv_id", "patent_key")
LIST_FIELDS = ("authors", "organizations", "countries", "keywords", "categories", "ipc_codes", "cpc_codes")
SCALAR_FIELDS = (
    "abstract", "full_text", "publication_date", "year", "priority_date", "application_date", "grant_date",
    "doi", "arxiv_id", "patent_number", "patent_key", "family_id", "source_id", "venue", "patent_office",
    "url",
)  # fmt: skip


@dataclass(slots=True)
class Candidate:
    """What the matcher needs to know of a stored (or just-imported) document."""

    id: int
    kind: str
    doi: str | None
    arxiv_id: str | None
    patent_key: str | None
    title_key: str


@dataclass
class KeyIndex:
    """Lookup of candidates by key, filled from the database chunk by chunk and from the file itself."""

    by_key: dict[tuple[str, str], Candidate] = field(default_factory=dict)
    by_title: dict[str, list[Candidate]] = field(default_factory=dict)

    def add(self, cand: Candidate) -> None:
        for name in STRONG_KEYS:
            value = getattr(cand, name)
            if value:
                self.by_key.setdefault((name, value), cand)
        bucket = self.by_title.setdefault(cand.title_key, [])
        if all(c.id != cand.id for c in bucket):
            bucket.append(cand)

    def load(self, session: Session, records: Sequence[DocumentRecord]) -> None:
        """Fetch the stored documents that share any key with ``records``."""
        columns = (Document.id, Document.kind, Document.doi, Document.arxiv_id, Document.patent_key,
                   Document.title_key)  # fmt: skip
        wanted: dict[str, set[str]] = {name: set() for name in (*STRONG_KEYS, "title_key")}
        for rec in records:
            for name in wanted:
                value = getattr(rec, name)
                if value and (name == "title_key" or (name, value) not in self.by_key):
                    wanted[name].add(value)
        for name, values in wanted.items():
            if values:
                for row in rows_matching(session, columns, getattr(Document, name), values):
                    self.add(Candidate(*row))  # type: ignore[call-arg]

    def match(self, rec: DocumentRecord) -> Candidate | None:
        for name in STRONG_KEYS:
            value = getattr(rec, name)
            if value and (name, value) in self.by_key:
                return self.by_key[(name, value)]
        for cand in self.by_title.get(rec.title_key, ()):
            if _compatible(cand, rec):
                return cand
        return None


def _compatible(cand: Candidate, rec: DocumentRecord) -> bool:
    if cand.kind != rec.kind and "patent" in (cand.kind, rec.kind):
        return False
    return all(
        not (getattr(cand, name) and getattr(rec, name) and getattr(cand, name) != getattr(rec, name))
        for name in STRONG_KEYS
    )


def rows_matching(
    session: Session, columns: Sequence[Any], column: Any, values: Iterable[str]
) -> Iterator[Row[Any]]:
    """Rows of ``columns`` whose ``column`` is one of ``values`` (an index lookup per value).

    All the values travel as one JSON array in a single parameter, unpacked by the database
    (``= ANY(ARRAY(SELECT json_array_elements_text(…)))`` on PostgreSQL, ``IN (SELECT value FROM
    json_each(…))`` on SQLite). The statement's text, and so its compiled form, does not depend on the
    number of values: an ``IN`` list of a thousand bound parameters is expanded, rendered and parsed
    again by SQLAlchemy, the driver and the server on every call, and a Python list bound as an array is
    dumped item by item. On PostgreSQL the planner, which cannot see the array's length, also keeps to
    the index whatever the table's statistics; with a literal list and no statistics (a table filled in
    this very transaction) it scanned the whole table for every batch. Other databases get ``IN`` lists
    of at most 500 values.
    """
    ordered = sorted(values)  # a stable order: candidates from the store are added in the same order
    dialect = session.get_bind().dialect.name
    name = f'"{column.table.name}"."{column.name}"'
    if dialect == "postgresql":
        condition = text(f"{name} = ANY(ARRAY(SELECT json_array_elements_text(CAST(:values AS json))))")
    elif dialect == "sqlite" and sqlite3.sqlite_version_info >= (3, 38):  # JSON functions built in
        condition = text(f"{name} IN (SELECT value FROM json_each(:values))")
    else:
        statement = select(*columns).where(column.in_(bindparam("values", expanding=True)))
        for chunk in _chunks(ordered, 500):
            yield from session.execute(statement, {"values": list(chunk)})
        return
    yield from session.execute(select(*columns).where(condition), {"values": json_dumps(ordered)})


def _chunks(values: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def merge_record(doc: Document, rec: DocumentRecord) -> list[str]:
    """Fill ``doc``'s gaps from ``rec`` and union list fields; return the names of changed fields.

    The first source wins on conflicting scalar values (titles, dates); nothing already stored is lost.
    Citation counts take the larger value (exports from different dates).
    """
    changed: list[str] = []
    for name in SCALAR_FIELDS:
        value = getattr(rec, name)
        if value is not None and getattr(doc, name) is None:
            setattr(doc, name, value)
            changed.append(name)
    for name in LIST_FIELDS:
        current: list[str] = list(getattr(doc, name) or [])
        seen = {item.casefold() for item in current}
        extra = [item for item in getattr(rec, name) if item.casefold() not in seen]
        if extra:
            setattr(doc, name, current + extra)
            changed.append(name)
    if rec.identifiers:
        merged: dict[str, Any] = dict(doc.identifiers or {})
        extra_ids = {k: v for k, v in rec.identifiers.items() if k not in merged}
        if extra_ids:
            doc.identifiers = {**merged, **extra_ids}
            changed.append("identifiers")
    if rec.citation_count is not None and (doc.citation_count or -1) < rec.citation_count:
        doc.citation_count = rec.citation_count
        changed.append("citation_count")
    if rec.access_level == "restricted" and doc.access_level != "restricted":
        doc.access_level = "restricted"
        changed.append("access_level")
    return changed
