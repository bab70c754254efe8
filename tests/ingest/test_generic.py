"""Generic CSV/TSV and JSON Lines parsers: column guessing, column maps and their errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Document
from foresight.ingest.errors import FileFormatError, RecordError, UnknownFormatError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.generic import GenericCsv, GenericJsonl
from foresight.ingest.formats.scopus import ScopusCsv
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).parent.parent / "fixtures" / "formats"
CSV_DIR = FIXTURES / "generic-csv"
JSONL_DIR = FIXTURES / "generic-jsonl"
NEWS_MAP = {
    "title": "Headline",
    "abstract": "Summary text",
    "publication_date": "Published on",
    "authors": "Writers",
}


def _records(parser: GenericCsv | GenericJsonl, path: Path) -> list[DocumentRecord]:
    items = list(parser.parse(path))
    assert all(isinstance(i, DocumentRecord) for i in items), items
    return [i for i in items if isinstance(i, DocumentRecord)]


def test_detection_is_low_confidence() -> None:
    assert detect_format(CSV_DIR / "cn_literature.csv") is GenericCsv
    assert detect_format(CSV_DIR / "mixed_kinds.tsv") is GenericCsv
    assert detect_format(JSONL_DIR / "records.jsonl") is GenericJsonl
    scopus = FIXTURES / "scopus-csv" / "scopus_export.csv"
    assert GenericCsv.sniff(scopus.read_text(encoding="utf-8-sig"), scopus) == 35
    assert detect_format(scopus) is ScopusCsv
    assert GenericCsv.sniff('{"title": "x", "year": 2020}\n', scopus) == 0
    with pytest.raises(UnknownFormatError):
        detect_format(CSV_DIR / "custom_columns.csv")  # no recognisable column: needs a map and --format


def test_chinese_headers() -> None:
    paper, english, patent = _records(GenericCsv(), CSV_DIR / "cn_literature.csv")
    assert paper.title == "面向碳中和的氢能技术发展路线图研究"
    assert paper.authors == ["王强", "刘芳", "赵磊"]
    assert paper.organizations == ["清华大学能源与动力工程系", "中国科学院大连化学物理研究所"]
    assert paper.keywords == ["氢能", "碳中和", "技术路线图"]
    assert (
        paper.abstract
        == "本文梳理了制氢、储运和燃料电池三类关键技术，\n提出了2030年和2060年两个阶段的技术发展路线图。"
    )
    assert paper.location == "record 1 (lines 2-3)"
    assert (paper.year, paper.venue, paper.citation_count, paper.language) == (2022, "中国工程科学", 37, "zh")
    assert paper.doi == "10.15302/J-SSCAE-2022.01.012"
    assert paper.kind == "paper"
    assert paper.identifiers == {"document_type": "期刊论文"}
    assert paper.raw["题名"] == paper.title
    assert english.authors == ["Kim, J.", "Park, S."]
    assert english.organizations == ["KAIST", "Seoul National University"]
    assert (english.language, english.citation_count, english.location) == ("en", None, "line 4")
    assert patent.kind == "patent"
    assert patent.abstract is None and patent.language is None


def test_tsv_with_kinds_and_countries() -> None:
    paper, policy, news = _records(GenericCsv(), CSV_DIR / "mixed_kinds.tsv")
    assert paper.publication_date == date(2012, 9, 18) and paper.year == 2012
    assert paper.keywords == ["quantum computing", "error correction"]
    assert paper.url == "https://arxiv.org/abs/1208.0928"
    assert paper.countries == ["US"]
    assert (policy.kind, policy.countries) == ("policy", ["CN"])
    assert (news.kind, news.countries, news.publication_date) == ("news", ["BE"], date(2017, 10, 1))


def test_column_map() -> None:
    recs = _records(
        GenericCsv(ParseOptions(column_map=NEWS_MAP, kind="news")), CSV_DIR / "custom_columns.csv"
    )
    assert [r.title for r in recs] == [
        "Sodium-ion batteries reach mass production",
        "Solid-state battery pilot line opens",
        "Fuel-cell trucks pass one million kilometres",
    ]
    assert recs[1].authors == ["Zhou Min", "Xu Jie"]
    assert recs[1].publication_date == date(2023, 6, 2)
    assert {r.kind for r in recs} == {"news"}
    assert recs[0].raw == {
        "Headline": "Sodium-ion batteries reach mass production",
        "Summary text": "CATL starts shipping sodium-ion cells.",
        "Published on": "2023-04-18",
        "Writers": "Li Wei",
        "Ref": "N-001",
    }


def test_bad_mapping_names_the_column_and_the_header() -> None:
    parser = GenericCsv(ParseOptions(column_map={"title": "Heading"}))
    with pytest.raises(FileFormatError) as err:
        list(parser.parse(CSV_DIR / "custom_columns.csv"))
    assert "column 'Heading' (for field 'title') is not in the header" in err.value.message
    assert "'Headline', 'Summary text', 'Published on', 'Writers', 'Ref'" in err.value.message
    with pytest.raises(FileFormatError, match="no title or abstract column found"):
        list(GenericCsv().parse(CSV_DIR / "custom_columns.csv"))


def test_bad_csv_rows() -> None:
    items = list(GenericCsv().parse(CSV_DIR / "generic_bad.csv"))
    assert [(i.location, i.message) for i in items if isinstance(i, RecordError)] == [
        ("line 2", "column 'year': 'unknown' is not a year"),
        ("line 3", "column 'citations': 'many' is not a number"),
        ("line 4", "row has 5 fields but the header has 4 (an unbalanced quote or a stray delimiter?)"),
    ]
    (good,) = [i for i in items if isinstance(i, DocumentRecord)]
    assert (good.title, good.year, good.citation_count) == ("Zinc-air batteries revisited", 2018, 11)


def test_jsonl_records() -> None:
    llm, chinese, news = _records(GenericJsonl(), JSONL_DIR / "records.jsonl")
    assert llm.authors == ["Ada Lovelace", "Alan Turing"]
    assert (llm.year, llm.citation_count, llm.language, llm.source_id) == (2024, 5, "en", "rec-1")
    assert llm.keywords == ["LLM", "patents"]
    assert llm.identifiers == {"document_type": "preprint"}
    assert llm.kind == "paper"
    assert llm.location == "line 1"
    assert llm.raw["id"] == "rec-1"
    assert chinese.title == "大模型在科技情报分析中的应用"
    assert chinese.authors == ["张三", "李四"]
    assert chinese.organizations == ["中国科学技术信息研究所"]
    assert chinese.year == 2023
    assert news.kind == "news"
    assert news.countries == ["GB", "DK"]
    assert news.keywords == ["wind", "offshore"]
    assert news.publication_date == date(2021, 11, 3)


def test_jsonl_dotted_key_map() -> None:
    mapping = {"title": "meta.headline", "publication_date": "meta.published", "abstract": "body.summary"}
    recs = _records(GenericJsonl(ParseOptions(column_map=mapping)), JSONL_DIR / "nested.jsonl")
    assert [(r.title, r.publication_date) for r in recs] == [
        ("Tidal energy pilot in Zhejiang", date(2022, 8, 15)),
        ("Green ammonia plant starts", date(2023, 1, 9)),
        ("Grid-scale flywheel storage", date(2023, 3, 27)),
    ]
    assert recs[0].abstract == "A 1.6 MW turbine array was connected."
    assert recs[2].abstract is None
    with pytest.raises(
        FileFormatError, match=r"key 'meta.title' \(for field 'title'\) is in none of the first 3"
    ):
        list(GenericJsonl(ParseOptions(column_map={"title": "meta.title"})).parse(JSONL_DIR / "nested.jsonl"))
    with pytest.raises(FileFormatError, match="no title or abstract key found; the keys are: 'body', 'meta'"):
        list(GenericJsonl().parse(JSONL_DIR / "nested.jsonl"))


def test_bad_jsonl_lines() -> None:
    items = list(GenericJsonl().parse(JSONL_DIR / "generic_bad.jsonl"))
    errors = [(i.location, i.message) for i in items if isinstance(i, RecordError)]
    assert [location for location, _ in errors] == ["line 2", "line 3", "line 4"]
    assert errors[0][1].startswith("invalid JSON")
    assert errors[1:] == [
        ("line 3", "column 'year': 'soon' is not a year"),
        ("line 4", "expected a JSON object, got list"),
    ]
    good = [(i.title, i.location) for i in items if isinstance(i, DocumentRecord)]
    assert good == [("Heat pumps in cold climates", "line 1"), ("District heating networks", "line 6")]


def test_import_through_service(session: Session) -> None:
    report = import_file(session, CSV_DIR / "cn_literature.csv")
    assert (report.format, report.new) == ("generic-csv", 3)
    jsonl = import_file(session, JSONL_DIR / "records.jsonl")
    assert (jsonl.format, jsonl.new) == ("generic-jsonl", 3)
    mapped = import_file(
        session, CSV_DIR / "custom_columns.csv", fmt="generic-csv", options=ParseOptions(column_map=NEWS_MAP)
    )
    assert mapped.new == 3
    kinds = session.scalars(select(Document.kind).order_by(Document.id)).all()
    assert kinds == ["paper", "paper", "patent", "paper", "paper", "news", "paper", "paper", "paper"]


def test_values_too_long_to_store_are_record_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "title,patent number,office\n"
        "Battery,CN110333456B,China National Intellectual Property Administration\n"
        "Cell,CN110333457B,CN\n",
        encoding="utf-8",
    )
    error, ok = GenericCsv().parse(path)
    assert isinstance(error, RecordError)
    assert error.location == "line 2"
    assert error.message.startswith("column 'office': 'China National Intellectual Property Adm'…")
    assert error.message.endswith("is longer than 8 characters (the patent_office limit)")
    assert isinstance(ok, DocumentRecord)
    assert (ok.kind, ok.patent_number, ok.patent_office) == ("patent", "CN110333457B", "CN")
