"""Priority indices, Kendall's W and bootstrap rank intervals."""

from __future__ import annotations

import numpy as np
import pytest

from foresight.delphi import (
    DONT_KNOW,
    NEVER,
    AnswerRecord,
    Observation,
    answer_points,
    bootstrap_rank_intervals,
    default_template,
    item_indices,
    kendalls_w,
    question_index,
    reciprocal_urgency,
    score_matrix,
)

T = default_template()
CODE = {5: "very_high", 4: "high", 3: "medium", 2: "low", 1: "very_low"}


def test_importance_index_by_hand() -> None:
    # counts: very high 2, high 3, medium 1, low 1, very low 0, don't know 1 (n = 8)
    # I = (100·2 + 75·3 + 50·1 + 25·1 + 0·0)/(8 − 1) = 500/7 ≈ 71.43  (delphi.md §4.5)
    q = T.question("importance")
    obs = [Observation(f"e{i}", CODE[s]) for i, s in enumerate([5, 4, 4, 3, 5, 2, 4])]
    obs.append(Observation("dk", DONT_KNOW))
    assert question_index(q, obs) == pytest.approx(500 / 7)


def test_weighted_and_high_expertise_importance() -> None:
    q = T.question("importance")
    obs = [
        Observation("a", "very_high", "high"),  # 100, weight 1.0
        Observation("b", "low", "low"),  # 25, weight 0.3
        Observation("c", "medium", "medium"),  # 50, weight 0.6
    ]
    # unweighted (100 + 25 + 50)/3 = 58.33; weighted (100 + 7.5 + 30)/1.9 = 72.37; high only: 100
    assert question_index(q, obs) == pytest.approx(175 / 3)
    assert question_index(q, obs, view="weighted", familiarity=T.familiarity) == pytest.approx(137.5 / 1.9)
    assert question_index(q, obs, view="high_expertise", familiarity=T.familiarity) == 100
    with pytest.raises(ValueError):
        question_index(q, obs, view="weighted")


def test_urgency_gap_feasibility_points() -> None:
    years = T.question("realization_technological")  # k = 6 bins: 2026–30 … 2046–50, after 2050
    # v_b = 100·(k + 1 − b)/k: first bin 100, second 83.3, last (after 2050) 16.7, never 0
    assert answer_points(years, "y2026_2030") == 100
    assert answer_points(years, "y2031_2035") == pytest.approx(500 / 6)
    assert answer_points(years, "after_2050") == pytest.approx(100 / 6)
    assert answer_points(years, NEVER) == 0 and answer_points(years, DONT_KNOW) is None
    rd = T.question("rd_position")  # gap: leading 0, on par 50, behind 100
    assert [
        answer_points(rd, {"position": p, "leading_countries": []}) for p in ("leading", "on_par", "behind")
    ] == [
        0,
        50,
        100,
    ]
    cons = T.question("constraints")  # no max_choices: cap = 8 options of positive weight ("none" weighs 0)
    assert answer_points(cons, ["none"]) == 100
    assert answer_points(cons, ["technical", "elsi"]) == pytest.approx(100 * (1 - 2 / 8))
    assert reciprocal_urgency(2035, 2025) == pytest.approx(0.1) and reciprocal_urgency(2020, 2025) is None


def test_item_indices_from_records() -> None:
    r = [
        AnswerRecord("e1", "x", "familiarity", "high"),
        AnswerRecord("e1", "x", "importance", "very_high"),
        AnswerRecord("e1", "x", "realization_technological", "y2026_2030"),
        AnswerRecord("e1", "x", "realization_social", "y2036_2040"),
        AnswerRecord("e1", "x", "rd_position", {"position": "behind", "leading_countries": ["US", "JP"]}),
        AnswerRecord("e1", "x", "constraints", ["technical"]),
        AnswerRecord("e2", "x", "familiarity", "low"),
        AnswerRecord("e2", "x", "importance", "medium"),
        AnswerRecord("e2", "x", "realization_technological", NEVER),
        AnswerRecord("e2", "x", "rd_position", {"position": "on_par", "leading_countries": ["US"]}),
        AnswerRecord("e2", "x", "constraints", ["none"]),
    ]
    idx = item_indices(T, r, "x")
    assert idx.importance == pytest.approx(75)  # (100 + 50)/2
    assert idx.urgency == pytest.approx(50)  # (100 + 0)/2
    assert idx.urgency_social == pytest.approx(400 / 6)  # bin 3 of 6: 100·4/6
    assert idx.gap == pytest.approx(75)  # (100 + 50)/2
    assert idx.feasibility == pytest.approx((87.5 + 100) / 2)
    assert idx.position_shares == {"behind": 0.5, "on_par": 0.5, "leading": 0.0}
    assert idx.modal_leading_countries == ("US",)
    w = item_indices(T, r, "x", view="weighted")
    assert w.importance == pytest.approx((100 * 1 + 50 * 0.3) / 1.3)
    high = item_indices(T, r, "x", view="high_expertise")
    assert high.importance == 100 and high.urgency == 100


def test_kendalls_w_without_ties() -> None:
    # 3 experts rank 6 items (a textbook-style worked example):
    #   expert X: 1 6 3 2 5 4
    #   expert Y: 1 5 6 4 2 3
    #   expert Z: 6 3 2 5 4 1
    # rank sums R = 8, 14, 11, 11, 11, 8 (Σ = 63), mean 10.5
    # S = 2·2.5² + 3.5² + 3·0.5² = 12.5 + 12.25 + 0.75 = 25.5
    # W = 12·S/(m²(n³ − n)) = 306/(9·210) = 0.1619;  χ² = m(n − 1)W = 15·0.1619 = 2.4286, df 5
    ranks: list[list[float]] = [[1, 6, 3, 2, 5, 4], [1, 5, 6, 4, 2, 3], [6, 3, 2, 5, 4, 1]]
    k = kendalls_w(ranks)
    assert k.s == pytest.approx(25.5)
    assert k.w == pytest.approx(306 / 1890)
    assert k.chi2 == pytest.approx(15 * 306 / 1890) and k.df == 5
    assert k.tie_correction == 0 and not k.chi2_reliable  # n = 6 ≤ 7
    assert 0.7 < k.p_value < 0.9
    perfect = kendalls_w([[1, 2, 3, 4]] * 5)
    assert perfect.w == pytest.approx(1.0)
    # scores instead of ranks: W does not depend on direction
    assert kendalls_w(-np.asarray(ranks, dtype=float)).w == pytest.approx(k.w)


def test_kendalls_w_with_ties() -> None:
    # expert 1: 1, 2.5, 2.5, 4  (tie of 2: T = 2³ − 2 = 6)
    # expert 2: 1, 2, 3, 4
    # expert 3: 2, 1, 3.5, 3.5 (T = 6)
    # R = 4, 5.5, 9, 11.5 (Σ = 30), mean 7.5; S = 3.5² + 2² + 1.5² + 4² = 34.5
    # W = 12·34.5/(9·60 − 3·12) = 414/504 = 0.8214  (uncorrected would be 414/540 = 0.7667)
    ranks: list[list[float]] = [[1, 2.5, 2.5, 4], [1, 2, 3, 4], [2, 1, 3.5, 3.5]]
    k = kendalls_w(ranks)
    assert k.tie_correction == 12
    assert k.w == pytest.approx(414 / 504)
    assert k.chi2 == pytest.approx(9 * 414 / 504)


def test_kendalls_w_equals_friedman() -> None:
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    data = rng.integers(1, 6, size=(12, 9)).astype(float)  # 12 experts score 9 items, many ties
    k = kendalls_w(data)
    ref = stats.friedmanchisquare(*data.T)
    assert k.chi2 == pytest.approx(ref.statistic)
    assert k.p_value == pytest.approx(ref.pvalue)
    assert k.chi2_reliable


def test_kendalls_w_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        kendalls_w([[1, 2, 3]])
    with pytest.raises(ValueError):
        kendalls_w(np.array([[1, 2, np.nan], [1, 2, 3]]))


def test_bootstrap_rank_intervals_are_seeded_and_sensible() -> None:
    rng = np.random.default_rng(11)
    m = 25
    # item A clearly best, B and C close, D clearly worst; some missing answers
    scores = np.column_stack(
        [
            rng.normal(90, 5, m),
            rng.normal(60, 10, m),
            rng.normal(58, 10, m),
            rng.normal(20, 5, m),
        ]
    )
    scores[0, 1] = np.nan
    items = ["A", "B", "C", "D"]
    first = bootstrap_rank_intervals(scores, items, n_boot=500, random_state=42)
    again = bootstrap_rank_intervals(scores, items, n_boot=500, random_state=42)
    other = bootstrap_rank_intervals(scores, items, n_boot=500, random_state=43)
    assert first == again
    assert [r.item for r in first] == items
    a, b, c, d = first
    assert (a.rank, a.lower, a.upper) == (1, 1, 1)
    assert (d.rank, d.lower, d.upper) == (4, 4, 4)
    assert b.lower == 2 and b.upper == 3 and c.lower == 2 and c.upper == 3
    assert a.score == pytest.approx(np.mean(scores[:, 0]))
    assert b.score == pytest.approx(np.nanmean(scores[:, 1]))
    assert all(r.lower <= r.rank <= r.upper for r in other)


def test_bootstrap_with_weights_and_missing_items() -> None:
    scores = np.array([[100.0, 0.0, np.nan], [0.0, 100.0, np.nan]])
    # expert 0 weighs 1, expert 1 weighs 0.3: A = 100/1.3 = 76.9, B = 30/1.3 = 23.1; C has no answers -> last
    res = bootstrap_rank_intervals(scores, ["A", "B", "C"], weights=[1.0, 0.3], n_boot=200, random_state=0)
    assert [r.rank for r in res] == [1, 2, 3]
    assert res[0].score == pytest.approx(100 / 1.3)
    assert res[2].score is None and res[2].lower == 3
    with pytest.raises(ValueError):
        bootstrap_rank_intervals(scores, ["A", "B"], random_state=0)


def test_score_matrix_means_are_indices() -> None:
    r = [
        AnswerRecord("e1", "x", "importance", "very_high"),
        AnswerRecord("e2", "x", "importance", "low"),
        AnswerRecord("e2", "x", "familiarity", "medium"),
        AnswerRecord("e1", "y", "importance", DONT_KNOW),
        AnswerRecord("e2", "y", "importance", "medium"),
    ]
    sm = score_matrix(r, T, "importance", ["x", "y"])
    assert sm.experts == ("e1", "e2")
    assert np.isnan(sm.scores[0, 1])
    assert sm.scores.tolist()[1] == [25.0, 50.0]
    assert sm.weights[1, 0] == 0.6 and sm.weights[0, 0] == 0.3  # e1 gave no familiarity -> lowest weight
    res = bootstrap_rank_intervals(sm.scores, sm.items, weights=sm.weights, n_boot=50, random_state=1)
    assert res[0].score == pytest.approx((100 * 0.3 + 25 * 0.6) / 0.9)
