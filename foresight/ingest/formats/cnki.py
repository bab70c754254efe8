"""CNKI (中国知网) exports: the RefWorks and the EndNote tagged text files.

RefWorks records start with ``RT Journal Article`` (``Dissertation/Thesis``, ``Conference Proceedings``,
``Newspaper Article``, ``Patent``…) and use two-letter tags (``A1 AD T1 JF YR IS OP K1 AB SN CN LA DS
LK DO``); EndNote records start with ``%0 Journal Article`` and use ``%`` tags (``%A %+ %T %J %D %N %K
%X %P %@ %L %W %U %R``). Records are separated by blank lines. Both readers map their tags to the same
fields and share one record builder. Files are often GB18030; :func:`open_text` detects that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from foresight.ingest.errors import RecordError
from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.tagged import TaggedRecord, TagSyntax, first_line, iter_tagged_records
from foresight.ingest.normalize import clean_text, normalize_country, parse_date, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem

REFWORKS_TAGS = {
    "RT": "type", "A1": "authors", "AD": "affiliations", "T1": "title", "T2": "secondary_title",
    "JF": "journal", "JO": "journal_abbrev", "YR": "year", "FD": "date", "VO": "volume", "IS": "issue",
    "SP": "pages", "OP": "pages", "K1": "keywords", "AB": "abstract", "SN": "issn", "CN": "cn",
    "LA": "language", "DS": "database", "DB": "database", "LK": "url", "UL": "url", "DO": "doi",
    "PB": "publisher", "PP": "place", "CL": "classification", "NO": "notes", "ID": "id", "AN": "accession",
    "A2": "secondary_authors", "A3": "other_authors", "A4": "other_authors", "ED": "edition",
    "SR": "source_type", "T3": "series", "AV": "availability", "OT": "original_text", "ST": "short_title",
    "U1": "user", "U2": "user", "U3": "user", "U4": "user", "U5": "user", "RD": "retrieved",
}  # fmt: skip
ENDNOTE_TAGS = {
    "0": "type", "A": "authors", "+": "affiliations", "T": "title", "B": "secondary_title", "J": "journal",
    "D": "year", "8": "date", "V": "volume", "N": "issue", "P": "pages", "K": "keywords", "X": "abstract",
    "@": "issn", "L": "cn", "W": "database", "U": "url", "R": "doi", "I": "publisher", "C": "place",
    "9": "work_type", "Y": "secondary_authors", "E": "other_authors", "G": "language", "M": "accession",
    "Z": "notes", "F": "id", "S": "series", "7": "edition", "!": "short_title", "~": "database",
}  # fmt: skip
#: Fields never scanned for patent numbers.
_PROSE = frozenset(
    {"title", "abstract", "keywords", "authors", "affiliations", "secondary_title", "short_title"}
)
_LANGUAGES = {"chi": "zh", "zho": "zh", "zh": "zh", "chinese": "zh", "中文": "zh", "汉语": "zh",
              "eng": "en", "en": "en", "english": "en", "英文": "en", "英语": "en"}  # fmt: skip
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_ORG_SUFFIX = re.compile(
    r"^(.*?(?:大学|科学院|工程院|研究生院|研究院|研究所|学院|集团有限公司|集团公司|股份有限公司|有限责任公司|"
    r"有限公司|公司|医院|研究中心|中心|实验室|委员会|管理局|学校|学会|协会|银行|局))"
)
#: English institution words, strongest first (a university beats its school or laboratory).
_INSTITUTION_EN = (
    re.compile(r"\b(?:Univ\w*|Institut\w*|Inst|Academy|Acad|Company|Corp\w*|Inc|Ltd|GmbH)\b", re.I),
    re.compile(r"\b(?:College|Coll|Hospital|Laborator\w*|Lab|Cent(?:er|re)|School)\b", re.I),
)
_POSTCODE = re.compile(r"^\s*\d{6}\s*")
_PUB_NUMBER = re.compile(r"\b(?:CN|WO|US|EP|JP|KR|DE|GB|FR|TW)\s?\d{6,12}\s?[A-Z]\d?\b")
_APP_NUMBER = re.compile(r"(?<![\w.])(?:CN\s?|ZL\s?)?(\d{12}\.[\dX]|\d{8}\.[\dX])(?![\w.])")
_IPC = re.compile(r"\b[A-H]\d{2}[A-Z]\s?\d{1,4}/\d{2,6}\b")


class CnkiFields:
    """A tagged record seen through the common field names of :data:`REFWORKS_TAGS`/:data:`ENDNOTE_TAGS`."""

    def __init__(self, record: TaggedRecord, mapping: dict[str, str], prefix: str = "") -> None:
        self.record = record
        self.mapping = mapping
        self.prefix = prefix

    def tags(self, key: str) -> list[str]:
        """The source tags that hold ``key``."""
        return [tag for tag, name in self.mapping.items() if name == key]

    def label(self, key: str) -> str:
        """The source tag of ``key`` as written in the file (``YR``, ``%D``)."""
        present = [tag for tag in self.tags(key) if tag in self.record.tags()]
        return self.prefix + (present or self.tags(key) or [key])[0]

    def text(self, key: str) -> str | None:
        """The first non-empty value of ``key``, wrapped lines joined."""
        for tag in self.tags(key):
            value = clean_text(self.record.text(tag))
            if value:
                return value
        return None

    def items(self, key: str, separators: str = r"[;；]") -> list[str]:
        """Every value line of ``key`` split into items."""
        lines = [line for tag in self.tags(key) for line in self.record.lines(tag)]
        return split_list(lines and re.split(separators, ";".join(lines)))

    def other_values(self) -> list[str]:
        """Values of the record's non-prose fields (where CNKI puts patent and application numbers)."""
        out = []
        for tag, lines in self.record.fields:
            if self.mapping.get(tag, "") not in _PROSE:
                out.extend(lines)
        return out


def split_names(values: list[str]) -> list[str]:
    """CNKI author lists: ``张三;李四;`` and, between Chinese names only, ``张三，李四``."""
    out: list[str] = []
    for value in values:
        out.extend(re.split(r"[,，、]", value) if _HAN.search(value) else [value])
    return split_list(out)


def chinese_organization(affiliation: str) -> str | None:
    """The institution of an affiliation: ``北京大学信息科学技术学院,北京100871`` → ``北京大学``.

    The first segment is cut after the first institution word (大学, 科学院, 研究所, 有限公司…); text
    without one is kept whole. English affiliations give their first comma-separated part.
    """
    segment = next((s for s in re.split(r"[,，!！;；]", _POSTCODE.sub("", affiliation)) if s.strip()), "")
    segment = segment.strip()
    if not _HAN.search(segment):
        parts = [p.strip(" .") for p in affiliation.split(",") if p.strip(" .")]
        named = next(
            (p for pattern in _INSTITUTION_EN for p in parts if pattern.search(p)), parts[0] if parts else ""
        )
        return clean_text(named)
    segment = segment.split()[0] if segment.split() else segment
    match = _ORG_SUFFIX.match(segment)
    if not match:
        return segment or None
    organization = match.group(1)
    for tail in ("大学", "研究生院"):  # 中国科学院大学 is not 中国科学院
        if segment[len(organization) :].startswith(tail):
            organization += tail
    return organization


def affiliation_country(affiliation: str) -> str | None:
    """Country of a CNKI affiliation: Chinese text → CN (HK/MO/TW by name), else a trailing country."""
    if _HAN.search(affiliation):
        if "香港" in affiliation:
            return "HK"
        if "澳门" in affiliation:
            return "MO"
        if re.search(r"台湾|台北|新竹|台中|台南|高雄", affiliation):
            return "TW"
        return "CN"
    parts = [p.strip(" .") for p in affiliation.split(",") if p.strip(" .")]
    if len(parts) < 2:
        return None
    code = normalize_country(re.sub(r"^\d+\s*", "", parts[-1]))
    return code if re.fullmatch(r"[A-Z]{2}", code) else None


def _kind(document_type: str) -> str:
    lowered = document_type.casefold()
    if "patent" in lowered or "专利" in lowered:
        return "patent"
    if "newspaper" in lowered or "报纸" in lowered:
        return "news"
    if "standard" in lowered or "标准" in lowered:
        return "other"
    return "paper"


def _language(value: str | None) -> str | None:
    names = split_list(value, r"[;；,，]")
    return _LANGUAGES.get(names[0].casefold(), "other") if names else None


def _cnki_ids(url: str | None) -> dict[str, str]:
    if not url:
        return {}
    try:
        query = {k.lower(): v[0] for k, v in parse_qs(urlsplit(url).query).items() if v}
    except ValueError:
        return {}
    ids = {}
    for key, name in (("filename", "cnki_filename"), ("dbcode", "cnki_dbcode"), ("dbname", "cnki_dbname")):
        if query.get(key):
            ids[name] = query[key]
    return ids


def build_cnki_record(fields: CnkiFields) -> DocumentRecord:
    """Map a CNKI record to a :class:`DocumentRecord`.

    Parameters
    ----------
    fields
        The record's fields under their common names.

    Returns
    -------
    DocumentRecord
        The record, without ``location``/``raw``.

    Raises
    ------
    ValueError
        When the year or date field is present but unreadable.
    """
    kind = _kind(fields.text("type") or "")
    published, year = None, None
    date_text = fields.text("date")
    if date_text:
        published, year = parse_date(date_text)
        if year is None:
            raise ValueError(f"field {fields.label('date')} (date) is not a date: {date_text!r}")
    year_text = fields.text("year")
    if year_text:
        match = re.search(r"(?<!\d)(\d{4})(?!\d)", year_text)
        if match is None:
            raise ValueError(f"field {fields.label('year')} (year) has no 4-digit year: {year_text!r}")
        _, stated = parse_date(match.group(1))
        if stated is None:
            raise ValueError(f"field {fields.label('year')} (year) is out of range: {year_text!r}")
        if published is None:
            published, _ = parse_date(year_text)  # some exports put a full date in the year field
        if published is not None and published.year != stated:
            published = None  # a date of another year (e.g. online first): the stated year wins
        year = stated

    affiliations = fields.items("affiliations")
    organizations = [org for aff in affiliations if (org := chinese_organization(aff))]
    document_type = (fields.text("type") or "").casefold()
    if not organizations and ("thesis" in document_type or "dissertation" in document_type):
        organizations = split_list(fields.text("publisher"))  # the degree-granting institution
    countries = [c for aff in affiliations if (c := affiliation_country(aff))]
    url = fields.text("url")
    identifiers = _cnki_ids(url)
    for key in ("issn", "cn", "accession"):
        value = fields.text(key)
        if value:
            identifiers[key] = value
    record = DocumentRecord(
        title=fields.text("title") or "",
        kind=kind,
        abstract=fields.text("abstract"),
        language=_language(fields.text("language")),
        publication_date=published,
        year=year,
        doi=fields.text("doi"),
        source_id=f"CNKI:{identifiers['cnki_filename']}" if "cnki_filename" in identifiers else None,
        identifiers=identifiers,
        authors=split_names(fields.items("authors")),
        organizations=organizations,
        countries=countries,
        keywords=fields.items("keywords", r"[;；，]"),
        categories=fields.items("classification"),
        venue=fields.text("journal") or fields.text("secondary_title") or fields.text("publisher"),
        url=url,
    )
    if kind == "patent":
        _patent_fields(record, fields)
    return record


def _patent_fields(record: DocumentRecord, fields: CnkiFields) -> None:
    """Patent numbers, application number and IPC codes from the record's non-prose fields."""
    values = " \n ".join(fields.other_values())
    number = _PUB_NUMBER.search(values)
    if number:
        record.patent_number = re.sub(r"\s", "", number.group(0))
        record.patent_office = record.patent_number[:2]
    application = _APP_NUMBER.search(values)
    if application:
        record.identifiers["application_number"] = application.group(1)
        record.patent_office = record.patent_office or "CN"
    record.ipc_codes = split_list([re.sub(r"\s", "", code) for code in _IPC.findall(values)])
    record.categories = [c for c in record.categories if c.replace(" ", "") not in record.ipc_codes]
    record.venue = None


class _CnkiParser(Parser):
    syntax: TagSyntax
    mapping: dict[str, str]
    prefix: str = ""

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        start = next(iter(self.syntax.start_tags))
        for tagged in iter_tagged_records(path, self.syntax):
            if tagged.problems:
                yield RecordError(path, tagged.location, "; ".join(tagged.problems))
                continue
            if not (tagged.text(start) or "").strip():
                yield RecordError(path, tagged.location, f"{self.prefix}{start} (reference type) is empty")
                continue
            try:
                record = build_cnki_record(CnkiFields(tagged, self.mapping, self.prefix))
            except (ValueError, LookupError) as exc:
                yield RecordError(path, tagged.location, str(exc))
                continue
            record.location = tagged.location
            record.raw = {f"{self.prefix}{tag}": value for tag, value in tagged.raw().items()}
            if self.options.kind:
                record.kind = self.options.kind
            record.access_level = self.options.access_level
            yield record


class CnkiRefWorks(_CnkiParser):
    """CNKI RefWorks export (``RT Journal Article`` … ``DS CNKI``, blank line between records)."""

    name = "cnki-refworks"
    label = "CNKI RefWorks export (RT/A1/AD/T1/JF/YR/K1/AB tags, DS CNKI)"
    mapping = REFWORKS_TAGS
    syntax = TagSyntax(
        tag_line=re.compile(r"^([A-Za-z][A-Za-z0-9])(?:[ \t](.*))?$"),
        start_tags=frozenset({"RT"}),
        known_tags=frozenset(REFWORKS_TAGS),
    )

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        if not re.match(r"RT\s+\S", first_line(sample)):
            return 0
        if not re.search(r"^(?:T1|A1|JF|YR|K1)\s", sample, re.M):
            return 30
        if re.search(r"^DS\s+CNKI|cnki\.(?:net|com)", sample, re.M | re.I):
            return 95
        return 65


class CnkiEndNote(_CnkiParser):
    """CNKI EndNote export (``%0 Journal Article`` … ``%W CNKI``, blank line between records)."""

    name = "cnki-endnote"
    label = "CNKI EndNote export (%0/%A/%+/%T/%J/%D/%K/%X tags, %W CNKI)"
    mapping = ENDNOTE_TAGS
    prefix = "%"
    syntax = TagSyntax(
        tag_line=re.compile(r"^%([0-9A-Za-z@+!#$&()*~^<>=?|\[\]])(?:[ \t](.*))?$"),
        start_tags=frozenset({"0"}),
        tag_prefix="%",
    )

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        if not re.match(r"%0\s+\S", first_line(sample)):
            return 0
        if not re.search(r"^%[ATJDK]\s", sample, re.M):
            return 30
        if re.search(r"^%W\s+CNKI|cnki\.(?:net|com)", sample, re.M | re.I):
            return 95
        return 65
