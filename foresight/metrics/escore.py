"""Porter/Carley emergence score (EScore) as implemented in ONS pyGrams (analysis.md §4.4).

A window of 10 periods as of the last one: base = periods 1–3, active = periods 4–10. With active-period
counts ``a₁…a₇`` (records of the theme/term) and all-record counts ``T₁…T₇``:

* ``ActiveTrend = (a₅+a₆+a₇)/(√T₅+√T₆+√T₇) − (a₁+a₂+a₃)/(√T₁+√T₂+√T₃)``
* ``RecentTrend = 10·[(a₆+a₇)/(√T₆+√T₇) − (a₄+a₅)/(√T₄+√T₅)]``
* ``Slope = 10·(a₇/√T₇ − a₄/√T₄)/3`` (pyGrams calls it ``mid_year_to_last_year_slope``)
* ``EScore = 2·ActiveTrend + RecentTrend + Slope``; emergent when the filters pass and ``EScore > 1.77``.

Sources: Porter, Garner, Carley & Newman (2018/2019) emergence scoring; Carley et al. (2018); pyGrams.
A zero denominator (no records at all in those periods) makes that ratio 0.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, paired_series

N_BASE = 3
N_ACTIVE = 7
N_WINDOW = N_BASE + N_ACTIVE
#: Empirical threshold of Porter et al. (2018).
THRESHOLD = 1.77
MIN_RECORDS = 7
MIN_PERIODS_PRESENT = 3
ACTIVE_TO_BASE_RATIO = 2.0
RELATIVE_GROWTH_FACTOR = 1.5
MAX_BASE_SHARE = 0.15
MIN_AUTHOR_SETS = 2

FORMULAS: dict[str, str] = {
    "active_trend": "(a5+a6+a7)/(√T5+√T6+√T7) − (a1+a2+a3)/(√T1+√T2+√T3)",
    "recent_trend": "10·[(a6+a7)/(√T6+√T7) − (a4+a5)/(√T4+√T5)]",
    "slope": "10·(a7/√T7 − a4/√T4)/3",
    "escore": "2·ActiveTrend + RecentTrend + Slope",
}


@dataclass(frozen=True, slots=True)
class EScoreFilters:
    """The Porter/Carley term filters with the values they were decided on."""

    records: float  #: records of the term in the 10-period window
    periods_present: int  #: periods of the window with at least one record
    base_records: float
    active_records: float
    active_to_base: float  #: active/base records (inf when base = 0 and active > 0)
    dataset_growth: float  #: active/base of all records (used by the "relative" growth rule)
    base_share: float  #: base records of the term / all base records
    author_sets: int | None  #: distinct author sets (None: not checked)
    growth_rule: str
    passed_records: bool
    passed_periods: bool
    passed_growth: bool
    passed_base_share: bool
    passed_author_sets: bool  #: True when not checked

    @property
    def passed(self) -> bool:
        """All filters pass."""
        return (
            self.passed_records
            and self.passed_periods
            and self.passed_growth
            and self.passed_base_share
            and self.passed_author_sets
        )


@dataclass(frozen=True, slots=True)
class EScoreResult:
    """EScore with its components, inputs and filters, so the UI can show formula and values."""

    status: Literal["ok", "insufficient data"]
    active_trend: float
    recent_trend: float
    slope: float
    escore: float
    threshold: float
    filters: EScoreFilters | None
    active_counts: tuple[float, ...]  #: a₁…a₇
    active_totals: tuple[float, ...]  #: T₁…T₇
    formulas: Mapping[str, str]

    @property
    def emergent(self) -> bool:
        """Filters pass and ``EScore > threshold``."""
        return (
            self.status == "ok"
            and self.filters is not None
            and self.filters.passed
            and self.escore > self.threshold
        )


def _ratio_of_sqrt(a: FloatArray, totals: FloatArray) -> float:
    """``Σa / Σ√T`` with 0 for a zero denominator."""
    den = float(np.sqrt(totals).sum())
    return float(a.sum()) / den if den > 0 else 0.0


def escore_components(
    active_counts: ArrayLike, active_totals: ArrayLike
) -> tuple[float, float, float, float]:
    """ActiveTrend, RecentTrend, Slope and EScore from the seven active-period values.

    See the module docstring for the formulas (analysis.md §4.4). Indices below are 0-based:
    ``a[0] = a₁``, …, ``a[6] = a₇``.
    """
    a, t = paired_series(active_counts, active_totals, "active_counts", "active_totals")
    if a.size != N_ACTIVE:
        raise ValueError(f"need exactly {N_ACTIVE} active periods, got {a.size}")
    active_trend = _ratio_of_sqrt(a[4:7], t[4:7]) - _ratio_of_sqrt(a[0:3], t[0:3])
    recent_trend = 10.0 * (_ratio_of_sqrt(a[5:7], t[5:7]) - _ratio_of_sqrt(a[3:5], t[3:5]))
    slope = 10.0 * (_ratio_of_sqrt(a[6:7], t[6:7]) - _ratio_of_sqrt(a[3:4], t[3:4])) / 3.0
    return active_trend, recent_trend, slope, 2.0 * active_trend + recent_trend + slope


def escore_filters(
    counts: ArrayLike,
    totals: ArrayLike,
    author_sets: int | None = None,
    growth_rule: Literal["ratio", "relative"] = "ratio",
) -> EScoreFilters:
    """Porter/Carley filters on the 10-period window (the last ``N_WINDOW`` values given).

    * records ``Σ_window r ≥ 7``;
    * present in ``≥ 3`` periods;
    * growth: ``"ratio"`` — active/base records ``> 2`` (a term absent in the base but present in the
      active period has ratio ∞ and passes; pyGrams rejects it instead, to avoid dividing by zero);
      ``"relative"`` — term growth ``≥ 1.5 ×`` dataset growth (the VP Institute variant), both measured
      as active/base records;
    * base share: base records of the term / all base records ``< 0.15`` (0 base records → share 0);
    * community: ``≥ 2`` distinct author sets, when ``author_sets`` is given.
    """
    r, d = paired_series(counts, totals, "counts", "totals")
    if r.size < N_WINDOW:
        raise ValueError(f"need {N_WINDOW} periods, got {r.size}")
    r, d = r[-N_WINDOW:], d[-N_WINDOW:]
    base, active = float(r[:N_BASE].sum()), float(r[N_BASE:].sum())
    base_all, active_all = float(d[:N_BASE].sum()), float(d[N_BASE:].sum())

    def ratio(num: float, den: float) -> float:
        if den > 0:
            return num / den
        return math.inf if num > 0 else float("nan")

    a2b, dataset = ratio(active, base), ratio(active_all, base_all)
    if growth_rule == "ratio":
        passed_growth = a2b > ACTIVE_TO_BASE_RATIO
    elif growth_rule == "relative":
        passed_growth = a2b >= RELATIVE_GROWTH_FACTOR * dataset if math.isfinite(dataset) else a2b > 0
    else:
        raise ValueError(f"unknown growth rule {growth_rule!r}")
    base_share = base / base_all if base_all > 0 else 0.0
    return EScoreFilters(
        records=base + active,
        periods_present=int(np.count_nonzero(r)),
        base_records=base,
        active_records=active,
        active_to_base=a2b,
        dataset_growth=dataset,
        base_share=base_share,
        author_sets=author_sets,
        growth_rule=growth_rule,
        passed_records=base + active >= MIN_RECORDS,
        passed_periods=int(np.count_nonzero(r)) >= MIN_PERIODS_PRESENT,
        passed_growth=bool(passed_growth),
        passed_base_share=base_share < MAX_BASE_SHARE,
        passed_author_sets=author_sets is None or author_sets >= MIN_AUTHOR_SETS,
    )


def escore(
    counts: ArrayLike,
    totals: ArrayLike,
    author_sets: int | None = None,
    growth_rule: Literal["ratio", "relative"] = "ratio",
    threshold: float = THRESHOLD,
) -> EScoreResult:
    """EScore of one series as of its last period (analysis.md §4.4; Porter et al. 2018).

    For a **theme**: ``counts`` = theme documents per period, ``totals`` = all documents per period. For a
    **term inside a theme**: ``counts`` = theme documents containing the term, ``totals`` = theme
    documents. Only the last 10 periods are used; with fewer, the status is ``"insufficient data"`` and
    the values are NaN.

    ``EScore = 2·ActiveTrend + RecentTrend + Slope``; emergent when all filters pass and
    ``EScore > threshold`` (1.77).
    """
    r, d = paired_series(counts, totals, "counts", "totals")
    if r.size < N_WINDOW:
        nan = float("nan")
        return EScoreResult("insufficient data", nan, nan, nan, nan, threshold, None, (), (), FORMULAS)
    a, t = r[-N_ACTIVE:], d[-N_ACTIVE:]
    active_trend, recent_trend, slope, score = escore_components(a, t)
    return EScoreResult(
        status="ok",
        active_trend=active_trend,
        recent_trend=recent_trend,
        slope=slope,
        escore=score,
        threshold=threshold,
        filters=escore_filters(r, d, author_sets, growth_rule),
        active_counts=tuple(float(x) for x in a),
        active_totals=tuple(float(x) for x in t),
        formulas=FORMULAS,
    )


def term_escores(
    term_counts: Mapping[str, Sequence[float]],
    totals: ArrayLike,
    author_sets: Mapping[str, int] | None = None,
    growth_rule: Literal["ratio", "relative"] = "ratio",
    threshold: float = THRESHOLD,
) -> dict[str, EScoreResult]:
    """EScore of every term of a theme: ``term → counts per period`` against the theme's ``totals``."""
    sets = author_sets or {}
    return {
        term: escore(series, totals, sets.get(term), growth_rule, threshold)
        for term, series in term_counts.items()
    }


def record_emergence(doc_terms: Iterable[Collection[str]], scores: Mapping[str, EScoreResult]) -> list[float]:
    """Record-level emergence: per document, the sum of the EScores of its *emergent* terms (§4.4)."""
    emergent = {term: res.escore for term, res in scores.items() if res.emergent}
    return [float(sum(emergent.get(term, 0.0) for term in set(terms))) for terms in doc_terms]
