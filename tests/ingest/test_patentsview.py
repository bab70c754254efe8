"""PatentsView bulk TSV parser (g_patent.tsv and the joined one-row-per-patent layout)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats import detect_format
from foresight.ingest.formats.patentsview import PatentsViewTsv
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "patentsview-tsv"
PLAIN = FIXTURES / "g_patent.tsv"
JOINED = FIXTURES / "patents_joined.tsv"


def _records(path: Path) -> list[DocumentRecord]:
    items = list(PatentsViewTsv().parse(path))
    assert all(isinstance(i, DocumentRecord) for i in items), items
    return [i for i in items if isinstance(i, DocumentRecord)]


def test_detection() -> None:
    assert detect_format(PLAIN) is PatentsViewTsv
    assert detect_format(JOINED) is PatentsViewTsv
    assert PatentsViewTsv.sniff("patent_number\ttitle\n", PLAIN) == 0


def test_g_patent_layout() -> None:
    utility, design, reissue = _records(PLAIN)
    assert utility.kind == "patent"
    assert utility.patent_number == utility.source_id == "US11000001"
    assert utility.patent_office == "US"
    assert utility.title == "Solid-state battery with a sulfide electrolyte layer"
    assert utility.abstract == (
        "A solid-state battery includes a cathode, an anode and a sulfide electrolyte layer.\n"
        "The electrolyte layer has a thickness of 5 to 30 micrometers, which lowers\ninterfacial resistance."
    )
    assert utility.location == "record 1 (lines 2-4)"
    assert utility.grant_date == utility.publication_date == date(2021, 5, 11)
    assert utility.year == 2021
    assert utility.identifiers == {"patent_type": "utility", "kind_code": "B2", "num_claims": "20"}
    assert utility.venue == "USPTO"
    assert utility.raw["filename"] == "ipg210511.xml"
    assert design.patent_number == "USD912345"
    assert design.abstract is None
    assert design.location == "line 5"
    assert reissue.title == 'Method for "fast" charging of a lithium-ion cell'
    assert reissue.identifiers["patent_type"] == "reissue"


def test_joined_layout() -> None:
    first, second, third = _records(JOINED)
    assert first.application_date == date(2017, 11, 17)
    assert first.authors == ["Rahul K. Patel", "Thomas Müller"]
    assert first.organizations == ["Toyota Motor Corporation", "The Regents of the University of California"]
    assert first.countries == ["JP", "US", "DE"]
    assert first.ipc_codes == ["H01M 10/0562", "H01M 10/052"]
    assert first.cpc_codes == ["H01M10/0562", "H01M10/052", "Y02E60/10"]
    assert second.authors == ["Wei Zhang", "Na Li"]
    assert second.organizations == ["Huawei Technologies Co., Ltd."]
    assert second.countries == ["CN"]
    assert third.authors == third.organizations == third.ipc_codes == []
    assert third.cpc_codes == ["F17C1/00"]


def test_ipc_composed_from_parts(tmp_path: Path) -> None:
    path = tmp_path / "ipc.tsv"
    path.write_text(
        "patent_id\tpatent_title\tpatent_date\tsection\tipc_class\tsubclass\tmain_group\tsubgroup\n"
        "11000001\tBattery\t2021-05-11\tH;G\t1;06\tM;N\t10;3\t0562;04\n",
        encoding="utf-8",
    )
    assert _records(path)[0].ipc_codes == ["H01M 10/0562", "G06N 3/04"]


def test_bad_rows() -> None:
    items = list(PatentsViewTsv().parse(FIXTURES / "patentsview_bad.tsv"))
    assert [(i.location, i.message) for i in items if isinstance(i, RecordError)] == [
        ("line 2", "column 'patent_date': unreadable date '2021-13-45'"),
        ("line 3", "column 'num_claims': 'twelve' is not a number"),
        ("line 4", "row has 4 fields but the header has 9 (an unbalanced quote or a stray delimiter?)"),
    ]
    good = [i for i in items if isinstance(i, DocumentRecord)]
    assert [(r.patent_number, r.location) for r in good] == [("US11000001", "record 4 (lines 5-7)")]


def test_mismatched_inventor_name_lists(tmp_path: Path) -> None:
    path = tmp_path / "inv.tsv"
    path.write_text(
        "patent_id\tpatent_title\tinventor_name_first\tinventor_name_last\n11000001\tBattery\tWei;Na\tZhang\n",
        encoding="utf-8",
    )
    (error,) = PatentsViewTsv().parse(path)
    assert isinstance(error, RecordError)
    assert error.message == "columns 'inventor_name_first' and 'inventor_name_last' list 2 and 1 names"


def test_patent_id_must_be_a_patent_number(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text(
        "patent_id\tpatent_title\n\tEmpty\nnot a number\tOdd\nUS11000001\tPrefixed\n", encoding="utf-8"
    )
    items = list(PatentsViewTsv().parse(path))
    assert [(i.location, i.message) for i in items if isinstance(i, RecordError)] == [
        ("line 2", "column 'patent_id': '' is not a US patent number"),
        ("line 3", "column 'patent_id': 'not a number' is not a US patent number"),
    ]
    assert [i.patent_number for i in items if isinstance(i, DocumentRecord)] == ["US11000001"]


def test_missing_title_column(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("patent_id\tpatent_date\n11000001\t2021-05-11\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"missing required column\(s\) 'patent_title'"):
        list(PatentsViewTsv().parse(path))


def test_import_through_service(session: Session) -> None:
    report = import_file(session, PLAIN)
    assert (report.format, report.new, report.rejected) == ("patentsview-tsv", 3, 0)
    joined = import_file(session, JOINED)
    assert joined.new == 3
    keys = session.scalars(select(Document.patent_key).order_by(Document.id)).all()
    assert keys == ["US11000001", "USD912345", "USRE48765", "US10987654", "US11223344", "US11335577"]


def test_same_patent_from_lens_is_merged(session: Session, tmp_path: Path) -> None:
    import_file(session, JOINED)
    lens = tmp_path / "lens.csv"
    lens.write_text(
        "Jurisdiction,Kind,Display Key,Lens ID,Publication Date,Title\n"
        "US,B2,US 10987654 B2,111-222-333-444-555,2021-04-27,"
        "SOLID ELECTROLYTE FOR ALL-SOLID-STATE LITHIUM BATTERY\n",
        encoding="utf-8",
    )
    report = import_file(session, lens)
    assert (report.format, report.new, report.merged) == ("lens-patent-csv", 0, 1)
