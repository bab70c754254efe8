"""Typed question kinds of a national-foresight Delphi survey, and the survey template that holds them.

The item template follows delphi.md §3.5 (derived from NISTEP, KISTEP and CASTED practice): self-rated
familiarity, importance, expected year of technological realisation and of social implementation, national
R&D position (领跑/并跑/跟跑) with leading countries, constraints, policy measures and a free-text reason.
Every question and option carries Chinese and English wording (:class:`Label`).

Answers are validated by :func:`foresight.delphi.validation.validate_answer` into JSON-compatible
*normalized values*: an option code (``str``) for single-choice questions, a list of codes for
multi-choice questions, and a ``dict`` for the R&D-position and reason questions.

Options and labels are defined in :mod:`foresight.delphi.answer_options`, the question kinds in
:mod:`foresight.delphi.question_kinds`; this module holds the :class:`SurveyTemplate` and re-exports both,
so it stays the place to import from.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, Field, model_validator

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
from foresight.delphi.question_kinds import (
    ORDINAL_TYPES,
    ChoiceQuestion,
    FamiliarityQuestion,
    ImportanceQuestion,
    OrdinalQuestion,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    ReasonQuestion,
    is_ordinal,
)

__all__ = [
    "CODE_PATTERN",
    "DONT_KNOW",
    "NEVER",
    "ORDINAL_TYPES",
    "QT",
    "ChoiceOption",
    "ChoiceQuestion",
    "CountryOption",
    "FamiliarityLevel",
    "FamiliarityQuestion",
    "ImportanceQuestion",
    "Label",
    "Option",
    "OrdinalQuestion",
    "Question",
    "RDPositionQuestion",
    "RealizationYearQuestion",
    "ReasonQuestion",
    "ScaleOption",
    "ScalePoint",
    "SurveyTemplate",
    "YearBin",
    "is_ordinal",
]

QT = TypeVar("QT", bound=BaseModel)


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
