"""RIS exports: Scopus, Zotero/CNKI (Chinese), one-space tag variant, malformed records."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.ingest.errors import ImportAborted, RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.biblio import map_language, parse_affiliation, split_isbn_issn
from foresight.ingest.formats.ris import RisParser
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "ris"
SCOPUS = FIXTURES / "scopus_export.ris"
ZOTERO = FIXTURES / "zotero_chinese.ris"
ONE_SPACE = FIXTURES / "single_space.ris"
BAD = FIXTURES / "bad_records.ris"

FUZZ_LINES = ["TY  - JOUR", "TY  - ", "TI  - t", "AU  - a", "PY  - 20xx", "PY  - 2020", "DA  - 2020/13/45",
              "ER  - ", "  continued", "", "KW  - a;b", "UR  - x;y", "XX  - ?", "AD  - ,,,"]  # fmt: skip


def _records(path: Path, options: ParseOptions | None = None) -> list[DocumentRecord]:
    items = list(RisParser(options).parse(path))
    assert all(isinstance(item, DocumentRecord) for item in items), items
    return [item for item in items if isinstance(item, DocumentRecord)]


def test_scopus_fields() -> None:
    article, paper, review = _records(SCOPUS)
    assert article.kind == "paper"
    assert article.title == "Graph neural networks for technology forecasting: A patent citation perspective"
    assert article.authors == ["Zhang, Y.", "Müller, H.", "Smith, J.A."]
    assert article.venue == "Technological Forecasting and Social Change"
    assert article.year == 2023 and article.publication_date is None
    assert article.doi == "10.1016/j.techfore.2022.122143"
    assert article.abstract is not None and article.abstract.startswith("Forecasting which technologies")
    assert article.organizations == [
        "Tsinghua University",
        "Fraunhofer Institute for Systems and Innovation Research ISI",
        "University of Cambridge",
    ]
    assert article.countries == ["CN", "DE", "GB"]
    assert article.keywords == ["Graph neural network", "Patent citation", "Technology forecasting"]
    assert article.citation_count == 14
    assert article.language == "en"
    assert article.identifiers == {
        "issn": "0040-1625",
        "volume": "186",
        "pages": "122143",
        "scopus_eid": "2-s2.0-85141234567",
        "database": "Scopus",
    }
    assert article.url is not None and article.url.startswith("https://www.scopus.com/inward/record.uri?eid=")
    assert article.location == "record 1 (lines 4-29)"
    assert article.raw["TY"] == "JOUR"
    assert (
        article.raw["AD"][1]
        == "Fraunhofer Institute for Systems and Innovation Research ISI, Karlsruhe, Germany"
    )
    assert article.raw["M3"] == "Article"
    json.dumps(article.raw)  # JSON-serialisable

    assert paper.venue == "Proceedings of the ACM Web Conference 2022"
    assert paper.keywords == ["emerging topics", "dynamic topic model", "scientometrics"]
    assert paper.identifiers["isbn"] == "9781450390965"
    assert paper.identifiers["pages"] == "1120-1130"
    assert paper.organizations == ["Peking University", "Microsoft Research Asia"]
    assert paper.countries == ["CN"]
    assert paper.citation_count == 3

    assert review.publication_date == date(2023, 5, 1)
    assert review.identifiers["issn"] == "0048-7333; 1873-7625"
    assert (review.identifiers["volume"], review.identifiers["issue"]) == ("52", "4")
    assert review.language == "other"  # Spanish
    assert review.organizations == ["Universitat Politècnica de València"]
    assert review.countries == ["ES"]
    assert review.abstract is None and review.doi is None and review.citation_count is None


def test_zotero_chinese_records_thesis_patent_policy() -> None:
    journal, thesis, patent, policy = _records(ZOTERO)
    assert journal.title == "基于专利引文网络的人工智能技术演化路径识别"
    assert journal.authors == ["张伟", "李娜", "王强"]
    assert journal.venue == "情报学报"
    # multi-line abstract: lines joined without a space between Chinese characters
    assert journal.abstract == (
        "【目的】识别人工智能领域的技术演化路径，为技术预见提供依据。【方法】构建专利引文网络，"
        "结合主路径分析方法识别技术演化的关键节点。【结论】深度学习相关专利自2012年起成为主路径的核心。"
    )
    assert journal.publication_date == date(2021, 3, 15) and journal.year == 2021
    assert journal.language == "zh"
    assert journal.keywords == ["人工智能", "专利引文网络", "主路径分析", "技术演化"]
    assert journal.organizations == ["中国科学技术信息研究所", "清华大学"]
    assert journal.countries == ["CN"]
    assert journal.identifiers["pages"] == "225-236"
    assert journal.identifiers["database"] == "CNKI"

    assert thesis.kind == "paper"
    assert thesis.organizations == ["北京大学"] and thesis.venue == "北京大学"
    assert thesis.keywords == ["技术预见", "主题演化", "LDA"]
    assert thesis.language == "zh" and thesis.abstract is None
    assert (
        thesis.url
        == "https://kns.cnki.net/kcms/detail/detail.aspx?dbname=CDFDLAST2021&filename=1020000001.nh"
    )

    assert patent.kind == "patent"
    assert patent.patent_number == "CN112347268A"
    assert patent.patent_office == "CN"
    assert patent.organizations == ["Huawei Technologies Co., Ltd."]
    assert patent.identifiers == {"application_number": "CN202011234567.8"}
    assert patent.publication_date == date(2021, 2, 9)
    assert patent.abstract is not None and patent.abstract.endswith("likelihood of future co-classification.")
    assert "  " not in patent.abstract

    assert policy.kind == "policy"
    assert policy.title == "新一代人工智能发展规划"
    assert policy.publication_date == date(2017, 7, 8)
    assert policy.raw["N1"] == "国发〔2017〕35号"


def test_one_space_tags_and_crlf() -> None:
    article, report = _records(ONE_SPACE)
    assert article.title == "Hydrogen electrolyser cost curves and learning rates"
    assert article.venue == "Energy Policy"
    assert article.year == 2022 and article.publication_date is None
    assert (
        article.abstract
        == "Learning rates for alkaline and PEM electrolysers are estimated from project-level cost data."
    )
    assert article.doi == "10.1016/j.enpol.2022.113005"  # taken from the DOI link
    assert article.location == "record 1 (lines 1-9)"
    assert report.kind == "other"  # RPRT: grey literature
    assert report.venue == "IEA" and report.authors == ["International Energy Agency"]


def test_detection(tmp_path: Path) -> None:
    for path in (SCOPUS, ZOTERO, ONE_SPACE, BAD):
        assert detect_format(path).name == "ris"
    gz = tmp_path / "export.ris.gz"
    gz.write_bytes(gzip.compress(SCOPUS.read_bytes()))
    assert detect_format(gz).name == "ris"
    assert len(_records(gz)) == 3
    assert RisParser.sniff("%0 Journal Article\n%A Zhang\n%T Title\n", tmp_path) == 0
    assert RisParser.sniff("RT Journal Article\nA1 张伟\nT1 标题\n", tmp_path) == 0
    assert RisParser.sniff("PT J\nAU Li, W\nTI Title\nER\n", tmp_path) == 0


def test_bad_records_are_reported_and_parsing_goes_on() -> None:
    items = list(RisParser().parse(BAD))
    assert [type(i).__name__ for i in items] == ["DocumentRecord"] + ["RecordError"] * 4 + ["DocumentRecord"]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.location for e in errors] == [
        "record 2 (lines 7-10)",
        "record 3 (lines 11-14)",
        "record 4 (lines 16-19)",
        "record 5 (lines 21-23)",
    ]
    assert "no 'ER  - ' end tag before the next record at line 11" in errors[0].message
    assert errors[1].message == "tag PY: unreadable date 'circa last year'"
    assert "line 17 is not a 'XX  - value' tag line" in errors[2].message
    assert errors[3].message == "tag TY: empty reference type"
    last = items[-1]
    assert isinstance(last, DocumentRecord) and last.title == "The last good record"


def test_truncated_file_and_options(tmp_path: Path) -> None:
    path = tmp_path / "cut.ris"
    path.write_text("TY  - JOUR\nTI  - Complete\nER  - \nTY  - JOUR\nTI  - Cut off\n", encoding="utf-8")
    good, cut = RisParser(ParseOptions(kind="news", access_level="internal")).parse(path)
    assert isinstance(good, DocumentRecord) and (good.kind, good.access_level) == ("news", "internal")
    assert isinstance(cut, RecordError) and cut.location == "record 2 (lines 4-5)"
    assert "ends before this record's 'ER  - '" in cut.message


def test_helpers() -> None:
    assert parse_affiliation(
        "Zhang, Y (Corresponding Author), Tsinghua Univ, Beijing 100084, Peoples R China."
    ) == (
        "Tsinghua Univ",
        "CN",
    )
    assert parse_affiliation("Stanford University, Stanford, CA 94305, USA") == ("Stanford University", "US")
    assert parse_affiliation("中国科学院自动化研究所, 北京 100190, 中国") == ("中国科学院", "CN")
    assert (
        map_language("English") == "en" and map_language("chi") == "zh" and map_language("Deutsch") == "other"
    )
    assert map_language("  ") is None
    assert split_isbn_issn(["0028-0836 (ISSN)", "978-3-16-148410-0 (ISBN)"]) == (
        ["0028-0836"],
        ["9783161484100"],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FUZZ_LINES)))
def test_arbitrary_lines_never_raise(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.ris"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for item in RisParser().parse(path):
        assert isinstance(item, DocumentRecord | RecordError)
        assert item.location.startswith("record ")
        if isinstance(item, DocumentRecord):
            json.dumps(item.raw)


def test_import_through_the_service(session: Session) -> None:
    from foresight.db.models import Document

    report = import_file(session, SCOPUS)
    assert (report.format, report.read, report.new, report.rejected) == ("ris", 3, 3, 0)
    docs = {d.title: d for d in session.scalars(select(Document))}
    doc = docs["Graph neural networks for technology forecasting: A patent citation perspective"]
    assert doc.countries == ["CN", "DE", "GB"]
    assert doc.language == "en" and doc.citation_count == 14
    assert doc.identifiers["scopus_eid"] == "2-s2.0-85141234567"
    again = import_file(session, SCOPUS)
    assert (again.new, again.unchanged) == (0, 3)
    chinese = import_file(session, ZOTERO)
    assert (chinese.new, chinese.rejected) == (4, 0)


def test_bad_file_aborts_or_skips(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportAborted, match=r"record 2 \(lines 7-10\)"):
        import_file(session, BAD)
    session.rollback()
    report = import_file(session, BAD, skip_bad_rows=True, rejects_path=tmp_path / "rejects.jsonl")
    assert (report.new, report.rejected) == (2, 4)
