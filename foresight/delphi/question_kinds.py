"""The typed question kinds of a Delphi item: familiarity, importance, realisation year, R&D position
(ordinal, scored on a scale), multi-choice, and free-text reason; :data:`Question` is their union,
discriminated by ``kind``.

Import them from :mod:`foresight.delphi.questions`, which re-exports everything here.
"""

from __future__ import annotations

from typing import Annotated, Literal, TypeGuard

import numpy as np
from pydantic import Field, model_validator

from foresight.delphi.answer_options import (
    CODE_PATTERN,
    DONT_KNOW,
    NEVER,
    ChoiceOption,
    CountryOption,
    FamiliarityLevel,
    Label,
    Option,
    ScaleOption,
    ScalePoint,
    YearBin,
    _Frozen,
)

__all__ = [
    "ORDINAL_TYPES",
    "ChoiceQuestion",
    "FamiliarityQuestion",
    "ImportanceQuestion",
    "OrdinalQuestion",
    "Question",
    "RDPositionQuestion",
    "RealizationYearQuestion",
    "ReasonQuestion",
    "is_ordinal",
]


class _QuestionBase(_Frozen):
    id: str = Field(pattern=CODE_PATTERN)
    text: Label
    help: Label | None = None
    required: bool = True


class _OrdinalQuestion(_QuestionBase):
    """A question answered on an ordered scale (plus optional "don't know")."""

    allow_dont_know: bool = True
    dont_know_label: Label = Label(zh="不清楚", en="Don't know")

    def scale(self) -> tuple[ScalePoint, ...]:
        """The scored options in ascending order of score."""
        raise NotImplementedError

    def special_codes(self) -> tuple[str, ...]:
        """Codes that are valid answers without a score ("don't know", "never")."""
        return (DONT_KNOW,) if self.allow_dont_know else ()

    def score_of(self, code: str) -> float | None:
        """The score of an option code; ``None`` for "don't know"/"never"."""
        for point in self.scale():
            if point.code == code:
                return point.score
        if code in self.special_codes():
            return None
        raise KeyError(code)

    @model_validator(mode="after")
    def _distinct(self) -> _OrdinalQuestion:
        points = self.scale()
        codes = [p.code for p in points] + list(self.special_codes())
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.id}: option codes are not unique")
        if len({p.score for p in points}) != len(points):
            raise ValueError(f"question {self.id}: option scores are not distinct")
        if len(points) < 2:
            raise ValueError(f"question {self.id}: a scale needs at least two points")
        return self


def _sorted_points(options: tuple[ScaleOption, ...]) -> tuple[ScalePoint, ...]:
    points = [ScalePoint(code=o.code, score=o.score, label=o.label, aliases=o.aliases) for o in options]
    return tuple(sorted(points, key=lambda p: p.score))


class FamiliarityQuestion(_OrdinalQuestion):
    """Self-rated familiarity / expertise with the item (熟悉程度), asked per item (NISTEP practice)."""

    kind: Literal["familiarity"] = "familiarity"
    allow_dont_know: bool = False
    levels: tuple[FamiliarityLevel, ...]
    missing_weight: float | None = Field(default=None, ge=0.0, le=1.0)
    """Weight of an answer without a familiarity rating; ``None`` = the lowest level's weight."""

    def scale(self) -> tuple[ScalePoint, ...]:
        return _sorted_points(self.levels)

    def weight_of(self, code: str | None) -> float:
        """Expertise weight ``e_i`` of a familiarity code (``None``/unknown → :attr:`missing_weight`)."""
        for level in self.levels:
            if level.code == code:
                return level.weight
        if self.missing_weight is not None:
            return self.missing_weight
        return min(level.weight for level in self.levels)

    def is_high(self, code: str | None) -> bool:
        return any(level.code == code and level.high for level in self.levels)


class ImportanceQuestion(_OrdinalQuestion):
    """Importance (重要性) on an ordinal scale, overall or for one dimension (economy, society, security…)."""

    kind: Literal["importance"] = "importance"
    dimension: str = Field(default="overall", pattern=CODE_PATTERN)
    options: tuple[ScaleOption, ...]

    def scale(self) -> tuple[ScalePoint, ...]:
        return _sorted_points(self.options)


class RealizationYearQuestion(_OrdinalQuestion):
    """Expected year of realisation (预计实现时间) in year bins, plus "never" and "don't know".

    ``stage`` separates technological realisation (lab breakthrough) from social implementation
    (application and diffusion), as NISTEP, KISTEP and the CN two-stage split do (delphi.md §3).
    Scores are bin positions ``1 … k`` (earliest = 1); :meth:`year_of_score` maps them back to years.
    """

    kind: Literal["realization_year"] = "realization_year"
    stage: Literal["technological", "social"] = "technological"
    bins: tuple[YearBin, ...]
    allow_never: bool = True
    never_label: Label = Label(zh="不会实现", en="Will never be realised")
    dont_know_label: Label = Label(zh="无法预见", en="Cannot foresee (don't know)")

    @model_validator(mode="after")
    def _contiguous(self) -> RealizationYearQuestion:
        for before, after in zip(self.bins, self.bins[1:], strict=False):
            if before.end is None or after.start != before.end + 1:
                raise ValueError(f"question {self.id}: year bins must be ascending and contiguous")
        return self

    def scale(self) -> tuple[ScalePoint, ...]:
        return tuple(
            ScalePoint(code=b.code, score=float(i), label=b.label) for i, b in enumerate(self.bins, start=1)
        )

    def special_codes(self) -> tuple[str, ...]:
        return super().special_codes() + ((NEVER,) if self.allow_never else ())

    def bin_for_year(self, year: int) -> YearBin | None:
        return next((b for b in self.bins if b.contains(year)), None)

    def representative_years(self) -> tuple[float, ...]:
        """Mid-year of each bin; an open last bin gets ``start + (w − 1)/2`` with ``w`` the previous width."""
        years: list[float] = []
        width = 5.0
        for b in self.bins:
            if b.end is not None:
                width = float(b.end - b.start + 1)
                years.append((b.start + b.end) / 2.0)
            else:
                years.append(b.start + (width - 1.0) / 2.0)
        return tuple(years)

    def year_of_score(self, score: float) -> float:
        """Year for a (possibly fractional) bin position, by linear interpolation of bin mid-years."""
        positions = np.arange(1, len(self.bins) + 1, dtype=float)
        return float(np.interp(score, positions, np.asarray(self.representative_years())))


class RDPositionQuestion(_OrdinalQuestion):
    """National R&D position (我国研发水平): leading / on par / behind (领跑/并跑/跟跑) + leading countries.

    The answer is ``{"position": code, "leading_countries": [ISO alpha-2, …]}``. Scores rise with the
    position (behind = lowest), so the gap index of the aggregation module reverses them.
    """

    kind: Literal["rd_position"] = "rd_position"
    positions: tuple[ScaleOption, ...]
    ask_leading_countries: bool = True
    countries: tuple[CountryOption, ...] = ()
    allow_unlisted_countries: bool = True
    max_countries: int | None = Field(default=None, ge=1)
    countries_label: Label = Label(zh="领先国家（可多选）", en="Leading countries (select all that apply)")

    def scale(self) -> tuple[ScalePoint, ...]:
        return _sorted_points(self.positions)


class ChoiceQuestion(_QuestionBase):
    """Multi-choice question: constraints (制约因素), policy measures (政策措施) or a custom list."""

    kind: Literal["constraints", "policy_measures", "choice"] = "choice"
    options: tuple[ChoiceOption, ...] = Field(min_length=1)
    min_choices: int = Field(default=1, ge=0)
    max_choices: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceQuestion:
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError(f"question {self.id}: option codes are not unique")
        if self.max_choices is not None and self.max_choices < self.min_choices:
            raise ValueError(f"question {self.id}: max_choices < min_choices")
        return self


class ReasonQuestion(_QuestionBase):
    """Free-text reason (理由), with an optional stance tag (e.g. pro / contra, delphi.md §3.5)."""

    kind: Literal["reason"] = "reason"
    required: bool = False
    max_length: int = Field(default=4000, ge=1)
    stances: tuple[Option, ...] = ()


OrdinalQuestion = FamiliarityQuestion | ImportanceQuestion | RealizationYearQuestion | RDPositionQuestion
Question = Annotated[
    FamiliarityQuestion
    | ImportanceQuestion
    | RealizationYearQuestion
    | RDPositionQuestion
    | ChoiceQuestion
    | ReasonQuestion,
    Field(discriminator="kind"),
]
ORDINAL_TYPES = (FamiliarityQuestion, ImportanceQuestion, RealizationYearQuestion, RDPositionQuestion)


def is_ordinal(question: object) -> TypeGuard[OrdinalQuestion]:
    """Whether ``question`` is answered on an ordered scale (has :meth:`scale`)."""
    return isinstance(question, ORDINAL_TYPES)
