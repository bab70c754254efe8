"""The JSON Lines layouts of the public corpora in ``shared/data`` (arXiv, USPTO-IPC, CSL/CSLDCP)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from foresight.ingest.errors import RecordError
from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.jsonlines import first_json_object, iter_json_lines
from foresight.ingest.normalize import parse_date, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem


def _text(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    return value if isinstance(value, str) else (None if value is None else str(value))


class _SharedJsonl(Parser):
    required: frozenset[str]

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        obj = first_json_object(sample)
        return 90 if obj is not None and cls.required <= obj.keys() else 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        for location, obj in iter_json_lines(path):
            if isinstance(obj, RecordError):
                yield obj
                continue
            missing = self.required - obj.keys()
            if missing:
                yield RecordError(path, location, f"missing field(s): {', '.join(sorted(missing))}")
                continue
            try:
                record = self.to_record(obj)
            except (TypeError, ValueError) as exc:
                yield RecordError(path, location, str(exc))
                continue
            record.location = location
            record.raw = obj
            if self.options.kind:
                record.kind = self.options.kind
            record.access_level = self.options.access_level
            yield record

    def to_record(self, obj: dict[str, Any]) -> DocumentRecord:
        raise NotImplementedError


class ArxivJsonl(_SharedJsonl):
    """arXiv daily listings: ``id``, ``announced``, ``title``, ``abstract``, ``authors``, ``categories``."""

    name = "arxiv-jsonl"
    label = "arXiv listing JSON Lines (id, announced, title, abstract, authors, categories)"
    required = frozenset({"id", "announced", "title", "categories"})

    def to_record(self, obj: dict[str, Any]) -> DocumentRecord:
        published, year = parse_date(obj.get("announced"))
        if published is None:
            raise ValueError(f"unreadable 'announced' date {obj.get('announced')!r}")
        arxiv_id = _text(obj, "id")
        categories = obj.get("categories") or []
        if not isinstance(categories, list):
            raise ValueError("'categories' must be a list")
        return DocumentRecord(
            title=_text(obj, "title") or "",
            abstract=_text(obj, "abstract"),
            publication_date=published,
            year=year,
            arxiv_id=arxiv_id,
            source_id=f"arXiv:{arxiv_id}",
            authors=split_list(obj.get("authors") or []),
            categories=[str(c) for c in categories],
            venue="arXiv",
            url=f"https://arxiv.org/abs/{arxiv_id}",
            language="en",
        )


class UsptoIpcJsonl(_SharedJsonl):
    """US granted patents: ``patent_number``, ``grant_year``, ``title``, ``abstract``, ``assignee``, ``ipc``.

    The data set's ``grant_year`` is null for a few records; they are kept without a year.
    """

    name = "uspto-jsonl"
    label = "US patent JSON Lines (patent_number, grant_year, title, abstract, assignee, ipc)"
    required = frozenset({"patent_number", "grant_year", "title", "ipc"})

    def to_record(self, obj: dict[str, Any]) -> DocumentRecord:
        year = obj.get("grant_year")
        if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
            raise ValueError(f"'grant_year' must be an integer or null, got {year!r}")
        ipc = obj.get("ipc") or []
        if not isinstance(ipc, list):
            raise ValueError("'ipc' must be a list")
        number = _text(obj, "patent_number") or ""
        inventors = [
            part.split("(")[0].strip() for part in split_list(obj.get("inventors"), r",\s(?=[^()]*\()")
        ]
        country = _text(obj, "inventor_country")
        return DocumentRecord(
            kind="patent",
            title=_text(obj, "title") or "",
            abstract=_text(obj, "abstract"),
            year=year,
            patent_number=f"US{number.replace(',', '')}",
            patent_office="US",
            source_id=f"US{number.replace(',', '')}",
            authors=inventors,
            organizations=split_list(obj.get("assignee")),
            countries=[country] if country else [],
            ipc_codes=[str(code) for code in ipc],
            venue="USPTO",
        )


class CslJsonl(_SharedJsonl):
    """Chinese scientific literature (CSL/CSLDCP): ``abstract``, ``discipline``, optional ``title``."""

    name = "csl-jsonl"
    label = "CSL/CSLDCP Chinese abstracts JSON Lines (abstract, discipline, title, keywords)"
    required = frozenset({"abstract", "discipline"})

    def to_record(self, obj: dict[str, Any]) -> DocumentRecord:
        categories = [c for c in (_text(obj, "category"), _text(obj, "discipline")) if c]
        return DocumentRecord(
            title=_text(obj, "title") or "",
            abstract=_text(obj, "abstract"),
            source_id=_text(obj, "id"),
            keywords=split_list(obj.get("keywords") or []),
            categories=categories,
            language=None,
        )
