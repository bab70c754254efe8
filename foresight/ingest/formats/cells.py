"""Reading typed values out of text cells, with errors that name the column."""

from __future__ import annotations

import re
from datetime import date

from foresight.ingest.formats.delimited import normalize_header_name
from foresight.ingest.normalize import parse_date

_INTEGER = re.compile(r"([+-]?\d+)(?:\.0*)?")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
_FULL_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[T ].*)?|\d{8}")


#: Longest value the document store keeps for each identifier field.
MAX_LENGTHS = {
    "doi": 255,
    "arxiv_id": 64,
    "patent_number": 64,
    "family_id": 64,
    "source_id": 255,
    "patent_office": 8,
}


def check_length(field: str, value: str | None, column: str) -> str | None:
    """``value`` unchanged; ``ValueError`` naming the column when it is too long to store as ``field``."""
    limit = MAX_LENGTHS.get(field)
    if value is not None and limit is not None and len(value) > limit:
        raise ValueError(
            f"column {column!r}: {value[:40]!r}… is longer than {limit} characters (the {field} limit)"
        )
    return value


def to_int(value: str | None, column: str) -> int | None:
    """An integer cell (``1,234`` and ``12.0`` accepted); ``ValueError`` naming the column otherwise."""
    if value is None:
        return None
    text = re.sub(r"[,\s]", "", value)
    match = _INTEGER.fullmatch(text)
    if match is None:
        if _DECIMAL.fullmatch(text):
            raise ValueError(f"column {column!r}: {value!r} is not a whole number")
        raise ValueError(f"column {column!r}: {value!r} is not a number")
    return int(match.group(1))


def to_date(value: str | None, column: str) -> tuple[date | None, int | None]:
    """A date cell as ``(date, year)``; ``ValueError`` naming the column when it is not a date.

    A bare or loosely written year (``2021``, ``Spring 2021``) gives ``(None, year)``; a full numeric
    date that does not exist (``2021-02-30``) is an error.
    """
    if value is None:
        return None, None
    parsed, year = parse_date(value)
    if (parsed is None and year is None) or (parsed is None and _FULL_DATE.fullmatch(value.strip())):
        raise ValueError(f"column {column!r}: unreadable date {value!r}")
    return parsed, year


def to_year(value: str | None, column: str) -> int | None:
    """A year cell (``2021``, ``2021.0`` or a full date); ``ValueError`` naming the column otherwise."""
    if value is None:
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}(?:\.0+)?", text):
        return int(text[:4])
    _, year = parse_date(text)
    if year is None:
        raise ValueError(f"column {column!r}: {value!r} is not a year")
    return year


_LANGUAGES = {
    "en": "en", "eng": "en", "english": "en", "英文": "en", "英语": "en",
    "zh": "zh", "zho": "zh", "chi": "zh", "chinese": "zh", "zhcn": "zh", "zhtw": "zh", "zhhans": "zh",
    "zhhant": "zh", "中文": "zh", "汉语": "zh", "简体中文": "zh", "繁体中文": "zh",
}  # fmt: skip


def map_language(value: str | None) -> str | None:
    """A stated document language as ``zh``, ``en`` or ``other``; ``None`` when not stated.

    A list (``Chinese; English``) counts as Chinese when any item is Chinese, else English when any
    item is English.
    """
    if not value or not value.strip():
        return None
    codes = {_LANGUAGES.get(normalize_header_name(part), "other") for part in re.split(r"[;,|/]", value)}
    for code in ("zh", "en"):
        if code in codes:
            return code
    return "other"
