"""Inputs and results of the round statistics: answers as stored (:class:`AnswerRecord`) and as joined to
the expert's familiarity (:class:`Observation`), the settings (:class:`StatisticsConfig`) and the summaries
of one item × question (:class:`OrdinalSummary`, :class:`ChoiceSummary`, :class:`ViewSet`,
:class:`QuestionStatistics`).

Import them from :mod:`foresight.delphi.statistics`, which re-exports everything here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field

from foresight.delphi.numerics import DEFAULT_QUANTILE_METHOD, QuantileMethod
from foresight.delphi.validation import AnswerValue

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE",
    "UNSPECIFIED_GROUP",
    "AnswerRecord",
    "ChoiceSummary",
    "Observation",
    "OrdinalSummary",
    "QuestionStatistics",
    "S",
    "StatisticsConfig",
    "ViewSet",
]

UNSPECIFIED_GROUP = "unspecified"
DEFAULT_MIN_GROUP_SIZE = 5


@dataclass(frozen=True)
class Observation:
    """One expert's normalized answer to one item × question in one round."""

    expert_id: str
    value: AnswerValue | None
    familiarity: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class AnswerRecord:
    """A flat stored answer: who answered which item × question with what (normalized) value."""

    expert_id: str
    item_id: str
    question_id: str
    value: AnswerValue | None
    group: str | None = None


class StatisticsConfig(BaseModel):
    """Settings of the statistics; record them in the study protocol."""

    model_config = ConfigDict(frozen=True)

    quantile_method: QuantileMethod = DEFAULT_QUANTILE_METHOD
    top_boxes: int = Field(default=2, ge=1)
    min_group_size: int = Field(default=DEFAULT_MIN_GROUP_SIZE, ge=1)
    secondary_suppression: bool = True


class OrdinalSummary(BaseModel):
    """Statistics of one ordinal question in one view. Shares are of the scored answers' total weight."""

    model_config = ConfigDict(frozen=True)

    n_respondents: int
    n: int
    weight_total: float
    n_dont_know: int
    n_never: int
    counts: dict[str, float]
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    iqr: float | None = None
    mean: float | None = None
    sd: float | None = None
    cv: float | None = None
    mad_median: float | None = None
    modal_codes: tuple[str, ...] = ()
    modal_share: float | None = None
    within_one_share: float | None = None
    top_share: float | None = None
    bottom_share: float | None = None
    full_score_share: float | None = None
    never_share: float | None = None
    median_year: float | None = None
    q1_year: float | None = None
    q3_year: float | None = None
    quantile_method: str = DEFAULT_QUANTILE_METHOD


class ChoiceSummary(BaseModel):
    """Counts of a multi-choice answer (or of leading countries) and each option's share of respondents."""

    model_config = ConfigDict(frozen=True)

    n_respondents: int
    weight_total: float
    counts: dict[str, float]
    shares: dict[str, float]
    mean_choices: float | None = None


S = TypeVar("S", OrdinalSummary, ChoiceSummary)


class ViewSet(BaseModel):
    """One summary per view, plus stakeholder groups (``None`` = suppressed for anonymity)."""

    model_config = ConfigDict(frozen=True)

    all: OrdinalSummary | ChoiceSummary
    weighted: OrdinalSummary | ChoiceSummary | None = None
    high_expertise: OrdinalSummary | ChoiceSummary | None = None
    groups: dict[str, OrdinalSummary | ChoiceSummary | None] = {}
    suppressed_groups: tuple[str, ...] = ()
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE


class QuestionStatistics(BaseModel):
    """All statistics of one item × question in one round."""

    model_config = ConfigDict(frozen=True)

    question_id: str
    kind: str
    n_respondents: int
    ordinal: ViewSet | None = None
    choices: ViewSet | None = None
