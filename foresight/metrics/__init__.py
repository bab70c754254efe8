"""Emergence indicators as pure functions: arrays and plain lists in, small frozen dataclasses out.

Every indicator is computed as of the last period it is given; cut series with
:func:`foresight.metrics.series.truncate_as_of` (or use :func:`foresight.metrics.profile.theme_profile_as_of`)
so that nothing after the as-of date can leak in. Formulas and sources: ``methods/analysis.md`` §4.
"""

from foresight.metrics.balance import Balance, paper_patent_balance
from foresight.metrics.burst import Burst, BurstResult, kleinberg_bursts
from foresight.metrics.diversity import Shannon, gini, rao_stirling, shannon
from foresight.metrics.escore import EScoreResult, escore
from foresight.metrics.growth import GrowthIndicators, growth_indicators, log_share_slope
from foresight.metrics.lifecycle import LifeCycleFit, fit_life_cycle
from foresight.metrics.novelty import centroid_distance, first_appearance, new_term_share
from foresight.metrics.profile import ThemeProfile, theme_profile_as_of
from foresight.metrics.scorecard import Scorecard, emergence_scorecard
from foresight.metrics.series import truncate_as_of
from foresight.metrics.strategic import StrategicDiagram, strategic_diagram
from foresight.metrics.weak_signals import WeakSignalMap, weak_signal_map

__all__ = [
    "Balance",
    "Burst",
    "BurstResult",
    "EScoreResult",
    "GrowthIndicators",
    "LifeCycleFit",
    "Scorecard",
    "Shannon",
    "StrategicDiagram",
    "ThemeProfile",
    "WeakSignalMap",
    "centroid_distance",
    "emergence_scorecard",
    "escore",
    "first_appearance",
    "fit_life_cycle",
    "gini",
    "growth_indicators",
    "kleinberg_bursts",
    "log_share_slope",
    "new_term_share",
    "paper_patent_balance",
    "rao_stirling",
    "shannon",
    "strategic_diagram",
    "theme_profile_as_of",
    "truncate_as_of",
    "weak_signal_map",
]
