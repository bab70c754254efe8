"""What every export-format parser provides."""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import orjson

from foresight.ingest.record import ParsedItem


@dataclass(frozen=True)
class ParseOptions:
    """Per-import options a user can give on the command line.

    ``column_map`` maps record fields (``title``, ``abstract``, ``year``…) to source column names, for
    the generic CSV/JSONL parsers or to override another parser's choice of column.
    """

    column_map: dict[str, str] = field(default_factory=dict)
    kind: str | None = None
    access_level: str = "public"


class Parser(ABC):
    """An export-format parser: sniffs files of its format and streams :class:`DocumentRecord` items.

    ``parse`` must stream (memory independent of file size), give every record a ``location``
    (``line N`` or ``record N (lines a-b)``) and its ``raw`` source fields, and yield a
    :class:`~foresight.ingest.errors.RecordError` for a record it cannot read, then go on. It raises
    :class:`~foresight.ingest.errors.FileFormatError` only when the file as a whole is unreadable.
    """

    #: Stable identifier used by ``--format`` and stored with each document.
    name: ClassVar[str]
    #: One line for ``foresight ingest --list-formats``.
    label: ClassVar[str]

    def __init__(self, options: ParseOptions | None = None) -> None:
        self.options = options or ParseOptions()

    @classmethod
    @abstractmethod
    def sniff(cls, sample: str, path: Path) -> int:
        """Confidence 0-100 that a file starting with ``sample`` is in this format."""

    @abstractmethod
    def parse(self, path: Path) -> Iterator[ParsedItem]:
        """Yield one item per source record, in file order."""


def record_hash(source_format: str, raw: dict[str, Any]) -> str:
    """Hash of a source record's content, so re-importing the same record is recognised."""
    return hashed_record(source_format, raw)[0]


def hashed_record(source_format: str, raw: dict[str, Any]) -> tuple[str, orjson.Fragment]:
    """The record's hash and its JSON serialisation (reused when the raw record is stored)."""
    payload = orjson.dumps(raw, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(source_format.encode() + b"\x00" + payload).hexdigest(), orjson.Fragment(payload)
