"""Round statistics per item × question: location, dispersion, agreement, distributions and views.

Every ordinal statistic is computed on the question's *scores* (importance 1–5, familiarity levels, R&D
position 1–3, realisation-year bin positions 1…k), with "don't know" and "never" counted in the
distribution but excluded from the scored answers (delphi.md §3.1, §4.5). Three views are reported:

* ``all`` — unweighted;
* ``weighted`` — expertise-weighted, ``e_i`` from the familiarity answer (delphi.md §4.5: e.g. high 1.0,
  medium 0.6, low 0.3), with weighted quantiles (:func:`~foresight.delphi.numerics.weighted_quantile`);
* ``high_expertise`` — only answers whose familiarity level is marked ``high`` (NISTEP practice).

Quartiles use Hyndman–Fan type 2 by default (numpy ``averaged_inverted_cdf``; see
:mod:`foresight.delphi.numerics`). SD is the sample SD (``n − 1``; reliability-weighted in the weighted
view), ``CV = SD / mean`` (delphi.md §3.2, §4.1) and ``MAD-M = Σ w|x − median| / Σ w`` (ExpertLens).

Stakeholder-group summaries are suppressed below ``min_group_size`` respondents (delphi.md §5,
small-cell suppression, k = 5). When exactly one group falls below k, the next-smallest group is
suppressed as well, so the small group cannot be recovered as "overall minus the other groups".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from foresight.delphi.numerics import (
    DEFAULT_QUANTILE_METHOD,
    QuantileMethod,
    weighted_mean,
    weighted_quantile,
    weighted_sd,
)
from foresight.delphi.questions import (
    DONT_KNOW,
    NEVER,
    ChoiceQuestion,
    FamiliarityQuestion,
    OrdinalQuestion,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    SurveyTemplate,
    is_ordinal,
)
from foresight.delphi.validation import AnswerValue, ordinal_code

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


def _share(mask: np.ndarray, w: np.ndarray) -> float:
    return float(w[mask].sum() / w.sum())


def summarize_ordinal(
    question: OrdinalQuestion,
    values: Sequence[AnswerValue | None],
    weights: Sequence[float] | None = None,
    config: StatisticsConfig | None = None,
) -> OrdinalSummary:
    """Summarize answers to an ordinal question (``None`` values = not answered, ignored).

    ``weights`` (default 1) scale every count and share; ``n`` counts scored answers with positive weight.
    ``top_share``/``bottom_share`` are the shares in the top/bottom ``config.top_boxes`` scale points
    (percentage agreement, delphi.md §4.1), ``within_one_share`` those within ±1 score of the median,
    ``full_score_share`` the Chinese full-score frequency ``K_j`` (delphi.md §3.2), ``never_share`` the
    share of "never" among answers other than "don't know".
    """
    cfg = config or StatisticsConfig()
    scale = question.scale()
    w_all = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
    counts: dict[str, float] = {p.code: 0.0 for p in scale} | {c: 0.0 for c in question.special_codes()}
    xs: list[float] = []
    ws: list[float] = []
    n_resp = n_dk = n_never = 0
    for value, w in zip(values, w_all, strict=True):
        code = ordinal_code(question, value)
        if code is None:
            continue
        n_resp += 1
        counts[code] = counts.get(code, 0.0) + float(w)
        n_dk += code == DONT_KNOW
        n_never += code == NEVER
        score = question.score_of(code)
        if score is not None and w > 0:
            xs.append(score)
            ws.append(float(w))
    w_never = counts.get(NEVER, 0.0)
    opinion = sum(ws) + w_never
    base: dict[str, Any] = {
        "n_respondents": n_resp,
        "n": len(xs),
        "weight_total": float(sum(ws)),
        "n_dont_know": n_dk,
        "n_never": n_never,
        "counts": counts,
        "quantile_method": cfg.quantile_method,
        "never_share": (w_never / opinion)
        if isinstance(question, RealizationYearQuestion) and opinion
        else None,
    }
    if not xs:
        return OrdinalSummary(**base)
    x, w = np.asarray(xs), np.asarray(ws)

    def quant(q: float) -> float:
        return weighted_quantile(x, q, w, cfg.quantile_method)

    median, q1, q3 = quant(0.5), quant(0.25), quant(0.75)
    mean, sd = weighted_mean(x, w), weighted_sd(x, w)
    scale_scores = [p.score for p in scale]
    top_cut = scale_scores[-min(cfg.top_boxes, len(scale))]
    bottom_cut = scale_scores[min(cfg.top_boxes, len(scale)) - 1]
    point_weights = {p.code: counts[p.code] for p in scale}
    modal_weight = max(point_weights.values())
    stats: dict[str, Any] = {
        "median": median,
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
        "mean": mean,
        "sd": None if math.isnan(sd) else sd,
        "cv": None if math.isnan(sd) or mean <= 0 else sd / mean,
        "mad_median": float(np.dot(w, np.abs(x - median)) / w.sum()),
        "modal_codes": tuple(c for c, v in point_weights.items() if v == modal_weight),
        "modal_share": modal_weight / float(w.sum()),
        "within_one_share": _share(np.abs(x - median) <= 1.0 + 1e-12, w),
        "top_share": _share(x >= top_cut, w),
        "bottom_share": _share(x <= bottom_cut, w),
        "full_score_share": _share(x == scale_scores[-1], w),
    }
    if isinstance(question, RealizationYearQuestion):
        stats |= {
            "median_year": question.year_of_score(median),
            "q1_year": question.year_of_score(q1),
            "q3_year": question.year_of_score(q3),
        }
    return OrdinalSummary(**base, **stats)


def summarize_choices(
    codes: Sequence[str],
    selections: Sequence[Sequence[str] | None],
    weights: Sequence[float] | None = None,
) -> ChoiceSummary:
    """Count multi-choice selections; ``shares[c]`` = weight of respondents choosing ``c`` ÷ all respondents.

    ``codes`` fixes the order (and zero counts); codes outside it (e.g. unlisted countries) are appended.
    """
    w_all = [1.0] * len(selections) if weights is None else [float(v) for v in weights]
    counts: dict[str, float] = dict.fromkeys(codes, 0.0)
    total = 0.0
    n_resp = 0
    n_choices = 0.0
    for sel, w in zip(selections, w_all, strict=True):
        if sel is None:
            continue
        n_resp += 1
        total += w
        n_choices += w * len(sel)
        for code in sel:
            counts[code] = counts.get(code, 0.0) + w
    shares = {c: (v / total if total else 0.0) for c, v in counts.items()}
    return ChoiceSummary(
        n_respondents=n_resp,
        weight_total=total,
        counts=counts,
        shares=shares,
        mean_choices=(n_choices / total) if total else None,
    )


def expertise_weights(familiarity: FamiliarityQuestion, observations: Sequence[Observation]) -> list[float]:
    """Expertise weight ``e_i`` of each observation from its familiarity code (delphi.md §4.5)."""
    return [familiarity.weight_of(o.familiarity) for o in observations]


def suppressed_groups(sizes: dict[str, int], min_group_size: int, secondary: bool = True) -> set[str]:
    """Groups to hide: those below ``min_group_size``, plus complementary suppression.

    If exactly one group is below the threshold and others are shown, the smallest of the others is
    hidden too; otherwise the small group's counts would follow from the overall counts.
    """
    primary = {g for g, n in sizes.items() if n < min_group_size}
    if secondary and len(primary) == 1 and len(sizes) > 1:
        rest = sorted((n, g) for g, n in sizes.items() if g not in primary)
        primary.add(rest[0][1])
    return primary


def _views(
    observations: Sequence[Observation],
    summarize: Callable[[Sequence[Observation], Sequence[float] | None], OrdinalSummary | ChoiceSummary],
    familiarity: FamiliarityQuestion | None,
    cfg: StatisticsConfig,
) -> ViewSet:
    answered = [o for o in observations if o.value is not None]
    groups: dict[str, list[Observation]] = {}
    for o in answered:
        groups.setdefault(o.group or UNSPECIFIED_GROUP, []).append(o)
    hidden = suppressed_groups(
        {g: len(v) for g, v in groups.items()}, cfg.min_group_size, cfg.secondary_suppression
    )
    weighted = high = None
    if familiarity is not None:
        weighted = summarize(answered, expertise_weights(familiarity, answered))
        high = summarize([o for o in answered if familiarity.is_high(o.familiarity)], None)
    return ViewSet(
        all=summarize(answered, None),
        weighted=weighted,
        high_expertise=high,
        groups={g: (None if g in hidden else summarize(obs, None)) for g, obs in sorted(groups.items())},
        suppressed_groups=tuple(sorted(hidden)),
        min_group_size=cfg.min_group_size,
    )


def question_statistics(
    question: Question,
    observations: Sequence[Observation],
    *,
    familiarity: FamiliarityQuestion | None = None,
    config: StatisticsConfig | None = None,
) -> QuestionStatistics:
    """All views of one item × question in one round (reason questions only get ``n_respondents``).

    Parameters
    ----------
    question
        The question; its kind decides between ordinal and choice statistics. An R&D-position question
        gets both: the position as ordinal, the leading countries as choices.
    observations
        One per expert; ``value`` must already be normalized (:func:`validate_answer`).
    familiarity
        The template's familiarity question; without it the weighted and high-expertise views are ``None``.
    """
    cfg = config or StatisticsConfig()
    ordinal = choices = None
    if is_ordinal(question):
        q = question

        def ordinal_summary(obs: Sequence[Observation], w: Sequence[float] | None) -> OrdinalSummary:
            return summarize_ordinal(q, [o.value for o in obs], w, cfg)

        ordinal = _views(observations, ordinal_summary, familiarity, cfg)
    if isinstance(question, ChoiceQuestion):
        option_codes = [o.code for o in question.options]

        def choice_summary(obs: Sequence[Observation], w: Sequence[float] | None) -> ChoiceSummary:
            return summarize_choices(option_codes, [_selection(o.value) for o in obs], w)

        choices = _views(observations, choice_summary, familiarity, cfg)
    elif isinstance(question, RDPositionQuestion) and question.ask_leading_countries:
        country_codes = [c.code for c in question.countries]

        def country_summary(obs: Sequence[Observation], w: Sequence[float] | None) -> ChoiceSummary:
            sel = [o.value.get("leading_countries", []) if isinstance(o.value, dict) else [] for o in obs]
            return summarize_choices(country_codes, sel, w)

        choices = _views(observations, country_summary, familiarity, cfg)
    return QuestionStatistics(
        question_id=question.id,
        kind=question.kind,
        n_respondents=sum(o.value is not None for o in observations),
        ordinal=ordinal,
        choices=choices,
    )


def _selection(value: AnswerValue | None) -> list[str] | None:
    if value is None:
        return None
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def observations_for(
    records: Sequence[AnswerRecord], template: SurveyTemplate, item_id: str, question_id: str
) -> list[Observation]:
    """Observations of one item × question, each joined to the same expert's familiarity with the item."""
    fam_id = template.familiarity_question
    familiarity = {
        r.expert_id: r.value for r in records if r.item_id == item_id and r.question_id == fam_id and r.value
    }
    return [
        Observation(
            expert_id=r.expert_id,
            value=r.value,
            familiarity=str(familiarity[r.expert_id]) if r.expert_id in familiarity else None,
            group=r.group,
        )
        for r in records
        if r.item_id == item_id and r.question_id == question_id
    ]


def item_statistics(
    template: SurveyTemplate,
    records: Sequence[AnswerRecord],
    item_id: str,
    config: StatisticsConfig | None = None,
) -> dict[str, QuestionStatistics]:
    """:func:`question_statistics` for every question of ``template`` on one item."""
    return {
        q.id: question_statistics(
            q,
            observations_for(records, template, item_id, q.id),
            familiarity=template.familiarity,
            config=config,
        )
        for q in template.questions
    }
