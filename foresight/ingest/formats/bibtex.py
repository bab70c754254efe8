"""BibTeX / BibLaTeX files (Google Scholar, Scopus, Web of Science, arXiv, Zotero, CNKI exports).

The file is cut into top-level ``@type{…}`` blocks by :mod:`.bibtex_blocks`, one at a time (braces, quotes,
escapes respected; a block must start a line), so memory stays flat. Each block goes to
:func:`bibtexparser.parse_string`; ``@string`` macros seen so far are resolved in later entries.
Text fields and names are then decoded from LaTeX (``{\\"u}`` → ``ü``) by bibtexparser's
:class:`~bibtexparser.middlewares.LatexDecodingMiddleware`; URL-like fields are only unescaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware, NormalizeFieldKeys
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Entry, Field, String

from foresight.ingest.errors import RecordError
from foresight.ingest.formats.base import ParseOptions, Parser
from foresight.ingest.formats.biblio import (
    citation_count_in,
    join_lines,
    map_language,
    parse_affiliation,
    read_affiliations,
    split_isbn_issn,
)
from foresight.ingest.formats.bibtex_blocks import iter_blocks
from foresight.ingest.normalize import normalize_arxiv_id, normalize_doi, parse_date
from foresight.ingest.record import DocumentRecord, ParsedItem

_SNIFF_ENTRY = re.compile(
    r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^\s,={}]*\s*,\s*$|^\s*@\s*(?:string|comment|preamble)\s*[{(]",
    re.MULTILINE | re.IGNORECASE,
)
_SNIFF_FIELD = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]", re.MULTILINE)

_PAPER_TYPES = frozenset(
    [
        "article",
        "inproceedings",
        "conference",
        "phdthesis",
        "mastersthesis",
        "thesis",
        "book",
        "inbook",
        "incollection",
        "proceedings",
        "collection",
        "mvbook",
        "bookinbook",
        "suppbook",
        "suppcollection",
        "unpublished",
        "booklet",
        "periodical",
    ]
)
_OTHER_TYPES = frozenset(
    ["techreport", "report", "manual", "online", "electronic", "www", "dataset", "software", "standard"]
)
_POLICY_TYPES = frozenset(["legislation", "legal", "jurisdiction", "law"])
#: Fields holding identifiers or links: unescaped but not LaTeX-decoded (``%`` and ``_`` are literal).
_VERBATIM = frozenset(
    [
        "url",
        "doi",
        "eprint",
        "file",
        "pdf",
        "link",
        "issn",
        "isbn",
        "archiveprefix",
        "eprinttype",
        "primaryclass",
        "eid",
        "pmid",
        "pubmed_id",
        "arxivid",
        "unique-id",
        "urldate",
        "timestamp",
        "biburl",
        "bibsource",
        "date",
        "year",
        "month",
        "day",
        "number",
        "volume",
        "pages",
    ]
)
_NAME_FIELDS = ("author", "editor")
_ID_FIELDS = (
    ("pmid", "pmid"),
    ("pubmed_id", "pmid"),
    ("eid", "scopus_eid"),
    ("volume", "volume"),
    ("pages", "pages"),
    ("unique-id", "wos"),
)
_NAME_SEP = "\x1f"
#: Text that the LaTeX decoder would change: commands, groups, math, ties, dashes, TeX quotes.
_LATEX = re.compile(r"[\\{}$~%]|--|``|''")
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_PATENT_TYPE = re.compile(r"^patent(?:req)?([a-z]{2})$", re.IGNORECASE)


def _split(value: str | None) -> list[str]:
    """Keywords or categories: ``;`` separated when there is one, else ``,`` separated."""
    if not value:
        return []
    separators = r"[;；]" if re.search(r"[;；]", value) else r"[,，]"
    return [part.strip() for part in re.split(separators, value) if part.strip()]


def _failure(error: Exception) -> str:
    """A readable reason from a bibtexparser failed block's exception."""
    reason = getattr(error, "abort_reason", None) or str(error).split(". Note:")[0]
    return " ".join(str(reason).split()) or type(error).__name__


def _unescape(value: str) -> str:
    return re.sub(r"\\([_%&#$~])", r"\1", value).replace("{", "").replace("}", "").strip()


class BibtexParser(Parser):
    """BibTeX and BibLaTeX entries (article, inproceedings, phdthesis, techreport, patent, misc…)."""

    name = "bibtex"
    label = "BibTeX/BibLaTeX entries (@article{…}) from Scholar, Scopus, WoS, arXiv, Zotero"

    def __init__(self, options: ParseOptions | None = None) -> None:
        super().__init__(options)
        self._decoder = LatexDecodingMiddleware()
        self._strings: dict[str, String] = {}

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """High when ``@type{key,`` entry heads and ``field = {…}`` lines are present."""
        heads = _SNIFF_ENTRY.findall(sample)
        if not heads:
            return 0
        fields = len(_SNIFF_FIELD.findall(sample))
        if fields >= 2:
            return 95
        return 60 if fields else 30

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Yield one record (or :class:`RecordError`) per entry block, in file order."""
        self._strings = {}
        number = 0
        for kind, first, last, text, problem in iter_blocks(path):
            if kind in {"comment", "preamble"}:
                continue
            if kind == "string":
                if problem:
                    yield RecordError(path, f"@string block (lines {first}-{last})", problem)
                    continue
                where = f"@string block (lines {first}-{last})"
                try:
                    library = bibtexparser.parse_string(text)
                except Exception as exc:  # bibtexparser raises many types on garbage
                    yield RecordError(path, where, str(exc) or type(exc).__name__)
                    continue
                for failed in library.failed_blocks:
                    yield RecordError(path, where, _failure(failed.error))
                for string in library.strings:
                    self._strings[string.key.lower()] = string  # later definitions win, as in BibTeX
                continue
            number += 1
            location = f"record {number} (lines {first}-{last})"
            if problem:
                yield RecordError(path, location, problem)
                continue
            try:
                raw, record = self._read_entry(text, first)
            except Exception as exc:  # bibtexparser/pylatexenc raise many types on garbage: report, go on
                yield RecordError(path, location, str(exc) or type(exc).__name__)
                continue
            record.location = location
            record.raw = raw
            if self.options.kind:
                record.kind = self.options.kind
            record.access_level = self.options.access_level
            yield record

    def _library(self) -> Library | None:
        return Library(blocks=list(self._strings.values())) if self._strings else None

    def _read_entry(self, text: str, first_line: int) -> tuple[dict[str, Any], DocumentRecord]:
        library = bibtexparser.parse_string(
            text, append_middleware=[NormalizeFieldKeys()], library=self._library()
        )
        for failed in library.failed_blocks:
            line = first_line + (failed.start_line or 0)
            raise ValueError(
                f"bibtexparser could not read the entry starting at line {line}: {_failure(failed.error)}"
            )
        if len(library.entries) != 1:
            raise ValueError("no entry could be read from this block")
        entry = library.entries[0]
        raw: dict[str, Any] = {"ENTRYTYPE": entry.entry_type.lower(), "ID": entry.key}
        raw.update((f.key, f.value if isinstance(f.value, str) else str(f.value)) for f in entry.fields)
        return raw, self.to_record(raw, self._decode(entry))

    def _decode(self, entry: Entry) -> dict[str, str]:
        """Text fields LaTeX-decoded by the middleware (names split first); verbatim fields unescaped."""
        fields: list[Field] = []
        plain: dict[str, str] = {}
        for field in entry.fields:
            value = field.value if isinstance(field.value, str) else str(field.value)
            if field.key in _VERBATIM:
                plain[field.key] = _unescape(value)
            elif field.key in _NAME_FIELDS:
                names = [
                    parse_single_name_into_parts(name, strict=False).merge_first_name_first
                    for name in split_multiple_persons_names(value)
                    if name.strip().lower() != "others"
                ]
                fields.append(Field(field.key, _NAME_SEP.join(names)))
            else:
                fields.append(Field(field.key, value))
        to_decode = [f for f in fields if _LATEX.search(f.value)]
        decode_keys = {f.key for f in to_decode}
        for field in fields:
            if field.key not in decode_keys:  # plain text: nothing for the (slow) decoder to do
                plain[field.key] = join_lines(field.value.splitlines())
        if to_decode:
            decoded = self._decoder.transform(Library([Entry(entry.entry_type, entry.key, to_decode)]))
            block = decoded.blocks[0]
            if not isinstance(block, Entry):
                error = getattr(block, "error", "unknown error")
                raise ValueError(f"LaTeX decoding failed: {error}")
            for field in block.fields:
                plain[field.key] = join_lines(str(field.value).splitlines())
        if plain.get("pages"):
            plain["pages"] = re.sub(r"\s*(?:-{1,3}|–|—)\s*", "-", plain["pages"])
        return plain

    def to_record(self, raw: dict[str, Any], fields: dict[str, str]) -> DocumentRecord:
        """Map one entry (its raw fields and its decoded fields) to a :class:`DocumentRecord`."""

        def get(*keys: str) -> str | None:
            return next((fields[k] for k in keys if fields.get(k)), None)

        entry_type = str(raw["ENTRYTYPE"])
        arxiv_id = None
        prefix = (get("archiveprefix", "eprinttype") or "").lower()
        if get("eprint") and (prefix == "arxiv" or normalize_arxiv_id(get("eprint"))):
            arxiv_id = normalize_arxiv_id(get("eprint")) or get("eprint")
        url = get("url", "link")
        if arxiv_id is None and url and "arxiv.org/" in url:
            arxiv_id = normalize_arxiv_id(url)
        kind = self._kind(
            entry_type, get("entrysubtype"), bool(arxiv_id or get("doi", "journal", "booktitle"))
        )
        published, year = self._date(fields)
        identifiers: dict[str, str] = {}
        issns, isbns = split_isbn_issn(v for v in (get("issn"), get("eissn"), get("isbn")) if v)
        if issns:
            identifiers["issn"] = "; ".join(issns)
        if isbns:
            identifiers["isbn"] = "; ".join(isbns)
        for key, name in _ID_FIELDS:
            if get(key):
                identifiers.setdefault(name, re.sub(r"^WOS:", "", get(key) or "", flags=re.IGNORECASE))
        organizations, countries = read_affiliations(
            [a for a in (get("affiliation"), get("affiliations")) if a]
        )
        patent_number = patent_office = None
        if kind == "patent":
            patent_number = get("number")
            holders = re.split(r"\s+and\s+|[;；]", get("holder", "assignee") or "")
            organizations = [*(h.strip() for h in holders if h.strip()), *organizations]
            office = _PATENT_TYPE.match(get("type") or "")
            place = get("location", "address", "nationality")
            _, place_country = parse_affiliation(place) if place else (None, None)
            patent_office = office.group(1).upper() if office else place_country
        else:
            if get("number"):
                report = entry_type in {"techreport", "report"}
                identifiers["report_number" if report else "issue"] = get("number") or ""
            hosts = [h for h in (get("school"), get("institution")) if h]
            organizations = [*hosts, *(o for o in organizations if o not in hosts)]
            if hosts and get("address"):
                _, country = parse_affiliation(get("address") or "")
                if country and country not in countries:
                    countries.append(country)
        venue = get("journal", "journaltitle", "booktitle", "series", "school", "institution", "howpublished")
        if venue is None and entry_type in {"book", "mvbook", "proceedings"}:
            venue = get("publisher")
        citations = next(
            (int(v) for v in (get("times-cited"), get("cited-by"), get("citations")) if v and v.isdigit()),
            None,
        )
        return DocumentRecord(
            kind=kind,
            title=get("title", "booktitle") or "",
            abstract=get("abstract"),
            language=map_language(get("language", "langid")),
            publication_date=published,
            year=year,
            doi=get("doi") or (normalize_doi(url) if url and "doi.org/" in url else None),
            arxiv_id=arxiv_id,
            patent_number=patent_number,
            patent_office=patent_office,
            source_id=get("unique-id", "eid") or str(raw["ID"]) or None,
            identifiers=identifiers,
            authors=[n for n in (get("author", "editor") or "").split(_NAME_SEP) if n.strip()],
            organizations=organizations,
            countries=countries,
            keywords=[
                k
                for key in ("keywords", "author_keywords", "keywords-plus", "mesh")
                for k in _split(get(key))
            ],
            categories=[
                *_split(get("primaryclass")),
                *_split(get("web-of-science-categories")),
                *_split(get("research-areas")),
            ],
            venue=venue,
            citation_count=citations if citations is not None else citation_count_in(get("note")),
            url=url or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None),
        )

    @staticmethod
    def _kind(entry_type: str, subtype: str | None, scholarly: bool) -> str:
        if entry_type == "patent":
            return "patent"
        if entry_type == "article" and (subtype or "").lower() in {"newspaper", "magazine"}:
            return "news"
        if entry_type in _PAPER_TYPES:
            return "paper"
        if entry_type in _POLICY_TYPES:
            return "policy"
        if entry_type in _OTHER_TYPES:
            return "other"
        return "paper" if scholarly else "other"

    @staticmethod
    def _date(fields: dict[str, str]) -> tuple[date | None, int | None]:
        """``date`` (BibLaTeX ISO, first of a range) first, else ``year`` + ``month`` (+ ``day``)."""
        if fields.get("date"):
            published, year = parse_date(fields["date"].split("/")[0])
            if year is not None:
                return published, year
        year_text = fields.get("year", "")
        year_match = re.search(r"\b(\d{4})\b", year_text)
        if not year_match:
            if year_text and not re.search(r"[A-Za-z]", year_text):
                raise ValueError(f"field 'year': unreadable year {year_text!r}")
            return None, None  # "in press", "forthcoming", …
        year = int(year_match.group(1))
        month_text = fields.get("month", "").strip().lower()
        digits = re.match(r"\d{1,2}", month_text)
        month = int(digits.group(0)) if digits else _MONTHS.get(month_text[:3])
        if not month or not 1 <= month <= 12:
            return parse_date(year)
        day = fields.get("day", "").strip()
        published, parsed_year = parse_date(
            f"{year}-{month:02d}" + (f"-{int(day):02d}" if day.isdigit() else "")
        )
        return published, parsed_year if parsed_year is not None else parse_date(year)[1]
