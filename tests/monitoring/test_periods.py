"""Period keys, effective dates and the automatic choice between years and months."""

from __future__ import annotations

from datetime import date

import pytest

from foresight.monitoring.periods import (
    choose_granularity,
    effective_date,
    parse_period_or_date,
    period_end,
    period_key,
    period_range,
    period_time,
)


def test_patents_count_at_their_priority_date_and_year_only_documents_at_year_end() -> None:
    assert effective_date("patent", 2024, date(2024, 9, 1), priority_date=date(2022, 3, 5)) == (
        date(2022, 3, 5),
        True,
    )
    assert effective_date("paper", 2024, date(2024, 9, 1), priority_date=date(2022, 3, 5)) == (
        date(2024, 9, 1),
        True,
    )
    assert effective_date("paper", 2021, None) == (date(2021, 12, 31), False)
    assert effective_date("paper", None, None) == (None, False)


def test_period_keys_ranges_and_positions() -> None:
    assert period_key(date(2025, 3, 9), "month") == "2025-03"
    assert period_key(date(2025, 3, 9), "year") == "2025"
    assert period_range("2024-11", "2025-02") == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert period_range("2019", "2021") == ["2019", "2020", "2021"]
    assert period_range("2025-02", "2025-01") == []
    assert period_time("2025-04") == pytest.approx(2025.25)
    assert period_end("2024-02") == date(2024, 2, 29)
    assert period_end("2023-12") == date(2023, 12, 31)
    with pytest.raises(ValueError, match="granularity"):
        period_range("2024", "2024-05")


def test_auto_granularity() -> None:
    short = [date(2024, 1, 1), date(2026, 6, 30)]
    assert choose_granularity(short, [True, True]) == "month"
    assert choose_granularity([date(2018, 1, 1), date(2024, 1, 1)], [True, True]) == "year"
    assert choose_granularity(short, [True, False]) == "year"  # half the documents have only a year
    assert choose_granularity([], []) == "year"


def test_parse_as_of() -> None:
    assert parse_period_or_date("2026-01") == date(2026, 1, 31)
    assert parse_period_or_date("2025") == date(2025, 12, 31)
    assert parse_period_or_date("2025-06-15") == date(2025, 6, 15)
    for bad in ("2025-13", "yesterday", "2025/01"):
        with pytest.raises(ValueError, match="expected YYYY"):
            parse_period_or_date(bad)
