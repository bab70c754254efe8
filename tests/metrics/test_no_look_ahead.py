"""No-look-ahead: appending future periods never changes indicators computed as of an earlier date."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from foresight.metrics.burst import kleinberg_bursts
from foresight.metrics.escore import escore
from foresight.metrics.growth import growth_indicators
from foresight.metrics.lifecycle import fit_life_cycle
from foresight.metrics.profile import theme_profile_as_of
from foresight.metrics.series import truncate_as_of
from foresight.metrics.weak_signals import weak_signal_map


@st.composite
def count_pairs(draw: st.DrawFn, min_size: int, max_size: int) -> tuple[list[int], list[int]]:
    """(theme counts, corpus counts) with 0 ≤ r_t ≤ d_t."""
    n = draw(st.integers(min_size, max_size))
    d = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    r = [draw(st.integers(0, x)) for x in d]
    return r, d


def same(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN (dataclass reprs carry every float exactly)."""
    return repr(a) == repr(b)


@settings(max_examples=60, deadline=None)
@given(past=count_pairs(1, 14), future=count_pairs(1, 6))
def test_profile_as_of_ignores_the_future(
    past: tuple[list[int], list[int]], future: tuple[list[int], list[int]]
) -> None:
    r, d = past
    fr, fd = future
    periods = list(range(2000, 2000 + len(r)))
    all_periods = list(range(2000, 2000 + len(r) + len(fr)))
    as_of = periods[-1]
    seen = theme_profile_as_of(periods, r, d, as_of)
    with_future = theme_profile_as_of(all_periods, r + fr, d + fd, as_of)
    assert same(seen, with_future)
    # and it equals computing every indicator directly on the past alone
    assert same(seen.growth, growth_indicators(r, d))
    assert same(seen.burst, kleinberg_bursts(r, d))
    assert same(seen.escore, escore(r, d))
    assert same(seen.life_cycle, fit_life_cycle(r))


@settings(max_examples=40, deadline=None)
@given(
    past=count_pairs(2, 10),
    future=count_pairs(1, 5),
    tf=st.lists(st.integers(0, 50), min_size=15, max_size=15),
)
def test_weak_signal_map_as_of_ignores_the_future(
    past: tuple[list[int], list[int]], future: tuple[list[int], list[int]], tf: list[int]
) -> None:
    r, d = past
    fr, fd = future
    n = len(r)
    periods = list(range(len(r) + len(fr)))
    corpus = np.array(d + fd, dtype=float) + 1
    terms = np.column_stack([np.array(r + fr, dtype=float), np.array(tf[: len(periods)], dtype=float)])
    kept, values = truncate_as_of(periods, np.column_stack([terms, corpus]), n - 1)
    assert kept == periods[:n]
    seen = weak_signal_map({"a": values[:, 0], "b": values[:, 1]}, values[:, 2])
    direct = weak_signal_map({"a": terms[:n, 0], "b": terms[:n, 1]}, corpus[:n])
    assert same(seen, direct)


@settings(max_examples=30, deadline=None)
@given(past=count_pairs(3, 12), future=count_pairs(1, 4), cut=st.integers(0, 20))
def test_as_of_inside_the_series_drops_exactly_the_later_periods(
    past: tuple[list[int], list[int]], future: tuple[list[int], list[int]], cut: int
) -> None:
    r, d = past[0] + future[0], past[1] + future[1]
    periods = [f"{2000 + i // 12}-{i % 12 + 1:02d}" for i in range(len(r))]  # months as "YYYY-MM"
    k = min(cut, len(r) - 1)
    as_of = periods[k]
    profile = theme_profile_as_of(periods, r, d, as_of)
    assert profile.periods == tuple(periods[: k + 1])
    assert same(profile.growth, growth_indicators(r[: k + 1], d[: k + 1]))
    assert same(profile.burst, kleinberg_bursts(r[: k + 1], d[: k + 1]))
