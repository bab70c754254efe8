"""Typed question kinds of a national-foresight Delphi survey, and the survey template that holds them.

The item template follows delphi.md §3.5 (derived from NISTEP, KISTEP and CASTED practice): self-rated
familiarity, importance, expected year of technological realisation and of social implementation, national
R&D position (领跑/并跑/跟跑) with leading countries, constraints, policy measures and a free-text reason.
Every question and option carries Chinese and English wording (:class:`Label`).

Answers are validated by :func:`foresight.delphi.validation.validate_answer` into JSON-compatible
*normalized values*: an option code (``str``) for single-choice questions, a list of codes for
multi-choice questions, and a ``dict`` for the R&D-position and reason questions.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeGuard, TypeVar

import numpy as np
import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DONT_KNOW = "dont_know"
"""Code of the "don't know" answer (不清楚 / 无法预见); excluded from every statistic's denominator."""
NEVER = "never"
"""Code of the "will never be realised" answer (不会实现) of the realisation-year questions."""

CODE_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
_EXCEPTIONAL_COUNTRY_CODES = frozenset({"EU"})  # ISO 3166-1 "exceptionally reserved": European Union


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Label(_Frozen):
    """Bilingual wording: Chinese (``zh``) and English (``en``)."""

    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: str = "zh") -> str:
        """The wording in ``lang`` (``zh*`` → Chinese, anything else → English)."""
        return self.zh if lang.lower().startswith("zh") else self.en


class Option(_Frozen):
    """A selectable answer with a stable machine code, bilingual label and accepted short forms."""

    code: str = Field(pattern=CODE_PATTERN)
    label: Label
    aliases: tuple[str, ...] = ()


class ScaleOption(Option):
    """A point of an ordinal scale; ``score`` is the number statistics are computed on."""

    score: float


class FamiliarityLevel(ScaleOption):
    """A self-rated familiarity level with its expertise weight ``e_i`` (delphi.md §4.5).

    ``high`` marks the levels that form the high-expertise subset (NISTEP reports all respondents and the
    high-expertise subset, delphi.md §3.1).
    """

    weight: float = Field(ge=0.0, le=1.0)
    high: bool = False


class ChoiceOption(Option):
    """An option of a multi-choice question.

    ``exclusive`` options (e.g. "no major constraint") cannot be combined with others; ``weight`` is the
    option's severity when constraints are turned into a feasibility index (aggregation module).
    """

    exclusive: bool = False
    weight: float = Field(default=1.0, ge=0.0)


class CountryOption(_Frozen):
    """A listed leading country or region, by ISO 3166-1 alpha-2 code (``EU`` allowed)."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    label: Label

    @field_validator("code")
    @classmethod
    def _iso(cls, code: str) -> str:
        if code not in _EXCEPTIONAL_COUNTRY_CODES and pycountry.countries.get(alpha_2=code) is None:
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
        return code


class YearBin(_Frozen):
    """A bin of realisation years, ``start``–``end`` inclusive; ``end=None`` means "``start`` or later"."""

    code: str = Field(pattern=CODE_PATTERN)
    label: Label
    start: int
    end: int | None = None

    @model_validator(mode="after")
    def _ordered(self) -> YearBin:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"year bin {self.code}: end {self.end} precedes start {self.start}")
        return self

    def contains(self, year: int) -> bool:
        return self.start <= year and (self.end is None or year <= self.end)


class ScalePoint(_Frozen):
    """One point of an ordinal question's scale, as statistics see it (ascending by score)."""

    code: str
    score: float
    label: Label
    aliases: tuple[str, ...] = ()


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
QT = TypeVar("QT", bound=BaseModel)
ORDINAL_TYPES = (FamiliarityQuestion, ImportanceQuestion, RealizationYearQuestion, RDPositionQuestion)


def is_ordinal(question: object) -> TypeGuard[OrdinalQuestion]:
    """Whether ``question`` is answered on an ordered scale (has :meth:`scale`)."""
    return isinstance(question, ORDINAL_TYPES)


class SurveyTemplate(_Frozen):
    """The ordered questions asked about every item of a survey, customisable per survey.

    ``familiarity_question`` names the question whose answer weights the others (expertise weighting) and
    ``reason_question`` the free-text question that :func:`~foresight.delphi.validation.validate_answers`
    demands when an answer lies outside the previous round's interquartile range.
    """

    name: Label = Label(zh="技术预测德尔菲调查", en="Technology foresight Delphi survey")
    questions: tuple[Question, ...] = Field(min_length=1)
    familiarity_question: str | None = "familiarity"
    reason_question: str | None = "reason"

    @model_validator(mode="after")
    def _references(self) -> SurveyTemplate:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"question ids are not unique: {ids}")
        for attr, cls in (("familiarity_question", FamiliarityQuestion), ("reason_question", ReasonQuestion)):
            ref = getattr(self, attr)
            if ref is not None and not isinstance(self.question(ref), cls):
                raise ValueError(f"{attr} {ref!r} must name a {cls.__name__}")
        return self

    @classmethod
    def default(cls, **options: Any) -> SurveyTemplate:
        """The national-foresight default; see :func:`foresight.delphi.templates.default_template`."""
        from foresight.delphi.templates import default_template

        return default_template(**options)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(f"no question {question_id!r} in template")

    def question_as(self, question_id: str, kind: type[QT]) -> QT:
        """:meth:`question`, checked to be of class ``kind`` (typed access for callers)."""
        q = self.question(question_id)
        if not isinstance(q, kind):
            raise TypeError(f"question {question_id!r} is a {type(q).__name__}, not a {kind.__name__}")
        return q

    def ordinal_question(self, question_id: str) -> OrdinalQuestion:
        """:meth:`question`, checked to be answered on an ordinal scale."""
        q = self.question(question_id)
        if not is_ordinal(q):
            raise TypeError(f"question {question_id!r} is not an ordinal question")
        return q

    @property
    def familiarity(self) -> FamiliarityQuestion | None:
        q = self.question(self.familiarity_question) if self.familiarity_question else None
        return q if isinstance(q, FamiliarityQuestion) else None

    def ordinal_questions(self) -> tuple[OrdinalQuestion, ...]:
        return tuple(q for q in self.questions if isinstance(q, ORDINAL_TYPES))

    def _rebuilt(self, questions: list[Question], **changes: object) -> SurveyTemplate:
        data = self.model_dump()
        data["questions"] = [q.model_dump() for q in questions]
        data.update(changes)
        return SurveyTemplate.model_validate(data)

    def with_question(self, question: Question, *, after: str | None = None) -> SurveyTemplate:
        """A copy with ``question`` added (after ``after``, else at the end) or replacing the same id."""
        qs = list(self.questions)
        ids = [q.id for q in qs]
        if question.id in ids:
            qs[ids.index(question.id)] = question
        elif after is not None:
            qs.insert(ids.index(after) + 1, question)
        else:
            qs.append(question)
        return self._rebuilt(qs)

    def without_question(self, question_id: str) -> SurveyTemplate:
        """A copy without ``question_id`` (clearing the familiarity/reason reference if it was one)."""
        self.question(question_id)
        changes: dict[str, object] = {}
        if self.familiarity_question == question_id:
            changes["familiarity_question"] = None
        if self.reason_question == question_id:
            changes["reason_question"] = None
        return self._rebuilt([q for q in self.questions if q.id != question_id], **changes)
