"""Opening export files as text: gzip, byte-order marks, UTF-16 (Web of Science) and GB18030 (CNKI)."""

from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path
from typing import IO

from foresight.ingest.errors import FileFormatError

_SAMPLE_BYTES = 64 * 1024


def _raw_stream(path: Path) -> IO[bytes]:
    handle = path.open("rb")
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    return handle


def detect_encoding(path: Path) -> str:
    """Guess the text encoding from the first 64 KiB: BOMs first, then UTF-8, then GB18030."""
    try:
        with _raw_stream(path) as stream:
            head = stream.read(_SAMPLE_BYTES)
    except (OSError, EOFError) as exc:
        raise FileFormatError(path, f"cannot read file: {exc}") from exc
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(head) >= 4 and head[1:4:2] == b"\x00\x00" and head[0:4:2] != b"\x00\x00":
        return "utf-16-le"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # a multi-byte character cut by the sample boundary
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        return "latin-1"


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    """Open ``path`` for reading as text with universal newlines, un-gzipping when needed."""
    enc = encoding or detect_encoding(path)
    return io.TextIOWrapper(_raw_stream(path), encoding=enc, errors="strict", newline="")


def read_sample(path: Path, n_chars: int = 16_000) -> str:
    """The first characters of the file as text (for format detection)."""
    try:
        with open_text(path) as handle:
            return handle.read(n_chars)
    except UnicodeDecodeError:
        with open_text(path, "latin-1") as handle:
            return handle.read(n_chars)
    except (OSError, EOFError) as exc:
        raise FileFormatError(path, f"cannot read file: {exc}") from exc
