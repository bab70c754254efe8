"""Streaming JSON Lines reading shared by the JSONL parsers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from foresight.ingest.errors import FileFormatError, RecordError
from foresight.ingest.textio import open_text


def _load(line: str) -> Any:
    """One JSON value, or the standard library's :class:`json.JSONDecodeError` (which names the column).

    orjson is several times faster; what it refuses (NaN literals, integers beyond 64 bits, invalid
    lines) goes to the standard library, which decides, so results and messages stay the same.
    """
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        try:
            return json.loads(line)
        except json.JSONDecodeError as exc:
            return exc


def iter_json_lines(path: Path) -> Iterator[tuple[str, dict[str, Any] | RecordError]]:
    """Yield ``("line N", object)`` per non-blank line, or a :class:`RecordError` for a bad line."""
    try:
        with open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                location = f"line {number}"
                if not line.strip():
                    continue
                obj = _load(line)
                if isinstance(obj, json.JSONDecodeError):
                    yield (
                        location,
                        RecordError(path, location, f"invalid JSON: {obj.msg} at column {obj.colno}"),
                    )
                    continue
                if not isinstance(obj, dict):
                    yield (
                        location,
                        RecordError(path, location, f"expected a JSON object, got {type(obj).__name__}"),
                    )
                    continue
                yield location, obj
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, f"not valid text in the detected encoding ({exc.reason})") from exc
    except (OSError, EOFError) as exc:
        raise FileFormatError(path, f"cannot read file: {exc}") from exc


def first_json_object(sample: str) -> dict[str, Any] | None:
    """The first line of a sample parsed as a JSON object, or ``None``."""
    for line in sample.splitlines():
        if line.strip():
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                return None
            return obj if isinstance(obj, dict) else None
    return None
