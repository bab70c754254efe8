"""Consensus rules, paired stability and the stopping rule on crafted rounds."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from pydantic import ValidationError

from foresight.delphi import (
    DONT_KNOW,
    AgreementMeasure,
    ConsensusRule,
    ItemState,
    Observation,
    StabilityMethod,
    StabilityRule,
    StoppingRule,
    assess,
    default_rule_for,
    default_template,
    item_done,
    items_to_ask,
    mcnemar_exact,
    paired_stability,
    study_finished,
    wilcoxon_signed_rank,
)

T = default_template()
IMPORTANCE = T.ordinal_question("importance")
CODE = {5: "very_high", 4: "high", 3: "medium", 2: "low", 1: "very_low"}


def _round(scores: Sequence[int | str]) -> list[Observation]:
    return [Observation(f"e{i}", CODE[s] if isinstance(s, int) else s) for i, s in enumerate(scores)]


def test_consensus_in_and_stable_is_done() -> None:
    # sorted 3,4,4,4,4,4,5,5,5,5: Q1 = x_3 = 4 (n·q = 2.5), Q3 = x_8 = 5 (7.5) -> IQR 1 ≤ 1
    # top-2 share 9/10 ≥ 70 %, bottom-2 0 < 15 %; mean 4.3, s² = (189 − 184.9)/9, CV ≈ 0.157 ≤ 0.5
    scores = [5, 5, 5, 4, 4, 4, 4, 5, 4, 3]
    a = assess(IMPORTANCE, _round(scores), _round(scores))
    assert a.state is ItemState.CONSENSUS and a.direction == "in"
    assert a.criteria == {"iqr": True, "cv": True, "agreement": True}
    assert a.stability is not None and a.stability.changed_share == 0 and a.stability.stable is True
    assert a.done


def test_consensus_out() -> None:
    # sorted 1,1,1,1,1,1,2,2,2,3: IQR = x_8 − x_3 = 2 − 1 = 1; bottom-2 9/10, top-2 0;
    # mean 1.5, Σ(x − m)² = 27 − 22.5 = 4.5, s = √0.5 ≈ 0.707, CV ≈ 0.471 ≤ 0.5
    scores = [1, 1, 2, 1, 2, 1, 1, 2, 1, 3]
    a = assess(IMPORTANCE, _round(scores), _round(scores))
    assert a.state is ItemState.CONSENSUS and a.direction == "out" and a.done


def test_dissensus_stable() -> None:
    # polarised: 1,1,1,2,2,4,5,5,5,5 -> IQR = x_8 − x_3 = 5 − 1 = 4; one expert moved 2 -> 1: 10 % ≤ 15 %
    r1 = [1, 1, 1, 2, 2, 4, 5, 5, 5, 5]
    r2 = [1, 1, 1, 1, 2, 4, 5, 5, 5, 5]
    a = assess(IMPORTANCE, _round(r2), _round(r1))
    assert a.consensus is False and a.criteria["iqr"] is False
    assert a.stability is not None and a.stability.changed_share == pytest.approx(0.1)
    assert a.state is ItemState.DISSENSUS_STABLE and a.done


def test_unstable() -> None:
    r1 = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5]
    r2 = [2, 3, 3, 4, 4, 2, 2, 4, 4, 5]  # experts 0, 1, 4, 5, 7 changed: 5/10 = 50 % > 15 %
    a = assess(IMPORTANCE, _round(r2), _round(r1))
    assert a.stability is not None and a.stability.changed_share == pytest.approx(0.5)
    assert a.state is ItemState.UNSTABLE and not a.done


def test_insufficient_and_open() -> None:
    a = assess(IMPORTANCE, _round([5, 5, 4, 4, DONT_KNOW, DONT_KNOW]))
    assert a.state is ItemState.INSUFFICIENT and a.n == 4 and not a.done
    first = assess(IMPORTANCE, _round([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]))
    assert first.state is ItemState.OPEN and first.stability is None and not first.done


def test_first_round_consensus_needs_stability_unless_waived() -> None:
    scores = [5, 5, 5, 4, 4, 4, 4, 5, 4, 3]
    a = assess(IMPORTANCE, _round(scores))
    assert a.state is ItemState.CONSENSUS and not a.done
    waived = StoppingRule(require_stability_for_consensus=False)
    assert assess(IMPORTANCE, _round(scores), stopping=waived).done


def test_middle_agreement_is_no_top_box_consensus_but_is_within_one() -> None:
    # everyone says "medium": IQR 0, but neither ≥ 70 % in the top nor the bottom boxes
    scores = [3] * 8
    a = assess(IMPORTANCE, _round(scores))
    assert a.consensus is False and a.criteria["agreement"] is False
    rule = ConsensusRule(agreement_measure=AgreementMeasure.WITHIN_ONE)
    assert assess(IMPORTANCE, _round(scores), rule=rule).consensus is True


def test_weighted_view_rule_and_rule_is_frozen() -> None:
    answers = [(5, "high")] * 6 + [(2, "low"), (1, "low"), (1, "low")]
    obs = [Observation(f"e{i}", CODE[s], fam) for i, (s, fam) in enumerate(answers)]
    # unweighted: top-2 share 6/9 = 66.7 % < 70 %  -> no consensus
    # weighted (high 1.0, low 0.3): W = 6.9; top-2 6/6.9 = 87 %, bottom-2 0.9/6.9 = 13 % < 15 %;
    # cum 0.3 (1), 0.6 (1), 0.9 (2), 1.9 … 6.9 (5): Q1 = first ≥ 1.725 -> 5, Q3 = 5, IQR 0 -> consensus in
    rule = ConsensusRule(view="weighted", cv_max=None)
    assert assess(IMPORTANCE, obs, rule=rule, familiarity=T.familiarity).consensus is True
    assert assess(IMPORTANCE, obs, rule=rule.model_copy(update={"view": "all"})).consensus is False
    with pytest.raises(ValueError, match="familiarity"):
        assess(IMPORTANCE, obs, rule=rule)
    with pytest.raises(ValidationError):
        rule.iqr_max = 2  # type: ignore[misc]


def test_default_rules_per_question_kind() -> None:
    assert default_rule_for(IMPORTANCE) == ConsensusRule()
    years = default_rule_for(T.question("realization_technological"))
    assert (
        years is not None and years.agreement_measure is AgreementMeasure.WITHIN_ONE and years.cv_max is None
    )
    rd = default_rule_for(T.question("rd_position"))
    assert rd is not None and rd.agreement_measure is AgreementMeasure.MODAL
    assert default_rule_for(T.question("constraints")) is None
    assert default_rule_for(T.question("familiarity")) is None


def test_year_consensus() -> None:
    q = T.ordinal_question("realization_technological")
    # bins 2, 2, 2, 3, 3, 2, 2, 2, 1, 2: IQR = x_8 − x_3 = 2 − 2 = 0; within ±1 of 2: 10/10
    codes = {1: "y2026_2030", 2: "y2031_2035", 3: "y2036_2040"}
    obs = [Observation(f"e{i}", codes[b]) for i, b in enumerate([2, 2, 2, 3, 3, 2, 2, 2, 1, 2])]
    a = assess(q, obs, obs)
    assert a.state is ItemState.CONSENSUS and a.direction is None and a.done


def test_paired_stability_ignores_attrition_and_measures() -> None:
    prev = _round([1, 2, 3, 4, 5, 5])
    cur = _round([1, 2, 3, 4, 4])  # e5 dropped out; e4 changed 5 -> 4
    s = paired_stability(IMPORTANCE, prev, cur)
    assert s.n_paired == 5 and s.changed_share == pytest.approx(0.2) and s.stable is False
    # paired distribution: prev {1,2,3,4,5}, cur {1,2,3,4,4}: ½(|0|·3 + |1 − 2| + |1 − 0|)/5 = 0.2
    assert s.distribution_change == pytest.approx(0.2)
    few = paired_stability(IMPORTANCE, prev[:3], cur[:3])
    assert few.n_paired == 3 and few.stable is None  # fewer than min_paired = 5
    dist = StabilityRule(method=StabilityMethod.DISTRIBUTION_CHANGE, max_change=0.25)
    assert paired_stability(IMPORTANCE, prev, cur, dist).stable is True


def test_wilcoxon_exact_by_hand() -> None:
    # d = +1, −2, +3, +4, +5 (no ties): W⁺ = 13, W⁻ = 2. Of 2⁵ = 32 sign patterns, W⁻ ≤ 2 for {}, {1}, {2}:
    # P(W⁺ ≥ 13) = 3/32, two-sided p = 6/32 = 0.1875
    r = wilcoxon_signed_rank([0, 2, 0, 0, 0], [1, 0, 3, 4, 5])
    assert r.exact and (r.w_plus, r.w_minus) == (13, 2) and r.p_value == pytest.approx(0.1875)
    assert wilcoxon_signed_rank([1, 2], [1, 2]).p_value == 1.0


def test_wilcoxon_matches_scipy() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(7)
    for _ in range(20):
        before = rng.integers(1, 6, size=30)
        after = np.clip(before + rng.integers(-1, 2, size=30) + rng.integers(0, 2, size=30), 1, 5)
        if np.all(before == after):
            continue
        ours = wilcoxon_signed_rank(before, after)
        ref = stats.wilcoxon(before, after, zero_method="wilcox", correction=True, method="approx")
        assert not ours.exact
        assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    x, y = [1.0, 2.5, 3.0, 4.25, 7.0, 9.0], [2.0, 1.0, 6.5, 4.0, 12.0, 9.5]
    ref = stats.wilcoxon(x, y, method="exact")
    assert wilcoxon_signed_rank(x, y).p_value == pytest.approx(ref.pvalue)


def test_wilcoxon_stability_rule() -> None:
    r1 = [1, 2, 2, 3, 3, 3, 4, 4, 2, 1]
    r2 = [3, 4, 4, 5, 5, 4, 5, 5, 4, 3]  # everyone moved up: significant shift -> unstable
    rule = StabilityRule(method=StabilityMethod.WILCOXON)
    s = paired_stability(IMPORTANCE, _round(r1), _round(r2), rule)
    assert s.wilcoxon is not None and s.wilcoxon.p_value < 0.05 and s.stable is False
    same = paired_stability(IMPORTANCE, _round(r1), _round(r1), rule)
    assert same.stable is True


def test_mcnemar() -> None:
    # 5 experts dropped the option, none added it: p = 2·(½)⁵ = 0.0625
    assert mcnemar_exact([True] * 5 + [False] * 3, [False] * 8) == pytest.approx(0.0625)
    with pytest.raises(ValueError):
        mcnemar_exact([True], [])


def test_item_and_study_stopping() -> None:
    done = assess(IMPORTANCE, _round([5] * 6), _round([5] * 6))
    open_ = assess(IMPORTANCE, _round([1, 5, 1, 5, 1, 5]))
    assert done.done and not open_.done
    items = {"a": [done], "b": [done, open_]}
    assert item_done(items["a"]) and not item_done(items["b"])
    assert items_to_ask(items) == ["b"]
    assert not study_finished(items, round_number=2)
    assert study_finished(items, round_number=3)  # default max_rounds = 3
    assert study_finished({"a": [done]}, round_number=1)
