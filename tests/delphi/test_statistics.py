"""Round statistics against hand-computed values."""

from __future__ import annotations

import math

import pytest

from foresight.delphi import (
    DONT_KNOW,
    NEVER,
    AnswerRecord,
    ChoiceSummary,
    Observation,
    OrdinalSummary,
    StatisticsConfig,
    SurveyTemplate,
    default_template,
    item_statistics,
    question_statistics,
    summarize_ordinal,
    suppressed_groups,
)

T: SurveyTemplate = default_template()
IMPORTANCE = T.ordinal_question("importance")
FAMILIARITY = T.familiarity
CODE = {5: "very_high", 4: "high", 3: "medium", 2: "low", 1: "very_low"}


def _obs(
    scores: list[int | str], fam: list[str] | None = None, groups: list[str] | None = None
) -> list[Observation]:
    return [
        Observation(
            expert_id=f"e{i}",
            value=CODE[s] if isinstance(s, int) else s,
            familiarity=fam[i] if fam else None,
            group=groups[i] if groups else None,
        )
        for i, s in enumerate(scores)
    ]


def test_ordinal_summary_by_hand() -> None:
    # Seven scored answers and one "don't know":  sorted 2, 3, 4, 4, 4, 5, 5   (n = 7)
    s = summarize_ordinal(IMPORTANCE, [CODE[x] for x in (5, 4, 4, 3, 5, 2, 4)] + [DONT_KNOW])
    assert (s.n_respondents, s.n, s.n_dont_know) == (8, 7, 1)
    assert s.counts == {"very_low": 0, "low": 1, "medium": 1, "high": 3, "very_high": 2, DONT_KNOW: 1}
    # Hyndman–Fan type 2: n·q = 3.5 -> x_4 = 4; 1.75 -> x_2 = 3; 5.25 -> x_6 = 5
    assert (s.median, s.q1, s.q3, s.iqr) == (4, 3, 5, 2)
    assert s.quantile_method == "averaged_inverted_cdf"
    # mean = 27/7; Σx² = 111, Σ(x − m)² = 111 − 729/7 = 48/7, s² = (48/7)/6 = 8/7
    assert s.mean == pytest.approx(27 / 7)
    assert s.sd == pytest.approx(math.sqrt(8 / 7))
    assert s.cv == pytest.approx(math.sqrt(8 / 7) / (27 / 7))  # ≈ 0.2772
    # MAD-M: |x − 4| = 2, 1, 0, 0, 0, 1, 1 -> 5/7
    assert s.mad_median == pytest.approx(5 / 7)
    # modal "high" 3/7; within ±1 of 4: {3, 4, 5} = 6/7; top-2 {4, 5} = 5/7; bottom-2 {1, 2} = 1/7; full 2/7
    assert s.modal_codes == ("high",)
    assert s.modal_share == pytest.approx(3 / 7)
    assert s.within_one_share == pytest.approx(6 / 7)
    assert s.top_share == pytest.approx(5 / 7)
    assert s.bottom_share == pytest.approx(1 / 7)
    assert s.full_score_share == pytest.approx(2 / 7)
    assert s.never_share is None


def test_even_n_median_averages_and_empty() -> None:
    # 1, 2, 4, 5: n·0.5 = 2 exactly -> (x_2 + x_3)/2 = 3; Q1: n·0.25 = 1 -> (1 + 2)/2 = 1.5; Q3 = 4.5
    s = summarize_ordinal(IMPORTANCE, [CODE[x] for x in (1, 2, 4, 5)])
    assert (s.median, s.q1, s.q3, s.iqr) == (3, 1.5, 4.5, 3)
    empty = summarize_ordinal(IMPORTANCE, [DONT_KNOW, None])
    assert (empty.n_respondents, empty.n, empty.median, empty.sd) == (1, 0, None, None)
    single = summarize_ordinal(IMPORTANCE, ["high"])
    assert single.median == 4 and single.sd is None and single.cv is None


def test_realization_year_statistics() -> None:
    q = T.ordinal_question("realization_technological")
    # bins 2026–30 (1), 2031–35 (2), 2036–40 (3), …; answers: bins 1, 2, 2, 3 + never + don't know
    values = ["y2026_2030", "y2031_2035", "y2031_2035", "y2036_2040", NEVER, DONT_KNOW]
    s = summarize_ordinal(q, values)
    assert (s.n, s.n_never, s.n_dont_know) == (4, 1, 1)
    # median position: n·q = 2 exactly -> (2 + 2)/2 = 2 -> bin 2031–2035, mid-year 2033
    assert s.median == 2 and s.median_year == 2033
    # Q1: 4·0.25 = 1 -> (1 + 2)/2 = 1.5 -> between mid-years 2028 and 2033 = 2030.5; Q3 = (2 + 3)/2 -> 2035.5
    assert s.q1_year == pytest.approx(2030.5) and s.q3_year == pytest.approx(2035.5)
    # "never" among answers with an opinion (5): 1/5
    assert s.never_share == pytest.approx(0.2)


def test_views_unweighted_weighted_high_expertise() -> None:
    # Same numbers as the hand-computed weighted median in test_numerics:
    #   scores 5, 2, 3, 4, 5 with familiarity high, low, low, medium, high -> weights 1, .3, .3, .6, 1
    obs = _obs([5, 2, 3, 4, 5], ["high", "low", "low", "medium", "high"])
    st = question_statistics(IMPORTANCE, obs, familiarity=FAMILIARITY)
    assert st.ordinal is not None
    all_, weighted, high = st.ordinal.all, st.ordinal.weighted, st.ordinal.high_expertise
    assert isinstance(all_, OrdinalSummary) and isinstance(weighted, OrdinalSummary)
    assert isinstance(high, OrdinalSummary)
    assert all_.median == 4 and weighted.median == 5 and high.median == 5
    assert (weighted.q1, weighted.q3) == (4, 5)
    assert weighted.mean == pytest.approx(13.9 / 3.2)
    assert weighted.weight_total == pytest.approx(3.2) and weighted.n == 5
    # weighted top-2 share: (0.6 + 1 + 1)/3.2 = 0.8125; weighted counts are weight sums
    assert weighted.top_share == pytest.approx(2.6 / 3.2)
    assert weighted.counts["very_high"] == pytest.approx(2.0)
    assert high.n == 2
    # no familiarity question -> no weighted or high-expertise view
    plain = question_statistics(IMPORTANCE, obs)
    assert plain.ordinal is not None and plain.ordinal.weighted is None


def test_missing_familiarity_gets_lowest_weight() -> None:
    assert FAMILIARITY is not None
    assert FAMILIARITY.weight_of(None) == 0.3
    assert FAMILIARITY.model_copy(update={"missing_weight": 0.0}).weight_of("???") == 0.0


def test_small_group_suppression() -> None:
    # academia 6, industry 5, government 2 (k = 5): government is below k; since it is the only one,
    # the next-smallest group (industry) is hidden too, else government = overall − academia − industry.
    groups = ["academia"] * 6 + ["industry"] * 5 + ["government"] * 2
    st = question_statistics(IMPORTANCE, _obs([4] * 13, groups=groups))
    assert st.ordinal is not None
    assert st.ordinal.suppressed_groups == ("government", "industry")
    assert st.ordinal.groups["government"] is None and st.ordinal.groups["industry"] is None
    academia = st.ordinal.groups["academia"]
    assert isinstance(academia, OrdinalSummary) and academia.n == 6
    # two small groups protect each other: no secondary suppression needed
    assert suppressed_groups({"a": 9, "b": 2, "c": 3}, 5) == {"b", "c"}
    assert suppressed_groups({"a": 9, "b": 2}, 5, secondary=False) == {"b"}
    # a configurable k
    st3 = question_statistics(
        IMPORTANCE, _obs([4] * 13, groups=groups), config=StatisticsConfig(min_group_size=2)
    )
    assert st3.ordinal is not None and st3.ordinal.suppressed_groups == ()
    # answers without a group form the "unspecified" group
    st4 = question_statistics(IMPORTANCE, _obs([4] * 6))
    assert st4.ordinal is not None and set(st4.ordinal.groups) == {"unspecified"}


def test_choice_and_country_statistics() -> None:
    q = T.question("constraints")
    obs = [
        Observation("a", ["technical", "elsi"], "high"),
        Observation("b", ["technical"], "low"),
        Observation("c", ["none"], "medium"),
        Observation("d", None),
    ]
    st = question_statistics(q, obs, familiarity=FAMILIARITY)
    assert st.n_respondents == 3 and st.ordinal is None and st.choices is not None
    all_ = st.choices.all
    assert isinstance(all_, ChoiceSummary)
    assert all_.counts["technical"] == 2 and all_.counts["regulation"] == 0
    assert all_.shares["technical"] == pytest.approx(2 / 3)
    assert all_.mean_choices == pytest.approx(4 / 3)
    weighted = st.choices.weighted
    assert isinstance(weighted, ChoiceSummary)
    # weights 1, .3, .6: technical (1 + .3)/1.9
    assert weighted.shares["technical"] == pytest.approx(1.3 / 1.9)
    rd = T.question("rd_position")
    rd_obs = [
        Observation("a", {"position": "behind", "leading_countries": ["US", "JP"]}),
        Observation("b", {"position": "on_par", "leading_countries": ["US", "IL"]}),
    ]
    rst = question_statistics(rd, rd_obs)
    assert rst.ordinal is not None and rst.choices is not None
    assert isinstance(rst.ordinal.all, OrdinalSummary) and rst.ordinal.all.median == 1.5
    assert isinstance(rst.choices.all, ChoiceSummary)
    assert rst.choices.all.counts["US"] == 2 and rst.choices.all.counts["IL"] == 1


def test_item_statistics_from_records() -> None:
    records = [
        AnswerRecord("e1", "item1", "familiarity", "high"),
        AnswerRecord("e1", "item1", "importance", "very_high"),
        AnswerRecord("e2", "item1", "familiarity", "low"),
        AnswerRecord("e2", "item1", "importance", "low"),
        AnswerRecord("e2", "item2", "importance", "medium"),
        AnswerRecord("e1", "item1", "reason", {"text": "x", "stance": None}),
    ]
    stats = item_statistics(T, records, "item1")
    imp = stats["importance"].ordinal
    assert imp is not None and isinstance(imp.weighted, OrdinalSummary)
    # weights 1 (5) and 0.3 (2): W = 1.3, W/2 = 0.65; cum 0.3 (x = 2), 1.3 (x = 5) -> weighted median 5
    assert imp.weighted.median == 5
    assert stats["reason"].n_respondents == 1
    assert stats["constraints"].n_respondents == 0
