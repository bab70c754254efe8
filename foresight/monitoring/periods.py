"""Periods of the monitoring series: which date a document counts at, and year or month buckets.

A paper counts at its publication date; a patent at its earliest priority date (then application,
publication, grant date), as analysis.md §4.9 asks. A document known only by its year counts at 31
December of that year: the first day by which it has surely appeared, so an as-of cut never lets in a
document that might be later. Period keys are strings that sort in time order: ``"2025"`` for years,
``"2025-03"`` for months.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

Granularity = Literal["year", "month"]
GRANULARITY_CHOICES = ("auto", "year", "month")

#: "auto" picks months when the dated documents span at most this many days …
MONTHLY_MAX_SPAN_DAYS = 3 * 366
#: … and at least this share of them carry a full date (not just a year).
MONTHLY_MIN_FULL_DATE_SHARE = 0.9


def effective_date(
    kind: str,
    year: int | None,
    publication_date: date | None,
    priority_date: date | None = None,
    application_date: date | None = None,
    grant_date: date | None = None,
) -> tuple[date | None, bool]:
    """The date a document counts at, and whether it is a full date (not only a year).

    Parameters
    ----------
    kind
        Document kind; patents use their earliest priority date first.
    year, publication_date, priority_date, application_date, grant_date
        The document's dates (any may be missing).

    Returns
    -------
    tuple
        ``(date, full)``: ``(None, False)`` when nothing is known; ``(31 Dec of year, False)`` when only the
        year is.
    """
    if kind == "patent":
        candidates = (priority_date, application_date, publication_date, grant_date)
    else:
        candidates = (publication_date, priority_date, application_date, grant_date)
    for candidate in candidates:
        if candidate is not None:
            return candidate, True
    if year is not None:
        return date(year, 12, 31), False
    return None, False


def period_key(when: date, granularity: Granularity) -> str:
    """``"YYYY"`` or ``"YYYY-MM"`` of a date."""
    return f"{when.year:04d}" if granularity == "year" else f"{when.year:04d}-{when.month:02d}"


def period_ordinal(key: str) -> int:
    """An integer that grows by one per period: the year, or ``12·year + month − 1``."""
    if len(key) == 4:
        return int(key)
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def period_time(key: str) -> float:
    """Position of a period in years (``2025-03`` → 2025.1667): the time axis of the life-cycle fit."""
    if len(key) == 4:
        return float(int(key))
    return int(key[:4]) + (int(key[5:7]) - 1) / 12.0


def period_range(first: str, last: str) -> list[str]:
    """Every period from ``first`` to ``last`` inclusive (both of one granularity); empty if reversed."""
    if len(first) != len(last):
        raise ValueError(f"periods {first!r} and {last!r} differ in granularity")
    start, end = period_ordinal(first), period_ordinal(last)
    if len(first) == 4:
        return [f"{y:04d}" for y in range(start, end + 1)]
    return [f"{o // 12:04d}-{o % 12 + 1:02d}" for o in range(start, end + 1)]


def period_end(key: str) -> date:
    """Last day of a period."""
    if len(key) == 4:
        return date(int(key), 12, 31)
    year, month = int(key[:4]), int(key[5:7])
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def choose_granularity(dates: Sequence[date], full: Sequence[bool]) -> Granularity:
    """Months when the documents span at most three years and (nearly) all have full dates, else years.

    Parameters
    ----------
    dates
        Effective dates of the dated documents.
    full
        Whether each of them is a full date.
    """
    if not dates:
        return "year"
    span = (max(dates) - min(dates)).days
    share_full = sum(full) / len(full)
    if span <= MONTHLY_MAX_SPAN_DAYS and share_full >= MONTHLY_MIN_FULL_DATE_SHARE:
        return "month"
    return "year"


def parse_period_or_date(value: str) -> date:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` → a date (a year or month means its last day).

    Raises
    ------
    ValueError
        For anything else.
    """
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return period_end(text)
        if len(text) == 7 and text[4] == "-":
            int(text[:4]), int(text[5:7])
            if not 1 <= int(text[5:7]) <= 12:
                raise ValueError
            return period_end(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected YYYY, YYYY-MM or YYYY-MM-DD, got {value!r}") from None
