"""Validation of answers into normalized values, and the "reason required" rule.

Normalized values are JSON-compatible so that they can be stored and hashed as they are:

=============================  =====================================================================
question                       normalized value
=============================  =====================================================================
familiarity / importance       option code, e.g. ``"very_high"`` (or ``"dont_know"``)
realization year               bin code, e.g. ``"y2031_2035"``, or ``"never"`` / ``"dont_know"``
R&D position                   ``{"position": "behind", "leading_countries": ["US", "JP"]}``
constraints / policy measures  list of option codes in the template's order
reason                         ``{"text": "...", "stance": "pro" | None}``
=============================  =====================================================================

Raw input may be a code, the exact Chinese or English label, the numeric score of a scale point (e.g.
familiarity ``1``–``4``), or — for realisation questions — a calendar year, which is mapped to its bin.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import pycountry

from foresight.delphi.questions import (
    DONT_KNOW,
    NEVER,
    ChoiceQuestion,
    FamiliarityQuestion,
    ImportanceQuestion,
    Label,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    ReasonQuestion,
    SurveyTemplate,
    is_ordinal,
)

AnswerValue = str | list[str] | dict[str, Any]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AnswerError(ValueError):
    """An answer that cannot be accepted: ``field`` names the question (or sub-field), ``message`` why."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class AnswerErrors(ValueError):
    """Several :class:`AnswerError` found while validating one expert's answers to an item."""

    def __init__(self, errors: Iterable[AnswerError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(str(e) for e in self.errors))


class QuartileSummary(Protocol):
    """Anything with the previous round's quartiles on the question's score scale."""

    @property
    def q1(self) -> float | None: ...

    @property
    def q3(self) -> float | None: ...


def _clean(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


Candidate = tuple[str, tuple[str, ...], float | None]  # code, accepted texts (labels, aliases), score


def _texts(label: Label, aliases: tuple[str, ...] = ()) -> tuple[str, ...]:
    return (label.zh, label.en, *aliases)


def _match(field: str, raw: Any, candidates: list[Candidate]) -> str:
    """Resolve ``raw`` (code, label, alias or numeric score) to one candidate's code."""
    if isinstance(raw, bool) or raw is None:
        raise AnswerError(field, f"expected an option, got {raw!r}")
    if isinstance(raw, int | float):
        if not math.isfinite(raw):
            raise AnswerError(field, f"{raw!r} is not a finite number")
        for code, _, score in candidates:
            if score is not None and score == raw:
                return code
        scores = sorted(s for _, _, s in candidates if s is not None)
        raise AnswerError(field, f"{raw!r} is not on the scale {scores}")
    if not isinstance(raw, str):
        raise AnswerError(field, f"expected an option code, got {type(raw).__name__}")
    text = _clean(raw)
    folded = text.casefold()
    for code, texts, _ in candidates:
        if folded == code.casefold() or any(folded == _clean(t).casefold() for t in texts):
            return code
    codes = ", ".join(c for c, _, _ in candidates)
    raise AnswerError(field, f"{raw!r} is not an allowed option (one of: {codes})")


def _ordinal_candidates(question: Any) -> list[Candidate]:
    cands: list[Candidate] = [(p.code, _texts(p.label, p.aliases), p.score) for p in question.scale()]
    if question.allow_dont_know:
        cands.append((DONT_KNOW, _texts(question.dont_know_label), None))
    if isinstance(question, RealizationYearQuestion) and question.allow_never:
        cands.append((NEVER, _texts(question.never_label), None))
    return cands


def _validate_year(question: RealizationYearQuestion, raw: Any) -> str:
    year: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        year = raw
    elif isinstance(raw, str) and re.fullmatch(r"\d{4}", _clean(raw)):
        year = int(_clean(raw))
    if year is None:
        return _match(question.id, raw, _ordinal_candidates(question))
    found = question.bin_for_year(year)
    if found is None:
        first = question.bins[0].start
        raise AnswerError(question.id, f"year {year} lies outside the survey's bins (from {first})")
    return found.code


def _country(field: str, raw: Any, question: RDPositionQuestion) -> str:
    if not isinstance(raw, str):
        raise AnswerError(field, f"expected an ISO 3166-1 country code, got {raw!r}")
    text = _clean(raw)
    code = text.upper()
    for c in question.countries:
        if code == c.code or text == c.label.zh or text.casefold() == c.label.en.casefold():
            return c.code
    if not question.allow_unlisted_countries:
        raise AnswerError(field, f"{raw!r} is not one of the listed countries")
    found = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if found is None and len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
    if found is None:
        raise AnswerError(field, f"{raw!r} is not an ISO 3166-1 alpha-2 or alpha-3 country code")
    return str(found.alpha_2)


def _as_list(field: str, raw: Any) -> list[Any]:
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list | tuple | set | frozenset):
        return list(raw)
    raise AnswerError(field, f"expected a list of options, got {type(raw).__name__}")


def _validate_rd(question: RDPositionQuestion, raw: Any) -> dict[str, Any]:
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"position", "leading_countries"}
        if unknown:
            raise AnswerError(question.id, f"unexpected fields {sorted(unknown)}")
        position_raw, countries_raw = raw.get("position"), raw.get("leading_countries") or []
    else:
        position_raw, countries_raw = raw, []
    position = _match(f"{question.id}.position", position_raw, _ordinal_candidates(question))
    field = f"{question.id}.leading_countries"
    if countries_raw and not question.ask_leading_countries:
        raise AnswerError(field, "this question does not ask for leading countries")
    codes = {_country(field, c, question) for c in _as_list(field, countries_raw)}
    if question.max_countries is not None and len(codes) > question.max_countries:
        raise AnswerError(
            field, f"at most {question.max_countries} countries may be chosen, got {len(codes)}"
        )
    listed = [c.code for c in question.countries if c.code in codes]
    ordered = listed + sorted(codes - set(listed))
    return {"position": position, "leading_countries": ordered}


def _validate_choices(question: ChoiceQuestion, raw: Any) -> list[str]:
    cands: list[Candidate] = [(o.code, _texts(o.label, o.aliases), None) for o in question.options]
    chosen = {_match(question.id, item, cands) for item in _as_list(question.id, raw)}
    if len(chosen) < question.min_choices:
        raise AnswerError(question.id, f"choose at least {question.min_choices} option(s)")
    if question.max_choices is not None and len(chosen) > question.max_choices:
        raise AnswerError(question.id, f"choose at most {question.max_choices} option(s), got {len(chosen)}")
    exclusive = [o.code for o in question.options if o.exclusive and o.code in chosen]
    if exclusive and len(chosen) > 1:
        raise AnswerError(question.id, f"{exclusive[0]!r} cannot be combined with other options")
    return [o.code for o in question.options if o.code in chosen]


def _validate_reason(question: ReasonQuestion, raw: Any) -> dict[str, Any] | None:
    stance_raw: Any = None
    if isinstance(raw, Mapping):
        unknown = set(raw) - {"text", "stance"}
        if unknown:
            raise AnswerError(question.id, f"unexpected fields {sorted(unknown)}")
        text_raw, stance_raw = raw.get("text"), raw.get("stance")
    else:
        text_raw = raw
    if text_raw is None:
        text_raw = ""
    if not isinstance(text_raw, str):
        raise AnswerError(question.id, f"expected text, got {type(text_raw).__name__}")
    text = _CONTROL.sub("", unicodedata.normalize("NFC", text_raw).replace("\r\n", "\n")).strip()
    if not text:
        if question.required:
            raise AnswerError(question.id, "a reason is required")
        return None
    if len(text) > question.max_length:
        raise AnswerError(
            question.id, f"text is {len(text)} characters long; the limit is {question.max_length}"
        )
    stance = None
    if stance_raw not in (None, ""):
        if not question.stances:
            raise AnswerError(f"{question.id}.stance", "this question takes no stance tag")
        cands: list[Candidate] = [(o.code, _texts(o.label, o.aliases), None) for o in question.stances]
        stance = _match(f"{question.id}.stance", stance_raw, cands)
    return {"text": text, "stance": stance}


def validate_answer(question: Question, value: Any) -> AnswerValue | None:
    """Check ``value`` against ``question`` and return its normalized form.

    Returns ``None`` for an unanswered optional question (``None`` or an empty reason).

    Raises
    ------
    AnswerError
        With the question id (or ``id.subfield``) and a readable message when the value is missing
        although required, malformed, off the scale, or breaks a choice limit.
    """
    if value is None or (
        isinstance(value, str) and not value.strip() and not isinstance(question, ReasonQuestion)
    ):
        if question.required:
            raise AnswerError(question.id, "an answer is required")
        return None
    if isinstance(question, RealizationYearQuestion):
        return _validate_year(question, value)
    if isinstance(question, FamiliarityQuestion | ImportanceQuestion):
        return _match(question.id, value, _ordinal_candidates(question))
    if isinstance(question, RDPositionQuestion):
        return _validate_rd(question, value)
    if isinstance(question, ChoiceQuestion):
        return _validate_choices(question, value)
    return _validate_reason(question, value)


def ordinal_code(question: Question, value: AnswerValue | None) -> str | None:
    """The scale code inside a normalized answer (the position of an R&D-position answer)."""
    if value is None:
        return None
    if isinstance(question, RDPositionQuestion):
        return str(value["position"]) if isinstance(value, dict) else str(value)
    return value if isinstance(value, str) else None


def reason_required(
    question: Question, value: AnswerValue | None, previous_stats: QuartileSummary | None
) -> bool:
    """Whether a free-text reason is required: the answer lies outside the previous round's IQR.

    The rule is the RTD "flag" idea of delphi.md §3.5: an answer whose score is below the previous round's
    Q1 or above its Q3 must be justified. "Don't know" never requires a reason; "will never be realised"
    does whenever the previous round had year answers (it lies beyond every bin). Non-ordinal questions,
    the first round (``previous_stats is None``) and rounds without quartiles never require one.
    """
    if previous_stats is None or not is_ordinal(question) or value is None:
        return False
    q1, q3 = previous_stats.q1, previous_stats.q3
    if q1 is None or q3 is None or math.isnan(q1) or math.isnan(q3):
        return False
    code = ordinal_code(question, value)
    if code == DONT_KNOW or code is None:
        return False
    if code == NEVER:
        return True
    score = question.score_of(code)
    if score is None:
        return False
    eps = 1e-9
    return bool(score < q1 - eps or score > q3 + eps)


def validate_answers(
    template: SurveyTemplate,
    answers: Mapping[str, Any],
    previous_stats: Mapping[str, QuartileSummary] | None = None,
) -> dict[str, AnswerValue | None]:
    """Validate one expert's answers to one item against ``template``.

    Collects every problem — unknown question ids, invalid answers, and a missing reason when
    :func:`reason_required` holds for any answer given ``previous_stats`` (per question id) — and raises
    them together as :class:`AnswerErrors`.
    """
    errors: list[AnswerError] = []
    normalized: dict[str, AnswerValue | None] = {}
    known = {q.id for q in template.questions}
    errors += [AnswerError(qid, "no such question in the survey") for qid in answers if qid not in known]
    for question in template.questions:
        try:
            normalized[question.id] = validate_answer(question, answers.get(question.id))
        except AnswerError as exc:
            errors.append(exc)
    reason_id = template.reason_question
    if previous_stats and reason_id is not None and normalized.get(reason_id) is None:
        flagged = [
            q.id
            for q in template.questions
            if q.id in normalized and reason_required(q, normalized[q.id], previous_stats.get(q.id))
        ]
        if flagged and not any(e.field == reason_id for e in errors):
            errors.append(
                AnswerError(
                    reason_id,
                    "a reason is required because these answers lie outside the previous round's "
                    f"interquartile range: {', '.join(flagged)}",
                )
            )
    if errors:
        raise AnswerErrors(errors)
    return normalized
