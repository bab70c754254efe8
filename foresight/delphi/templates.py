"""The default national-foresight item template (delphi.md §3.5), with Chinese and English wording.

Scales and wording follow delphi.md §3.1–3.2: NISTEP's three expertise levels (or the Chinese four-level
熟悉程度), the five-point importance scale 很大…很小 turned into a 0–100 index, realisation year in
five-year bins plus "never" and "cannot foresee", 领跑/并跑/跟跑 with leading countries, and the CASTED
constraint and policy-measure lists. The familiarity weights (1.0 / 0.6 / 0.3) are delphi.md §4.5's example;
the four-level Chinese weights are marked [R] there — recalled, configurable, check before relying on them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from foresight.delphi.questions import (
    ChoiceOption,
    ChoiceQuestion,
    CountryOption,
    FamiliarityLevel,
    FamiliarityQuestion,
    ImportanceQuestion,
    Label,
    Option,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    ReasonQuestion,
    ScaleOption,
    SurveyTemplate,
    YearBin,
)

L = Label


def familiarity_question(scheme: Literal["nistep3", "cn4"] = "nistep3") -> FamiliarityQuestion:
    """Self-rated familiarity: NISTEP's 3 levels (default) or the Chinese 4-level 很熟悉…不熟悉."""
    text = L(zh="您对该技术的熟悉程度", en="Your familiarity with this technology")
    levels: tuple[FamiliarityLevel, ...]
    if scheme == "nistep3":
        levels = (
            FamiliarityLevel(
                code="high",
                score=3,
                aliases=("很熟悉",),
                weight=1.0,
                high=True,
                label=L(
                    zh="很熟悉（目前正在从事相关研究或工作）",
                    en="High: currently researching or working on it",
                ),
            ),
            FamiliarityLevel(
                code="medium",
                score=2,
                aliases=("熟悉",),
                weight=0.6,
                label=L(
                    zh="熟悉（曾经从事，或从事相邻领域）",
                    en="Medium: did so in the past, or work in an adjacent area",
                ),
            ),
            FamiliarityLevel(
                code="low",
                score=1,
                aliases=("了解",),
                weight=0.3,
                label=L(zh="了解（通过文献或会议了解）", en="Low: know it from literature or meetings"),
            ),
        )
    else:
        levels = (
            FamiliarityLevel(
                code="very_familiar", score=4, weight=1.0, high=True, label=L(zh="很熟悉", en="Very familiar")
            ),
            FamiliarityLevel(
                code="familiar", score=3, weight=0.8, high=True, label=L(zh="熟悉", en="Familiar")
            ),
            FamiliarityLevel(
                code="somewhat_familiar", score=2, weight=0.5, label=L(zh="较熟悉", en="Somewhat familiar")
            ),
            FamiliarityLevel(code="unfamiliar", score=1, weight=0.2, label=L(zh="不熟悉", en="Not familiar")),
        )
    return FamiliarityQuestion(id="familiarity", text=text, levels=levels)


IMPORTANCE_SCALE: tuple[ScaleOption, ...] = (
    ScaleOption(code="very_high", score=5, label=L(zh="很大", en="Very high")),
    ScaleOption(code="high", score=4, label=L(zh="较大", en="High")),
    ScaleOption(code="medium", score=3, label=L(zh="一般", en="Medium")),
    ScaleOption(code="low", score=2, label=L(zh="较小", en="Low")),
    ScaleOption(code="very_low", score=1, label=L(zh="很小", en="Very low")),
)

IMPORTANCE_DIMENSIONS: dict[str, Label] = {
    "overall": L(zh="该技术的重要性", en="Importance of this technology"),
    "economy": L(zh="对经济增长的重要性", en="Importance for economic growth"),
    "society": L(
        zh="对社会发展（生活质量）的重要性", en="Importance for social development (quality of life)"
    ),
    "security": L(zh="对国家安全的重要性", en="Importance for national security"),
}


def importance_question(dimension: str = "overall") -> ImportanceQuestion:
    """Importance on the five-point scale 很大/较大/一般/较小/很小 plus 不清楚 (delphi.md §3.2)."""
    qid = "importance" if dimension == "overall" else f"importance_{dimension}"
    return ImportanceQuestion(
        id=qid, dimension=dimension, text=IMPORTANCE_DIMENSIONS[dimension], options=IMPORTANCE_SCALE
    )


def make_year_bins(
    first_year: int, last_year: int, width: int = 5, *, open_ended: bool = True
) -> tuple[YearBin, ...]:
    """Contiguous bins ``first_year … last_year`` of ``width`` years, plus "after ``last_year``"."""
    if width < 1 or last_year < first_year:
        raise ValueError("need width ≥ 1 and last_year ≥ first_year")
    bins: list[YearBin] = []
    start = first_year
    while start <= last_year:
        end = min(start + width - 1, last_year)
        bins.append(
            YearBin(
                code=f"y{start}_{end}",
                start=start,
                end=end,
                label=L(zh=f"{start}–{end}年", en=f"{start}–{end}"),
            )
        )
        start = end + 1
    if open_ended:
        bins.append(
            YearBin(
                code=f"after_{last_year}",
                start=last_year + 1,
                label=L(zh=f"{last_year}年以后", en=f"After {last_year}"),
            )
        )
    return tuple(bins)


def realization_question(
    stage: Literal["technological", "social"], bins: Sequence[YearBin]
) -> RealizationYearQuestion:
    """Expected year of technological realisation (技术实现) or social implementation (社会实现)."""
    if stage == "technological":
        text = L(
            zh="预计技术实现时间（实验室或原型突破）",
            en="Expected year of technological realisation (laboratory or prototype breakthrough)",
        )
    else:
        text = L(
            zh="预计社会实现时间（推广应用、普及）",
            en="Expected year of social implementation (application and diffusion)",
        )
    return RealizationYearQuestion(id=f"realization_{stage}", stage=stage, text=text, bins=tuple(bins))


RD_POSITIONS: tuple[ScaleOption, ...] = (
    ScaleOption(
        code="leading",
        score=3,
        aliases=("领跑", "lead"),
        label=L(zh="领跑（国际领先）", en="Leading (ahead of the world)"),
    ),
    ScaleOption(
        code="on_par",
        score=2,
        aliases=("并跑", "par"),
        label=L(zh="并跑（与国际先进水平相当）", en="On par with the world's best"),
    ),
    ScaleOption(
        code="behind",
        score=1,
        aliases=("跟跑", "follow"),
        label=L(zh="跟跑（落后于国际先进水平）", en="Behind (following the leaders)"),
    ),
)

LEADING_COUNTRIES: tuple[CountryOption, ...] = (
    CountryOption(code="US", label=L(zh="美国", en="United States")),
    CountryOption(code="CN", label=L(zh="中国", en="China")),
    CountryOption(code="JP", label=L(zh="日本", en="Japan")),
    CountryOption(code="EU", label=L(zh="欧盟", en="European Union")),
    CountryOption(code="DE", label=L(zh="德国", en="Germany")),
    CountryOption(code="GB", label=L(zh="英国", en="United Kingdom")),
    CountryOption(code="FR", label=L(zh="法国", en="France")),
    CountryOption(code="KR", label=L(zh="韩国", en="Republic of Korea")),
    CountryOption(code="RU", label=L(zh="俄罗斯", en="Russia")),
)


def rd_position_question() -> RDPositionQuestion:
    """我国研发水平 with 领跑/并跑/跟跑 and the leading-country multi-select (delphi.md §3.2)."""
    return RDPositionQuestion(
        id="rd_position",
        text=L(zh="我国在该技术领域的研发水平", en="Our country's current R&D position in this technology"),
        positions=RD_POSITIONS,
        countries=LEADING_COUNTRIES,
    )


CONSTRAINTS: tuple[ChoiceOption, ...] = (
    ChoiceOption(code="technical", label=L(zh="技术可行性", en="Technical feasibility")),
    ChoiceOption(code="commercial", label=L(zh="商业可行性（成本）", en="Commercial viability (cost)")),
    ChoiceOption(code="regulation", label=L(zh="法规、政策与标准", en="Laws, policies and standards")),
    ChoiceOption(code="human_resources", label=L(zh="人力资源", en="Human resources")),
    ChoiceOption(code="rd_funding", label=L(zh="研发投入", en="R&D funding")),
    ChoiceOption(code="infrastructure", label=L(zh="基础设施", en="Infrastructure")),
    ChoiceOption(
        code="elsi", label=L(zh="伦理、法律与社会接受度", en="Ethical, legal and social issues (acceptance)")
    ),
    ChoiceOption(code="other", label=L(zh="其他", en="Other")),
    ChoiceOption(code="none", exclusive=True, weight=0.0, label=L(zh="无明显制约", en="No major constraint")),
)

POLICY_MEASURES: tuple[ChoiceOption, ...] = (
    ChoiceOption(code="human_resources", label=L(zh="人才培养与引进", en="Human-resource development")),
    ChoiceOption(code="funding", label=L(zh="加大研发投入", en="More R&D funding")),
    ChoiceOption(
        code="domestic_collaboration",
        label=L(zh="国内产学研合作", en="Domestic collaboration (industry, academia, research)"),
    ),
    ChoiceOption(
        code="international_collaboration", label=L(zh="国际合作", en="International collaboration")
    ),
    ChoiceOption(code="regulation", label=L(zh="完善法律法规", en="Laws and regulation")),
    ChoiceOption(code="standards", label=L(zh="标准制定", en="Standards")),
    ChoiceOption(
        code="elsi", label=L(zh="伦理与社会问题应对", en="Responses to ethical, legal and social issues")
    ),
    ChoiceOption(
        code="procurement", label=L(zh="政府采购与需求拉动", en="Public procurement and demand-side measures")
    ),
    ChoiceOption(code="infrastructure", label=L(zh="科研基础设施建设", en="Research infrastructure")),
    ChoiceOption(code="other", label=L(zh="其他", en="Other")),
    ChoiceOption(code="none", exclusive=True, label=L(zh="无需特别政策", en="No specific measures needed")),
)


def constraints_question() -> ChoiceQuestion:
    return ChoiceQuestion(
        id="constraints",
        kind="constraints",
        text=L(
            zh="制约该技术实现的主要因素（可多选）",
            en="Main constraints on realisation (select all that apply)",
        ),
        options=CONSTRAINTS,
    )


def policy_measures_question(max_choices: int | None = 3) -> ChoiceQuestion:
    return ChoiceQuestion(
        id="policy_measures",
        kind="policy_measures",
        text=L(
            zh=f"促进该技术发展需要的政策措施（最多选{max_choices}项）"
            if max_choices
            else "促进该技术发展需要的政策措施（可多选）",
            en=f"Policy measures needed (up to {max_choices})" if max_choices else "Policy measures needed",
        ),
        options=POLICY_MEASURES,
        max_choices=max_choices,
    )


def reason_question() -> ReasonQuestion:
    return ReasonQuestion(
        id="reason",
        text=L(
            zh="理由或依据（若您的回答在上一轮四分位区间之外，请说明理由）",
            en="Reasons (required when your answer lies outside the previous round's interquartile range)",
        ),
        stances=(
            Option(code="pro", label=L(zh="支持", en="Supporting argument")),
            Option(code="contra", label=L(zh="反对", en="Opposing argument")),
        ),
    )


def default_template(
    *,
    first_year: int = 2026,
    last_year: int = 2050,
    bin_width: int = 5,
    familiarity: Literal["nistep3", "cn4"] = "nistep3",
    importance_dimensions: Sequence[str] = ("overall",),
    include_social: bool = True,
    max_policy_measures: int | None = 3,
) -> SurveyTemplate:
    """The canonical item template of delphi.md §3.5, ready to customise.

    Parameters
    ----------
    first_year, last_year, bin_width
        Year bins of the realisation questions (default 2026–2030 … 2046–2050, then "after 2050").
    familiarity
        ``nistep3`` (high/medium/low, weights 1.0/0.6/0.3) or ``cn4`` (很熟悉/熟悉/较熟悉/不熟悉).
    importance_dimensions
        Any of ``overall``, ``economy``, ``society``, ``security`` — one importance question each.
    include_social
        Ask social implementation as well as technological realisation.
    """
    bins = make_year_bins(first_year, last_year, bin_width)
    questions: list[Question] = [familiarity_question(familiarity)]
    questions += [importance_question(d) for d in importance_dimensions]
    questions.append(realization_question("technological", bins))
    if include_social:
        questions.append(realization_question("social", bins))
    questions += [
        rd_position_question(),
        constraints_question(),
        policy_measures_question(max_policy_measures),
        reason_question(),
    ]
    return SurveyTemplate(questions=tuple(questions))
