"""Streaming reader for tag-per-line bibliographic formats (Web of Science, RefWorks, EndNote).

These formats write one field per line: a short tag, a space, the value; long values go on over
continuation lines. :func:`iter_tagged_records` turns such a file into one :class:`TaggedRecord` at a
time with the line numbers it spans, so memory does not grow with the file. Structural problems (a
record without its end tag, text outside any record, an oversized record) are collected on the record
as ``problems`` for the parser to report as a :class:`~foresight.ingest.errors.RecordError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from foresight.ingest.errors import FileFormatError
from foresight.ingest.textio import open_text

#: A record larger than this many characters is reported as an error instead of being held in memory.
MAX_RECORD_CHARS = 8 * 1024 * 1024

_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class TagSyntax:
    """How one tagged format writes its lines and delimits its records.

    Parameters
    ----------
    tag_line
        Pattern of a field line; group 1 is the tag, group 2 (optional) the value.
    start_tags
        Tags that open a record (``PT``, ``RT``, ``%0``).
    end_tags
        Tags that close a record (``ER``); empty when records are separated by blank lines.
    file_tags
        Header/trailer tags outside records, ignored (``FN``, ``VR``, ``EF``).
    continuation
        Pattern a continuation line must match (group 1 is the value); ``None``: any other line.
    known_tags
        When given, a tag-like line whose (upper-cased) tag is not listed is a continuation line.
    tag_prefix
        How tags are written before their name, for messages (``%`` in EndNote files).
    """

    tag_line: re.Pattern[str]
    start_tags: frozenset[str]
    end_tags: frozenset[str] = frozenset()
    file_tags: frozenset[str] = frozenset()
    continuation: re.Pattern[str] | None = None
    known_tags: frozenset[str] | None = None
    tag_prefix: str = ""


@dataclass(slots=True)
class TaggedRecord:
    """One record: its fields in file order, each a tag with its value lines."""

    number: int
    start: int
    end: int
    fields: list[tuple[str, list[str]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    size: int = 0

    @property
    def location(self) -> str:
        """``record N (lines a-b)``."""
        return f"record {self.number} (lines {self.start}-{self.end})"

    def tags(self) -> set[str]:
        """The tags present in the record."""
        return {tag for tag, _ in self.fields}

    def occurrences(self, tag: str) -> list[list[str]]:
        """The value lines of each occurrence of ``tag``."""
        return [lines for name, lines in self.fields if name == tag]

    def lines(self, tag: str) -> list[str]:
        """All value lines of every occurrence of ``tag``, in order, blank ones dropped."""
        return [line for lines in self.occurrences(tag) for line in lines if line.strip()]

    def text(self, tag: str) -> str | None:
        """The first occurrence of ``tag`` as one string (lines joined), or ``None``."""
        for lines in self.occurrences(tag):
            joined = join_lines(lines)
            if joined:
                return joined
        return None

    def raw(self) -> dict[str, str | list[str]]:
        """JSON-serialisable source fields: ``tag -> text`` (lines joined by newlines), lists if repeated."""
        out: dict[str, str | list[str]] = {}
        for tag, lines in self.fields:
            value = "\n".join(lines)
            if tag not in out:
                out[tag] = value
            else:
                previous = out[tag]
                out[tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        return out


def join_lines(lines: list[str]) -> str:
    """Join wrapped value lines: no space between two CJK characters, one space otherwise."""
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out and not (_CJK_EDGE.match(out[-1]) and _CJK_EDGE.match(line[0])):
            out += " "
        out += line
    return out


class _Reader:
    """State machine behind :func:`iter_tagged_records` (one open record at most)."""

    def __init__(self, syntax: TagSyntax) -> None:
        self.syntax = syntax
        self.current: TaggedRecord | None = None
        self.count = 0
        self.after_blank = False
        self.start_names = "/".join(syntax.tag_prefix + t for t in sorted(syntax.start_tags))
        self.end_names = "/".join(syntax.tag_prefix + t for t in sorted(syntax.end_tags))

    def _name(self, tag: str) -> str:
        return self.syntax.tag_prefix + tag

    def _open(self, number: int) -> TaggedRecord:
        self.count += 1
        self.current = TaggedRecord(self.count, number, number)
        return self.current

    def _close(self) -> TaggedRecord | None:
        record, self.current = self.current, None
        return record

    def _add(self, record: TaggedRecord, number: int, tag: str | None, value: str) -> None:
        record.end = number
        record.size += len(value) + 4
        if record.size > MAX_RECORD_CHARS:
            if not any(p.startswith("record exceeds") for p in record.problems):
                record.problems.append(f"record exceeds {MAX_RECORD_CHARS} characters (line {number})")
            return
        if tag is None:
            record.fields[-1][1].append(value)
        else:
            record.fields.append((tag, [value]))

    def feed(self, number: int, line: str) -> Iterator[TaggedRecord]:
        syntax = self.syntax
        if not line.strip():
            self.after_blank = True
            return
        after_blank, self.after_blank = self.after_blank, False
        match = syntax.tag_line.match(line)
        tag = match.group(1).upper() if match else None
        if tag is not None and syntax.known_tags is not None and tag not in syntax.known_tags:
            match, tag = None, None
        if match is not None and tag is not None:
            value = (match.group(2) or "").rstrip() if match.lastindex and match.lastindex >= 2 else ""
            yield from self._tag(number, tag, value, after_blank)
            return
        self._text(number, line)

    def _tag(self, number: int, tag: str, value: str, after_blank: bool) -> Iterator[TaggedRecord]:
        syntax, record = self.syntax, self.current
        if tag in syntax.file_tags:
            if record is not None:
                if syntax.end_tags and not record.problems:
                    record.problems.append(f"no {self.end_names} before {self._name(tag)} at line {number}")
                closed = self._close()
                if closed is not None:
                    yield closed
            return
        if tag in syntax.end_tags:
            if record is None:
                record = self._open(number)
                record.problems.append(f"{self._name(tag)} at line {number} closes no record")
            record.end = number
            closed = self._close()
            if closed is not None:
                yield closed
            return
        if tag in syntax.start_tags:
            if record is not None:
                if syntax.end_tags and not record.problems:
                    record.problems.append(
                        f"no {self.end_names} before the next {self._name(tag)} at line {number}"
                    )
                closed = self._close()
                if closed is not None:
                    yield closed
            self._add(self._open(number), number, tag, value)
            return
        if record is not None and after_blank and not syntax.end_tags and record.fields:
            closed = self._close()  # a blank line, then a field: the next record lost its start tag
            if closed is not None:
                yield closed
            record = None
        if record is None:
            record = self._open(number)
            record.problems.append(
                f"record does not begin with {self.start_names} (line {number} is {self._name(tag)})"
            )
        self._add(record, number, tag, value)

    def _text(self, number: int, line: str) -> None:
        syntax, record = self.syntax, self.current
        if syntax.continuation is not None:
            match = syntax.continuation.match(line)
            value = match.group(1).rstrip() if match else line.strip()
            if match is None and record is not None:
                record.problems.append(f"line {number} is neither a field nor a continuation line")
        else:
            value = line.strip()
        if record is None:
            record = self._open(number)
            record.problems.append(f"line {number}: text outside any record")
        if not record.fields:
            record.fields.append(("", []))  # keeps the text for the raw dump of an erroneous record
        self._add(record, number, None, value)

    def finish(self, number: int) -> Iterator[TaggedRecord]:
        record = self._close()
        if record is not None:
            if self.syntax.end_tags:
                record.problems.append(f"file ends at line {number} inside the record (no {self.end_names})")
            yield record


def iter_tagged_records(path: Path, syntax: TagSyntax) -> Iterator[TaggedRecord]:
    """Stream the records of a tagged file.

    Parameters
    ----------
    path
        The export file (opened with :func:`~foresight.ingest.textio.open_text`).
    syntax
        The format's tag and record conventions.

    Yields
    ------
    TaggedRecord
        Each record in file order; check ``problems`` before using its fields.

    Raises
    ------
    FileFormatError
        When the file cannot be read or decoded as text.
    """
    reader = _Reader(syntax)
    number = 0
    try:
        with open_text(path) as handle:
            for number, raw in enumerate(handle, start=1):
                line = raw.rstrip("\r\n")
                if number == 1:
                    line = line.lstrip("\ufeff")
                yield from reader.feed(number, line)
    except UnicodeDecodeError as exc:
        message = f"not valid text in the detected encoding after line {number} ({exc.reason})"
        raise FileFormatError(path, message) from exc
    except (OSError, EOFError) as exc:
        raise FileFormatError(path, f"cannot read file: {exc}") from exc
    yield from reader.finish(number)


def first_line(sample: str) -> str:
    """The first non-blank line of a sample, without a byte-order mark."""
    for line in sample.lstrip("\ufeff").splitlines():
        if line.strip():
            return line
    return ""
