"""CNKI RefWorks and EndNote exports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.ingest.errors import RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.cnki import (
    CnkiEndNote,
    CnkiRefWorks,
    affiliation_country,
    chinese_organization,
    split_names,
)
from foresight.ingest.formats.wos import WosPlainText
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file
from foresight.ingest.textio import detect_encoding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
REFWORKS = FIXTURES / "cnki-refworks" / "CNKI-refworks.txt"
REFWORKS_BAD = FIXTURES / "cnki-refworks" / "CNKI-refworks_bad.txt"
ENDNOTE = FIXTURES / "cnki-endnote" / "CNKI-endnote.txt"
ENDNOTE_BAD = FIXTURES / "cnki-endnote" / "CNKI-endnote_bad.txt"


def _records(parser: CnkiRefWorks | CnkiEndNote, path: Path) -> list[DocumentRecord]:
    items = list(parser.parse(path))
    assert all(isinstance(item, DocumentRecord) for item in items), items
    return [item for item in items if isinstance(item, DocumentRecord)]


def test_affiliation_helpers() -> None:
    assert chinese_organization("北京大学信息科学技术学院,北京100871") == "北京大学"
    assert chinese_organization("中国科学院自动化研究所") == "中国科学院"
    assert chinese_organization("中国科学院大学人工智能学院") == "中国科学院大学"
    assert chinese_organization("中国电子科技集团公司第十研究所") == "中国电子科技集团公司"
    assert chinese_organization("华为技术有限公司") == "华为技术有限公司"
    english = "School of Management, Fudan University, Shanghai, China"
    assert chinese_organization(english) == "Fudan University"
    assert affiliation_country("香港科技大学") == "HK"
    assert affiliation_country("国立台湾大学") == "TW"
    assert affiliation_country("浙江大学,杭州310027") == "CN"
    assert affiliation_country("Dept Physics, University of Tokyo, Tokyo, Japan") == "JP"
    assert affiliation_country("Some Lab") is None
    assert split_names(["张三，李四、王五", "Smith, John"]) == ["张三", "李四", "王五", "Smith, John"]


def test_refworks_gb18030_fields() -> None:
    assert detect_encoding(REFWORKS) == "gb18030"
    article, thesis, conference, news = _records(CnkiRefWorks(), REFWORKS)
    assert article.title == "基于专利引文网络的新兴技术识别方法研究"
    assert (article.kind, article.language, article.year) == ("paper", "zh", 2022)
    assert article.publication_date is None
    assert article.authors == ["王晓明", "李华", "Zhang Wei"]
    assert article.organizations == ["清华大学", "中国科学院"]
    assert article.countries == ["CN", "CN"]
    assert article.keywords == ["新兴技术", "专利引文网络", "技术预见", "链路预测"]
    assert article.abstract == (
        "新兴技术的早期识别是技术预见的核心任务。本文构建专利引文网络，"
        "提出一种基于图神经网络的链路预测方法，并以人工智能领域为例进行验证。"
    )
    assert article.venue == "情报学报"
    assert article.doi == "10.3772/j.issn.1000-0135.2022.05.001"
    assert article.source_id == "CNKI:QBXB202205001"
    assert article.identifiers == {
        "cnki_filename": "QBXB202205001", "cnki_dbcode": "CJFD", "cnki_dbname": "CJFDLAST2022",
        "issn": "1000-0135", "cn": "11-2257/G3",
    }  # fmt: skip
    assert article.url is not None and article.url.startswith("https://kns.cnki.net/kcms/detail/")
    assert article.location == "record 1 (lines 1-19)"
    assert article.raw["VO"] == "41" and article.raw["AB"].count("\n") == 1

    assert (thesis.kind, thesis.language, thesis.venue) == ("paper", "zh", "北京大学")
    assert thesis.categories == ["G353.1", "TP391.1"]
    assert thesis.source_id == "CNKI:1020123456.nh"

    assert conference.language == "en"
    assert conference.authors == ["Wong Ka Ming", "周涛"]
    assert conference.organizations == ["The University of Hong Kong", "电子科技大学"]
    assert conference.countries == ["HK", "CN"]
    assert (conference.publication_date, conference.year) == (date(2021, 10, 16), 2021)
    assert conference.venue == "第十八届全国科学计量学与科技评价学术研讨会论文集"
    assert conference.abstract is None and conference.doi is None

    assert (news.kind, news.venue, news.publication_date) == ("news", "科技日报", date(2023, 3, 15))


def test_endnote_fields_and_patent() -> None:
    article, thesis, patent = _records(CnkiEndNote(), ENDNOTE)
    assert article.title == "大规模预训练语言模型的技术演进与趋势展望"
    assert article.authors == ["刘知远", "孙茂松", "韩旭"]
    assert article.organizations == ["中国科学院", "中国科学院大学"]
    assert article.language is None  # not stated: detection decides
    assert (article.year, article.venue, article.doi) == (2023, "中国科学：信息科学", "10.1360/SSI-2022-0345")
    assert article.identifiers == {
        "cnki_filename": "PZKX202302001", "cnki_dbcode": "CJFD", "issn": "1674-7267", "cn": "11-5846/N",
    }  # fmt: skip
    assert article.raw["%A"] == ["刘知远", "孙茂松", "韩旭"]
    assert article.location == "record 1 (lines 1-20)"

    assert (thesis.kind, thesis.language, thesis.organizations) == ("paper", "zh", ["北京大学"])
    assert thesis.keywords == ["量子计算", "文献计量", "技术态势"]

    assert patent.kind == "patent"
    assert (patent.patent_number, patent.patent_office) == ("CN114567890A", "CN")
    assert patent.identifiers["application_number"] == "202210123456.7"
    assert patent.authors == ["张伟", "刘洋", "陈静"]
    assert patent.organizations == ["华为技术有限公司"]
    assert patent.ipc_codes == ["G06F16/36", "G06N5/02"]
    assert (patent.publication_date, patent.year, patent.venue) == (date(2022, 6, 10), 2022, None)


def test_detection_tells_the_formats_apart(tmp_path: Path) -> None:
    assert detect_format(REFWORKS) is CnkiRefWorks
    assert detect_format(REFWORKS_BAD) is CnkiRefWorks
    assert detect_format(ENDNOTE) is CnkiEndNote
    assert detect_format(ENDNOTE_BAD) is CnkiEndNote
    ris = "TY  - JOUR\nAU  - 张三\nTI  - 题名\nPY  - 2021\nER  - \n"
    wos = "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI A\nER\n"
    for sample in (ris, wos):
        assert CnkiRefWorks.sniff(sample, tmp_path) == 0
        assert CnkiEndNote.sniff(sample, tmp_path) == 0
    assert CnkiRefWorks.sniff("%0 Journal Article\n%T 题名\n", tmp_path) == 0
    assert CnkiEndNote.sniff("RT Journal Article\nT1 题名\n", tmp_path) == 0
    assert WosPlainText.sniff("RT Journal Article\nT1 题名\n", tmp_path) == 0
    assert CnkiRefWorks.sniff("RT Journal Article\nA1 Li\nT1 A title\nYR 2020\n", tmp_path) == 65
    assert CnkiEndNote.sniff("%0 Journal Article\n%A Li\n%T A title\n", tmp_path) == 65


@pytest.mark.parametrize(
    ("parser", "path", "errors"),
    [
        (
            CnkiRefWorks,
            REFWORKS_BAD,
            [
                ("record 2 (lines 8-13)", "field YR (year) has no 4-digit year: '未知'"),
                ("record 3 (lines 15-18)", "record does not begin with RT (line 15 is A1)"),
            ],
        ),
        (
            CnkiEndNote,
            ENDNOTE_BAD,
            [
                ("record 2 (lines 8-12)", "field %D (year) has no 4-digit year: '二〇二一年'"),
                ("record 3 (lines 14-17)", "record does not begin with %0 (line 14 is %A)"),
            ],
        ),
    ],
    ids=["refworks", "endnote"],
)
def test_bad_records_are_reported(
    parser: type[CnkiRefWorks | CnkiEndNote], path: Path, errors: list[tuple[str, str]]
) -> None:
    items = list(parser().parse(path))
    assert [(i.location, i.message) for i in items if isinstance(i, RecordError)] == errors
    assert [i.title for i in items if isinstance(i, DocumentRecord)] == ["正常的记录", "另一条正常的记录"]


def test_options_are_applied() -> None:
    records = _records(CnkiEndNote(ParseOptions(kind="policy", access_level="restricted")), ENDNOTE)
    assert {(r.kind, r.access_level) for r in records} == {("policy", "restricted")}


REFWORKS_LINES = ["RT Journal Article", "RT", "A1 张三", "YR x", "FD 2021-13-45", "", "AB 摘要", "续行"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(REFWORKS_LINES)))
def test_arbitrary_refworks_lines_never_raise(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "fuzz.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for item in CnkiRefWorks().parse(path):
        assert isinstance(item, DocumentRecord | RecordError)


@pytest.mark.parametrize(("path", "count"), [(REFWORKS, 4), (ENDNOTE, 3)], ids=["refworks", "endnote"])
def test_import_through_the_service(session: Session, path: Path, count: int) -> None:
    report = import_file(session, path)
    assert (report.read, report.new, report.rejected) == (count, count, 0)
    docs = list(session.scalars(select(Document).order_by(Document.id)))
    assert docs[0].language == "zh"
    assert docs[0].organizations[0] in {"清华大学", "中国科学院"}
    kinds = [d.kind for d in docs]
    expected = ["paper", "paper", "paper", "news"] if path == REFWORKS else ["paper", "paper", "patent"]
    assert kinds == expected
    if path == ENDNOTE:
        assert docs[2].patent_key == "CN114567890"
