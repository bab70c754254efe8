"""Lens.org patent CSV export parser."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.ingest.errors import RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.lens import LensPatentCsv, family_key
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "lens-patent-csv"
EXPORT = FIXTURES / "lens_patents.csv"


def _records(path: Path = EXPORT, options: ParseOptions | None = None) -> list[DocumentRecord]:
    items = list(LensPatentCsv(options).parse(path))
    assert all(isinstance(i, DocumentRecord) for i in items), items
    return [i for i in items if isinstance(i, DocumentRecord)]


def test_detection() -> None:
    assert detect_format(EXPORT) is LensPatentCsv
    scholarly = "Lens ID,Title,Date Published,Publication Year,Publication Type,Source Title\n"
    assert LensPatentCsv.sniff(scholarly, EXPORT) == 0


def test_us_application() -> None:
    rec = _records()[0]
    assert rec.kind == "patent"
    assert rec.title == "BATTERY STATE ESTIMATION METHOD USING RECURRENT NEURAL NETWORKS"
    assert rec.abstract is not None and rec.abstract.startswith("A method for estimating the state of charge")
    assert rec.location == "record 1 (lines 2-4)"
    assert rec.patent_number == "US 2021/0012345 A1"
    assert rec.patent_office == "US"
    assert rec.publication_date == date(2021, 1, 14)
    assert rec.year == 2021
    assert rec.application_date == date(2020, 7, 10)
    assert rec.priority_date == date(2019, 7, 11)
    assert rec.grant_date is None
    assert rec.family_id == "CN110333456"
    assert rec.source_id == "lens:012-345-678-901-234"
    assert rec.identifiers == {
        "lens_id": "012-345-678-901-234",
        "kind_code": "A1",
        "application_number": "US 16/925678 A",
        "priority_numbers": "CN 201910623456 A; US 16/925678 A",
        "simple_family_members": "CN 110333456 A; CN 110333456 B; US 2021/0012345 A1",
        "extended_family_size": "4",
        "document_type": "Patent Application",
        "cites_patent_count": "12",
        "us_classifications": "1/1",
    }
    assert rec.authors == ["ZHANG WEI", "LI NA", "CHEN YU"]
    assert rec.organizations == ["CONTEMPORARY AMPEREX TECHNOLOGY CO LTD"]
    assert rec.cpc_codes == ["G01R31/367", "G06N3/044", "G06N3/08"]
    assert rec.ipc_codes == ["G01R31/367", "G06N3/04", "G06N3/08"]
    assert rec.citation_count == 3
    assert rec.url == "https://lens.org/012-345-678-901-234"
    assert rec.raw["Display Key"] == "US 2021/0012345 A1"
    assert rec.raw["#"] == "1"


def test_chinese_grant_shares_the_family() -> None:
    us, cn, ep = _records()
    assert cn.title == "基于循环神经网络的电池荷电状态估计方法"
    assert cn.authors == ["张伟", "李娜", "陈宇"]
    assert cn.organizations == ["宁德时代新能源科技股份有限公司"]
    assert cn.grant_date == date(2021, 6, 22)
    assert cn.patent_office == "CN"
    assert cn.citation_count == 0
    assert cn.family_id == us.family_id == "CN110333456"
    assert ep.family_id == "EP3456789"
    assert ep.abstract is None
    assert ep.citation_count is None
    assert ep.grant_date == date(2022, 3, 9)
    assert ep.organizations == ["TOYOTA MOTOR CO LTD", "UNIV CALIFORNIA"]
    assert ep.location == "line 6"


def test_family_key() -> None:
    assert family_key("US 2021/0012345 A1", ["CN 110333456 A", "WO 2021/004567 A1"]) == "CN110333456"
    assert family_key("EP 3456789 B1", []) == "EP3456789"
    assert family_key(None, []) is None


def test_bad_rows() -> None:
    items = list(LensPatentCsv().parse(FIXTURES / "lens_bad.csv"))
    errors = [(i.location, i.message) for i in items if isinstance(i, RecordError)]
    assert errors == [
        ("record 1 (lines 2-4)", "column 'Publication Date': unreadable date '2021-02-30'"),
        ("line 5", "column 'Cited by Patent Count': 'three' is not a number"),
    ]
    assert [i.patent_number for i in items if isinstance(i, DocumentRecord)] == ["EP 3456789 B1"]


def test_column_map_override() -> None:
    recs = _records(options=ParseOptions(column_map={"citation_count": "Cites Patent Count"}, kind="other"))
    assert [r.citation_count for r in recs] == [12, 5, None]
    assert {r.kind for r in recs} == {"other"}


def test_import_through_service(session: Session) -> None:
    report = import_file(session, EXPORT)
    assert (report.format, report.new, report.merged, report.rejected) == ("lens-patent-csv", 3, 0, 0)
    docs = session.scalars(select(Document).order_by(Document.id)).all()
    assert [d.patent_key for d in docs] == ["US20210012345", "CN110333456", "EP3456789"]
    assert [d.family_id for d in docs] == ["CN110333456", "CN110333456", "EP3456789"]
    assert [d.language for d in docs] == ["en", "zh", "en"]
    assert docs[1].grant_date == date(2021, 6, 22)
