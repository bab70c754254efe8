"""Web of Science exports: the "Plain text" tagged file and the tab-delimited file.

Both carry the same two-letter field tags (``PT AU AF TI SO LA DT DE ID AB C1 C3 RP CR TC Z9 PD PY DI
WC SC UT PM``…). The plain file writes one tag per line with 3-space continuation lines and ends each
record with ``ER``; line-per-item fields (authors, addresses, cited references) put one item on each
line. The tab-delimited file has a header row of the tags and one record per line, multi-valued fields
joined by ``"; "``. Records exported from Derwent Innovations Index (``PT P``) are read as patents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.tagged import TaggedRecord, TagSyntax, first_line, iter_tagged_records
from foresight.ingest.normalize import clean_text, normalize_country, parse_date, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem
from foresight.ingest.textio import open_text

#: Plain-text tags whose every line is one item (not a wrapped value).
LINE_ITEM_TAGS = frozenset({"AU", "AF", "BA", "BF", "BE", "CA", "GP", "CR", "C1", "C3", "RP"})

#: Web of Science country spellings that ISO/pycountry does not recognise.
_WOS_COUNTRIES = {
    "U ARAB EMIRATES": "AE", "NORTH IRELAND": "GB", "PAPUA N GUINEA": "PG", "BOSNIA & HERCEG": "BA",
    "TRINID & TOBAGO": "TT", "DEM REP CONGO": "CD", "REP CONGO": "CG", "CENT AFR REPUBL": "CF",
    "ST KITTS & NEVI": "KN", "ANTIGUA & BARBU": "AG", "BYELARUS": "BY", "REUNION": "RE",
    "FED REP GER": "DE", "W GERMANY": "DE", "GER DEM REP": "DE", "TURKIYE": "TR", "MACEDONIA": "MK",
    "BELARUS": "BY", "NETH ANTILLES": "AN", "USSR": "SU", "SOUTH AFRICA": "ZA", "NEW ZEALAND": "NZ",
    "COTE IVOIRE": "CI", "GUINEA BISSAU": "GW", "SAO TOME & PRIN": "ST", "VATICAN": "VA",
}  # fmt: skip
_LANGUAGES = {"english": "en", "chinese": "zh"}
_IDENTIFIER_TAGS = (
    ("wos_uid", "UT"), ("pmid", "PM"), ("issn", "SN"), ("eissn", "EI"), ("isbn", "BN"), ("ids_number", "GA"),
    ("article_number", "AR"),
)  # fmt: skip
_RECORD_URL = "https://www.webofscience.com/wos/woscc/full-record/{}"
_CORRESPONDING = re.compile(r"^.*?\((?:corresponding author|reprint author)\),\s*", re.I)
_BRACKETS = re.compile(r"^\s*\[[^\]]*\]\s*")
_ASSIGNEE_CODE = re.compile(r"\s*\([A-Z0-9-]+\)\s*$")
_INT = re.compile(r"\d+")


class WosFields(Protocol):
    """A Web of Science record seen through its tags, whatever the export layout."""

    def text(self, tag: str) -> str | None:
        """The field as one string, or ``None`` when absent or empty."""
        ...

    def items(self, tag: str) -> list[str]:
        """The field's items (authors, keywords, categories…)."""
        ...

    def addresses(self, tag: str) -> list[str]:
        """The field's addresses (``C1``, ``RP``), splitting only outside ``[author]`` brackets."""
        ...


def split_addresses(text: str) -> list[str]:
    """Split an address field on ``;`` or line breaks that are not inside ``[...]`` author lists."""
    out: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch in ";\n" and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [part.strip() for part in out if part.strip()]


def wos_country(part: str) -> str | None:
    """Country of an address's last comma part: ``CA 94305 USA`` → ``US``, ``Peoples R China`` → ``CN``."""
    text = re.sub(r"\s+", " ", part).strip().rstrip(".").strip()
    if not text:
        return None
    if re.search(r"\bUSA$", text, re.I):
        return "US"
    text = re.sub(r"^[A-Z]{0,3}[- ]?\d[\d -]*\s+", "", text)  # postal code before the country name
    code = _WOS_COUNTRIES.get(text.upper()) or normalize_country(text)
    return code or None


def parse_address(address: str) -> tuple[str | None, str | None]:
    """``[Smith, J; Li, W] Tsinghua Univ, Dept Comp Sci, Beijing 100084, Peoples R China.`` → org, country."""
    rest = _BRACKETS.sub("", address)
    rest = _CORRESPONDING.sub("", rest)
    parts = [p.strip() for p in rest.split(",") if p.strip()]
    if not parts:
        return None, None
    organization = clean_text(parts[0].rstrip("."))
    country = wos_country(parts[-1]) if len(parts) > 1 else None
    return organization, country


def _whole_number(fields: WosFields, tag: str, label: str) -> int | None:
    value = fields.text(tag)
    if value is None:
        return None
    if not _INT.fullmatch(value.strip()):
        raise ValueError(f"field {tag} ({label}) must be a whole number, got {value!r}")
    return int(value)


def _language(value: str | None) -> str | None:
    names = split_list(value)
    return _LANGUAGES.get(names[0].casefold(), "other") if names else None


def build_wos_record(fields: WosFields) -> DocumentRecord:
    """Map a Web of Science record's tags to a :class:`DocumentRecord`.

    Parameters
    ----------
    fields
        Access to the record's tags (plain-text or tab-delimited layout).

    Returns
    -------
    DocumentRecord
        The record, without ``location``/``raw`` (the parser sets them).

    Raises
    ------
    ValueError
        When a numeric field (``TC``, ``Z9``, ``PY``, ``NR``) is not a number.
    """
    doc_type = fields.text("DT") or ""
    is_patent = (fields.text("PT") or "").upper() == "P" or "patent" in doc_type.casefold()
    citations = _whole_number(fields, "TC", "times cited")
    _whole_number(fields, "Z9", "total times cited")
    _whole_number(fields, "NR", "cited reference count")
    py = fields.text("PY")
    if py is not None and not re.fullmatch(r"\d{4}", py.strip()):
        raise ValueError(f"field PY (publication year) must be a 4-digit year, got {py!r}")
    year = int(py) if py else None
    published = None
    pd = fields.text("PD")
    if year is not None and pd and not is_patent:
        published, _ = parse_date(f"{pd} {year}")
        if published is not None and published.year != year:
            published = None
    elif year is None:
        published, year = parse_date(fields.text("EA"))

    organizations: list[str] = []
    countries: list[str] = []
    for address in fields.addresses("C1") or fields.addresses("RP"):
        org, country = parse_address(address)
        if org:
            organizations.append(org)
        if country:
            countries.append(country)
    if not organizations:
        organizations = fields.items("C3")

    authors = fields.items("AF") or fields.items("AU") or fields.items("BF") or fields.items("BA")
    uid = fields.text("UT")
    identifiers = {key: value for key, tag in _IDENTIFIER_TAGS if (value := fields.text(tag)) is not None}
    record = DocumentRecord(
        title=fields.text("TI") or "",
        kind="patent" if is_patent else "paper",
        abstract=fields.text("AB"),
        language=_language(fields.text("LA")),
        publication_date=published,
        year=year,
        doi=fields.text("DI") or fields.text("D2"),
        source_id=uid,
        identifiers=identifiers,
        authors=authors + fields.items("CA"),
        organizations=organizations,
        countries=countries,
        keywords=split_list(fields.items("DE") + fields.items("ID")),
        categories=split_list(fields.items("WC") + fields.items("SC")),
        venue=fields.text("SO") or fields.text("CT") or fields.text("SE"),
        citation_count=citations,
        url=_RECORD_URL.format(uid) if uid and uid.startswith("WOS:") else None,
    )
    if is_patent:
        _patent_fields(record, fields)
    return record


def _patent_fields(record: DocumentRecord, fields: WosFields) -> None:
    """Derwent Innovations Index tags: ``PN`` numbers, ``AE`` assignees, ``IP`` IPC, ``DC`` classes."""
    numbers = fields.items("PN")
    if numbers:
        record.patent_number = numbers[0]
        office = numbers[0][:2]
        record.patent_office = office if office.isalpha() and office.isupper() else None
        record.identifiers["patent_numbers"] = "; ".join(numbers)
    assignees = [_ASSIGNEE_CODE.sub("", a) for a in fields.items("AE")]
    if assignees:
        record.organizations = assignees
    record.ipc_codes = fields.items("IP")
    record.categories = fields.items("DC") + record.categories
    record.venue = None


class _PlainFields:
    def __init__(self, record: TaggedRecord) -> None:
        self.record = record

    def text(self, tag: str) -> str | None:
        return clean_text(self.record.text(tag))

    def items(self, tag: str) -> list[str]:
        if tag in LINE_ITEM_TAGS:
            return split_list(self.record.lines(tag))
        return split_list(self.record.text(tag))

    def addresses(self, tag: str) -> list[str]:
        return split_addresses("\n".join(self.record.lines(tag)))


class _TabFields:
    def __init__(self, row: dict[str, str]) -> None:
        self.row = row

    def text(self, tag: str) -> str | None:
        return clean_text(self.row.get(tag))

    def items(self, tag: str) -> list[str]:
        return split_list(self.row.get(tag))

    def addresses(self, tag: str) -> list[str]:
        return split_addresses(self.row.get(tag) or "")


def _finish(record: DocumentRecord, parser: Parser, location: str, raw: dict[str, object]) -> DocumentRecord:
    record.location = location
    record.raw = raw
    if parser.options.kind:
        record.kind = parser.options.kind
    record.access_level = parser.options.access_level
    return record


WOS_SYNTAX = TagSyntax(
    tag_line=re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$"),
    start_tags=frozenset({"PT"}),
    end_tags=frozenset({"ER"}),
    file_tags=frozenset({"FN", "VR", "EF"}),
    continuation=re.compile(r"^\s+(.*)$"),
)


class WosPlainText(Parser):
    """Web of Science "Plain text file" export: ``FN Clarivate Analytics Web of Science``, records, ``EF``."""

    name = "wos-plain"
    label = "Web of Science plain text export (FN/VR header, PT…ER tagged records)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        line = first_line(sample)
        if re.match(r"FN\s", line):
            if "Web of" in line or re.search(r"^VR\s", sample, re.M):
                return 98
            return 60 if re.search(r"^PT \S", sample, re.M) else 0
        if re.match(r"PT [A-Z]\s*$", line) and re.search(r"^(?:TI|UT|AU) \S", sample, re.M):
            return 85
        return 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        for tagged in iter_tagged_records(path, WOS_SYNTAX):
            if tagged.problems:
                yield RecordError(path, tagged.location, "; ".join(tagged.problems))
                continue
            try:
                record = build_wos_record(_PlainFields(tagged))
            except (ValueError, LookupError) as exc:
                yield RecordError(path, tagged.location, str(exc))
                continue
            yield _finish(record, self, tagged.location, dict(tagged.raw()))


class WosTabDelimited(Parser):
    """Web of Science "Tab-delimited file" export: a header row of field tags, one record per line."""

    name = "wos-tab"
    label = "Web of Science tab-delimited export (PT\\tAU\\t… header, UTF-16 or UTF-8)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        cells = [c.strip() for c in first_line(sample).split("\t")]
        named = [c for c in cells if c]
        if len(named) < 5 or not all(re.fullmatch(r"[A-Z][A-Z0-9]", c) for c in named):
            return 0
        tags = set(named)
        if {"PT", "AU", "TI"} <= tags:
            return 95
        return 80 if {"TI", "SO", "UT"} <= tags or {"TI", "PN"} <= tags else 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        # Split on tabs by hand: WoS never quotes, so QUOTE_NONE semantics, without csv's field size limit.
        number = 0
        try:
            with open_text(path) as handle:
                header: list[str] | None = None
                for number, line in enumerate(handle, start=1):
                    text = line.rstrip("\r\n")
                    if header is None:
                        header = [c.strip().lstrip("\ufeff") for c in text.split("\t")]
                        if not {"TI", "PT"} & set(header):
                            message = f"line 1 is not a Web of Science header row: {text[:80]!r}"
                            raise FileFormatError(path, message)
                        continue
                    if not text.strip():
                        continue
                    yield self._row(path, number, header, text.split("\t"))
        except UnicodeDecodeError as exc:
            message = f"not valid text in the detected encoding after line {number} ({exc.reason})"
            raise FileFormatError(path, message) from exc
        except (OSError, EOFError) as exc:
            raise FileFormatError(path, f"cannot read file: {exc}") from exc

    def _row(self, path: Path, number: int, header: list[str], cells: list[str]) -> ParsedItem:
        location = f"line {number}"
        named = [i for i, name in enumerate(header) if name]
        if len(cells) <= named[-1]:
            return RecordError(
                path, location, f"row has {len(cells)} tab-separated fields, the header names {named[-1] + 1}"
            )
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra:
            message = f"row has {len(cells)} fields, more than the header's {len(header)} ({extra[0][:40]!r})"
            return RecordError(path, location, message)
        row = {header[i]: cells[i].strip() for i in named if cells[i].strip()}
        try:
            record = build_wos_record(_TabFields(row))
        except (ValueError, LookupError) as exc:
            return RecordError(path, location, str(exc))
        return _finish(record, self, location, dict(row))
