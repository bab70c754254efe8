"""Web of Science plain-text and tab-delimited exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.ingest.errors import FileFormatError, ImportAborted, RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.wos import WosPlainText, WosTabDelimited, parse_address, split_addresses
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
PLAIN = FIXTURES / "wos-plain" / "savedrecs.txt"
PLAIN_BAD = FIXTURES / "wos-plain" / "savedrecs_bad.txt"
TAB = FIXTURES / "wos-tab" / "savedrecs.txt"
TAB_BAD = FIXTURES / "wos-tab" / "savedrecs_bad.txt"


PLAIN_LINES = ["PT J", "AU X", "   y", "TI t", "TC x", "PY 20", "ER", "EF", "", "zz", "C1 [a"]


def _records(parser: WosPlainText | WosTabDelimited, path: Path) -> list[DocumentRecord]:
    items = list(parser.parse(path))
    assert all(isinstance(item, DocumentRecord) for item in items), items
    return [item for item in items if isinstance(item, DocumentRecord)]


def test_addresses_give_organization_and_country() -> None:
    c1 = "[Smith, J; Li, W] Tsinghua Univ, Dept Comp Sci, Beijing 100084, Peoples R China."
    assert parse_address(c1) == ("Tsinghua Univ", "CN")
    assert parse_address("Stanford Univ, Dept Elect Engn, Stanford, CA 94305 USA.") == ("Stanford Univ", "US")
    assert parse_address("Univ Oxford, Oxford OX1 3PU, England.") == ("Univ Oxford", "GB")
    assert parse_address("Khalifa Univ, Abu Dhabi, U Arab Emirates") == ("Khalifa Univ", "AE")
    assert parse_address("Li, W (corresponding author), Zhejiang Univ, Hangzhou, Peoples R China.") == (
        "Zhejiang Univ",
        "CN",
    )
    assert split_addresses("[A, B; C, D] Univ X, Paris, France; [E, F] Univ Y, Rome, Italy") == [
        "[A, B; C, D] Univ X, Paris, France",
        "[E, F] Univ Y, Rome, Italy",
    ]


def test_plain_text_fields() -> None:
    first, second, third = _records(WosPlainText(), PLAIN)
    assert first.title == "Graph neural networks for technology forecasting: a patent citation perspective"
    assert first.kind == "paper"
    assert first.authors == ["Li, Wei", "Smith, John", "Wang, Xiaoyu"]
    assert first.organizations == ["Tsinghua Univ", "Stanford Univ"]
    assert first.countries == ["CN", "US"]
    assert first.keywords == [
        "Technology forecasting", "Graph neural network", "Patent citation", "Link prediction",
        "EMERGING TECHNOLOGIES", "NETWORK ANALYSIS", "IDENTIFICATION",
    ]  # fmt: skip
    assert first.categories == [
        "Business", "Regional & Urban Planning", "Business & Economics", "Public Administration",
    ]  # fmt: skip
    assert first.abstract is not None and first.abstract.startswith("Identifying emerging technologies early")
    assert first.abstract.endswith("predicts future citation links between patents.")
    assert first.venue == "TECHNOLOGICAL FORECASTING AND SOCIAL CHANGE"
    assert first.language == "en"
    assert (first.publication_date, first.year) == (date(2022, 3, 1), 2022)
    assert first.doi == "10.1016/j.techfore.2021.121452"
    assert first.citation_count == 12
    assert first.source_id == "WOS:000745123400001"
    assert first.identifiers == {
        "wos_uid": "WOS:000745123400001", "issn": "0040-1625", "eissn": "1873-5509",
        "ids_number": "YP3QR", "article_number": "121452",
    }  # fmt: skip
    assert first.url == "https://www.webofscience.com/wos/woscc/full-record/WOS:000745123400001"
    assert first.location == "record 1 (lines 3-52)"
    assert first.raw["TI"] == (
        "Graph neural networks for technology forecasting: a patent citation\nperspective"
    )
    assert first.raw["TC"] == "12"

    assert second.kind == "paper"  # Proceedings Paper
    assert second.publication_date == date(2023, 12, 15)
    assert second.organizations == ["Fraunhofer Inst Syst & Innovat Res ISI", "Univ Paris Saclay"]
    assert second.countries == ["DE", "FR"]
    assert second.identifiers["isbn"] == "979-8-3503-2445-7"
    assert second.citation_count == 0

    assert third.abstract is None and third.keywords == []
    assert (third.publication_date, third.year) == (None, 2021)
    assert third.language == "zh"
    assert third.identifiers["pmid"] == "34567890"
    assert third.organizations == ["Chinese Acad Sci"] and third.countries == ["CN"]


def test_tab_delimited_utf16_fields() -> None:
    assert TAB.read_bytes()[:2] == b"\xff\xfe"
    first, second, book = _records(WosTabDelimited(), TAB)
    assert first.location == "line 2"
    assert first.title == "Mapping the solid-state battery landscape with topic models"
    assert first.authors == ["Chen, Lin", "Okafor, Ngozi", "Garcia, Maria"]
    assert first.organizations == ["Shanghai Jiao Tong Univ", "Univ Toronto"]
    assert first.countries == ["CN", "CA"]
    assert first.keywords == [
        "Solid-state battery", "Topic modeling", "Technology roadmap", "LITHIUM", "ELECTROLYTES",
    ]  # fmt: skip
    assert first.categories == [
        "Computer Science, Interdisciplinary Applications", "Information Science & Library Science",
        "Computer Science",
    ]  # fmt: skip
    assert (first.publication_date, first.year, first.citation_count) == (date(2023, 6, 1), 2023, 27)
    assert first.doi == "10.1007/s11192-023-04712-x"
    assert first.raw["UT"] == "WOS:000987654300012" and "PM" not in first.raw
    assert second.countries == ["KR"] and second.organizations == ["Korea Adv Inst Sci & Technol"]
    assert (second.publication_date, second.year) == (None, 2022)
    assert book.authors == ["Porter, Alan L.", "Cunningham, Scott W."]
    assert (book.kind, book.citation_count, book.identifiers["isbn"]) == ("paper", 310, "978-0-471-47567-5")


def test_detection_picks_each_layout(tmp_path: Path) -> None:
    assert detect_format(PLAIN) is WosPlainText
    assert detect_format(PLAIN_BAD) is WosPlainText
    assert detect_format(TAB) is WosTabDelimited
    assert detect_format(TAB_BAD) is WosTabDelimited
    ris = "TY  - JOUR\nAU  - Li, W\nTI  - A title\nER  - \n"
    refworks = "RT Journal Article\nA1 Li, W\nT1 A title\nYR 2020\n"
    for sample in (ris, refworks, "%0 Journal Article\n%T A title\n"):
        assert WosPlainText.sniff(sample, tmp_path) == 0
        assert WosTabDelimited.sniff(sample, tmp_path) == 0
    assert WosPlainText.sniff("PT J\nAU Li, W\nTI A title\nER\n", tmp_path) == 85


def test_bad_plain_records_are_reported_and_parsing_goes_on() -> None:
    items = list(WosPlainText().parse(PLAIN_BAD))
    assert [type(i).__name__ for i in items] == [
        "DocumentRecord", "RecordError", "RecordError", "RecordError", "DocumentRecord", "RecordError",
    ]  # fmt: skip
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.location, e.message) for e in errors] == [
        ("record 2 (lines 12-19)", "field TC (times cited) must be a whole number, got 'many'"),
        ("record 3 (lines 21-24)", "no ER before the next PT at line 25"),
        ("record 4 (lines 25-30)", "line 29 is neither a field nor a continuation line"),
        ("record 6 (lines 39-41)", "file ends at line 41 inside the record (no ER)"),
    ]
    assert isinstance(items[4], DocumentRecord) and items[4].title == "Another good record"


def test_bad_tab_rows_are_reported_and_parsing_goes_on(tmp_path: Path) -> None:
    items = list(WosTabDelimited().parse(TAB_BAD))
    errors = [(i.location, i.message) for i in items if isinstance(i, RecordError)]
    assert errors == [
        ("line 3", "field PY (publication year) must be a 4-digit year, got '20X1'"),
        ("line 4", "row has 5 tab-separated fields, the header names 71"),
    ]
    assert [i.title for i in items if isinstance(i, DocumentRecord)] == ["A fine row", "Another fine row"]
    not_wos = tmp_path / "other.tsv"
    not_wos.write_text("title\tyear\nA\t2020\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="not a Web of Science header row"):
        list(WosTabDelimited().parse(not_wos))


def test_options_and_derwent_patents(tmp_path: Path) -> None:
    path = tmp_path / "derwent.txt"
    path.write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT P\nPN CN112233445-A; WO2021123456-A1\n"
        "TI Lithium battery electrolyte comprising sulfide solid material\nAU ZHANG W\n   LI H\n"
        "AE CONTEMPORARY AMPEREX TECHNOLOGY CO LTD(CATL-C)\nAB NOVELTY - A sulfide electrolyte.\n"
        "DC L03; X16\nIP H01M-010/0562; H01M-010/0525\nPY 2021\nGA 2021-12345X\nER\nEF\n",
        encoding="utf-8",
    )
    (patent,) = _records(WosPlainText(ParseOptions(access_level="restricted")), path)
    assert (patent.kind, patent.patent_number, patent.patent_office) == ("patent", "CN112233445-A", "CN")
    assert patent.organizations == ["CONTEMPORARY AMPEREX TECHNOLOGY CO LTD"]
    assert patent.ipc_codes == ["H01M-010/0562", "H01M-010/0525"]
    assert patent.categories == ["L03", "X16"]
    assert patent.access_level == "restricted" and patent.venue is None
    (forced,) = _records(WosPlainText(ParseOptions(kind="news")), PLAIN.with_name("savedrecs.txt"))[:1]
    assert forced.kind == "news"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PLAIN_LINES)))
def test_arbitrary_lines_never_raise(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text("FN Clarivate Analytics Web of Science\n" + "\n".join(lines) + "\n", encoding="utf-8")
    for item in WosPlainText().parse(path):
        assert isinstance(item, DocumentRecord | RecordError)
        if isinstance(item, RecordError):
            assert item.location.startswith("record ")


@pytest.mark.parametrize("path", [PLAIN, TAB], ids=["plain", "tab"])
def test_import_through_the_service(session: Session, path: Path) -> None:
    from foresight.db.models import Document

    report = import_file(session, path)
    assert (report.read, report.new, report.rejected) == (3, 3, 0)
    assert report.format == detect_format(path).name
    docs = {d.source_id: d for d in session.scalars(select(Document))}
    assert len(docs) == 3
    uid = "WOS:000745123400001" if path == PLAIN else "WOS:000987654300012"
    assert docs[uid].countries == (["CN", "US"] if path == PLAIN else ["CN", "CA"])
    assert docs[uid].language == "en"
    again = import_file(session, path)
    assert (again.new, again.unchanged) == (0, 3)


def test_bad_file_aborts_or_skips(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportAborted, match=r"record 2 \(lines 12-19\)"):
        import_file(session, PLAIN_BAD)
    session.rollback()
    report = import_file(session, PLAIN_BAD, skip_bad_rows=True, rejects_path=tmp_path / "rejects.jsonl")
    assert (report.new, report.rejected) == (2, 4)
