"""Generic tables and JSON Lines: any CSV/TSV or JSONL whose columns are named or mapped by the user.

Columns are found by common names in English and Chinese (``title``/``标题``/``题名``, ``abstract``/``摘要``,
``year``/``年份``…) unless ``ParseOptions.column_map`` names them (field → column, or for JSON Lines a
key or dotted path such as ``meta.title``). List cells are split on ``;``, ``；`` or ``|``.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.base import ParseOptions, Parser
from foresight.ingest.formats.cells import MAX_LENGTHS, check_length, map_language, to_date, to_int, to_year
from foresight.ingest.formats.delimited import (
    Columns,
    Row,
    normalize_header_name,
    parse_delimited,
    sample_header,
)
from foresight.ingest.formats.jsonlines import first_json_object, iter_json_lines
from foresight.ingest.normalize import normalize_country, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem

#: Record field → usual column names, most specific first.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "document title", "article title", "paper title", "patent title",
              "标题", "题名", "篇名", "题目", "名称", "专利名称", "论文题目"),
    "abstract": ("abstract", "summary", "abstract text", "摘要", "内容摘要", "摘要文本"),
    "full_text": ("full text", "fulltext", "body", "text", "content", "全文", "正文", "内容"),
    "year": ("year", "publication year", "pub year", "year published",
             "年份", "出版年", "发表年份", "年度", "年"),
    "publication_date": ("publication date", "date", "published", "pub date", "date published",
                         "发表日期", "出版日期", "发表时间", "日期", "公开日",
                         "公开（公告）日", "公开(公告)日"),
    "doi": ("doi", "doi link"),
    "arxiv_id": ("arxiv id", "arxiv", "arxiv_id"),
    "patent_number": ("patent number", "publication number", "patent no", "公开号", "公开（公告）号",
                      "公开(公告)号", "公告号", "专利号"),
    "application_date": ("application date", "filing date", "申请日"),
    "priority_date": ("priority date", "earliest priority date", "优先权日"),
    "grant_date": ("grant date", "issue date", "授权日", "授权公告日"),
    "family_id": ("family id", "family", "同族号"),
    "source_id": ("id", "identifier", "record id", "doc id", "编号", "序号"),
    "authors": ("authors", "author", "author names", "inventors", "inventor",
                "作者", "发明人", "发明人/设计人"),
    "organizations": ("organizations", "organization", "organisations", "organisation", "affiliations",
                      "affiliation", "institutions", "institution", "assignees", "assignee", "applicants",
                      "applicant", "机构", "单位", "作者单位", "作者机构", "申请人", "申请（专利权）人",
                      "申请(专利权)人", "专利权人"),
    "countries": ("countries", "country", "country code", "国家", "国家/地区", "国别"),
    "keywords": ("keywords", "keyword", "author keywords", "tags", "关键词", "关键字"),
    "categories": ("categories", "category", "subjects", "subject", "subject areas", "fields", "field",
                   "discipline", "学科", "学科分类", "分类", "专题"),
    "ipc_codes": ("ipc", "ipc codes", "ipc classification", "ipc分类号", "分类号", "主分类号"),
    "cpc_codes": ("cpc", "cpc codes", "cpc classification", "cpc分类号"),
    "venue": ("venue", "journal", "source title", "source", "publication", "publication title",
              "conference", "期刊", "刊名", "来源", "文献来源", "期刊名称"),
    "patent_office": ("patent office", "office", "jurisdiction", "受理局"),
    "citation_count": ("citation count", "citations", "cited by", "times cited", "cited by count",
                       "被引", "被引次数", "被引频次"),
    "url": ("url", "link", "links", "链接", "网址"),
    "language": ("language", "lang", "语言", "语种"),
    "kind": ("kind", "type", "document type", "doc type", "类型", "文献类型"),
}  # fmt: skip

LIST_FIELDS = frozenset(
    {"authors", "organizations", "countries", "keywords", "categories", "ipc_codes", "cpc_codes"}
)
LIST_SEPARATORS = r"[;；|]"
_TITLE_LIKE = frozenset(normalize_header_name(a) for f in ("title", "abstract") for a in ALIASES[f])

_KINDS = {
    "paper": "paper", "article": "paper", "journal article": "paper", "review": "paper", "preprint": "paper",
    "conference paper": "paper", "proceedings paper": "paper", "book chapter": "paper", "thesis": "paper",
    "dissertation": "paper", "论文": "paper", "期刊": "paper", "期刊论文": "paper", "会议论文": "paper",
    "学位论文": "paper", "文章": "paper", "patent": "patent", "granted patent": "patent",
    "patent application": "patent", "专利": "patent", "发明专利": "patent", "实用新型": "patent",
    "project": "project", "grant": "project", "项目": "project", "news": "news", "新闻": "news",
    "资讯": "news", "policy": "policy", "政策": "policy", "other": "other", "其他": "other",
}  # fmt: skip
_KIND_KEYS = {normalize_header_name(k): v for k, v in _KINDS.items()}
_NAME_KEYS = ("name", "display_name", "full_name", "value", "label", "text")


def _as_text(value: Any) -> str | None:
    """A scalar, list or name-bearing object as one string (lists joined with ``; ``)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, dict):
        for key in _NAME_KEYS:
            if isinstance(value.get(key), str):
                return value[key].strip() or None
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "; ".join(t for t in (_as_text(v) for v in value) if t) or None
    return str(value)


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return split_list([t for t in (_as_text(v) for v in value) if t])
    return split_list(_as_text(value), LIST_SEPARATORS)


def build_record(values: Mapping[str, Any], columns: Mapping[str, str]) -> DocumentRecord:
    """A record from field values found in a row or object.

    Parameters
    ----------
    values
        Field name → the source value (text, number, list or ``None``).
    columns
        Field name → the source column or key (named in error messages).

    Raises
    ------
    ValueError
        When a number or date field holds something else.
    """
    text = {field: _as_text(values.get(field)) for field in ALIASES if field not in LIST_FIELDS}
    for field in MAX_LENGTHS:
        check_length(field, text[field], columns.get(field, field))
    lists = {field: _as_list(values.get(field)) for field in LIST_FIELDS}
    published, date_year = to_date(text["publication_date"], columns.get("publication_date", "date"))
    year = to_year(text["year"], columns.get("year", "year")) or date_year
    dates = {
        f: to_date(text[f], columns.get(f, f))[0] for f in ("application_date", "priority_date", "grant_date")
    }
    identifiers: dict[str, str] = {}
    kind_value = text["kind"]
    if kind_value:
        kind = _KIND_KEYS.get(normalize_header_name(kind_value), "other")
        identifiers["document_type"] = kind_value
    else:
        kind = "patent" if text["patent_number"] else "paper"
    countries = [normalize_country(country) for country in lists["countries"]]
    return DocumentRecord(
        title=text["title"] or "",
        kind=kind,
        abstract=text["abstract"],
        full_text=text["full_text"],
        language=map_language(text["language"]),
        publication_date=published,
        year=year,
        priority_date=dates["priority_date"],
        application_date=dates["application_date"],
        grant_date=dates["grant_date"],
        doi=text["doi"],
        arxiv_id=text["arxiv_id"],
        patent_number=text["patent_number"],
        family_id=text["family_id"],
        source_id=text["source_id"],
        identifiers=identifiers,
        authors=lists["authors"],
        organizations=lists["organizations"],
        countries=countries,
        keywords=lists["keywords"],
        categories=lists["categories"],
        ipc_codes=lists["ipc_codes"],
        cpc_codes=lists["cpc_codes"],
        venue=text["venue"],
        patent_office=text["patent_office"].upper() if text["patent_office"] else None,
        citation_count=to_int(text["citation_count"], columns.get("citation_count", "citation_count")),
        url=text["url"],
    )


def _require_text_column(columns: Columns) -> None:
    if not (columns.has("title") or columns.has("abstract")):
        raise FileFormatError(
            columns.path,
            "no title or abstract column found; the header's columns are: "
            + ", ".join(repr(h) for h in columns.header[:40])
            + "; map one with a column map such as title=<column>",
        )


def _build_row(columns: Columns, row: Row) -> DocumentRecord:
    values = {field: row.values[name] for field, name in columns.fields.items()}
    return build_record(values, columns.fields)


class GenericCsv(Parser):
    """Any CSV/TSV with a header row (delimiter sniffed); columns guessed by name or ``column_map``."""

    name = "generic-csv"
    label = "Generic CSV/TSV table with a header row (title, abstract, year… or a column map)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """35 (below every specific format) when a header column looks like a title or an abstract."""
        _, header = sample_header(sample)
        if len(header) >= 2 and any(normalize_header_name(h) in _TITLE_LIKE for h in header):
            return 35
        return 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Stream one record per row; a mapped column missing from the header is a file error."""
        yield from parse_delimited(path, self.options, ALIASES, _build_row, check=_require_text_column)


def _lookup(obj: Mapping[str, Any], key: str) -> tuple[bool, Any]:
    """``(found, value)`` of a key, or of a dotted path into nested objects (``meta.title``)."""
    if key in obj:
        return True, obj[key]
    current: Any = obj
    for part in key.split("."):
        if not isinstance(current, Mapping) or part not in current:
            return False, None
        current = current[part]
    return True, current


class GenericJsonl(Parser):
    """Any JSON Lines file of objects; keys guessed by name or given in ``column_map`` (dotted paths)."""

    name = "generic-jsonl"
    label = "Generic JSON Lines (objects with title, abstract, year… keys or a key map)"
    #: Records read ahead to check the key map and that some title or abstract key exists.
    LOOKAHEAD = 100

    def __init__(self, options: ParseOptions | None = None) -> None:
        super().__init__(options)
        self._resolved: dict[tuple[str, ...], dict[str, str]] = {}

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """35 when the first object has a title-like or abstract-like key."""
        obj = first_json_object(sample)
        if obj is not None and any(normalize_header_name(k) in _TITLE_LIKE for k in obj):
            return 35
        return 0

    def _fields(self, obj: Mapping[str, Any]) -> dict[str, str]:
        """Field → key of this object (cached per key layout)."""
        layout = tuple(obj)
        found = self._resolved.get(layout)
        if found is None:
            by_key: dict[str, str] = {}
            for key in layout:
                by_key.setdefault(normalize_header_name(key), key)
            found = {}
            for field, aliases in ALIASES.items():
                for alias in aliases:
                    match = alias if alias in obj else by_key.get(normalize_header_name(alias))
                    if match is not None:
                        found[field] = match
                        break
            found.update(self.options.column_map)
            if len(self._resolved) < 256:
                self._resolved[layout] = found
        return found

    def _check(self, path: Path, head: list[tuple[str, dict[str, Any] | RecordError]]) -> None:
        objects = [obj for _, obj in head if not isinstance(obj, RecordError)]
        if not objects:
            return
        seen = sorted({k for obj in objects for k in obj})
        for field, key in self.options.column_map.items():
            if field not in ALIASES:
                raise FileFormatError(
                    path,
                    f"column map names unknown field {field!r}; the fields are: {', '.join(sorted(ALIASES))}",
                )
            if not any(_lookup(obj, key)[0] for obj in objects):
                raise FileFormatError(
                    path,
                    f"column map: key {key!r} (for field {field!r}) is in none of the first {len(objects)} "
                    f"records; their keys are: {', '.join(repr(k) for k in seen[:40])}",
                )
        if not any({"title", "abstract"} & self._fields(obj).keys() for obj in objects):
            raise FileFormatError(
                path,
                f"no title or abstract key found; the keys are: {', '.join(repr(k) for k in seen[:40])}"
                "; map one with a column map such as title=<key>",
            )

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Stream one record per JSON object (a key map naming absent keys is a file error)."""
        lines = iter_json_lines(path)
        head = list(itertools.islice(lines, self.LOOKAHEAD))
        self._check(path, head)
        for location, obj in itertools.chain(head, lines):
            if isinstance(obj, RecordError):
                yield obj
                continue
            fields = self._fields(obj)
            values = {field: _lookup(obj, key)[1] for field, key in fields.items()}
            try:
                record = build_record(values, fields)
            except (ValueError, TypeError) as exc:
                yield RecordError(path, location, str(exc))
                continue
            record.location = location
            record.raw = obj
            if self.options.kind:
                record.kind = self.options.kind
            record.access_level = self.options.access_level
            yield record
