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

The input and result types live in :mod:`foresight.delphi.summaries` and the summaries of one set of
answers in :mod:`foresight.delphi.scale_statistics`; this module builds the views per item × question and
re-exports both, so it stays the place to import from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from foresight.delphi.questions import (
    ChoiceQuestion,
    FamiliarityQuestion,
    Question,
    RDPositionQuestion,
    SurveyTemplate,
    is_ordinal,
)
from foresight.delphi.scale_statistics import summarize_choices, summarize_ordinal
from foresight.delphi.summaries import (
    DEFAULT_MIN_GROUP_SIZE,
    UNSPECIFIED_GROUP,
    AnswerRecord,
    ChoiceSummary,
    Observation,
    OrdinalSummary,
    QuestionStatistics,
    S,
    StatisticsConfig,
    ViewSet,
)
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
    "expertise_weights",
    "item_statistics",
    "observations_for",
    "question_statistics",
    "summarize_choices",
    "summarize_ordinal",
    "suppressed_groups",
]


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
