"""The shared reader of tag-per-line formats: records, line spans, continuation lines, problems."""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest

from foresight.ingest.formats import tagged
from foresight.ingest.formats.tagged import TagSyntax, iter_tagged_records, join_lines

ENDED = TagSyntax(
    tag_line=re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$"),
    start_tags=frozenset({"PT"}),
    end_tags=frozenset({"ER"}),
    file_tags=frozenset({"FN", "VR", "EF"}),
    continuation=re.compile(r"^\s+(.*)$"),
)
BLANK_SEPARATED = TagSyntax(
    tag_line=re.compile(r"^%(\S)(?: (.*))?$"),
    start_tags=frozenset({"0"}),
    tag_prefix="%",
)


def _write(tmp_path: Path, text: str, name: str = "in.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_join_lines_spaces_latin_but_not_chinese() -> None:
    assert join_lines(["Graph neural networks for", "  technology forecasting"]) == (
        "Graph neural networks for technology forecasting"
    )
    joined = join_lines(["新兴技术的早期识别是", "技术预见的核心任务"])
    assert joined == "新兴技术的早期识别是技术预见的核心任务"
    assert join_lines(["识别方法：", "", "AI"]) == "识别方法： AI"


def test_records_with_end_tags_keep_their_line_spans(tmp_path: Path) -> None:
    text = "FN Export\nVR 1.0\nPT J\nAU Li, W\n   Smith, J\nTI A title\n   that wraps\nER\n\nPT B\nER\nEF\n"
    path = _write(tmp_path, text)
    records = list(iter_tagged_records(path, ENDED))
    assert [(r.number, r.start, r.end) for r in records] == [(1, 3, 8), (2, 10, 11)]
    first = records[0]
    assert first.location == "record 1 (lines 3-8)"
    assert first.lines("AU") == ["Li, W", "Smith, J"]
    assert first.text("TI") == "A title that wraps"
    assert first.raw() == {"PT": "J", "AU": "Li, W\nSmith, J", "TI": "A title\nthat wraps"}
    assert not first.problems


def test_structural_problems_are_reported_on_the_record(tmp_path: Path) -> None:
    path = _write(tmp_path, "stray text\nPT J\nTI no end\nPT J\nTI bad\nnot indented\nER\nER\nPT J\n")
    records = list(iter_tagged_records(path, ENDED))
    assert [r.problems for r in records] == [
        ["line 1: text outside any record"],
        ["no ER before the next PT at line 4"],
        ["line 6 is neither a field nor a continuation line"],
        ["ER at line 8 closes no record"],
        ["file ends at line 9 inside the record (no ER)"],
    ]
    assert [r.location for r in records][1:3] == ["record 2 (lines 2-3)", "record 3 (lines 4-7)"]


def test_blank_separated_records_and_paragraph_breaks(tmp_path: Path) -> None:
    text = "%0 Journal Article\n%A 张三\n%X 第一段。\n\n第二段。\n\n"
    text += "%0 Thesis\n%T 题名\n\n%A 李四\n%T 无类型\n"
    records = list(iter_tagged_records(_write(tmp_path, text), BLANK_SEPARATED))
    assert [(r.start, r.end) for r in records] == [(1, 5), (7, 8), (10, 11)]
    assert records[0].text("X") == "第一段。第二段。"
    assert records[0].occurrences("A") == [["张三"]]
    assert records[2].problems == ["record does not begin with %0 (line 10 is %A)"]


def test_reading_streams_one_record_at_a_time(tmp_path: Path) -> None:
    record = "PT J\nAU Li, W\nTI " + "word " * 60 + "\nAB " + "text " * 300 + "\nER\n"
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write("FN Clarivate Analytics Web of Science\nVR 1.0\n")
        for _ in range(4000):
            out.write(record)
    assert path.stat().st_size > 7_000_000
    tracemalloc.start()
    count = sum(1 for _ in iter_tagged_records(path, ENDED))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 4000
    assert peak < 2_000_000


def test_an_oversized_record_becomes_a_problem_not_a_memory_hog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tagged, "MAX_RECORD_CHARS", 1000)
    text = "PT J\nAB " + "x" * 600 + "\n   " + "y" * 600 + "\n   more\nER\nPT J\nTI fine\nER\n"
    big, fine = iter_tagged_records(_write(tmp_path, text), ENDED)
    assert big.problems == ["record exceeds 1000 characters (line 3)"]
    assert big.location == "record 1 (lines 1-5)"
    assert big.size > 1000 and sum(len(line) for _, lines in big.fields for line in lines) < 1000
    assert not fine.problems and fine.text("TI") == "fine"
