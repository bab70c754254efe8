"""Scopus CSV export parser."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.ingest.errors import FileFormatError, ImportAborted, RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.scopus import ScopusCsv, split_affiliation
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats" / "scopus-csv"
EXPORT = FIXTURES / "scopus_export.csv"


def _records(path: Path, options: ParseOptions | None = None) -> list[DocumentRecord]:
    items = list(ScopusCsv(options).parse(path))
    assert all(isinstance(i, DocumentRecord) for i in items), items
    return [i for i in items if isinstance(i, DocumentRecord)]


def test_detection() -> None:
    assert EXPORT.read_bytes().startswith(b"\xef\xbb\xbf")
    assert detect_format(EXPORT) is ScopusCsv
    assert detect_format(FIXTURES / "scopus_2019_export.csv") is ScopusCsv
    assert ScopusCsv.sniff("Title,Year,Author\nX,2020,Y\n", EXPORT) == 0


def test_chinese_original_document() -> None:
    rec = _records(EXPORT)[0]
    assert rec.title == "Remaining useful life prediction of lithium-ion batteries based on deep learning"
    assert rec.identifiers["original_title"] == "基于深度学习的锂离子电池剩余使用寿命预测"
    assert rec.identifiers["original_language"] == "Chinese"
    assert rec.language is None  # the exported title and abstract are English translations
    assert rec.authors == ["Zhang, Wei", "Li, Na", "Wang, Xiaoming"]
    assert rec.identifiers["scopus_author_ids"] == "57201234567;57209876543;7403123456"
    assert rec.organizations == ["Tsinghua University", "Chinese Academy of Sciences"]
    assert rec.countries == ["CN"]
    assert rec.year == 2021
    assert rec.venue == "Zidonghua Xuebao/Acta Automatica Sinica"
    assert rec.citation_count == 12
    assert rec.doi == "10.16383/j.aas.c200123"
    assert rec.source_id == rec.identifiers["scopus_eid"] == "2-s2.0-85101234567"
    assert rec.identifiers["issn"] == "02544156"
    assert rec.identifiers["document_type"] == "Article"
    assert rec.abstract is not None
    assert rec.abstract.endswith("show a 23% lower error.")  # copyright notice dropped
    assert rec.keywords == [
        "Deep learning", "Lithium-ion battery", "Long short-term memory (LSTM)", "Remaining useful life",
        "Battery management systems", "Forecasting", "Lithium-ion batteries", "Long short-term memory",
    ]  # fmt: skip
    assert rec.url is not None and rec.url.startswith(
        "https://www.scopus.com/inward/record.uri?eid=2-s2.0-85101234567"
    )
    assert rec.kind == "paper"
    assert rec.location == "line 2"
    assert rec.raw["EID"] == "2-s2.0-85101234567"
    assert rec.raw["Authors"] == "Zhang W.; Li N.; Wang X."


def test_multiline_abstract_and_review() -> None:
    rec = _records(EXPORT)[1]
    assert rec.location == "record 2 (lines 3-6)"
    assert rec.abstract == (
        "Solid-state batteries promise higher energy density and safety.\n"
        "We review sulfide, oxide and polymer electrolytes, their ionic conductivity and interfacial "
        "stability.\n\nWe close with the manufacturing challenges that remain."
    )
    assert rec.authors == ["Müller, Thomas", "O'Brien, Siobhan", "Patel, Rahul K."]
    assert rec.organizations == [
        "University of Oxford", "Massachusetts Institute of Technology", "Toyota Research Institute",
    ]  # fmt: skip
    assert rec.countries == ["GB", "US"]
    assert rec.citation_count == 1045
    assert rec.identifiers["pmid"] == "35123456"
    assert rec.keywords == [
        "Electrolytes",
        "Ionic conductivity",
        "Solid state batteries",
        "Solid-state electrolyte",
    ]
    assert rec.language == "en"


def test_conference_paper_without_abstract() -> None:
    rec = _records(EXPORT)[2]
    assert rec.abstract is None
    assert rec.doi is None
    assert rec.citation_count is None
    assert rec.organizations == ["China Automotive Technology and Research Center Co., Ltd."]
    assert rec.countries == ["CN"]
    assert rec.identifiers["isbn"] == "9781728189598"
    assert rec.identifiers["document_type"] == "Conference Paper"
    assert rec.venue == "Proceedings of the 2020 IEEE Vehicle Power and Propulsion Conference, VPPC 2020"
    assert rec.location == "line 7"


def test_older_export_with_comma_separated_authors() -> None:
    first, editorial = _records(FIXTURES / "scopus_2019_export.csv")
    assert first.authors == ["Smith J.", "Doe A.B.", "García-López M."]
    assert first.identifiers["scopus_author_ids"] == "7004212345;57193456789;56012345678"
    assert first.organizations == ["Stanford University", "Universidad Politécnica de Madrid"]
    assert first.countries == ["US", "ES"]
    assert first.abstract == "We classify patents with graph neural networks."
    assert editorial.authors == []
    assert "scopus_author_ids" not in editorial.identifiers
    assert editorial.abstract is None


def test_options_are_applied() -> None:
    recs = _records(
        EXPORT, ParseOptions(kind="other", access_level="restricted", column_map={"venue": "Publisher"})
    )
    assert {r.kind for r in recs} == {"other"}
    assert {r.access_level for r in recs} == {"restricted"}
    assert recs[0].venue == "Science Press"


def test_bad_rows_are_reported_and_parsing_goes_on() -> None:
    items = list(ScopusCsv().parse(FIXTURES / "scopus_bad.csv"))
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.location, e.message) for e in errors] == [
        ("line 2", "column 'Cited by': 'n/a' is not a number"),
        ("line 3", "row has 10 fields but the header has 46 (an unbalanced quote or a stray delimiter?)"),
        ("line 4", "column 'Year': '20xx' is not a year"),
    ]
    good = [i for i in items if isinstance(i, DocumentRecord)]
    assert [(r.title, r.location) for r in good] == [
        ("Hydrogen fuel cell vehicles in China: a roadmap", "line 5")
    ]


def test_missing_title_column_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(
        '"Authors","Source title","Cited by","EID"\n"A B.","J","1","2-s2.0-1"\n', encoding="utf-8"
    )
    with pytest.raises(FileFormatError, match=r"missing required column\(s\) 'Title'"):
        list(ScopusCsv().parse(path))


def test_split_affiliation() -> None:
    assert split_affiliation("School of Computer Science, Peking University, Beijing, 100871, China") == (
        "Peking University",
        "CN",
    )
    assert split_affiliation("Huawei Technologies Co., Ltd., Shenzhen, 518129, China") == (
        "Huawei Technologies Co., Ltd.",
        "CN",
    )
    assert split_affiliation("清华大学, 自动化系, 北京, 中国") == ("清华大学", "CN")
    assert split_affiliation("Department of Physics") == ("Department of Physics", None)
    assert split_affiliation("") == (None, None)


def test_import_through_service(session: Session, tmp_path: Path) -> None:
    report = import_file(session, EXPORT)
    assert (report.format, report.read, report.new, report.rejected) == ("scopus-csv", 3, 3, 0)
    docs = session.scalars(select(Document).order_by(Document.id)).all()
    assert [d.year for d in docs] == [2021, 2022, 2020]
    assert docs[0].language == "en"
    assert docs[0].identifiers["scopus_eid"] == "2-s2.0-85101234567"
    assert docs[1].doi == "10.1038/s41560-022-01012-3"
    assert docs[1].countries == ["GB", "US"]
    again = import_file(session, EXPORT)
    assert (again.new, again.unchanged) == (0, 3)
    session.commit()
    with pytest.raises(ImportAborted, match="line 2: column 'Cited by'"):
        import_file(session, FIXTURES / "scopus_bad.csv")
    session.rollback()
    rejects = tmp_path / "rejects.jsonl"
    skipped = import_file(session, FIXTURES / "scopus_bad.csv", skip_bad_rows=True, rejects_path=rejects)
    assert (skipped.read, skipped.rejected, skipped.unchanged) == (4, 3, 1)
    assert rejects.read_text(encoding="utf-8").count("\n") == 3
