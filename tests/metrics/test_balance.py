"""Paper-to-patent balance with patents counted once per family."""

from __future__ import annotations

import math

import numpy as np
import pytest

from foresight.metrics.balance import (
    balance_series,
    count_families,
    cumulative_balance,
    families_per_period,
    paper_patent_balance,
)


def test_balance_hand_computed() -> None:
    b = paper_patent_balance(30, 10)  # (30 − 10)/40 = 0.5
    assert b.balance == 0.5 and b.leaning == "science-led"
    assert paper_patent_balance(10, 10).leaning == "balanced"
    tech = paper_patent_balance(10, 40)  # −30/50 = −0.6
    assert tech.balance == pytest.approx(-0.6) and tech.leaning == "technology-led"
    none = paper_patent_balance(0, 0)
    assert math.isnan(none.balance) and none.leaning == "no data"
    with pytest.raises(ValueError):
        paper_patent_balance(-1, 0)


def test_families_are_counted_once() -> None:
    assert count_families(["F1", "F1", "F2", None, None]) == 4  # F1, F2 and two singletons


def test_families_per_period_earliest_member_and_no_look_ahead() -> None:
    dates = [2019, 2020, 2020, 2021, 2022, 2022, 2020]
    fams = ["F1", "F1", "F2", None, "F3", "F4", "F4"]
    # F1 → 2019; F2 → 2020; singleton → 2021; F3 only in 2022 (future) → not counted;
    # F4 has a 2020 member → counted in 2020, its 2022 member ignored
    out = families_per_period(dates, fams, [2019, 2020, 2021])
    assert out.tolist() == [1.0, 2.0, 1.0]


def test_balance_series_and_cumulative() -> None:
    out = balance_series([1, 0, 3], [1, 0, 1])  # (0, nan, 2/4)
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 0.5
    # last two periods: papers 0 + 3 = 3, families 0 + 1 = 1 → 2/4
    assert cumulative_balance([1, 0, 3], [1, 0, 1], window=2).balance == 0.5
    assert cumulative_balance(np.array([4, 0]), np.array([0, 0])).balance == 1.0
