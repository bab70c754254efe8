"""Question kinds, the default template and answer validation."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from foresight.delphi import (
    DONT_KNOW,
    NEVER,
    AnswerError,
    AnswerErrors,
    ChoiceOption,
    ChoiceQuestion,
    ImportanceQuestion,
    Label,
    OrdinalSummary,
    RealizationYearQuestion,
    ReasonQuestion,
    ScaleOption,
    SurveyTemplate,
    default_template,
    make_year_bins,
    reason_required,
    validate_answer,
    validate_answers,
)


@pytest.fixture(scope="module")
def template() -> SurveyTemplate:
    return default_template()


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _labels(obj: object) -> list[Label]:
    """Every Label reachable inside a pydantic model (questions, options, bins, countries)."""
    found: list[Label] = []
    if isinstance(obj, Label):
        return [obj]
    if isinstance(obj, tuple | list):
        for x in obj:
            found += _labels(x)
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += _labels(getattr(obj, name))
    return found


def test_default_template_questions(template: SurveyTemplate) -> None:
    assert [q.id for q in template.questions] == [
        "familiarity",
        "importance",
        "realization_technological",
        "realization_social",
        "rd_position",
        "constraints",
        "policy_measures",
        "reason",
    ]
    assert template.familiarity is not None
    assert SurveyTemplate.default() == template


def test_every_question_and_option_has_chinese_and_english_wording(template: SurveyTemplate) -> None:
    labels = _labels(template)
    assert len(labels) > 50
    for label in labels:
        assert label.en.strip() and label.zh.strip()
        assert _has_cjk(label.zh), label
    rd = template.question("rd_position")
    assert [p.label.zh[:2] for p in rd.positions] == ["领跑", "并跑", "跟跑"]  # type: ignore[union-attr]


def test_year_bins_from_configuration() -> None:
    bins = make_year_bins(2026, 2040, 5)
    assert [(b.start, b.end) for b in bins] == [(2026, 2030), (2031, 2035), (2036, 2040), (2041, None)]
    assert bins[-1].label.zh == "2040年以后"
    t = default_template(first_year=2030, last_year=2045, bin_width=5)
    q = t.question("realization_social")
    assert isinstance(q, RealizationYearQuestion) and q.stage == "social"
    assert q.bins[0].code == "y2030_2034"
    with pytest.raises(ValidationError):  # bins must be contiguous
        RealizationYearQuestion(id="x", text=Label(zh="年", en="year"), bins=(bins[0], bins[2]))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (5, "very_high"),
        ("very_high", "very_high"),
        ("很大", "very_high"),
        (" High ", "high"),
        (1.0, "very_low"),
        ("不清楚", DONT_KNOW),
        ("don't know", DONT_KNOW),
    ],
)
def test_importance_valid(template: SurveyTemplate, raw: object, expected: str) -> None:
    assert validate_answer(template.question("importance"), raw) == expected


@pytest.mark.parametrize("raw", [0, 6, 2.5, True, "huge", ["high"], {"x": 1}, float("nan")])
def test_importance_invalid(template: SurveyTemplate, raw: object) -> None:
    with pytest.raises(AnswerError) as err:
        validate_answer(template.question("importance"), raw)
    assert err.value.field == "importance"
    assert err.value.message


def test_required_answer_missing(template: SurveyTemplate) -> None:
    with pytest.raises(AnswerError, match="required"):
        validate_answer(template.question("importance"), None)
    assert validate_answer(template.question("reason"), None) is None  # optional


def test_familiarity_by_level_number_or_label(template: SurveyTemplate) -> None:
    q = template.question("familiarity")
    assert validate_answer(q, 3) == "high"
    assert validate_answer(q, "熟悉") == "medium"
    assert validate_answer(q, "low") == "low"
    with pytest.raises(AnswerError):
        validate_answer(q, 4)
    with pytest.raises(AnswerError):  # familiarity has no "don't know"
        validate_answer(q, DONT_KNOW)
    cn4 = default_template(familiarity="cn4").question("familiarity")
    assert validate_answer(cn4, 4) == "very_familiar"
    assert validate_answer(cn4, "较熟悉") == "somewhat_familiar"


def test_realization_year(template: SurveyTemplate) -> None:
    q = template.question("realization_technological")
    assert validate_answer(q, 2033) == "y2031_2035"
    assert validate_answer(q, "2050") == "y2046_2050"
    assert validate_answer(q, 2077) == "after_2050"
    assert validate_answer(q, "y2026_2030") == "y2026_2030"
    assert validate_answer(q, "2026–2030年") == "y2026_2030"
    assert validate_answer(q, "不会实现") == NEVER
    assert validate_answer(q, "无法预见") == DONT_KNOW
    with pytest.raises(AnswerError, match="outside"):
        validate_answer(q, 2020)
    with pytest.raises(AnswerError):
        validate_answer(q, "soon")


def test_rd_position(template: SurveyTemplate) -> None:
    q = template.question("rd_position")
    assert validate_answer(q, "跟跑") == {"position": "behind", "leading_countries": []}
    value = validate_answer(q, {"position": "并跑", "leading_countries": ["jp", "USA", "欧盟", "IL", "US"]})
    # listed countries in the template's order (US, JP, EU), then unlisted ISO codes alphabetically
    assert value == {"position": "on_par", "leading_countries": ["US", "JP", "EU", "IL"]}
    with pytest.raises(AnswerError) as err:
        validate_answer(q, {"position": "leading", "leading_countries": ["XX"]})
    assert err.value.field == "rd_position.leading_countries"
    with pytest.raises(AnswerError) as err:
        validate_answer(q, {"position": "first"})
    assert err.value.field == "rd_position.position"
    with pytest.raises(AnswerError, match="unexpected"):
        validate_answer(q, {"position": "leading", "gap": 3})
    closed = q.model_copy(update={"allow_unlisted_countries": False, "max_countries": 2})
    with pytest.raises(AnswerError):
        validate_answer(closed, {"position": "behind", "leading_countries": ["IL"]})
    with pytest.raises(AnswerError, match="at most 2"):
        validate_answer(closed, {"position": "behind", "leading_countries": ["US", "JP", "DE"]})


def test_multi_choice(template: SurveyTemplate) -> None:
    constraints = template.question("constraints")
    assert validate_answer(constraints, ["elsi", "技术可行性", "elsi"]) == ["technical", "elsi"]
    assert validate_answer(constraints, "none") == ["none"]
    with pytest.raises(AnswerError, match="cannot be combined"):
        validate_answer(constraints, ["none", "technical"])
    with pytest.raises(AnswerError, match="at least 1"):
        validate_answer(constraints, [])
    with pytest.raises(AnswerError, match="not an allowed option"):
        validate_answer(constraints, ["weather"])
    policy = template.question("policy_measures")
    with pytest.raises(AnswerError, match="at most 3"):
        validate_answer(policy, ["funding", "standards", "regulation", "procurement"])
    assert validate_answer(policy, ["standards", "funding"]) == ["funding", "standards"]


def test_reason(template: SurveyTemplate) -> None:
    q = template.question("reason")
    assert validate_answer(q, "  依据：已有样机。\r\n第二行 ") == {
        "text": "依据：已有样机。\n第二行",
        "stance": None,
    }
    assert validate_answer(q, {"text": "cost falls", "stance": "反对"}) == {
        "text": "cost falls",
        "stance": "contra",
    }
    assert validate_answer(q, "   ") is None
    short = ReasonQuestion(id="why", text=Label(zh="理由", en="Why"), max_length=5, required=True)
    with pytest.raises(AnswerError, match="limit"):
        validate_answer(short, "too long")
    with pytest.raises(AnswerError, match="required"):
        validate_answer(short, "")


def test_template_customisation(template: SurveyTemplate) -> None:
    route = ChoiceQuestion(
        id="route",
        text=Label(zh="发展途径", en="Development route"),
        options=(
            ChoiceOption(code="own", label=Label(zh="自主研发", en="Own R&D")),
            ChoiceOption(code="joint", label=Label(zh="合作研发", en="Joint R&D")),
        ),
        max_choices=1,
    )
    custom = template.with_question(route, after="rd_position").without_question("realization_social")
    assert [q.id for q in custom.questions][3:5] == ["rd_position", "route"]
    assert "realization_social" not in [q.id for q in custom.questions]
    assert custom.without_question("reason").reason_question is None
    with pytest.raises(ValidationError):
        SurveyTemplate(questions=(route, route))
    with pytest.raises(ValidationError):
        SurveyTemplate(questions=(route,), familiarity_question="route")
    dims = default_template(importance_dimensions=("economy", "society", "security"))
    assert [q.id for q in dims.questions if isinstance(q, ImportanceQuestion)] == [
        "importance_economy",
        "importance_society",
        "importance_security",
    ]


def test_reason_required(template: SurveyTemplate) -> None:
    imp = template.question("importance")
    prev = OrdinalSummary(
        n_respondents=9, n=9, weight_total=9, n_dont_know=0, n_never=0, counts={}, q1=3.0, q3=4.0
    )
    assert reason_required(imp, "very_high", prev)  # 5 > Q3 = 4
    assert reason_required(imp, "low", prev)  # 2 < Q1 = 3
    assert not reason_required(imp, "medium", prev)  # on the boundary Q1
    assert not reason_required(imp, "high", prev)
    assert not reason_required(imp, DONT_KNOW, prev)
    assert not reason_required(imp, "very_high", None)  # first round
    years = template.question("realization_technological")
    assert reason_required(years, NEVER, prev)
    assert not reason_required(template.question("constraints"), ["technical"], prev)
    rd = template.question("rd_position")
    rd_prev = prev.model_copy(update={"q1": 1.0, "q3": 2.0})
    assert reason_required(rd, {"position": "leading", "leading_countries": []}, rd_prev)


def test_validate_answers_collects_errors_and_demands_reason(template: SurveyTemplate) -> None:
    good = {
        "familiarity": "high",
        "importance": 5,
        "realization_technological": 2032,
        "realization_social": 2041,
        "rd_position": {"position": "behind", "leading_countries": ["US"]},
        "constraints": ["technical"],
        "policy_measures": ["funding"],
    }
    out = validate_answers(template, good)
    assert out["realization_technological"] == "y2031_2035" and out["reason"] is None
    prev = {
        "importance": OrdinalSummary(
            n_respondents=5, n=5, weight_total=5, n_dont_know=0, n_never=0, counts={}, q1=2.0, q3=3.0
        )
    }
    with pytest.raises(AnswerErrors) as err:
        validate_answers(template, good, prev)
    assert [e.field for e in err.value.errors] == ["reason"]
    assert "importance" in err.value.errors[0].message
    assert validate_answers(template, {**good, "reason": "新证据"}, prev)["reason"] == {
        "text": "新证据",
        "stance": None,
    }
    with pytest.raises(AnswerErrors) as err:
        validate_answers(template, {**good, "importance": 9, "bogus": 1, "constraints": []})
    assert {e.field for e in err.value.errors} == {"bogus", "importance", "constraints"}


def test_question_models_are_validated() -> None:
    with pytest.raises(ValidationError):  # duplicate scores
        ImportanceQuestion(
            id="imp",
            text=Label(zh="重要性", en="Importance"),
            options=(
                ScaleOption(code="a", score=1, label=Label(zh="甲", en="A")),
                ScaleOption(code="b", score=1, label=Label(zh="乙", en="B")),
            ),
        )
    with pytest.raises(ValidationError):
        Label(zh="", en="x")
