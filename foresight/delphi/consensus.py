"""Pre-registered consensus and stability rules, item states and the stopping rule (delphi.md §4.1–4.4).

Per item × question and round the state is one of

* ``insufficient`` — fewer scored answers than the rule's ``min_responses``;
* ``consensus`` — every enabled consensus criterion holds (with direction ``in``/``out`` for top-box
  agreement, after the core-outcome-set rule of delphi.md §4.1);
* ``dissensus_stable`` — no consensus, but the answers are stable between rounds;
* ``unstable`` — no consensus and the answers still move;
* ``open`` — no consensus and stability cannot be judged yet (first round, or too few paired experts).

Stopping (delphi.md §4.4): an item × question is *done* — carried forward, not asked again — when
(a) consensus is reached and the item is stable (stability can be waived with
``require_stability_for_consensus=False``), or (b) it is stable without consensus (reported as dissensus,
arguments preserved). The study stops at ``max_rounds`` or when every item is done. Note von der Gracht
(2012): consensus alone is not a suitable stopping criterion, hence stability is required by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from pydantic import BaseModel, ConfigDict, Field

from foresight.delphi.numerics import binomial_two_sided_half, midranks, normal_sf, signed_rank_null_counts
from foresight.delphi.questions import (
    FamiliarityQuestion,
    ImportanceQuestion,
    OrdinalQuestion,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
)
from foresight.delphi.statistics import Observation, OrdinalSummary, StatisticsConfig, question_statistics
from foresight.delphi.validation import ordinal_code


class ItemState(StrEnum):
    CONSENSUS = "consensus"
    DISSENSUS_STABLE = "dissensus_stable"
    UNSTABLE = "unstable"
    OPEN = "open"
    INSUFFICIENT = "insufficient"


class AgreementMeasure(StrEnum):
    TOP_BOX = "top_box"  # share in the top (consensus in) or bottom (consensus out) boxes
    WITHIN_ONE = "within_one"  # share within ±1 scale point of the median
    MODAL = "modal"  # share in the modal category


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConsensusRule(_Frozen):
    """A pre-registered consensus rule; all enabled (non-``None``) criteria must hold.

    Defaults (delphi.md §4.1): ``IQR ≤ 1`` on a 4–5 point scale (Birko, Dove & Özdemir 2015; Surveylet and
    boreallogic presets); percentage agreement ``≥ 70 %`` in the top boxes with ``< 15 %`` in the
    opposite boxes (core-outcome-set rule; the median threshold across 100 studies was 75 %, Diamond et al.
    2014); ``CV ≤ 0.5`` (English & Kernan 1976, "good consensus", [R] in delphi.md). Combining several
    criteria follows Giannarou & Zervas. ``min_responses`` (5) is this package's choice, matching the
    small-cell threshold k = 5.
    """

    iqr_max: float | None = Field(default=1.0, ge=0)
    agreement_measure: AgreementMeasure = AgreementMeasure.TOP_BOX
    agreement_min: float | None = Field(default=0.70, ge=0, le=1)
    opposite_max: float | None = Field(default=0.15, ge=0, le=1)
    cv_max: float | None = Field(default=0.5, ge=0)
    sd_max: float | None = Field(default=None, ge=0)
    min_responses: int = Field(default=5, ge=1)
    view: Literal["all", "weighted", "high_expertise"] = "all"


class StabilityMethod(StrEnum):
    CHANGED_SHARE = "changed_share"  # share of paired experts who changed their answer
    DISTRIBUTION_CHANGE = "distribution_change"  # net change of the paired distribution (Scheibe et al.)
    WILCOXON = "wilcoxon"  # paired signed-rank test; not significant = stable


class StabilityRule(_Frozen):
    """Paired stability between consecutive rounds (delphi.md §4.3).

    Default: at most 15 % of the experts who answered both rounds changed their answer (the ≤ 15 % rule of
    Scheibe, Skutsch & Schofer 1975 / Dajani, Sincoff & Talley 1979, applied to paired answers so that
    attrition does not shift the denominator). ``wilcoxon`` calls the answers stable when the two-sided
    signed-rank p-value is ``≥ alpha``.
    """

    method: StabilityMethod = StabilityMethod.CHANGED_SHARE
    max_change: float = Field(default=0.15, ge=0, le=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    min_paired: int = Field(default=5, ge=1)


class StoppingRule(_Frozen):
    """When an item × question is done, and when the study stops (delphi.md §4.4; 2–3 rounds typical)."""

    max_rounds: int = Field(default=3, ge=1)
    require_stability_for_consensus: bool = True
    stop_on_stable_dissensus: bool = True


class WilcoxonResult(_Frozen):
    n_nonzero: int
    w_plus: float
    w_minus: float
    p_value: float
    exact: bool


class StabilityResult(_Frozen):
    n_paired: int
    changed_share: float | None
    distribution_change: float | None
    wilcoxon: WilcoxonResult | None
    stable: bool | None


class Assessment(_Frozen):
    """State of one item × question after a round, with the evidence behind it."""

    question_id: str
    state: ItemState
    direction: Literal["in", "out"] | None = None
    consensus: bool | None
    criteria: dict[str, bool]
    stability: StabilityResult | None
    done: bool
    n: int


def default_rule_for(question: Question) -> ConsensusRule | None:
    """The default rule per question kind; ``None`` for questions that are not assessed.

    Importance: :class:`ConsensusRule` defaults. Realisation year: IQR ≤ one bin and ≥ 70 % within ±1 bin
    of the median, no CV (bin positions are not a ratio scale). R&D position (3 points): IQR ≤ 1 and
    ≥ 70 % in the modal position. Familiarity, multi-choice and reason questions are not assessed.
    """
    if isinstance(question, ImportanceQuestion):
        return ConsensusRule()
    if isinstance(question, RealizationYearQuestion):
        return ConsensusRule(agreement_measure=AgreementMeasure.WITHIN_ONE, opposite_max=None, cv_max=None)
    if isinstance(question, RDPositionQuestion):
        return ConsensusRule(agreement_measure=AgreementMeasure.MODAL, opposite_max=None, cv_max=None)
    return None


def check_consensus(
    summary: OrdinalSummary, rule: ConsensusRule
) -> tuple[bool, Literal["in", "out"] | None, dict[str, bool]]:
    """Apply ``rule`` to a summary: (consensus?, direction, criterion → met)."""
    crit: dict[str, bool] = {}
    direction: Literal["in", "out"] | None = None
    if rule.iqr_max is not None:
        crit["iqr"] = summary.iqr is not None and summary.iqr <= rule.iqr_max + 1e-12
    if rule.sd_max is not None:
        crit["sd"] = summary.sd is not None and summary.sd <= rule.sd_max + 1e-12
    if rule.cv_max is not None:
        crit["cv"] = summary.cv is not None and summary.cv <= rule.cv_max + 1e-12
    if rule.agreement_min is not None:
        need = rule.agreement_min - 1e-12
        if rule.agreement_measure is AgreementMeasure.TOP_BOX:
            top, bottom = summary.top_share or 0.0, summary.bottom_share or 0.0
            cap = rule.opposite_max
            if top >= need and (cap is None or bottom < cap):
                direction = "in"
            elif bottom >= need and (cap is None or top < cap):
                direction = "out"
            crit["agreement"] = direction is not None
        elif rule.agreement_measure is AgreementMeasure.WITHIN_ONE:
            crit["agreement"] = (summary.within_one_share or 0.0) >= need
        else:
            crit["agreement"] = (summary.modal_share or 0.0) >= need
    return (bool(crit) and all(crit.values())), direction, crit


def wilcoxon_signed_rank(before: ArrayLike, after: ArrayLike) -> WilcoxonResult:
    """Two-sided Wilcoxon signed-rank test of paired ordinal answers (delphi.md §4.3).

    Zero differences are dropped (Wilcoxon's convention); ties among ``|d|`` get mid-ranks. With at most
    25 non-zero differences and no ties the p-value is exact (null distribution of ``W⁺`` by dynamic
    programming, ``p = min(1, 2·min(P(W⁺ ≤ w), P(W⁺ ≥ w)))``); otherwise the normal approximation with
    tie-corrected variance ``n(n+1)(2n+1)/24 − Σ(t³ − t)/48`` and a continuity correction of ½ is used.
    """
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    d = d[d != 0]
    n = d.size
    if n == 0:
        return WilcoxonResult(n_nonzero=0, w_plus=0.0, w_minus=0.0, p_value=1.0, exact=True)
    ranks = midranks(np.abs(d))
    w_plus, w_minus = float(ranks[d > 0].sum()), float(ranks[d < 0].sum())
    _, tie_counts = np.unique(np.abs(d), return_counts=True)
    if n <= 25 and np.all(tie_counts == 1):
        counts = signed_rank_null_counts(n)
        total = counts.sum()
        w = round(w_plus)
        p = 2.0 * min(counts[: w + 1].sum(), counts[w:].sum()) / total
        return WilcoxonResult(n_nonzero=n, w_plus=w_plus, w_minus=w_minus, p_value=min(1.0, p), exact=True)
    mean = n * (n + 1) / 4.0
    var = n * (n + 1) * (2 * n + 1) / 24.0 - float(np.sum(tie_counts**3 - tie_counts)) / 48.0
    if var <= 0:
        return WilcoxonResult(n_nonzero=n, w_plus=w_plus, w_minus=w_minus, p_value=1.0, exact=False)
    diff = w_plus - mean
    z = (abs(diff) - 0.5) / np.sqrt(var) if diff != 0 else 0.0
    p = min(1.0, 2.0 * normal_sf(max(float(z), 0.0)))
    return WilcoxonResult(n_nonzero=n, w_plus=w_plus, w_minus=w_minus, p_value=p, exact=False)


def mcnemar_exact(before: Sequence[bool], after: Sequence[bool]) -> float:
    """Exact two-sided McNemar p-value for paired binary answers (e.g. one option chosen or not).

    Only the discordant pairs count: ``b`` (yes → no) and ``c`` (no → yes); under stability
    ``b ~ Binomial(b + c, ½)`` (delphi.md §4.3, McNemar test for binary items).
    """
    if len(before) != len(after):
        raise ValueError("before and after must be paired (same length)")
    b = sum(1 for x, y in zip(before, after, strict=True) if x and not y)
    c = sum(1 for x, y in zip(before, after, strict=True) if y and not x)
    return binomial_two_sided_half(b, b + c)


def paired_stability(
    question: OrdinalQuestion,
    previous: Sequence[Observation],
    current: Sequence[Observation],
    rule: StabilityRule | None = None,
) -> StabilityResult:
    """Stability of the same experts' answers between two rounds (pairs matched on ``expert_id``).

    * ``changed_share`` — share of paired experts whose answer code changed (to/from "don't know" counts);
    * ``distribution_change`` — ``½ Σ_c |p_prev(c) − p_cur(c)|`` over the paired experts' codes, the
      net share of answers that moved between categories (Scheibe et al. 1975);
    * ``wilcoxon`` — signed-rank test on pairs where both answers are scored.
    """
    rule = rule or StabilityRule()
    prev = {o.expert_id: ordinal_code(question, o.value) for o in previous if o.value is not None}
    pairs = [
        (prev[o.expert_id], ordinal_code(question, o.value))
        for o in current
        if o.value is not None and o.expert_id in prev
    ]
    n = len(pairs)
    if n == 0:
        return StabilityResult(
            n_paired=0, changed_share=None, distribution_change=None, wilcoxon=None, stable=None
        )
    changed = sum(a != b for a, b in pairs) / n
    codes = {c for pair in pairs for c in pair}
    dist = 0.5 * sum(abs(sum(a == c for a, _ in pairs) - sum(b == c for _, b in pairs)) for c in codes) / n
    scored = [
        (question.score_of(a), question.score_of(b)) for a, b in pairs if a is not None and b is not None
    ]
    scored_pairs = [(a, b) for a, b in scored if a is not None and b is not None]
    wil = (
        wilcoxon_signed_rank([a for a, _ in scored_pairs], [b for _, b in scored_pairs])
        if scored_pairs
        else None
    )
    stable: bool | None
    if n < rule.min_paired:
        stable = None
    elif rule.method is StabilityMethod.CHANGED_SHARE:
        stable = changed <= rule.max_change + 1e-12
    elif rule.method is StabilityMethod.DISTRIBUTION_CHANGE:
        stable = dist <= rule.max_change + 1e-12
    else:
        stable = None if wil is None else wil.p_value >= rule.alpha
    return StabilityResult(
        n_paired=n, changed_share=changed, distribution_change=dist, wilcoxon=wil, stable=stable
    )


def is_done(consensus: bool, stable: bool | None, stopping: StoppingRule) -> bool:
    """Stopping rule for one item × question (delphi.md §4.4 (a)/(b))."""
    if consensus:
        return stable is True or not stopping.require_stability_for_consensus
    return stable is True and stopping.stop_on_stable_dissensus


def assess(
    question: OrdinalQuestion,
    current: Sequence[Observation],
    previous: Sequence[Observation] | None = None,
    *,
    rule: ConsensusRule | None = None,
    stability: StabilityRule | None = None,
    stopping: StoppingRule | None = None,
    familiarity: FamiliarityQuestion | None = None,
    config: StatisticsConfig | None = None,
) -> Assessment:
    """State of one item × question after a round.

    ``rule`` defaults to :func:`default_rule_for`; the consensus criteria are evaluated on the rule's
    view (``weighted``/``high_expertise`` need ``familiarity``). ``previous`` is the preceding round's
    observations of the same item × question (``None`` in the first round).
    """
    rule = rule or default_rule_for(question) or ConsensusRule()
    stopping = stopping or StoppingRule()
    stats = question_statistics(question, current, familiarity=familiarity, config=config)
    assert stats.ordinal is not None
    summary = getattr(stats.ordinal, rule.view)
    if not isinstance(summary, OrdinalSummary):
        raise ValueError(f"view {rule.view!r} needs the template's familiarity question")
    stab = paired_stability(question, previous, current, stability) if previous is not None else None
    stable = stab.stable if stab is not None else None
    if summary.n < rule.min_responses:
        return Assessment(
            question_id=question.id,
            state=ItemState.INSUFFICIENT,
            consensus=None,
            criteria={},
            stability=stab,
            done=False,
            n=summary.n,
        )
    consensus, direction, criteria = check_consensus(summary, rule)
    if consensus:
        state = ItemState.CONSENSUS
    elif stable is None:
        state = ItemState.OPEN
    else:
        state = ItemState.DISSENSUS_STABLE if stable else ItemState.UNSTABLE
    return Assessment(
        question_id=question.id,
        state=state,
        direction=direction,
        consensus=consensus,
        criteria=criteria,
        stability=stab,
        done=is_done(consensus, stable, stopping),
        n=summary.n,
    )


def item_done(assessments: Iterable[Assessment]) -> bool:
    """An item is done when every assessed question of it is done."""
    return all(a.done for a in assessments)


def items_to_ask(assessments: Mapping[str, Iterable[Assessment]]) -> list[str]:
    """Item ids that are not done and must be asked again in the next round."""
    return [item for item, items in assessments.items() if not item_done(items)]


def study_finished(
    assessments: Mapping[str, Iterable[Assessment]], round_number: int, stopping: StoppingRule | None = None
) -> bool:
    """The study stops at ``max_rounds`` or when every item is done (delphi.md §4.4)."""
    stopping = stopping or StoppingRule()
    return round_number >= stopping.max_rounds or not items_to_ask(assessments)
