"""Composite emergence scorecard along Rotolo, Hicks & Martin's (2015) five attributes of emerging
technologies (Research Policy 44:1827–1843; analysis.md §4.11).

Mapping of indicators to attributes (sign −1 means "lower raw value scores higher"):

=============  ==========================================================================
attribute      indicators
=============  ==========================================================================
novelty        ``novelty_distance`` (centroid cosine distance to the pre-window corpus),
               ``new_term_share``, ``first_appearance`` (later = newer)
growth         ``burst_weight`` (Kleinberg), ``escore`` (Porter/Carley); ``log_share_slope`` is
               shown beside them but not scored (see below)
coherence      ``cohesion`` (mean cosine to the centroid), ``stability`` (best-match Jaccard
               across seeds/periods), ``silhouette``
impact         ``citations_per_doc`` (field-normalised), ``forward_citations``, ``family_size``
uncertainty    ``seed_instability`` (1 − run-to-run stability across seeds), ``dispersion``
               (Delphi vote IQR), ``label_disagreement``
=============  ==========================================================================

Each indicator is normalised across themes (default: average rank scaled to [0, 1], robust to the heavy
tails of EScores and burst weights; or min–max), reversed for sign −1 (``1 − v``), and an attribute is the
mean of its available normalised, scored indicators. The composite is ``Σ_a w_a·S_a / Σ_a w_a`` over the
attributes available for the theme.

Growth. The Kleinberg burst weight is a likelihood-ratio statistic (how much better a doubled rate explains
the periods in the burst than the theme's base rate), so it already discounts the Poisson noise of small
counts. The 12-period OLS slope of ``ln(share)`` does not: for a theme with a handful of documents a period
it mostly measures noise, and on the back-test (``bench/backtest.py``, design cut-offs 2025-10…2025-12) it
ranked themes *against* their later growth (Spearman −0.38: a share that happened to be high lately
regresses). It is therefore kept on the card as information, with its normalised value, but left out of
the growth attribute (:data:`NOT_SCORED`). Recent-momentum variants (slope over the last 3–6 periods,
bursts ending in the last 6 periods; :mod:`foresight.metrics.momentum`) did no better than chance there,
so they are not added.

Weights. Default ``w_growth = 1/3`` and ``1/6`` for each other attribute: growth counts twice, since it is
the attribute that the forecast target (Klavans & Boyack's exceptional growth, analysis.md §4.12) is about;
chosen on the design cut-offs above, not on the held-out ones. Uncertainty enters positively because
Rotolo et al. count it as a mark of emergence — set its weight to 0 for a "mature and safe" ranking. No
attribute rewards or penalises size: volume is no input. Coherence takes ``stability`` and uncertainty
takes ``seed_instability`` as separate inputs: feeding ``1 − stability`` from the same number to both
would make the two attributes cancel in the composite, so prefer period-to-period (lineage) stability for
coherence. The machinery keeps a sign field so that an indicator entering reversed (``1 − norm``) can be
declared.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from foresight.metrics.series import Normalisation, normalise

ATTRIBUTES: dict[str, tuple[str, str]] = {
    "novelty": ("Radical novelty", "根本新颖性"),
    "growth": ("Relatively fast growth", "相对快速增长"),
    "coherence": ("Coherence", "连贯性"),
    "impact": ("Prominent impact", "显著影响"),
    "uncertainty": ("Uncertainty and ambiguity", "不确定性与模糊性"),
}

#: attribute → ((indicator, sign, English, Chinese), …)
INDICATORS: dict[str, tuple[tuple[str, int, str, str], ...]] = {
    "novelty": (
        (
            "novelty_distance",
            1,
            "cosine distance of theme centroid from pre-window corpus",
            "主题质心与窗口前语料质心的余弦距离",
        ),
        ("new_term_share", 1, "share of theme terms absent before the window", "窗口前未出现的主题词占比"),
        ("first_appearance", 1, "first-appearance period (later = newer)", "首次出现时间（越晚越新）"),
    ),
    "growth": (
        ("burst_weight", 1, "Kleinberg burst weight", "Kleinberg 突发权重"),
        ("escore", 1, "Porter/Carley EScore", "Porter/Carley 涌现分数 EScore"),
        ("log_share_slope", 1, "slope of ln(share of corpus) per period", "语料占比对数的每期斜率"),
    ),
    "coherence": (
        ("cohesion", 1, "mean cosine similarity of members to centroid", "成员文档与质心的平均余弦相似度"),
        ("stability", 1, "best-match Jaccard across seeds/periods", "跨随机种子/时期最佳匹配 Jaccard 稳定性"),
        ("silhouette", 1, "silhouette on embeddings", "嵌入空间轮廓系数"),
    ),
    "impact": (
        ("citations_per_doc", 1, "field-normalised citations per document", "篇均领域标准化被引"),
        ("forward_citations", 1, "patent forward citations per family", "专利族均前向引用"),
        ("family_size", 1, "mean simple family size", "平均简单同族规模"),
    ),
    "uncertainty": (
        ("seed_instability", 1, "1 − stability across seeds", "跨随机种子不稳定性 = 1 − 稳定性"),
        ("dispersion", 1, "dispersion of expert votes (IQR)", "专家评分离散度（四分位距）"),
        ("label_disagreement", 1, "disagreement on labels", "标签分歧度"),
    ),
}

KNOWN_INDICATORS = frozenset(name for rows in INDICATORS.values() for name, *_ in rows)

#: indicators shown on the card (raw and normalised) but left out of their attribute's mean → reason
NOT_SCORED: dict[str, tuple[str, str]] = {
    "log_share_slope": (
        "noisy for small counts, regresses (back-test)",
        "小样本计数噪声大、回归均值（回测）",
    ),
}

#: growth counts twice (1/3), each other attribute 1/6; see the module docstring
DEFAULT_WEIGHTS: dict[str, float] = {a: (1 / 3 if a == "growth" else 1 / 6) for a in ATTRIBUTES}

_NORM_TEXT = {
    "rank": ("rank across themes scaled to [0,1]", "主题间排名归一化到[0,1]"),
    "minmax": ("min–max across themes", "主题间最小–最大归一化"),
}


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator of one theme: raw value and its normalised contribution."""

    name: str
    raw: float
    normalised: float  #: after the sign (NaN when missing)
    sign: int
    scored: bool = True  #: False: shown only, not part of the attribute's mean (:data:`NOT_SCORED`)


@dataclass(frozen=True, slots=True)
class ComponentScore:
    """One Rotolo attribute of one theme, with its formula text for display."""

    attribute: str
    label_en: str
    label_zh: str
    value: float  #: mean of the available normalised, scored indicators (NaN when none)
    inputs: tuple[IndicatorScore, ...]
    formula_en: str
    formula_zh: str


@dataclass(frozen=True, slots=True)
class ThemeScorecard:
    """The scorecard of one theme."""

    theme: Hashable
    components: tuple[ComponentScore, ...]
    composite: float  #: Σ w_a S_a / Σ w_a over available attributes (NaN when none)
    rank: int  #: 1 = highest composite; themes without one come last
    coverage: tuple[str, ...]  #: attributes with at least one indicator


@dataclass(frozen=True, slots=True)
class Scorecard:
    """Scorecards of all themes, in input order, with the settings used."""

    themes: tuple[ThemeScorecard, ...]
    weights: Mapping[str, float]
    normalisation: Normalisation


def _formula(attribute: str, names: list[str], method: Normalisation) -> tuple[str, str]:
    """``S_a = mean of [norm(i) …]`` over the scored indicators available, plus those shown only."""
    rows = {n: (s, en, zh) for n, s, en, zh in INDICATORS[attribute]}
    en_norm, zh_norm = _NORM_TEXT[method]
    scored = [n for n in names if n not in NOT_SCORED]
    shown = [n for n in names if n in NOT_SCORED]
    if not scored:
        head_en, head_zh = "no indicator available", "无可用指标"
    else:
        en = " ; ".join(("1 − " if rows[n][0] < 0 else "") + f"norm({n}: {rows[n][1]})" for n in scored)
        zh = "；".join(("1 − " if rows[n][0] < 0 else "") + f"归一化({rows[n][2]})" for n in scored)
        head_en = f"{ATTRIBUTES[attribute][0]} = mean of [{en}], norm = {en_norm}"
        head_zh = f"{ATTRIBUTES[attribute][1]} = 平均[{zh}]，归一化 = {zh_norm}"
    if not shown:
        return head_en, head_zh
    tail_en = " ; ".join(f"{n} ({rows[n][1]}: {NOT_SCORED[n][0]})" for n in shown)
    tail_zh = "；".join(f"{rows[n][2]}（{NOT_SCORED[n][1]}）" for n in shown)
    return f"{head_en}; shown, not scored: {tail_en}", f"{head_zh}；仅展示、不计分：{tail_zh}"


def emergence_scorecard(
    indicators: Mapping[Any, Mapping[str, float | None]],
    weights: Mapping[str, float] | None = None,
    normalisation: Normalisation = "rank",
) -> Scorecard:
    """Score themes on Rotolo's five attributes and combine them.

    ``S_{a,θ} = mean_{i∈a, available, scored} ñ_i(θ)`` with ``ñ_i = norm_i`` (sign +1) or
    ``1 − norm_i`` (sign −1) and ``norm_i`` the rank (default) or min–max normalisation of indicator
    ``i`` across the themes given;
    ``composite_θ = Σ_a w_a S_{a,θ} / Σ_{a: S_{a,θ} known} w_a``. See the module docstring for the
    indicator mapping (analysis.md §4.11; Rotolo, Hicks & Martin 2015).

    Parameters
    ----------
    indicators
        ``theme → {indicator name → raw value}``; missing, ``None`` or NaN values are left out.
    weights
        ``attribute → weight ≥ 0``; attributes not named weigh 0. Default: growth 1/3, the others 1/6.
    normalisation
        ``"rank"`` or ``"minmax"``.

    Raises
    ------
    ValueError
        For an unknown indicator name or a negative weight.
    """
    w = dict(DEFAULT_WEIGHTS if weights is None else {a: weights.get(a, 0.0) for a in ATTRIBUTES})
    unknown_attr = set(weights or {}) - set(ATTRIBUTES)
    if unknown_attr:
        raise ValueError(f"unknown attributes: {sorted(unknown_attr)}")
    if any(v < 0 for v in w.values()):
        raise ValueError("weights must be non-negative")
    themes = list(indicators)
    for theme, values in indicators.items():
        unknown = set(values) - KNOWN_INDICATORS
        if unknown:
            raise ValueError(f"theme {theme!r}: unknown indicators {sorted(unknown)}")

    def raw(theme: Hashable, name: str) -> float:
        v = indicators[theme].get(name)
        return float(v) if v is not None else float("nan")

    norm: dict[str, np.ndarray] = {
        name: normalise([raw(t, name) for t in themes], normalisation) for name in KNOWN_INDICATORS
    }
    cards: list[tuple[Hashable, tuple[ComponentScore, ...], float, tuple[str, ...]]] = []
    for k, theme in enumerate(themes):
        comps: list[ComponentScore] = []
        num = den = 0.0
        for attr, rows in INDICATORS.items():
            inputs = []
            for name, sign, _, _ in rows:
                v = float(norm[name][k])
                if np.isfinite(v):
                    normalised = v if sign > 0 else 1.0 - v
                    inputs.append(
                        IndicatorScore(name, raw(theme, name), normalised, sign, name not in NOT_SCORED)
                    )
            scored = [i.normalised for i in inputs if i.scored]
            value = float(np.mean(scored)) if scored else float("nan")
            en, zh = _formula(attr, [i.name for i in inputs], normalisation)
            comps.append(ComponentScore(attr, *ATTRIBUTES[attr], value, tuple(inputs), en, zh))
            if np.isfinite(value) and w[attr] > 0:
                num += w[attr] * value
                den += w[attr]
        composite = num / den if den > 0 else float("nan")
        coverage = tuple(c.attribute for c in comps if np.isfinite(c.value))
        cards.append((theme, tuple(comps), composite, coverage))
    order = sorted(
        range(len(cards)), key=lambda i: (not np.isfinite(cards[i][2]), -np.nan_to_num(cards[i][2]))
    )
    ranks = {i: r + 1 for r, i in enumerate(order)}
    return Scorecard(
        tuple(ThemeScorecard(t, c, s, ranks[i], cov) for i, (t, c, s, cov) in enumerate(cards)),
        w,
        normalisation,
    )
