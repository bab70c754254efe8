"""Lens.org patent search CSV export (one row per patent publication, lists separated by ``;;``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from foresight.ingest.formats.base import Parser
from foresight.ingest.formats.cells import check_length, to_date, to_int, to_year
from foresight.ingest.formats.delimited import (
    Columns,
    Row,
    header_keys,
    parse_delimited,
)
from foresight.ingest.normalize import patent_key, split_list
from foresight.ingest.record import DocumentRecord, ParsedItem

#: Field → Lens column names.
SPEC: dict[str, tuple[str, ...]] = {
    "patent_office": ("Jurisdiction",),
    "kind_code": ("Kind",),
    "patent_number": ("Display Key",),
    "lens_id": ("Lens ID",),
    "publication_date": ("Publication Date",),
    "year": ("Publication Year",),
    "application_number": ("Application Number",),
    "application_date": ("Application Date",),
    "priority_numbers": ("Priority Numbers",),
    "priority_date": ("Earliest Priority Date",),
    "title": ("Title",),
    "abstract": ("Abstract",),
    "applicants": ("Applicants",),
    "authors": ("Inventors",),
    "owners": ("Owners",),
    "url": ("URL",),
    "document_type": ("Document Type",),
    "cites_patent_count": ("Cites Patent Count",),
    "citation_count": ("Cited by Patent Count",),
    "family_members": ("Simple Family Members",),
    "extended_family_size": ("Extended Family Size",),
    "cpc_codes": ("CPC Classifications",),
    "ipc_codes": ("IPCR Classifications",),
    "us_classes": ("US Classifications",),
    "npl_citation_count": ("NPL Citation Count",),
}

LIST_SEPARATOR = r";;"
_GRANTED = re.compile(r"grant|limited patent|design right|plant patent", re.I)


def family_key(own_number: str | None, members: list[str]) -> str | None:
    """A stable id for a simple family: the smallest patent key among its members and the document.

    Every member of one family lists the same members, so each gets the same id; a document without
    listed members is a family of its own.

    Examples
    --------
    >>> family_key("US 2021/0012345 A1", ["CN 112345678 A", "WO 2021/012345 A1"])
    'CN112345678'
    """
    keys = {k for k in (patent_key(m) for m in [*members, own_number or ""]) if k}
    return min(keys) if keys else None


def _build(columns: Columns, row: Row) -> DocumentRecord:
    number = check_length("patent_number", columns.get(row, "patent_number"), columns.column("patent_number"))
    office = check_length("patent_office", columns.get(row, "patent_office"), columns.column("patent_office"))
    published, pub_year = to_date(columns.get(row, "publication_date"), columns.column("publication_date"))
    applied, _ = to_date(columns.get(row, "application_date"), columns.column("application_date"))
    priority, _ = to_date(columns.get(row, "priority_date"), columns.column("priority_date"))
    year = to_year(columns.get(row, "year"), columns.column("year")) or pub_year
    document_type = columns.get(row, "document_type")
    kind_code = columns.get(row, "kind_code")
    if document_type:
        granted = bool(_GRANTED.search(document_type))
    else:  # no document type exported: B kind codes are grants at the major offices
        granted = bool(kind_code and kind_code.upper().startswith("B"))
    members = split_list(columns.get(row, "family_members"), LIST_SEPARATOR)
    citing = to_int(columns.get(row, "citation_count"), columns.column("citation_count"))
    cites = to_int(columns.get(row, "cites_patent_count"), columns.column("cites_patent_count"))
    lens_id = columns.get(row, "lens_id")
    identifiers = {
        key: value
        for key, value in (
            ("lens_id", lens_id),
            ("kind_code", kind_code),
            ("application_number", columns.get(row, "application_number")),
            ("priority_numbers", "; ".join(split_list(columns.get(row, "priority_numbers"), LIST_SEPARATOR))),
            ("simple_family_members", "; ".join(members)),
            ("extended_family_size", columns.get(row, "extended_family_size")),
            ("document_type", document_type),
            ("cites_patent_count", str(cites) if cites is not None else None),
            ("us_classifications", "; ".join(split_list(columns.get(row, "us_classes"), LIST_SEPARATOR))),
        )
        if value
    }
    organizations = split_list(  # applicants, then current owners not among them
        split_list(columns.get(row, "applicants"), LIST_SEPARATOR)
        + split_list(columns.get(row, "owners"), LIST_SEPARATOR)
    )
    return DocumentRecord(
        kind="patent",
        title=columns.get(row, "title") or "",
        abstract=columns.get(row, "abstract"),
        publication_date=published,
        year=year,
        priority_date=priority,
        application_date=applied,
        grant_date=published if granted else None,
        patent_number=number,
        family_id=family_key(number, members),
        source_id=f"lens:{lens_id}" if lens_id else None,
        identifiers=identifiers,
        authors=split_list(columns.get(row, "authors"), LIST_SEPARATOR),
        organizations=organizations,
        ipc_codes=split_list(columns.get(row, "ipc_codes"), LIST_SEPARATOR),
        cpc_codes=split_list(columns.get(row, "cpc_codes"), LIST_SEPARATOR),
        patent_office=office.upper() if office else None,
        citation_count=citing,
        url=columns.get(row, "url") or (f"https://www.lens.org/{lens_id}" if lens_id else None),
    )


class LensPatentCsv(Parser):
    """Lens.org patent CSV: ``#, Jurisdiction, Kind, Display Key, Lens ID, Publication Date, …``.

    ``Display Key`` (``US 2021/0012345 A1``) is the patent number, ``Jurisdiction`` the office, and the
    family id the smallest member of ``Simple Family Members`` (see :func:`family_key`).
    """

    name = "lens-patent-csv"
    label = "Lens.org patent CSV export (Jurisdiction, Display Key, Lens ID, Title, Applicants…)"

    @classmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """95 when the header has ``Lens ID`` with ``Display Key`` or ``Jurisdiction``, else 0."""
        keys = header_keys(sample)
        if "lensid" in keys and ({"displaykey", "jurisdiction"} & keys):
            return 95
        return 0

    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Stream patent records (``Display Key`` and ``Title`` columns are required)."""
        yield from parse_delimited(path, self.options, SPEC, _build, required=("patent_number", "title"))
