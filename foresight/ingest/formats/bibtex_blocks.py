"""Cutting a BibTeX file into its top-level ``@type{…}`` blocks, streaming, with line numbers.

A block starts with ``@type{`` or ``@type(`` as the first thing on a line (or right after the end of
the previous block) and ends at the matching closing delimiter. Braces and quotes are tracked the way
BibTeX and bibtexparser do: escaped characters (``\\{``, ``\\"``) do not count, braces inside a
quoted value are not counted, and ``{"}`` inside quotes is a literal quote. A block still open when
the next block starts, or at the end of the file, is reported instead of swallowing the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from foresight.ingest.errors import FileFormatError
from foresight.ingest.textio import open_text

BLOCK_START = re.compile(r"\s*@\s*([A-Za-z][\w-]*)\s*([{(])")
_MARK = re.compile(r'(?<!\\)[{}"()]')


def iter_blocks(path: Path) -> Iterator[tuple[str, int, int, str, str | None]]:
    """Top-level ``@type{…}`` blocks: ``(type, first line, last line, text, problem or None)``."""
    kind = ""
    parts: list[str] = []
    first = depth = 0
    closer = ""
    in_quote = False
    line_no = 0
    try:
        with open_text(path) as handle:
            for line_no, line in enumerate(handle, start=1):
                pos = 0
                if parts and BLOCK_START.match(line):
                    problem = f"unbalanced braces: the @{kind} block is not closed before line {line_no}"
                    yield kind, first, line_no - 1, "", problem
                    parts = []
                while True:
                    if not parts:
                        start = BLOCK_START.match(line, pos)
                        if start is None:
                            break
                        kind, first, in_quote = start.group(1).lower(), line_no, False
                        closer, depth = ("}", 1) if start.group(2) == "{" else (")", 0)
                        parts, seg = [], start.start()
                        pos = start.end()
                    else:
                        seg = 0
                    end = None
                    for mark in _MARK.finditer(line, pos):
                        char = mark.group(0)
                        level = 1 if closer == "}" else 0
                        if in_quote:
                            if char == '"' and depth == level and line[max(0, mark.start() - 1)] != "{":
                                in_quote = False
                            continue
                        if char == "{":
                            depth += 1
                        elif char == "}":
                            depth -= 1
                        elif char == '"' and depth == level and kind != "comment":
                            in_quote = True
                        if (closer == "}" and depth == 0) or (closer == ")" and char == ")" and depth == 0):
                            end = mark.end()
                            break
                    if end is None:
                        parts.append(line[seg:])
                        break
                    parts.append(line[seg:end])
                    yield kind, first, line_no, "".join(parts), None
                    parts, pos = [], end
            if parts:
                problem = f"unbalanced braces: the @{kind} block is not closed at the end of the file"
                yield kind, first, line_no, "", problem
    except UnicodeDecodeError as exc:
        raise FileFormatError(path, f"not valid text in the detected encoding ({exc.reason})") from exc
    except (OSError, EOFError) as exc:
        raise FileFormatError(path, f"cannot read file: {exc}") from exc
