"""The shared CSV/TSV reader: row locations, delimiter sniffing, header checks and cell conversions."""

from __future__ import annotations

import csv
import gzip
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.cells import map_language, to_date, to_int, to_year
from foresight.ingest.formats.delimited import (
    FIELD_SIZE_LIMIT,
    Columns,
    DelimitedReader,
    Row,
    normalize_header_name,
    sample_header,
    sniff_delimiter,
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _read(path: Path, delimiter: str | None = None) -> tuple[list[str], list[Row | RecordError]]:
    with DelimitedReader(path, delimiter) as reader:
        return reader.header, list(reader)


def test_rows_carry_their_line_span(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "t.csv", 'id,text\r\n1,one line\r\n2,"two\r\nlines"\r\n\r\n3,"a ""quoted"" word"\r\n'
    )
    header, rows = _read(path)
    assert header == ["id", "text"]
    assert [r.location for r in rows if isinstance(r, Row)] == [
        "line 2",
        "record 2 (lines 3-4)",
        "line 6",
    ]
    last = rows[2]
    assert isinstance(last, Row)
    assert last.values == {"id": "3", "text": 'a "quoted" word'}
    assert last.number == 3
    middle = rows[1]
    assert isinstance(middle, Row) and middle.values["text"] == "two\r\nlines"


def test_wrong_field_count_is_a_record_error_and_reading_goes_on(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\n")
    _, rows = _read(path)
    assert isinstance(rows[1], RecordError)
    assert rows[1].location == "line 3"
    assert "row has 2 fields but the header has 3" in rows[1].message
    assert isinstance(rows[2], RecordError) and rows[2].location == "line 4"
    # trailing empty fields (a stray trailing delimiter) are tolerated
    assert isinstance(rows[3], Row) and rows[3].values == {"a": "10", "b": "11", "c": "12"}


def test_oversized_field_is_a_record_error(tmp_path: Path) -> None:
    huge = "x" * (FIELD_SIZE_LIMIT + 10)
    path = _write(tmp_path / "t.csv", f"a,b\n1,{huge}\n2,ok\n")
    _, rows = _read(path)
    assert isinstance(rows[0], RecordError)
    assert rows[0].location == "line 2"
    assert "field larger than field limit" in rows[0].message
    assert isinstance(rows[1], Row) and rows[1].values == {"a": "2", "b": "ok"}


def test_delimiter_sniffing_bom_sep_line_and_gzip(tmp_path: Path) -> None:
    tsv = _write(tmp_path / "t.tsv", "title\tauthors\nA, study\tSmith, J.; Doe, A.\n")
    assert _read(tsv)[1][0] == Row(1, 2, 2, {"title": "A, study", "authors": "Smith, J.; Doe, A."})
    excel = _write(tmp_path / "e.csv", "\ufeffsep=;\r\nTitel;Jahr\r\nBatterie;2021\r\n")
    header, rows = _read(excel)
    assert header == ["Titel", "Jahr"]
    assert rows == [Row(1, 3, 3, {"Titel": "Batterie", "Jahr": "2021"})]
    gz = tmp_path / "z.csv.gz"
    gz.write_bytes(gzip.compress("标题,年份\n氢能,2022\n".encode()))
    assert _read(gz)[1] == [Row(1, 2, 2, {"标题": "氢能", "年份": "2022"})]
    utf16 = _write(tmp_path / "u.csv", "\ufefftitle,year\nX,2020\n", "utf-16-le")
    assert _read(utf16)[1] == [Row(1, 2, 2, {"title": "X", "year": "2020"})]


def test_header_names_blank_duplicate_and_nul(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", "title,,title\nA\x00B,x,y\n")
    header, rows = _read(path)
    assert header == ["title", "column 2", "title (2)"]
    assert rows == [Row(1, 2, 2, {"title": "AB", "column 2": "x", "title (2)": "y"})]


def test_empty_file_and_bad_encoding_are_file_errors(tmp_path: Path) -> None:
    with (
        pytest.raises(FileFormatError, match="no header row"),
        DelimitedReader(_write(tmp_path / "e.csv", "\n\n")),
    ):
        pass
    bad = tmp_path / "b.csv"
    bad.write_bytes(b"title\n" + b"ok\n" * 30000 + b"\xff\xfe broken\n")
    with (
        pytest.raises(FileFormatError, match="invalid utf-8 text after line"),
        DelimitedReader(bad) as reader,
    ):
        list(reader)


def test_sniff_helpers() -> None:
    assert sniff_delimiter('"a,b"\t"c"\t"d"') == "\t"
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("single") == ","
    assert sample_header('\ufeff"Authors","Title","EID"\r\n"x","y","z"') == (",", ["Authors", "Title", "EID"])
    assert sample_header('{"title": "x"}')[1] == []
    assert normalize_header_name("Author(s) ID") == "authorsid"
    assert normalize_header_name("Language of Original Document") == "languageoforiginaldocument"
    assert normalize_header_name("发明人/设计人") == "发明人设计人"


SPEC = {"title": ("Title", "标题"), "year": ("Year",), "abstract": ("Abstract",)}


def test_columns_resolve_aliases_and_overrides(tmp_path: Path) -> None:
    cols = Columns(tmp_path, ["标题", "YEAR ", "Summary"], SPEC, {"abstract": "summary"})
    assert cols.fields == {"title": "标题", "year": "YEAR ", "abstract": "Summary"}
    row = Row(1, 2, 2, {"标题": " 氢能 ", "YEAR ": "", "Summary": "text"})
    assert cols.get(row, "title") == "氢能"
    assert cols.get(row, "year") is None
    assert cols.column("abstract") == "Summary"


def test_columns_report_bad_maps_and_missing_columns(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError) as err:
        Columns(tmp_path, ["Title", "Year"], SPEC, {"abstract": "Résumé"})
    assert "column 'Résumé' (for field 'abstract') is not in the header" in str(err.value)
    assert "'Title', 'Year'" in str(err.value)
    with pytest.raises(FileFormatError, match="unknown field 'authors'"):
        Columns(tmp_path, ["Title"], SPEC, {"authors": "Title"})
    cols = Columns(tmp_path, ["Name", "Year"], SPEC)
    with pytest.raises(
        FileFormatError, match=r"missing required column\(s\) 'Title'; the header's columns are: 'Name'"
    ):
        cols.require("title", "year")


def test_cell_conversions() -> None:
    assert to_int("1,234", "Cited by") == 1234
    assert to_int("12.0", "c") == 12
    assert to_int(None, "c") is None
    with pytest.raises(ValueError, match="column 'Cited by': 'n/a' is not a number"):
        to_int("n/a", "Cited by")
    with pytest.raises(ValueError, match="not a whole number"):
        to_int("1.5", "c")
    for junk in ("inf", "nan", "1e400", "12abc"):
        with pytest.raises(ValueError, match="is not a number"):
            to_int(junk, "c")
    assert to_date("2021-03-15", "d") == (date(2021, 3, 15), 2021)
    assert to_date("2021", "d") == (None, 2021)
    assert to_date("15 Mar 2021", "d") == (date(2021, 3, 15), 2021)
    with pytest.raises(ValueError, match="unreadable date '2021-02-30'"):
        to_date("2021-02-30", "d")
    assert to_year("2019.0", "y") == 2019
    assert to_year("2019-05-01", "y") == 2019
    with pytest.raises(ValueError, match="'20xx' is not a year"):
        to_year("20xx", "Year")
    assert map_language("English") == "en"
    assert map_language("Chinese; English") == "zh"
    assert map_language("中文") == "zh"
    assert map_language("zh-CN") == "zh"
    assert map_language("German") == "other"
    assert map_language(" ") is None


_cell = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r"), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cell, min_size=3, max_size=3), min_size=1, max_size=8))
def test_written_rows_read_back_exactly(tmp_path: Path, rows: list[list[str]]) -> None:
    rows = [r for r in rows if any(c.strip() for c in r)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path = _write(tmp_path / "h.csv", buf.getvalue())
    _, read = _read(path, ",")
    assert [r.values for r in read if isinstance(r, Row)] == [dict(zip("abc", r, strict=True)) for r in rows]
    if read:
        last = read[-1]
        assert isinstance(last, Row)
        assert last.last_line == buf.getvalue().count("\n")
