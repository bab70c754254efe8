"""RIS exports (Scopus, Web of Science, Zotero, EndNote, CNKI/Wanfang): ``TY  - `` … ``ER  - `` records.

The file is split into records here, line by line, so memory stays flat; each record's lines go to
:mod:`rispy` for tag parsing. Every tag is read as a list (continuation lines become further items),
so nothing is lost, and the record's ``raw`` is ``{tag: value or [values]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import rispy
from rispy.config import TAG_KEY_MAPPING

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.biblio import (
    citation_count_in,
    join_lines,
    map_language,
    read_affiliations,
    split_isbn_issn,
)
from foresight.ingest.normalize import normalize_country, normalize_doi, parse_date, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem
from foresight.ingest.textio import open_text

#: ``TY  - JOUR`` (standard, two spaces) and ``TY - JOUR`` (one space, some older exporters).
_TAG_LINE = {
    2: re.compile(r"^([A-Z][A-Z0-9])  -(?: ?(.*))?$"),
    1: re.compile(r"^([A-Z][A-Z0-9]) -(?: ?(.*))?$"),
}
_TY_LINE = re.compile(r"^\ufeff?TY( {1,2})- ?\S")
_UNKNOWN = "_unknown"
#: Identity mapping: rispy keys the record by the RIS tags themselves.
_MAPPING = {tag: tag for tag in TAG_KEY_MAPPING} | {"UK": _UNKNOWN}
_LIST_TAGS = [tag for tag in TAG_KEY_MAPPING if tag not in {"TY", "ER", "UK"}]

_KINDS: dict[str, str] = dict.fromkeys(
    [
        "JOUR",
        "EJOUR",
        "JFULL",
        "CONF",
        "CPAPER",
        "THES",
        "CHAP",
        "ECHAP",
        "BOOK",
        "EBOOK",
        "EDBOOK",
        "INPR",
        "UNPB",
        "MANSCPT",
        "SER",
        "ABST",
        "ENCYC",
        "DICT",
        "CLSWK",
        "ANCIENT",
    ],
    "paper",
)
_KINDS |= {"PAT": "patent", "GRANT": "project", "NEWS": "news", "MGZN": "news", "BLOG": "news"}
_KINDS |= dict.fromkeys(["BILL", "GOVDOC", "STAT", "LEGAL", "HEAR", "CASE"], "policy")
#: RPRT (grey-literature reports), STAND, DATA, COMP, ELEC, GEN and the media types are "other".

_DATE_PARTS = re.compile(r"^\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?(?:[/-].*)?\s*$")


def _read_date(tag: str, value: str) -> tuple[date | None, int | None]:
    """RIS dates: ``2021``, ``2021/03/15/``, ``2021///Spring``, or free forms like ``Mar 2021``."""
    match = _DATE_PARTS.match(value)
    if match:
        year, month, day = match.groups()
        if month:
            text = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
            published, parsed_year = parse_date(text)
            return published, parsed_year or int(year)
        return parse_date(int(year))
    published, year_value = parse_date(value)
    if year_value is None:
        raise ValueError(f"tag {tag}: unreadable date {value!r}")
    return published, year_value


class RisParser(Parser):
    """RIS tagged records from reference managers and bibliographic databases."""

    name = "ris"
    label = "RIS tagged records (TY  - … ER  - ) from Scopus, WoS, Zotero, EndNote, CNKI"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """High when the first tagged line is ``TY  - `` and more RIS tags follow."""
        lines = [line for line in sample.splitlines() if line.strip()][:60]
        heads = [(i, m) for i, line in enumerate(lines) if (m := _TY_LINE.match(line))]
        if not heads:
            return 0
        first_ty, head = heads[0]
        spacing = len(head.group(1))
        tagged = sum(1 for line in lines[first_ty:] if _TAG_LINE[spacing].match(line))
        if tagged >= 3 and (first_ty <= 5 or any(line.startswith("ER  -") for line in lines)):
            return 95
        return 60 if tagged >= 2 else 30

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Yield one record (or :class:`RecordError`) per ``TY`` … ``ER`` block, in file order."""
        for number, first, last, lines, problem in self._blocks(path):
            location = f"record {number} (lines {first}-{last})"
            if problem:
                yield RecordError(path, location, problem)
                continue
            try:
                parsed = rispy.RisParser(mapping=_MAPPING, list_tags=_LIST_TAGS).parse_lines(iter(lines))
                if len(parsed) != 1:
                    raise ValueError("rispy found no record between TY and ER")
                raw = _plain(parsed[0])
                record = self.to_record(raw)
            except Exception as exc:  # rispy or a malformed value: report the record, go on
                yield RecordError(path, location, str(exc) or type(exc).__name__)
                continue
            record.location = location
            record.raw = raw
            if self.options.kind:
                record.kind = self.options.kind
            record.access_level = self.options.access_level
            yield record

    def _blocks(self, path: Path) -> Iterator[tuple[int, int, int, list[str], str | None]]:
        """Split the file into records: ``(number, first line, last line, normalized lines, problem)``."""
        pattern: re.Pattern[str] | None = None
        lines: list[str] = []
        first = 0
        number = 0
        stray: str | None = None
        try:
            with open_text(path) as handle:
                line_no = 0
                for line_no, line in enumerate(handle, start=1):
                    text = line.rstrip("\r\n").lstrip("\ufeff")
                    ty = _TY_LINE.match(text)
                    if ty and pattern is None:
                        pattern = _TAG_LINE[len(ty.group(1))]
                    if pattern is None:
                        continue  # header lines before the first record (Provider:, Database:, …)
                    match = pattern.match(text)
                    if match and match.group(1) == "TY":
                        if lines:
                            problem = f"no 'ER  - ' end tag before the next record at line {line_no}"
                            yield number, first, line_no - 1, [], problem
                        number, first, lines, stray = number + 1, line_no, [], None
                    if not lines and not (match and match.group(1) == "TY"):
                        continue  # text between records
                    if match:
                        tag, content = match.group(1), (match.group(2) or "").strip()
                        if tag == "ER":
                            lines.append("ER  - ")
                            yield number, first, line_no, lines, stray
                            lines = []
                            continue
                        lines.append(f"{tag}  - {content}")
                    elif text.strip():
                        if len(lines) == 1 and stray is None:
                            stray = f"line {line_no} is not a 'XX  - value' tag line and follows no tag"
                        lines.append(text.strip())
                if lines:
                    yield number, first, line_no, [], "the file ends before this record's 'ER  - ' end tag"
        except UnicodeDecodeError as exc:
            raise FileFormatError(path, f"not valid text in the detected encoding ({exc.reason})") from exc
        except (OSError, EOFError) as exc:
            raise FileFormatError(path, f"cannot read file: {exc}") from exc

    def to_record(self, raw: dict[str, Any]) -> DocumentRecord:
        """Map one record's tags (``{tag: value or [values]}``) to a :class:`DocumentRecord`."""

        def items(*tags: str) -> list[str]:
            out: list[str] = []
            for tag in tags:
                value = raw.get(tag)
                if value is None:
                    continue
                out.extend(v for v in (value if isinstance(value, list) else [value]) if v and v.strip())
            return out

        def one(*tags: str) -> str | None:
            for tag in tags:
                found = items(tag)
                if found:
                    return join_lines(found)
            return None

        ty = (one("TY") or "").upper()
        if not ty:
            raise ValueError("tag TY: empty reference type")
        kind = _KINDS.get(ty, "other")
        published, year = None, None
        for tag in ("DA", "PY", "Y1"):
            value = one(tag)
            if value:
                when, when_year = _read_date(tag, value)
                published = published or when
                year = year or when_year
        if published is not None and year is not None and published.year != year:
            published = None  # DA contradicts PY: keep the year only
        identifiers: dict[str, str] = {}
        url_list = items("UR", "L2")
        doi = normalize_doi(one("DO")) or next((normalize_doi(u) for u in url_list if normalize_doi(u)), None)
        organizations, countries = read_affiliations(items("AD"))
        for custom in items("C1"):
            orgs, found = read_affiliations([custom])
            if found:  # C1 holds addresses in some exports, other things in others
                organizations += [o for o in orgs if o not in organizations]
                countries += [c for c in found if c not in countries]
        patent_number = patent_office = None
        if kind == "patent":
            patent_number = one("SN", "PN", "M1")
            if one("M1") and one("M1") != patent_number:
                identifiers["application_number"] = one("M1") or ""
            organizations += [a for a in items("PB", "A2") if a not in organizations]
            place = one("CY")
            if place:
                code = normalize_country(place)
                patent_office = code if len(code) == 2 and code.isupper() else None
        else:
            issns, isbns = split_isbn_issn(items("SN", "BN"))
            if issns:
                identifiers["issn"] = "; ".join(issns)
            if isbns:
                identifiers["isbn"] = "; ".join(isbns)
            if ty == "THES":
                organizations += [p for p in items("PB") if p not in organizations]
        venue = one("T2", "JO", "JF", "JA", "J2", "BT") if ty not in {"BOOK", "EBOOK", "EDBOOK"} else None
        if venue is None and ty in {"THES", "BOOK", "EBOOK", "EDBOOK", "RPRT"}:
            venue = one("PB")
        for tag, key in (("VL", "volume"), ("IS", "issue")):
            if one(tag) and kind != "patent":
                identifiers[key] = one(tag) or ""
        pages = "-".join(p for p in (one("SP"), one("EP")) if p)
        if pages:
            identifiers["pages"] = pages
        accession = one("AN")
        if accession:
            identifiers["accession_number"] = accession
            if accession.upper().startswith("WOS:"):
                identifiers["wos"] = accession[4:]
            elif accession.startswith("2-s2.0-"):
                identifiers["scopus_eid"] = accession
        for url in url_list:
            eid = re.search(r"[?&]eid=(2-s2\.0-\d+)", url)
            if eid:
                identifiers.setdefault("scopus_eid", eid.group(1))
        if one("DB"):
            identifiers["database"] = one("DB") or ""
        return DocumentRecord(
            kind=kind,
            title=one("TI", "T1", "CT", "BT", "ST") or "",
            abstract=one("AB", "N2"),
            language=map_language(one("LA")),
            publication_date=published,
            year=year,
            doi=doi,
            patent_number=patent_number,
            patent_office=patent_office,
            source_id=accession or one("ID"),
            identifiers=identifiers,
            authors=split_list(items("AU", "A1")),
            organizations=organizations,
            countries=countries,
            keywords=split_list([k for kw in items("KW") for k in re.split(r"[;；]", kw)]),
            venue=venue,
            citation_count=next(
                (c for c in map(citation_count_in, items("N1", "M1")) if c is not None), None
            ),
            url=next((u for u in url_list if u.startswith(("http://", "https://"))), None),
        )


def _plain(parsed: dict[str, Any]) -> dict[str, Any]:
    """rispy's record as plain JSON data: one item as a string, several as a list; unknown tags merged."""
    out: dict[str, Any] = {}
    unknown = parsed.pop(_UNKNOWN, {}) or {}
    for tag, value in list(parsed.items()) + [(str(k), v) for k, v in dict(unknown).items()]:
        if tag == "ER":
            continue
        values = [str(v) for v in (value if isinstance(value, list) else [value])]
        values = [v for v in values if v != ""] or [""]
        out[tag] = values[0] if len(values) == 1 else values
    return out
