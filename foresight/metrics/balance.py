"""Paper-to-patent balance of a theme: science push versus technology (analysis.md §4.9).

Patents are counted once per simple family, in the earliest period in which any member appears (use the
earliest priority year as the patent's period, analysis.md §4.9). A patent without a family id is its own
family.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, as_series

#: |balance| at which one side is at least twice the other: (2 − 1)/(2 + 1).
DEFAULT_LEANING_THRESHOLD = 1.0 / 3.0

Leaning = Literal["science-led", "technology-led", "balanced", "no data"]


@dataclass(frozen=True, slots=True)
class Balance:
    """Paper/patent-family balance as of the last period."""

    papers: float
    patent_families: float
    balance: float  #: (papers − families) / (papers + families) ∈ [−1, 1]; NaN when both are 0
    leaning: Leaning


def count_families(family_ids: Sequence[Hashable | None]) -> int:
    """Number of distinct simple families; ``None`` entries count one each (a patent without family)."""
    named = {f for f in family_ids if f is not None}
    return len(named) + sum(1 for f in family_ids if f is None)


def families_per_period(
    patent_periods: Sequence[Any], family_ids: Sequence[Hashable | None], periods: Sequence[Any]
) -> FloatArray:
    """Families per period, each family counted once, in the earliest period of its members.

    Members dated after the last of ``periods`` are ignored (no look-ahead), so a family whose only
    members are in the future is not counted; one with an earlier member is counted at that member's
    period. Members dated before ``periods[0]`` are assigned nowhere but still fix the family's first
    period (it is not counted again later).
    """
    if len(patent_periods) != len(family_ids):
        raise ValueError("patent_periods and family_ids differ in length")
    if not periods:
        return np.zeros(0)
    last = periods[-1]
    first_seen: dict[Hashable, Any] = {}
    singles: list[Any] = []
    for when, fam in zip(patent_periods, family_ids, strict=True):
        if when > last:
            continue
        if fam is None:
            singles.append(when)
        elif fam not in first_seen or when < first_seen[fam]:
            first_seen[fam] = when
    pos = {p: i for i, p in enumerate(periods)}
    out = np.zeros(len(periods))
    for when in [*first_seen.values(), *singles]:
        if when in pos:
            out[pos[when]] += 1.0
    return out


def _leaning(value: float, threshold: float) -> Leaning:
    if not np.isfinite(value):
        return "no data"
    if value >= threshold:
        return "science-led"
    if value <= -threshold:
        return "technology-led"
    return "balanced"


def paper_patent_balance(
    papers: float, patent_families: float, threshold: float = DEFAULT_LEANING_THRESHOLD
) -> Balance:
    """Balance ``B = (P − F) / (P + F)`` of papers ``P`` and patent families ``F``.

    ``B = 1``: papers only (science push); ``B = −1``: patents only (technology); NaN with no documents.
    ``leaning`` is "science-led" for ``B ≥ threshold`` and "technology-led" for ``B ≤ −threshold``;
    the default 1/3 means one side is at least twice the other. A display convention of this platform,
    not a literature constant.
    """
    if papers < 0 or patent_families < 0:
        raise ValueError("counts must be non-negative")
    total = papers + patent_families
    value = (papers - patent_families) / total if total > 0 else float("nan")
    return Balance(float(papers), float(patent_families), value, _leaning(value, threshold))


def balance_series(paper_counts: ArrayLike, family_counts: ArrayLike) -> FloatArray:
    """Per-period ``B_t = (P_t − F_t) / (P_t + F_t)`` (NaN for periods with neither)."""
    p = as_series(paper_counts, "paper_counts")
    f = as_series(family_counts, "family_counts")
    if p.shape != f.shape:
        raise ValueError("paper_counts and family_counts differ in length")
    total = p + f
    out = np.full(p.shape, np.nan)
    np.divide(p - f, total, out=out, where=total > 0)
    return out


def cumulative_balance(
    paper_counts: ArrayLike,
    family_counts: ArrayLike,
    window: int | None = None,
    threshold: float = DEFAULT_LEANING_THRESHOLD,
) -> Balance:
    """Balance of the sums over the last ``window`` periods (all when ``None``) as of the last period."""
    p = as_series(paper_counts, "paper_counts")
    f = as_series(family_counts, "family_counts")
    if p.shape != f.shape:
        raise ValueError("paper_counts and family_counts differ in length")
    if window is not None:
        if window < 1:
            raise ValueError("window must be at least 1")
        p, f = p[-window:], f[-window:]
    return paper_patent_balance(float(p.sum()), float(f.sum()), threshold)
