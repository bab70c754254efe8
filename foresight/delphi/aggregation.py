"""Per-item indices for priority lists, Kendall's W, and bootstrap rank intervals (delphi.md §4.2, §4.5).

Every index is the (weighted) mean of per-answer *points* on 0–100, so that it equals the count form
``Index = Σ_c v_c·n_c / (n − n_dontknow)`` of delphi.md §4.5 ("don't know" excluded):

* **importance** — ``v_c = 100·(s_c − s_min)/(s_max − s_min)``: 100/75/50/25/0 on the five-point scale;
* **urgency** — realisation year in ``k`` bins, bin ``b = 1…k`` (earliest first): ``v_b = 100·(k + 1 − b)/k``
  and "never" = 0. Earlier = more urgent; the latest bin still scores ``100/k`` above "never".
  (delphi.md's alternative ``u = 1/(median_year − now)`` is :func:`reciprocal_urgency`.)
* **R&D gap** — the position scale reversed: leading 0, on par 50, behind 100 (behind → larger gap);
* **feasibility** — ``100·(1 − severity)`` with ``severity = min(1, Σ weight(selected)/cap)``, ``cap`` =
  the question's ``max_choices`` or the number of options with positive weight ("no major constraint"
  weighs 0). Fewer constraints → more feasible (delphi.md: feasibility = 1 − constraint severity).

Views: ``all`` (unweighted), ``weighted`` (expertise weights ``e_i`` from familiarity, ``x̄_w = Σ e_i x_i /
Σ e_i``) and ``high_expertise`` (high familiarity only) — always report all three (delphi.md §4.5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict

from foresight.delphi.numerics import chi2_sf, rank_rows
from foresight.delphi.questions import (
    DONT_KNOW,
    NEVER,
    ChoiceQuestion,
    FamiliarityQuestion,
    ImportanceQuestion,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    SurveyTemplate,
)
from foresight.delphi.statistics import AnswerRecord, Observation, observations_for
from foresight.delphi.validation import AnswerValue, ordinal_code

View = Literal["all", "weighted", "high_expertise"]


def answer_points(question: Question, value: AnswerValue | None) -> float | None:
    """Points 0–100 of one answer for the question's index; ``None`` when it does not count."""
    if value is None:
        return None
    if isinstance(question, ChoiceQuestion):
        selected = set(value) if isinstance(value, list) else {str(value)}
        positive = [o for o in question.options if o.weight > 0]
        cap = question.max_choices or len(positive) or 1
        severity = min(1.0, sum(o.weight for o in question.options if o.code in selected) / cap)
        return 100.0 * (1.0 - severity)
    code = ordinal_code(question, value)
    if code is None or code == DONT_KNOW:
        return None
    if isinstance(question, RealizationYearQuestion):
        k = len(question.bins)
        return 0.0 if code == NEVER else 100.0 * (k + 1 - question.score_of(code)) / k  # type: ignore[operator]
    if isinstance(question, ImportanceQuestion | RDPositionQuestion | FamiliarityQuestion):
        scores = [p.score for p in question.scale()]
        s = question.score_of(code)
        if s is None:
            return None
        v = 100.0 * (s - scores[0]) / (scores[-1] - scores[0])
        return 100.0 - v if isinstance(question, RDPositionQuestion) else v
    return None


def _view(
    observations: Sequence[Observation], view: View, familiarity: FamiliarityQuestion | None
) -> tuple[list[Observation], list[float]]:
    if view == "all":
        return list(observations), [1.0] * len(observations)
    if familiarity is None:
        raise ValueError(f"the {view!r} view needs a familiarity question")
    if view == "weighted":
        return list(observations), [familiarity.weight_of(o.familiarity) for o in observations]
    high = [o for o in observations if familiarity.is_high(o.familiarity)]
    return high, [1.0] * len(high)


def question_index(
    question: Question,
    observations: Sequence[Observation],
    *,
    view: View = "all",
    familiarity: FamiliarityQuestion | None = None,
) -> float | None:
    """Index 0–100 of one item × question: ``Σ w_i p_i / Σ w_i`` over answers that count (see module doc)."""
    obs, weights = _view(observations, view, familiarity)
    num = den = 0.0
    for o, w in zip(obs, weights, strict=True):
        p = answer_points(question, o.value)
        if p is not None and w > 0:
            num += w * p
            den += w
    return num / den if den > 0 else None


def reciprocal_urgency(median_year: float, now: float) -> float | None:
    """delphi.md §4.5 urgency proxy ``u = 1/(median_year − now)``; ``None`` if the year is not ahead."""
    return 1.0 / (median_year - now) if median_year > now else None


class ItemIndices(BaseModel):
    """Indices of one item in one view, the inputs of a priority score."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    view: View
    importance: float | None
    urgency: float | None
    urgency_social: float | None
    gap: float | None
    feasibility: float | None
    by_question: dict[str, float | None]
    position_shares: dict[str, float]
    modal_leading_countries: tuple[str, ...]


def item_indices(
    template: SurveyTemplate, records: Sequence[AnswerRecord], item_id: str, *, view: View = "all"
) -> ItemIndices:
    """All indices of one item. ``importance`` is the overall question's index, or the mean over the
    importance dimensions when there is no overall question; ``urgency`` comes from the technological
    and ``urgency_social`` from the social realisation question."""
    fam = template.familiarity
    by_q: dict[str, float | None] = {}
    position_shares: dict[str, float] = {}
    countries: defaultdict[str, float] = defaultdict(float)
    for q in template.questions:
        if q.kind in ("familiarity", "reason"):
            continue
        obs = observations_for(records, template, item_id, q.id)
        by_q[q.id] = question_index(q, obs, view=view, familiarity=fam)
        if isinstance(q, RDPositionQuestion):
            sel, weights = _view(obs, view, fam)
            tally: defaultdict[str, float] = defaultdict(float)
            for o, w in zip(sel, weights, strict=True):
                code = ordinal_code(q, o.value)
                if code is not None and code != DONT_KNOW:
                    tally[code] += w
                if isinstance(o.value, dict):
                    for country in o.value.get("leading_countries", []):
                        countries[country] += w
            total = sum(tally.values())
            position_shares = {p.code: (tally[p.code] / total if total else 0.0) for p in q.scale()}

    def indices(pred: Callable[[Question], bool]) -> list[float]:
        return [v for q in template.questions if pred(q) and (v := by_q.get(q.id)) is not None]

    overall = indices(lambda q: isinstance(q, ImportanceQuestion) and q.dimension == "overall")
    dims = indices(lambda q: isinstance(q, ImportanceQuestion))
    importance = overall[0] if overall else (float(np.mean(dims)) if dims else None)
    tech = indices(lambda q: isinstance(q, RealizationYearQuestion) and q.stage == "technological")
    social = indices(lambda q: isinstance(q, RealizationYearQuestion) and q.stage == "social")
    gaps = indices(lambda q: isinstance(q, RDPositionQuestion))
    feas = indices(lambda q: q.kind == "constraints")
    top = max(countries.values(), default=0.0)
    return ItemIndices(
        item_id=item_id,
        view=view,
        importance=importance,
        urgency=tech[0] if tech else None,
        urgency_social=social[0] if social else None,
        gap=gaps[0] if gaps else None,
        feasibility=feas[0] if feas else None,
        by_question=by_q,
        position_shares=position_shares,
        modal_leading_countries=tuple(sorted(c for c, v in countries.items() if v == top and top > 0)),
    )


class KendallW(BaseModel):
    """Kendall's coefficient of concordance and its χ² test (delphi.md §4.2)."""

    model_config = ConfigDict(frozen=True)

    w: float
    chi2: float
    df: int
    p_value: float
    m: int
    n: int
    s: float
    tie_correction: float
    chi2_reliable: bool


def kendalls_w(rankings: ArrayLike) -> KendallW:
    """Kendall's W for ``m`` experts (rows) ranking or scoring the same ``n`` items (columns).

    Each row is converted to ascending mid-ranks (W does not depend on the direction). With ``R_j`` the rank
    sum of item ``j``, ``S = Σ_j (R_j − R̄)²`` and, corrected for ties,
    ``W = 12·S / (m²·(n³ − n) − m·Σ_i T_i)``, ``T_i = Σ (t³ − t)`` over the tie groups of expert ``i``
    (Kendall & Babington Smith 1939; Siegel & Castellan 1988, §9.4). ``χ² = m·(n − 1)·W`` with ``n − 1``
    degrees of freedom; ``chi2_reliable`` flags ``n > 7`` where that approximation is recommended.
    """
    arr = np.asarray(rankings, dtype=float)
    if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise ValueError("need a 2-D array with at least 2 experts (rows) and 2 items (columns)")
    if not np.all(np.isfinite(arr)):
        raise ValueError("every expert must rank every item (no missing values)")
    m, n = arr.shape
    ranks = rank_rows(arr)
    rank_sums = ranks.sum(axis=0)
    s = float(np.sum((rank_sums - rank_sums.mean()) ** 2))
    ties = 0.0
    for row in arr:
        _, t = np.unique(row, return_counts=True)
        ties += float(np.sum(t.astype(float) ** 3 - t))
    denom = m**2 * (n**3 - n) - m * ties
    w = 12.0 * s / denom if denom > 0 else 1.0
    chi2 = m * (n - 1) * w
    return KendallW(
        w=w,
        chi2=chi2,
        df=n - 1,
        p_value=chi2_sf(chi2, n - 1),
        m=m,
        n=n,
        s=s,
        tie_correction=ties,
        chi2_reliable=n > 7,
    )


@dataclass(frozen=True)
class ScoreMatrix:
    """Per-answer points (experts × items, ``nan`` = no answer that counts) and expertise weights."""

    experts: tuple[str, ...]
    items: tuple[str, ...]
    scores: NDArray[np.float64]
    weights: NDArray[np.float64]


def score_matrix(
    records: Sequence[AnswerRecord], template: SurveyTemplate, question_id: str, items: Sequence[str]
) -> ScoreMatrix:
    """Experts × items matrix of :func:`answer_points` for one question; column means are the indices."""
    question = template.question(question_id)
    fam = template.familiarity
    experts = tuple(
        sorted({r.expert_id for r in records if r.question_id == question_id and r.item_id in items})
    )
    row = {e: i for i, e in enumerate(experts)}
    scores = np.full((len(experts), len(items)), np.nan)
    weights = np.zeros_like(scores)
    for j, item in enumerate(items):
        for o in observations_for(records, template, item, question_id):
            p = answer_points(question, o.value)
            if p is not None:
                scores[row[o.expert_id], j] = p
                weights[row[o.expert_id], j] = fam.weight_of(o.familiarity) if fam else 1.0
    return ScoreMatrix(experts=experts, items=tuple(items), scores=scores, weights=weights)


class RankInterval(BaseModel):
    """An item's score and rank (1 = highest score) with a bootstrap percentile interval of the rank."""

    model_config = ConfigDict(frozen=True)

    item: str
    score: float | None
    rank: float
    lower: float
    upper: float


def _item_scores(
    scores: NDArray[np.float64], weights: NDArray[np.float64], counts: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted means per item for each resample; ``counts`` is resamples × experts multiplicities."""
    present = ~np.isnan(scores)
    w = np.where(present, weights, 0.0)
    num = counts @ (w * np.where(present, scores, 0.0))
    den = counts @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _descending_ranks(item_scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Rank 1 = highest; ties share mid-ranks; items without a score rank last together."""
    return rank_rows(np.where(np.isnan(item_scores), np.inf, -item_scores))


def bootstrap_rank_intervals(
    scores: ArrayLike,
    items: Sequence[str],
    *,
    weights: ArrayLike | None = None,
    n_boot: int = 2000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> list[RankInterval]:
    """Bootstrap percentile intervals of each item's rank by resampling experts (delphi.md §4.5).

    Parameters
    ----------
    scores
        Experts × items points (``nan`` = no answer that counts), e.g. :attr:`ScoreMatrix.scores`.
    weights
        Same shape (or one weight per expert); default 1. Item score = ``Σ w x / Σ w`` over experts.
    n_boot, confidence
        Number of resamples and the central coverage of the percentile interval.
    random_state
        Seed or generator; the same seed gives the same intervals.

    Notes
    -----
    Each resample draws ``m`` experts with replacement (a multinomial count per expert), recomputes every
    item's score and ranks the items; the interval is the ``(1 ± confidence)/2`` quantiles (inverted CDF)
    of the item's ranks over the resamples. The reported ``rank`` is the rank on the full sample.
    """
    x = np.asarray(scores, dtype=float)
    if x.ndim != 2 or x.shape[1] != len(items):
        raise ValueError("scores must be experts × items, one column per item")
    m = x.shape[0]
    if m == 0:
        raise ValueError("no experts to resample")
    if weights is None:
        w = np.ones_like(x)
    else:
        w = np.asarray(weights, dtype=float)
        w = np.broadcast_to(w[:, None] if w.ndim == 1 else w, x.shape)
    if n_boot < 1 or not 0 < confidence < 1:
        raise ValueError("need n_boot ≥ 1 and 0 < confidence < 1")
    rng = np.random.default_rng(random_state)
    counts = rng.multinomial(m, np.full(m, 1.0 / m), size=n_boot).astype(float)
    boot_ranks = _descending_ranks(_item_scores(x, w, counts))
    full = _item_scores(x, w, np.ones((1, m)))
    full_ranks = _descending_ranks(full)[0]
    alpha = (1.0 - confidence) / 2.0
    lower = np.quantile(boot_ranks, alpha, axis=0, method="inverted_cdf")
    upper = np.quantile(boot_ranks, 1.0 - alpha, axis=0, method="inverted_cdf")
    return [
        RankInterval(
            item=item,
            score=None if np.isnan(full[0, j]) else float(full[0, j]),
            rank=float(full_ranks[j]),
            lower=float(lower[j]),
            upper=float(upper[j]),
        )
        for j, item in enumerate(items)
    ]
