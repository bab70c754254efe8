"""Scopus CSV export ("Export → CSV" from a Scopus search result, UTF-8 with a byte-order mark)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.cells import map_language, to_int, to_year
from foresight.ingest.formats.delimited import (
    Columns,
    Row,
    header_keys,
    normalize_header_name,
    parse_delimited,
)
from foresight.ingest.normalize import normalize_country, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem

#: Field → Scopus column names (current exports first, then older spellings).
SPEC: dict[str, tuple[str, ...]] = {
    "authors": ("Authors",),
    "author_full_names": ("Author full names",),
    "author_ids": ("Author(s) ID",),
    "title": ("Title",),
    "year": ("Year",),
    "venue": ("Source title",),
    "citation_count": ("Cited by",),
    "doi": ("DOI",),
    "url": ("Link",),
    "affiliations": ("Affiliations",),
    "abstract": ("Abstract",),
    "keywords": ("Author Keywords",),
    "index_keywords": ("Index Keywords",),
    "issn": ("ISSN",),
    "isbn": ("ISBN",),
    "pmid": ("PubMed ID",),
    "conference": ("Conference name",),
    "language": ("Language of Original Document",),
    "document_type": ("Document Type",),
    "eid": ("EID",),
}

#: Columns only Scopus exports have (normalized); three of them beside ``Title`` identify the format.
_DISTINCTIVE = frozenset(
    normalize_header_name(name)
    for name in (
        "Author(s) ID", "Source title", "Art. No.", "Cited by", "EID", "Authors with affiliations",
        "Index Keywords", "Language of Original Document", "Abbreviated Source Title", "Publication Stage",
        "Author full names", "Correspondence Address", "Molecular Sequence Numbers", "Chemicals/CAS",
    )
)  # fmt: skip
_NO_ABSTRACT = re.compile(r"^\[?\s*no abstract available\s*\]?$", re.I)
_COPYRIGHT = re.compile(
    r"\s*(?:(?:copyright\s*)?©|copyright\s+(?=\d{4})|\(c\)\s*(?=\d{4}))[^©]{0,300}$", re.I
)
_ORIGINAL_TITLE = re.compile(r"^(?P<title>.*\S)\s*\[(?P<original>[^\[\]]+)\]$", re.S)
_AUTHOR_ID = re.compile(r"\s*\((\d+)\)\s*$")
_NOT_AVAILABLE = re.compile(r"^\[no author (?:name|id) available\]$", re.I)
_COMPANY_SUFFIX = re.compile(r"^(?:co|ltd|inc|llc|corp|gmbh|ag|plc|limited|s\.?a|b\.?v)\.?$", re.I)

_ORG_RANKS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"universit|universidad|università|academ|\b(?:inc|ltd|llc|corp|co|gmbh|ag|plc)\b\.?|"
        r"corporation|company|大学|科学院|公司|集团",
        re.I,
    ),
    re.compile(
        r"institut|college|hospital|cent(?:er|re)|laborator|\blab\b|研究所|研究院|研究中心|医院|学院", re.I
    ),
    re.compile(r"school|department|\bdept\b|faculty|division|实验室|系", re.I),
)


def split_affiliation(affiliation: str) -> tuple[str | None, str | None]:
    """``(organization, ISO country code)`` of one Scopus affiliation string.

    The country is the last comma-separated part when it names a country. The organization is the
    part naming the largest unit (a university, academy or company rather than its department); when
    no part has such a word, the first part.

    Examples
    --------
    >>> split_affiliation("School of Computer Science, Peking University, Beijing, 100871, China")
    ('Peking University', 'CN')
    """
    parts: list[str] = []
    for part in (p.strip() for p in affiliation.split(",")):
        if part and parts and _COMPANY_SUFFIX.match(part):
            parts[-1] = f"{parts[-1]}, {part}"  # "Huawei Technologies Co., Ltd."
        elif part:
            parts.append(part)
    if not parts:
        return None, None
    country: str | None = None
    code = normalize_country(parts[-1])
    if len(code) == 2 and code.isalpha() and code.isupper() and len(parts) > 1:
        country = code
        parts = parts[:-1]
    for pattern in _ORG_RANKS:
        for part in parts:
            if pattern.search(part):
                return part, country
    return parts[0], country


def _authors(columns: Columns, row: Row) -> tuple[list[str], str | None]:
    """Author names (full names when exported) and their Scopus author ids joined by ``;``."""
    full = columns.get(row, "author_full_names")
    ids: list[str] = []
    if full:
        names = []
        for item in split_list(full, r";"):
            match = _AUTHOR_ID.search(item)
            if match:
                ids.append(match.group(1))
                item = item[: match.start()]
            names.append(item.strip())
        authors = [n for n in names if n]
    else:
        short = columns.get(row, "authors") or ""
        if _NOT_AVAILABLE.match(short.strip()):
            short = ""
        authors = split_list(short, r";" if ";" in short else r",")
    if not ids:
        ids = [i for i in split_list(columns.get(row, "author_ids"), r";") if not _NOT_AVAILABLE.match(i)]
    return authors, ";".join(ids) or None


def _abstract(value: str | None) -> str | None:
    if not value or _NO_ABSTRACT.match(value.strip()):
        return None
    text = _COPYRIGHT.sub("", value).strip()
    return text or None


def _title(value: str | None) -> tuple[str, str | None]:
    """English title and, for a non-English document, the original-language title Scopus appends."""
    text = (value or "").strip()
    match = _ORIGINAL_TITLE.match(text)
    if match and re.search(r"[^\x00-\x7f]", match.group("original")):
        return match.group("title"), match.group("original").strip()
    return text, None


def _build(columns: Columns, row: Row) -> DocumentRecord:
    title, original_title = _title(columns.get(row, "title"))
    authors, author_ids = _authors(columns, row)
    organizations: list[str] = []
    countries: list[str] = []
    for affiliation in split_list(columns.get(row, "affiliations"), r";"):
        org, country = split_affiliation(affiliation)
        if org:
            organizations.append(org)
        if country:
            countries.append(country)
    keywords = split_list(columns.get(row, "keywords"), r";") + split_list(
        columns.get(row, "index_keywords"), r";"
    )
    eid = columns.get(row, "eid")
    # Scopus exports English titles and abstracts (translated for other-language documents), so the
    # stated original language only describes the text when it includes English.
    stated = columns.get(row, "language")
    language = "en" if map_language(stated) == "en" or (stated and "english" in stated.lower()) else None
    identifiers = {
        key: value
        for key, value in (
            ("scopus_eid", eid),
            ("pmid", columns.get(row, "pmid")),
            ("issn", columns.get(row, "issn")),
            ("isbn", columns.get(row, "isbn")),
            ("scopus_author_ids", author_ids),
            ("document_type", columns.get(row, "document_type")),
            ("original_title", original_title),
            ("original_language", stated if language is None else None),
        )
        if value
    }
    return DocumentRecord(
        title=title,
        abstract=_abstract(columns.get(row, "abstract")),
        year=to_year(columns.get(row, "year"), columns.column("year")),
        language=language,
        doi=columns.get(row, "doi"),
        source_id=eid,
        identifiers=identifiers,
        authors=authors,
        organizations=organizations,
        countries=list(dict.fromkeys(countries)),
        keywords=keywords,
        venue=columns.get(row, "venue") or columns.get(row, "conference"),
        citation_count=to_int(columns.get(row, "citation_count"), columns.column("citation_count")),
        url=columns.get(row, "url"),
    )


class ScopusCsv(Parser):
    """Scopus CSV export: ``Authors, Author full names, Author(s) ID, Title, Year, Source title, … EID``.

    Authors are ``;``-separated (``,`` in exports before 2020); affiliations are ``;``-separated with
    the country as their last comma part; ``[No abstract available]`` means no abstract.
    """

    name = "scopus-csv"
    label = "Scopus CSV export (Authors, Title, Year, Source title, Cited by, DOI, Abstract, EID…)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """95 for a header with ``Title`` and three Scopus-only columns, 70 with two, else 0."""
        keys = header_keys(sample)
        if "title" not in keys:
            return 0
        hits = len(keys & _DISTINCTIVE)
        if hits >= 3:
            return 95
        if hits == 2 or (hits == 1 and "scopus.com" in sample):
            return 70
        return 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Stream the export's rows as paper records (a missing ``Title`` column is a file error)."""
        yield from parse_delimited(path, self.options, SPEC, _build, required=("title",))
