"""Streaming reading of delimited exports (CSV, TSV) shared by the spreadsheet-like parsers.

A :class:`DelimitedReader` yields one :class:`Row` per record with the record's first and last physical
line, so a row whose quoted fields span lines is located as ``record 7 (lines 12-15)``. A
:class:`Columns` resolver maps the fields a parser wants to the file's header (by known aliases,
ignoring case, spacing and punctuation) and applies the user's ``column_map`` overrides.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.formats.base import ParseOptions
from foresight.ingest.record import DocumentRecord, ParsedItem
from foresight.ingest.textio import detect_encoding, open_text, read_sample

#: Largest field accepted (characters). Long abstracts and full texts fit; a runaway unbalanced quote
#: becomes a record error instead of swallowing the rest of the file into memory.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
DELIMITERS = ",\t;|"
_NON_ALNUM = re.compile(r"[\W_]+")
_SEP_LINE = re.compile(r"^sep=(.)\s*$")


def normalize_header_name(name: str) -> str:
    """Header comparison key: case-folded, no spaces or punctuation (``Author(s) ID`` → ``authorsid``)."""
    return _NON_ALNUM.sub("", name.casefold())


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def sniff_delimiter(first_line: str) -> str:
    """The delimiter occurring most often (outside quotes) in a header line; ``,`` when none does."""
    counts = [(_count_outside_quotes(first_line, d), -i, d) for i, d in enumerate(DELIMITERS)]
    best = max(counts)
    return best[2] if best[0] > 0 else ","


def _preamble(text: str) -> tuple[str | None, str]:
    """``(delimiter from an Excel 'sep=' line or None, text after it)``; the text starts at the header."""
    text = text.lstrip("\ufeff").lstrip("\r\n")
    first, _, rest = text.partition("\n")
    match = _SEP_LINE.match(first.rstrip("\r"))
    if match:
        return match.group(1), rest.lstrip("\r\n")
    return None, text


def sample_header(sample: str) -> tuple[str, list[str]]:
    """``(delimiter, column names)`` of the header at the start of a text sample (for ``sniff``).

    Returns an empty column list when the sample does not start like a delimited table (JSON, XML).
    """
    delimiter, text = _preamble(sample)
    if not text or text[0] in "{[<":
        return ",", []
    delimiter = delimiter or sniff_delimiter(text.partition("\n")[0])
    try:
        first = next(csv.reader(text.splitlines(), delimiter=delimiter), [])
    except csv.Error:
        return delimiter, []
    return delimiter, [name.strip() for name in first]


def header_keys(sample: str) -> set[str]:
    """Normalized names (:func:`normalize_header_name`) of a sample's header columns."""
    return {normalize_header_name(name) for name in sample_header(sample)[1]}


@dataclass(frozen=True, slots=True)
class Row:
    """One data record of a delimited file."""

    number: int
    first_line: int
    last_line: int
    values: dict[str, str]

    @property
    def location(self) -> str:
        """``line N`` for a one-line record, ``record N (lines a-b)`` when quoted fields span lines."""
        if self.first_line == self.last_line:
            return f"line {self.first_line}"
        return f"record {self.number} (lines {self.first_line}-{self.last_line})"


def _unique_header(names: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, start=1):
        name = raw.replace("\x00", "").strip().lstrip("\ufeff").strip() or f"column {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        out.append(name)
    return out


class DelimitedReader:
    """Context manager streaming the rows of a CSV/TSV file (gzip, BOMs and encodings via ``open_text``).

    Parameters
    ----------
    path
        The file.
    delimiter
        The field delimiter; sniffed from the header line (or an Excel ``sep=`` line) when ``None``.

    Raises
    ------
    FileFormatError
        On entering, when the file cannot be read or has no header row; while iterating, when the
        text stops being valid in the detected encoding.
    """

    def __init__(self, path: Path, delimiter: str | None = None) -> None:
        self.path = path
        self.delimiter = delimiter or ","
        self._explicit = delimiter is not None
        self.header: list[str] = []
        self.encoding = "utf-8"
        self._handle: IO[str] | None = None
        self._reader: Iterator[list[str]] | None = None
        self._line = 0

    def __enter__(self) -> DelimitedReader:
        if csv.field_size_limit() < FIELD_SIZE_LIMIT:
            csv.field_size_limit(FIELD_SIZE_LIMIT)
        sep, text = _preamble(read_sample(self.path, 8192))
        if not self._explicit:
            self.delimiter = sep or sniff_delimiter(text.partition("\n")[0])
        self.encoding = detect_encoding(self.path)
        try:
            self._handle = open_text(self.path, self.encoding)
            reader = csv.reader(self._handle, delimiter=self.delimiter)
            self._reader = reader
            skip_sep = sep is not None
            while True:
                first = next(reader, None)
                if first is None:
                    raise FileFormatError(self.path, "the file has no header row")
                if skip_sep and first and first[0].lstrip("\ufeff").startswith("sep="):
                    skip_sep = False
                    continue
                if any(cell.strip() for cell in first):
                    break
            self._line = reader.line_num
        except (UnicodeDecodeError, csv.Error, OSError, EOFError) as exc:
            self.close()
            raise FileFormatError(self.path, f"cannot read the header row: {exc}") from exc
        except FileFormatError:
            self.close()
            raise
        self.header = _unique_header(first)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file (idempotent)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __iter__(self) -> Iterator[Row | RecordError]:
        """Yield each data row, or a :class:`RecordError` for a row not matching the header's fields."""
        if self._reader is None:
            raise RuntimeError("DelimitedReader must be entered with 'with' before iterating")
        reader = self._reader
        width = len(self.header)
        number = 0
        while True:
            start = self._line + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._line = getattr(reader, "line_num", start)
                number += 1
                yield RecordError(self.path, f"line {start}", f"unreadable row: {exc}")
                continue
            except UnicodeDecodeError as exc:
                raise FileFormatError(
                    self.path, f"invalid {self.encoding} text after line {self._line} ({exc.reason})"
                ) from exc
            self._line = getattr(reader, "line_num", start)
            if not any(cell.strip() for cell in fields):
                continue  # blank line
            number += 1
            row_location = Row(number, start, self._line, {}).location
            if len(fields) > width and not any(cell.strip() for cell in fields[width:]):
                fields = fields[:width]
            if len(fields) != width:
                yield RecordError(
                    self.path,
                    row_location,
                    f"row has {len(fields)} fields but the header has {width}"
                    " (an unbalanced quote or a stray delimiter?)",
                )
                continue
            values = {name: cell.replace("\x00", "") for name, cell in zip(self.header, fields, strict=True)}
            yield Row(number, start, self._line, values)


def _format_columns(header: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(repr(h) for h in header[:limit])
    return shown + (f", … ({len(header) - limit} more)" if len(header) > limit else "")


class Columns:
    """Which header column holds each field a parser reads.

    Parameters
    ----------
    path
        The file (for error messages).
    header
        The file's column names.
    spec
        Field name → candidate column names, best first; matched exactly, else ignoring case, spaces
        and punctuation.
    column_map
        User overrides, field → column name; every field must be in ``spec`` and every column in the
        header.

    Raises
    ------
    FileFormatError
        When ``column_map`` names an unknown field or a column the header lacks.
    """

    def __init__(
        self,
        path: Path,
        header: Sequence[str],
        spec: Mapping[str, Sequence[str]],
        column_map: Mapping[str, str] | None = None,
    ) -> None:
        self.path = path
        self.header = list(header)
        self.spec = spec
        exact = set(self.header)
        by_key: dict[str, str] = {}
        for name in self.header:
            by_key.setdefault(normalize_header_name(name), name)
        self._by_key = by_key
        self._exact = exact
        self.fields: dict[str, str] = {}
        for field, aliases in spec.items():
            for alias in aliases:
                found = self.find(alias)
                if found is not None:
                    self.fields[field] = found
                    break
        for field, column in (column_map or {}).items():
            if field not in spec:
                known = ", ".join(sorted(spec))
                raise FileFormatError(
                    path, f"column map names unknown field {field!r}; the fields are: {known}"
                )
            found = self.find(column)
            if found is None:
                raise FileFormatError(
                    path,
                    f"column map: column {column!r} (for field {field!r}) is not in the header; "
                    f"the header's columns are: {_format_columns(self.header)}",
                )
            self.fields[field] = found

    def find(self, column: str) -> str | None:
        """The header's name for ``column`` (exact match first, then normalized), or ``None``."""
        if column in self._exact:
            return column
        return self._by_key.get(normalize_header_name(column))

    def has(self, field: str) -> bool:
        """Whether a column was found for ``field``."""
        return field in self.fields

    def require(self, *fields: str) -> None:
        """Raise :class:`FileFormatError` naming the expected columns when any field has none."""
        missing = [f for f in fields if f not in self.fields]
        if missing:
            wanted = ", ".join(repr(self.spec[f][0]) for f in missing)
            raise FileFormatError(
                self.path,
                f"missing required column(s) {wanted}; the header's columns are: "
                + _format_columns(self.header),
            )

    def column(self, field: str) -> str:
        """The column name used for ``field`` (for messages); the first alias when absent."""
        return self.fields.get(field, self.spec[field][0])

    def get(self, row: Row, field: str) -> str | None:
        """The stripped value of ``field`` in ``row``; ``None`` when the column is absent or empty."""
        name = self.fields.get(field)
        if name is None:
            return None
        value = row.values.get(name, "").strip()
        return value or None


def parse_delimited(
    path: Path,
    options: ParseOptions,
    spec: Mapping[str, Sequence[str]],
    build: Callable[[Columns, Row], DocumentRecord],
    *,
    required: Sequence[str] = (),
    check: Callable[[Columns], None] | None = None,
    delimiter: str | None = None,
) -> Iterator[ParsedItem]:
    """The common ``parse`` loop: read rows, build a record per row, locate it and apply the options.

    ``build`` raises ``ValueError`` (or ``KeyError``/``IndexError``/``TypeError``) for a row it cannot
    read; that becomes a :class:`RecordError` at the row's location and the parse goes on.
    """
    with DelimitedReader(path, delimiter) as reader:
        columns = Columns(path, reader.header, spec, options.column_map)
        columns.require(*required)
        if check is not None:
            check(columns)
        for row in reader:
            if isinstance(row, RecordError):
                yield row
                continue
            try:
                record = build(columns, row)
            except (ValueError, KeyError, IndexError, TypeError) as exc:
                yield RecordError(path, row.location, str(exc))
                continue
            record.location = row.location
            record.raw = row.values
            if options.kind:
                record.kind = options.kind
            record.access_level = options.access_level
            yield record
