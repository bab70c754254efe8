"""OpenAlex works: API response JSON, JSON arrays, single works and snapshot JSON Lines."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.ingest.errors import FileFormatError, ImportAborted, RecordError
from foresight.ingest.formats import ParseOptions, detect_format
from foresight.ingest.formats.openalex import OpenAlexJson, OpenAlexJsonl, rebuild_abstract
from foresight.ingest.record import DocumentRecord, ParsedItem
from foresight.ingest.service import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
RESPONSE = FIXTURES / "openalex-json" / "works_response.json"
ARRAY = FIXTURES / "openalex-json" / "works_array.json"
SINGLE = FIXTURES / "openalex-json" / "single_work.json"
TRUNCATED = FIXTURES / "openalex-json" / "bad_truncated.json"
SNAPSHOT = FIXTURES / "openalex-jsonl" / "works_snapshot.jsonl"
BAD_LINES = FIXTURES / "openalex-jsonl" / "bad_lines.jsonl"


def _records(items: Iterable[ParsedItem]) -> list[DocumentRecord]:
    listed = list(items)
    assert all(isinstance(item, DocumentRecord) for item in listed), listed
    return [item for item in listed if isinstance(item, DocumentRecord)]


def test_rebuild_abstract() -> None:
    index = {"Large": [0], "models": [2, 5], "language": [1], "are": [3], "big": [4]}
    assert rebuild_abstract(index) == "Large language models are big models"
    assert rebuild_abstract({"技": [0], "术": [1], "预见": [2], "is": [3]}) == "技术预见 is"
    assert rebuild_abstract(None) is None and rebuild_abstract({}) is None
    with pytest.raises(ValueError, match="positions of 'x' are not a list of integers"):
        rebuild_abstract({"x": [1, "2"]})


def test_response_fields() -> None:
    nature, chinese, preprint = _records(OpenAlexJson().parse(RESPONSE))

    assert nature.title == "Large language models encode clinical knowledge"
    assert nature.kind == "paper"
    assert nature.abstract == (
        "Large language models (LLMs) have demonstrated impressive capabilities, but the bar for clinical "
        "applications is high. Here we present MultiMedQA, a benchmark combining six existing medical "
        "question answering datasets."
    )
    assert nature.publication_date == date(2023, 7, 12) and nature.year == 2023
    assert nature.doi == "https://doi.org/10.1038/s41586-023-06291-2"  # finalize() normalizes it
    assert nature.source_id == "W4385245566"
    assert nature.identifiers == {
        "openalex": "W4385245566",
        "pmid": "37438534",
        "pmcid": "10396962",
        "mag": "4385245566",
        "issn": "0028-0836",
        "volume": "620",
        "issue": "7972",
        "pages": "172-180",
    }
    assert nature.authors == ["Karan Singhal", "Shekoofeh Azizi", "Vivek Natarajan"]
    assert nature.organizations == ["Google (United States)", "DeepMind (United Kingdom)"]
    assert nature.countries == ["US", "GB"]
    assert nature.keywords == [
        "Clinical knowledge",
        "Medical question answering",
        "Electronic Health Records",
    ]
    assert nature.categories == ["Computer Science", "Artificial Intelligence", "Information Systems"]
    assert nature.venue == "Nature"
    assert nature.citation_count == 1523
    assert nature.language == "en"
    assert nature.url == "https://doi.org/10.1038/s41586-023-06291-2"
    assert nature.location == "record 1 (results[0])"
    assert nature.raw["id"] == "https://openalex.org/W4385245566"
    assert isinstance(nature.raw["topics"][0]["score"], float)
    json.dumps(nature.raw)

    assert chinese.title == "融合专利引文与文本语义的技术主题演化分析"
    assert (
        chinese.abstract
        == "面向技术预见的专利主题演化分析方法。本文提出一种融合专利引文与文本语义的主题演化模型。"
    )
    assert chinese.language == "zh"
    assert chinese.authors == ["李明", "Hui Zhou"]
    assert chinese.organizations == ["清华大学", "Institute of Scientific and Technical Information of China"]
    assert chinese.countries == ["CN"]
    assert chinese.categories == [
        "Business, Management and Accounting",
        "Management of Technology and Innovation",
    ]
    assert chinese.venue == "情报学报"

    # legacy layout: host_venue, concepts instead of topics, raw affiliation strings only
    assert preprint.abstract is None and preprint.doi is None
    assert preprint.arxiv_id == "2106.00001"
    assert preprint.venue == "arXiv (Cornell University)"
    assert preprint.url == "https://arxiv.org/abs/2106.00001"
    assert preprint.authors == ["Anna Schmidt", "Kenji Tanaka"]  # raw_author_name when no display name
    assert preprint.organizations == [
        "Helmholtz-Zentrum Berlin für Materialien und Energie",
        "Kyoto University",
    ]
    assert preprint.countries == ["DE", "JP"]
    assert preprint.keywords == ["Tandem solar cell"]  # level >= 2 concepts with a non-zero score
    assert preprint.categories == ["Physics", "Nanotechnology"]  # level 0-1 concepts
    assert preprint.citation_count == 0


def test_array_single_work_and_jsonl_agree() -> None:
    from_array = _records(OpenAlexJson().parse(ARRAY))
    assert [r.source_id for r in from_array] == ["W3177828909", "W4385245566"]
    assert [r.location for r in from_array] == ["record 1 (array[0])", "record 2 (array[1])"]
    (single,) = _records(OpenAlexJson().parse(SINGLE))
    assert (single.source_id, single.location) == ("W4317541234", "record 1")
    lines = _records(OpenAlexJsonl().parse(SNAPSHOT))
    response = _records(OpenAlexJson().parse(RESPONSE))
    assert [r.location for r in lines] == ["line 1", "line 2", "line 3"]
    for a, b in zip(lines, response, strict=True):
        assert (a.title, a.abstract, a.authors, a.countries, a.keywords, a.categories) == (
            b.title,
            b.abstract,
            b.authors,
            b.countries,
            b.keywords,
            b.categories,
        )
        assert a.raw == b.raw


def test_detection(tmp_path: Path) -> None:
    for path in (RESPONSE, ARRAY, SINGLE, TRUNCATED):
        assert detect_format(path).name == "openalex-json"
    for path in (SNAPSHOT, BAD_LINES):
        assert detect_format(path).name == "openalex-jsonl"
    one_line = tmp_path / "response_one_line.json"
    one_line.write_text(
        json.dumps(json.loads(RESPONSE.read_text(encoding="utf-8")), ensure_ascii=False) + "\n"
    )
    assert detect_format(one_line).name == "openalex-json"
    assert len(_records(OpenAlexJson().parse(one_line))) == 3
    part = tmp_path / "part_000.gz"
    part.write_bytes(gzip.compress(SNAPSHOT.read_bytes()))
    assert detect_format(part).name == "openalex-jsonl"
    assert len(_records(OpenAlexJsonl().parse(part))) == 3
    # a long work line, cut by the 16k-character detection sample, is still JSON Lines
    work = json.loads(SNAPSHOT.read_text(encoding="utf-8").splitlines()[0])
    work["referenced_works"] = [f"https://openalex.org/W{n}" for n in range(1000, 2000)]
    long_lines = tmp_path / "long.jsonl"
    long_lines.write_text(json.dumps(work) + "\n" + json.dumps(work) + "\n", encoding="utf-8")
    assert detect_format(long_lines).name == "openalex-jsonl"
    arxiv_like = '{"id": "2101.00001", "announced": "2021-01-04", "title": "t", "categories": ["cs.AI"]}\n'
    assert OpenAlexJsonl.sniff(arxiv_like, tmp_path) == 0 and OpenAlexJson.sniff(arxiv_like, tmp_path) == 0


def test_truncated_response_and_bad_items() -> None:
    items = list(OpenAlexJson().parse(TRUNCATED))
    assert [type(i).__name__ for i in items] == [
        "DocumentRecord",
        "RecordError",
        "RecordError",
        "DocumentRecord",
        "RecordError",
    ]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert errors[0].location == "record 2 (results[1])"
    assert errors[0].message == "not an OpenAlex work (no https://openalex.org/W… id)"
    assert errors[1].location == "record 3 (results[2])"
    assert errors[1].message == "abstract_inverted_index: positions of 'Broken' are not a list of integers"
    assert errors[2].location == "record 5 (results[4])"
    assert (
        errors[2].message.startswith("invalid JSON (")
        and "the rest of the file is unreadable" in errors[2].message
    )


def test_unreadable_json_is_a_file_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(
        '{"meta": {"count": 1}, "results": [{"id": "https://openalex.org/W1", "title": ', encoding="utf-8"
    )
    with pytest.raises(FileFormatError, match="invalid JSON"):
        list(OpenAlexJson().parse(path))
    empty = tmp_path / "empty_response.json"
    empty.write_text('{"meta": {"count": 0}, "results": []}', encoding="utf-8")
    assert list(OpenAlexJson().parse(empty)) == []


def test_bad_lines_and_options() -> None:
    items = list(OpenAlexJsonl(ParseOptions(kind="other", access_level="internal")).parse(BAD_LINES))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["DocumentRecord", "RecordError", "RecordError", "RecordError", "DocumentRecord"]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [e.location for e in errors] == ["line 2", "line 3", "line 4"]
    assert errors[0].message.startswith("invalid JSON")
    assert errors[1].message == "not an OpenAlex work (no https://openalex.org/W… id)"
    assert errors[2].message == "cited_by_count: expected an integer, got 'many'"
    last = items[-1]
    assert isinstance(last, DocumentRecord)
    assert (last.location, last.kind, last.access_level) == ("line 6", "other", "internal")


@pytest.mark.parametrize("path", [RESPONSE, SNAPSHOT], ids=["json", "jsonl"])
def test_import_through_the_service(session: Session, path: Path) -> None:
    from foresight.db.models import Document

    report = import_file(session, path)
    assert (report.read, report.new, report.rejected) == (3, 3, 0)
    assert report.format == detect_format(path).name
    docs = {d.source_id: d for d in session.scalars(select(Document))}
    assert docs["W4385245566"].doi == "10.1038/s41586-023-06291-2"
    assert docs["W4385245566"].countries == ["US", "GB"]
    assert docs["W4317541234"].language == "zh"
    assert docs["W3177828909"].arxiv_id == "2106.00001"
    again = import_file(session, path)
    assert (again.new, again.unchanged) == (0, 3)


def test_bad_file_aborts_or_skips(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ImportAborted, match=r"line 2"):
        import_file(session, BAD_LINES)
    session.rollback()
    report = import_file(session, BAD_LINES, skip_bad_rows=True, rejects_path=tmp_path / "rejects.jsonl")
    assert (report.new, report.rejected) == (2, 3)
