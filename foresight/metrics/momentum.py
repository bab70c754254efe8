"""Recent momentum of a theme: the growth inputs of the emergence scorecard that look at the last few
periods only (analysis.md §4.2, §4.9, §4.11).

A long-window growth rate (a 12-month log-share slope, a CAGR) mostly describes a theme's past; what
distinguishes an *emerging* theme is that its growth is happening now. Two indicators capture that:

- ``recent_log_share_slope`` — the log-share slope (analysis.md §4.9) fitted on the last ``recent``
  periods only: ``y_t = ln((r_t + ½)/(d_t + 1))``, OLS slope of ``y_t`` on ``t`` over ``t ∈ (n−k, n]``.
- ``recent_burst_weight`` — the weight of the Kleinberg (2003) bursts that are still running or ended
  within the last ``recent`` periods: ``Σ_{b: end_b ≥ n−k} w_b`` with ``w_b = Σ_{t∈b} [σ(0,t) − σ(1,t)]``.
  CiteSpace (Chen 2006) reports bursts with their begin and end for the same reason: a burst that ended
  years ago says little about emergence now.

Both use only the periods up to the last one given (no look-ahead).
"""

from __future__ import annotations

from dataclasses import dataclass

from numpy.typing import ArrayLike

from foresight.metrics.burst import BurstResult, kleinberg_bursts
from foresight.metrics.growth import DEFAULT_PSEUDO_COUNT, log_share_slope
from foresight.metrics.series import paired_series

#: periods counted as "recent" by default (months: one half-year)
DEFAULT_RECENT = 6


@dataclass(frozen=True, slots=True)
class Momentum:
    """Recent-momentum inputs of one theme."""

    recent_log_share_slope: float  #: ln-share slope per period over the last ``recent`` periods
    recent_burst_weight: float  #: Σ weights of bursts ending within the last ``recent`` periods
    recent: int  #: periods counted as recent

    def as_inputs(self) -> dict[str, float]:
        """The two values under their scorecard indicator names."""
        return {
            "recent_log_share_slope": self.recent_log_share_slope,
            "recent_burst_weight": self.recent_burst_weight,
        }


def recent_burst_weight(bursts: BurstResult, recent: int = DEFAULT_RECENT) -> float:
    """``Σ w_b`` over the bursts whose last period is one of the last ``recent`` periods (0 when none).

    Raises
    ------
    ValueError
        When ``recent < 1``.
    """
    if recent < 1:
        raise ValueError("recent must be at least 1")
    n = len(bursts.states)
    return float(sum(b.weight for b in bursts.bursts if b.end >= n - recent))


def momentum(
    theme_counts: ArrayLike,
    corpus_counts: ArrayLike,
    recent: int = DEFAULT_RECENT,
    bursts: BurstResult | None = None,
    pseudo_count: float = DEFAULT_PSEUDO_COUNT,
) -> Momentum:
    """Recent log-share slope and recent burst weight of one series (oldest period first).

    Parameters
    ----------
    theme_counts, corpus_counts
        ``r_t`` and ``d_t`` per period.
    recent
        Periods counted as recent (≥ 2 for the slope; the slope is NaN with fewer informative periods).
    bursts
        The Kleinberg bursts of the whole series when already computed (default: computed here with the
        defaults of :func:`foresight.metrics.burst.kleinberg_bursts`).
    pseudo_count
        ``c`` of the log share (default ½).
    """
    r, d = paired_series(theme_counts, corpus_counts, "theme_counts", "corpus_counts")
    if recent < 1:
        raise ValueError("recent must be at least 1")
    found = bursts if bursts is not None else kleinberg_bursts(r, d)
    slope = (
        log_share_slope(r, d, window=recent, pseudo_count=pseudo_count).slope if recent >= 2 else float("nan")
    )
    return Momentum(slope, recent_burst_weight(found, recent), recent)
