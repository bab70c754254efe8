"""PatentsView bulk TSV (``g_patent.tsv`` and tables joined to it: one row per granted US patent)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.cells import to_date, to_int
from foresight.ingest.formats.delimited import (
    Columns,
    Row,
    header_keys,
    parse_delimited,
)
from foresight.ingest.normalize import split_list
from foresight.ingest.record import DocumentRecord, ParsedItem

#: Field → column names of ``g_patent.tsv``, the joined tables, and the legacy PatentsView API.
SPEC: dict[str, tuple[str, ...]] = {
    "patent_number": ("patent_id", "patent_number"),
    "patent_type": ("patent_type",),
    "grant_date": ("patent_date", "grant_date"),
    "title": ("patent_title",),
    "abstract": ("patent_abstract",),
    "kind_code": ("wipo_kind", "patent_kind", "kind"),
    "num_claims": ("num_claims", "patent_num_claims"),
    "withdrawn": ("withdrawn",),
    "application_number": ("application_id", "application_number", "app_number"),
    "application_date": ("application_date", "filing_date", "app_date"),
    "priority_date": ("earliest_priority_date", "priority_date"),
    "organizations": (
        "assignee_organization", "disambig_assignee_organization", "assignees", "assignee",
        "assignee_organizations",
    ),
    "assignee_country": ("assignee_country", "disambig_assignee_country"),
    "inventor_country": ("inventor_country", "disambig_inventor_country"),
    "authors": ("inventors", "inventor_names", "inventor_name"),
    "inventor_first": ("inventor_name_first", "disambig_inventor_name_first", "inventor_first_name"),
    "inventor_last": ("inventor_name_last", "disambig_inventor_name_last", "inventor_last_name"),
    "ipc_codes": ("ipc", "ipc_codes", "ipcr", "ipc_code"),
    "ipc_section": ("ipc_section", "section"),
    "ipc_class": ("ipc_class",),
    "ipc_subclass": ("ipc_subclass", "subclass"),
    "ipc_main_group": ("ipc_main_group", "main_group"),
    "ipc_subgroup": ("ipc_subgroup", "subgroup"),
    "cpc_codes": (
        "cpc", "cpc_codes", "cpc_group", "cpc_group_id", "cpc_subgroup_id", "cpc_subclass",
        "cpc_subclass_id", "cpc_class", "cpc_section",
    ),
    "citation_count": ("citedby_count", "cited_by_count", "patent_num_times_cited_by_us_patents"),
    "url": ("url", "patent_url"),
}  # fmt: skip

LIST_SEPARATORS = r"[;|]"
_PREFIXED = re.compile(r"^US\s*", re.I)
_PATENT_ID = re.compile(r"(?:[A-Z]{1,2})?\d{1,10}")  # 10000000, D912345, RE48765, PP32000


def _inventors(columns: Columns, row: Row) -> list[str]:
    """Inventor names from an ``inventors`` list or from aligned first-name and last-name lists."""
    names = split_list(columns.get(row, "authors"), LIST_SEPARATORS)
    if names:
        return names
    firsts = re.split(LIST_SEPARATORS, columns.get(row, "inventor_first") or "")
    lasts = re.split(LIST_SEPARATORS, columns.get(row, "inventor_last") or "")
    if len(firsts) != len(lasts):
        raise ValueError(
            f"columns {columns.column('inventor_first')!r} and {columns.column('inventor_last')!r} list "
            f"{len(firsts)} and {len(lasts)} names"
        )
    return split_list([f"{first.strip()} {last.strip()}" for first, last in zip(firsts, lasts, strict=True)])


def _ipc(columns: Columns, row: Row) -> list[str]:
    """IPC codes from an ``ipc`` list or composed from ``g_ipc_at_issue`` parts (``H01L 21/02``)."""
    codes = split_list(columns.get(row, "ipc_codes"), LIST_SEPARATORS)
    if codes or not columns.has("ipc_section"):
        return codes
    parts = [
        re.split(LIST_SEPARATORS, columns.get(row, f) or "")
        for f in ("ipc_section", "ipc_class", "ipc_subclass", "ipc_main_group", "ipc_subgroup")
    ]
    width = len(parts[0])
    composed = []
    for i in range(width):
        section, klass, subclass, main, sub = (p[i].strip() if len(p) == width else "" for p in parts)
        if not section:
            continue
        code = f"{section}{klass.zfill(2) if klass else ''}{subclass}"
        if main:
            code += f" {main}/{sub or '00'}"
        composed.append(code)
    return composed


def _build(columns: Columns, row: Row) -> DocumentRecord:
    number = _PREFIXED.sub("", columns.get(row, "patent_number") or "")
    if not _PATENT_ID.fullmatch(number):
        raise ValueError(f"column {columns.column('patent_number')!r}: {number!r} is not a US patent number")
    granted, year = to_date(columns.get(row, "grant_date"), columns.column("grant_date"))
    applied, _ = to_date(columns.get(row, "application_date"), columns.column("application_date"))
    priority, _ = to_date(columns.get(row, "priority_date"), columns.column("priority_date"))
    claims = to_int(columns.get(row, "num_claims"), columns.column("num_claims"))
    withdrawn = columns.get(row, "withdrawn")
    if withdrawn is not None and withdrawn not in {"0", "1", "true", "false", "True", "False"}:
        raise ValueError(f"column {columns.column('withdrawn')!r}: expected 0 or 1, got {withdrawn!r}")
    countries = split_list(columns.get(row, "assignee_country"), LIST_SEPARATORS) + split_list(
        columns.get(row, "inventor_country"), LIST_SEPARATORS
    )
    identifiers = {
        key: value
        for key, value in (
            ("patent_type", columns.get(row, "patent_type")),
            ("kind_code", columns.get(row, "kind_code")),
            ("application_number", columns.get(row, "application_number")),
            ("num_claims", str(claims) if claims is not None else None),
            ("withdrawn", "true" if withdrawn in {"1", "true", "True"} else None),
        )
        if value
    }
    return DocumentRecord(
        kind="patent",
        title=columns.get(row, "title") or "",
        abstract=columns.get(row, "abstract"),
        publication_date=granted,
        year=year,
        priority_date=priority,
        application_date=applied,
        grant_date=granted,
        patent_number=f"US{number}",
        source_id=f"US{number}",
        identifiers=identifiers,
        authors=_inventors(columns, row),
        organizations=split_list(columns.get(row, "organizations"), LIST_SEPARATORS),
        countries=list(dict.fromkeys(countries)),
        ipc_codes=_ipc(columns, row),
        cpc_codes=split_list(columns.get(row, "cpc_codes"), LIST_SEPARATORS),
        venue="USPTO",
        patent_office="US",
        citation_count=to_int(columns.get(row, "citation_count"), columns.column("citation_count")),
        url=columns.get(row, "url"),
        language="en",
    )


class PatentsViewTsv(Parser):
    """PatentsView bulk TSV: ``patent_id, patent_type, patent_date, patent_title, patent_abstract, …``.

    Also reads the joined layout (one row per patent with ``application_date``,
    ``assignee_organization``, ``inventor_name_first``/``inventor_name_last`` or ``inventors``,
    ``ipc``, ``cpc_group``…); list cells are separated by ``;`` or ``|``.
    """

    name = "patentsview-tsv"
    label = "PatentsView bulk TSV (patent_id, patent_date, patent_title, patent_abstract, wipo_kind…)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """90 for a header with ``patent_id``/``patent_number`` and ``patent_title``/``patent_date``."""
        keys = header_keys(sample)
        if {"patentid", "patentnumber"} & keys and {"patenttitle", "patentdate"} & keys:
            return 90
        return 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Stream US patent records (``patent_id`` and ``patent_title`` columns are required)."""
        yield from parse_delimited(path, self.options, SPEC, _build, required=("patent_number", "title"))
