"""Bundle of the series-based indicators of one theme as of a date, with no look-ahead."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.burst import BurstResult, kleinberg_bursts
from foresight.metrics.escore import EScoreResult, escore
from foresight.metrics.growth import GrowthIndicators, growth_indicators
from foresight.metrics.lifecycle import LifeCycleFit, fit_life_cycle
from foresight.metrics.novelty import first_appearance
from foresight.metrics.series import truncate_as_of


@dataclass(frozen=True, slots=True)
class ThemeProfile:
    """Series-based indicators of one theme computed from data up to ``as_of`` only."""

    as_of: Any
    periods: tuple[Any, ...]
    first_appearance: Any
    growth: GrowthIndicators
    burst: BurstResult
    escore: EScoreResult
    life_cycle: LifeCycleFit


def theme_profile_as_of(
    periods: Sequence[Any],
    theme_counts: ArrayLike,
    corpus_counts: ArrayLike,
    as_of: Any,
    window: int | None = None,
    times: ArrayLike | None = None,
) -> ThemeProfile:
    """Growth, burst, EScore, life cycle and first appearance of a theme as of ``as_of``.

    The series are cut with :func:`~foresight.metrics.series.truncate_as_of` before anything is
    computed, so values after ``as_of`` cannot influence the result (the no-look-ahead rule).

    Parameters
    ----------
    periods
        Strictly increasing period labels aligned with both count series.
    theme_counts, corpus_counts
        Theme documents and all documents per period.
    as_of
        Last period whose data may be used.
    window
        Window of the growth indicators (``None``: all periods up to ``as_of``).
    times
        Numeric positions of the periods for the life-cycle fit (default ``0, 1, …``).
    """
    stacked = np.column_stack([np.asarray(theme_counts, float), np.asarray(corpus_counts, float)])
    if times is not None:
        stacked = np.column_stack([stacked, np.asarray(times, float)])
    kept, values = truncate_as_of(periods, stacked, as_of)
    r, d = values[:, 0], values[:, 1]
    return ThemeProfile(
        as_of=as_of,
        periods=tuple(kept),
        first_appearance=first_appearance(r, kept),
        growth=growth_indicators(r, d, window),
        burst=kleinberg_bursts(r, d),
        escore=escore(r, d),
        life_cycle=fit_life_cycle(r, None if times is None else values[:, 2]),
    )
