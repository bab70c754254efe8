"""BibTeX/BibLaTeX files: Zotero/Scholar mix with LaTeX escapes, Scopus export, malformed entries."""

from __future__ import annotations

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
from foresight.ingest.formats.bibtex import BibtexParser
from foresight.ingest.record import DocumentRecord
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats" / "bibtex"
MIXED = FIXTURES / "mixed.bib"
SCOPUS = FIXTURES / "scopus_export.bib"
BAD = FIXTURES / "bad_entries.bib"

FUZZ_PIECES = [
    "@article{k,", "@misc(k,", "title = {T", "}", "{", ")", '"', "author = {A and B},", "year = 2020,",
    "year = {99},", "@string{x = {y}}", "@comment{ c }", "journal = x,", "\\{", "month = jan}",
]  # fmt: skip


def _records(path: Path, options: ParseOptions | None = None) -> list[DocumentRecord]:
    items = list(BibtexParser(options).parse(path))
    assert all(isinstance(item, DocumentRecord) for item in items), items
    return [item for item in items if isinstance(item, DocumentRecord)]


def test_latex_strings_and_entry_types() -> None:
    article, proceedings, preprint, thesis, report, patent = _records(MIXED)

    assert article.title == "Roadmapping 6G: A Delphi Study with Müller's Scenario Method"
    assert article.authors == ["Jörg Müller", "María García-López", "Lars Østergaard"]  # "and others" dropped
    assert article.venue == "Technological Forecasting and Social Change"  # @string macro resolved
    assert article.publication_date == date(2021, 4, 1) and article.year == 2021
    assert article.doi == "10.1016/j.techfore.2021.120712"
    assert article.abstract == (
        "Sixth-generation (6G) mobile networks are expected around 2030. We ran a two-round Delphi survey "
        "with 112 experts & derived three scenarios for terahertz communication."
    )
    assert article.keywords == ["6G", "Delphi method", "technology roadmapping"]
    assert article.language == "en"
    assert article.identifiers == {"issn": "0040-1625", "volume": "167", "pages": "120712"}
    assert article.source_id == "mueller2021roadmapping"
    assert article.location == "record 1 (lines 6-21)"
    assert article.raw["ENTRYTYPE"] == "article" and article.raw["ID"] == "mueller2021roadmapping"
    assert article.raw["author"].startswith('M{\\"u}ller, J{\\"o}rg and')  # raw is the source text
    json.dumps(article.raw)

    assert proceedings.title == "Detecting Emerging Technologies with BERT Embeddings of Patent Claims"
    assert proceedings.authors == ["Wei Chen", "Fang Liu"]
    assert proceedings.venue == "Proceedings of the 2022 IEEE International Conference on Big Data"
    assert proceedings.publication_date == date(2022, 12, 1)
    assert proceedings.identifiers["pages"] == "2101-2110"
    assert proceedings.url == "https://ieeexplore.ieee.org/document/10020712?arnumber=10020712&ref=a%2Fb_c"

    assert preprint.kind == "paper"  # @misc with an arXiv eprint
    assert preprint.arxiv_id == "1706.03762"
    assert preprint.categories == ["cs.CL"]
    assert preprint.url == "https://arxiv.org/abs/1706.03762"
    assert preprint.year == 2017 and preprint.publication_date is None

    assert thesis.title == "基于科学计量的新兴技术识别方法研究"
    assert thesis.authors == ["王芳"]
    assert thesis.organizations == ["中国科学院大学"] and thesis.venue == "中国科学院大学"
    assert thesis.countries == ["CN"]
    assert thesis.keywords == ["新兴技术", "科学计量", "技术预见"]
    assert thesis.language == "zh"

    assert report.kind == "other"
    assert report.title == "Artificial Intelligence Risk Management Framework (AI RMF 1.0)"
    assert report.authors == ["National Institute of Standards and Technology"]
    assert report.organizations == ["National Institute of Standards and Technology"]
    assert report.countries == ["US"]
    assert report.identifiers == {"report_number": "NIST AI 100-1"}
    assert report.doi == "10.6028/nist.ai.100-1"

    assert patent.kind == "patent"
    assert patent.patent_number == "CN111342115A"
    assert patent.patent_office == "CN"
    assert patent.organizations == ["Contemporary Amperex Technology Co., Limited"]
    assert patent.publication_date == date(2020, 6, 26)
    assert patent.authors == ["San Zhang", "Si Li"]


def test_scopus_bibtex_export() -> None:
    article, conference, chinese = _records(SCOPUS)
    assert article.authors == ["Y. Zhang", "H. Müller", "J.A. Smith"]
    assert article.organizations == [
        "Tsinghua University",
        "Fraunhofer Institute for Systems and Innovation Research ISI",
    ]
    assert article.countries == ["CN", "DE"]
    assert article.keywords == ["Graph neural network", "Patent citation", "Technology forecasting"]
    assert article.citation_count == 14
    assert article.identifiers == {"issn": "0040-1625", "volume": "186"}
    assert article.location == "record 1 (lines 4-23)"
    assert conference.kind == "paper"
    assert conference.identifiers == {"isbn": "9781450390965", "pages": "1120-1130"}
    assert conference.citation_count == 3
    assert chinese.title == "人工智能领域新兴技术主题识别——基于专利与论文的融合分析"
    assert chinese.authors == ["刘洋", "赵敏"]
    assert chinese.organizations == ["中国科学技术信息研究所"] and chinese.countries == ["CN"]
    assert chinese.identifiers == {"volume": "40", "pages": "225-236", "issue": "3"}
    assert chinese.language == "zh" and chinese.citation_count == 7


def test_detection(tmp_path: Path) -> None:
    for path in (MIXED, SCOPUS, BAD):
        assert detect_format(path).name == "bibtex"
    assert BibtexParser.sniff("email me at someone@example.org {or not}\n", tmp_path) == 0
    assert BibtexParser.sniff("TY  - JOUR\nTI  - x\nER  - \n", tmp_path) == 0


def test_bad_entries_are_reported_and_parsing_goes_on() -> None:
    items = list(BibtexParser().parse(BAD))
    assert [type(i).__name__ for i in items] == ["DocumentRecord"] + ["RecordError"] * 3 + ["DocumentRecord"]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.location for e in errors] == [
        "record 2 (lines 7-11)",
        "record 3 (lines 13-16)",
        "record 4 (lines 17-20)",
    ]
    assert errors[0].message == (
        "bibtexparser could not read the entry starting at line 7: Duplicate field keys on entry: 'title'"
    )
    assert errors[1].message == "unbalanced braces: the @article block is not closed before line 17"
    assert errors[2].message == "field 'year': unreadable year '99'"
    last = items[-1]
    assert isinstance(last, DocumentRecord) and (last.title, last.year) == ("Another Well-Formed Entry", 2021)


def test_paren_blocks_quotes_and_options(tmp_path: Path) -> None:
    path = tmp_path / "odd.bib"
    path.write_text(
        '@Book(knuth84, author = "Donald E. Knuth", title = "{K}nuth\'s {\\"U}bersicht (with a ) inside",\n'
        "  publisher = {Addison-Wesley}, year = 1984)\n"
        '@article{q, title = "He said {"}hi{"}", year = {2001}, journal = {J}}\n'
        "@article{cut, title = {never closed}\n",
        encoding="utf-8",
    )
    book, quoted, cut = BibtexParser(ParseOptions(kind="other", access_level="restricted")).parse(path)
    assert isinstance(book, DocumentRecord)
    assert (book.title, book.venue, book.kind, book.access_level) == (
        "Knuth's Übersicht (with a ) inside",
        "Addison-Wesley",
        "other",
        "restricted",
    )
    assert isinstance(quoted, DocumentRecord) and quoted.title == 'He said "hi"'
    assert isinstance(cut, RecordError) and cut.location == "record 3 (lines 4-4)"
    assert cut.message == "unbalanced braces: the @article block is not closed at the end of the file"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FUZZ_PIECES)))
def test_arbitrary_text_never_raises(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "fuzz.bib"
    path.write_text("\n".join(pieces) + "\n", encoding="utf-8")
    for item in BibtexParser().parse(path):
        assert isinstance(item, DocumentRecord | RecordError)
        assert item.location.startswith(("record ", "@string"))
        if isinstance(item, DocumentRecord):
            json.dumps(item.raw)


def test_import_through_the_service(session: Session) -> None:
    from foresight.db.models import Document

    report = import_file(session, SCOPUS)
    assert (report.format, report.read, report.new, report.rejected) == ("bibtex", 3, 3, 0)
    docs = {d.source_id: d for d in session.scalars(select(Document))}
    assert docs["Liu2021"].language == "zh"
    assert docs["Zhang2023"].countries == ["CN", "DE"]
    again = import_file(session, SCOPUS)
    assert (again.new, again.unchanged) == (0, 3)
    mixed = import_file(session, MIXED)
    assert (mixed.read, mixed.rejected) == (6, 0)


def test_bad_file_aborts_or_skips(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportAborted, match=r"record 2 \(lines 7-11\)"):
        import_file(session, BAD)
    session.rollback()
    report = import_file(session, BAD, skip_bad_rows=True, rejects_path=tmp_path / "rejects.jsonl")
    assert (report.new, report.rejected) == (2, 3)
