"""Summaries of one set of answers: :func:`summarize_ordinal` (location, dispersion, agreement shares and
the distribution over the scale, optionally weighted) and :func:`summarize_choices` (multi-choice counts
and shares). The conventions are those of :mod:`foresight.delphi.statistics`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from foresight.delphi.numerics import weighted_mean, weighted_quantile, weighted_sd
from foresight.delphi.questions import DONT_KNOW, NEVER, OrdinalQuestion, RealizationYearQuestion
from foresight.delphi.summaries import ChoiceSummary, OrdinalSummary, StatisticsConfig
from foresight.delphi.validation import AnswerValue, ordinal_code

__all__ = ["summarize_choices", "summarize_ordinal"]


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
