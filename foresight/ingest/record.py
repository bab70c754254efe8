"""The normalized record every parser produces, whatever the export format."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from foresight.ingest.errors import RecordError


@dataclass(slots=True)
class DocumentRecord:
    """One document as read from a source file, before deduplication.

    Parsers fill what their format has; :func:`foresight.ingest.normalize.finalize` derives the rest
    (language, year, dedup keys) and cleans identifiers.
    """

    title: str
    kind: str = "paper"
    abstract: str | None = None
    full_text: str | None = None
    language: str | None = None
    publication_date: date | None = None
    year: int | None = None
    priority_date: date | None = None
    application_date: date | None = None
    grant_date: date | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    patent_number: str | None = None
    family_id: str | None = None
    source_id: str | None = None
    identifiers: dict[str, str] = field(default_factory=dict)
    authors: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    ipc_codes: list[str] = field(default_factory=list)
    cpc_codes: list[str] = field(default_factory=list)
    venue: str | None = None
    patent_office: str | None = None
    citation_count: int | None = None
    url: str | None = None
    access_level: str = "public"
    #: Where the record sits in its file, e.g. ``line 12`` or ``record 3 (lines 40-58)``.
    location: str = ""
    #: The source record exactly as read (field -> value), kept for provenance.
    raw: dict[str, Any] = field(default_factory=dict)
    #: Filled by ``finalize``.
    patent_key: str | None = None
    title_key: str = ""


#: What a parser yields: a record, or the error of a record it could not read (the parse goes on).
ParsedItem = DocumentRecord | RecordError
