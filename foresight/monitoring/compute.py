"""Indicators of every theme of a run snapshot (pure computation; storing is ``indicators.py``'s job).

The snapshot holds only documents dated up to the as-of date, so every series, term and vector used
here stops there. Run-level properties of the clustering (silhouette, seed stability) are the only
inputs computed on the whole run; they are flagged as such in the formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from foresight.metrics.burst import kleinberg_bursts
from foresight.metrics.escore import THRESHOLD, escore
from foresight.metrics.growth import growth_indicators
from foresight.metrics.lifecycle import fit_life_cycle
from foresight.metrics.novelty import centroid_distance, cohesion, first_appearance
from foresight.metrics.scorecard import ThemeScorecard, emergence_scorecard
from foresight.metrics.weak_signals import weak_signal_map
from foresight.monitoring.attributes import (
    CorpusIndex,
    Entry,
    balance_entry,
    clean,
    diversity_entries,
    entry,
    impact_entries,
)
from foresight.monitoring.counts import count_periods, evidence_documents, recent_documents, theme_documents
from foresight.monitoring.periods import period_ordinal, period_time
from foresight.monitoring.snapshot import RunSnapshot, SnapshotDocument
from foresight.monitoring.terms import (
    DEFAULT_TOP_TERMS,
    build_term_view,
    prior_vocabulary,
    theme_new_terms,
    theme_strategic_diagram,
    theme_term_escores,
)

#: Default windows per granularity: growth (CAGR, log-share slope, weak signals) and novelty.
GROWTH_WINDOW = {"year": 5, "month": 12}
NOVELTY_WINDOW = {"year": 3, "month": 6}
#: The weak-signal time weight 1 − 0.05·(n − j) must stay positive: at most 20 periods.
MAX_GROWTH_WINDOW = 20
ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IndicatorOptions:
    """Settings of an indicator computation (``None`` windows follow the granularity)."""

    granularity: str = "auto"
    growth_window: int | None = None
    novelty_window: int | None = None
    top_terms: int = DEFAULT_TOP_TERMS
    escore_threshold: float = THRESHOLD
    weights: Mapping[str, float] | None = None

    def windows(self, granularity: str) -> tuple[int, int]:
        growth = self.growth_window or GROWTH_WINDOW[granularity]
        novelty = self.novelty_window or NOVELTY_WINDOW[granularity]
        if not 2 <= growth <= MAX_GROWTH_WINDOW or novelty < 1:
            raise ValueError(
                f"the growth window needs 2 to {MAX_GROWTH_WINDOW} periods and the novelty window at least 1"
            )
        return growth, novelty


@dataclass
class ThemeResult:
    """Indicators of one theme: the JSON to store, the scorecard and the composite."""

    theme_id: int
    indicators: dict[str, Any]
    scorecard: dict[str, Any] = field(default_factory=dict)
    composite: float | None = None


def _unit_mean_inputs(docs: list[SnapshotDocument], vectors: Mapping[int, np.ndarray]) -> np.ndarray | None:
    rows = [vectors[d.id] for d in docs if d.id in vectors]
    return np.vstack(rows) if rows else None


def _series_entries(
    r: np.ndarray, d: np.ndarray, periods: list[str], growth_window: int, threshold: float
) -> tuple[dict[str, Entry], dict[str, Any], float, float]:
    """Growth, burst, EScore, first appearance and life cycle from (r_t, d_t); also the scorecard inputs."""
    g = growth_indicators(r, d, growth_window)
    burst = kleinberg_bursts(r, d)
    esc = escore(r, d, threshold=threshold)
    first = first_appearance(r, periods)
    life = fit_life_cycle(r, [period_time(p) for p in periods])
    last = len(periods) - 1
    values = {
        "share": entry(g.volume.share_last, "share", overall=g.volume.share_overall),
        "cagr": entry(g.cagr, "growth.cagr", window=min(growth_window, len(periods))),
        "log_share_slope": entry(
            g.log_share_slope.slope,
            "growth.log_share_slope",
            r2=g.log_share_slope.r2,
            relative_growth=g.log_share_slope.relative_growth,
            window=min(growth_window, len(periods)),
        ),
        "acceleration": entry(g.acceleration, "growth.acceleration"),
        "burst": entry(
            burst.total_weight,
            "burst.kleinberg",
            active=burst.in_burst,
            started_in_last_period=any(b.start == last and b.end == last for b in burst.bursts),
            bursts=[
                {"start": periods[b.start], "end": periods[b.end], "weight": b.weight} for b in burst.bursts
            ],
            p0=burst.p0,
            p1=burst.p1,
        ),
        "escore": entry(
            esc.escore,
            "escore.theme",
            status=esc.status,
            emergent=esc.emergent,
            threshold=esc.threshold,
            active_trend=esc.active_trend,
            recent_trend=esc.recent_trend,
            slope=esc.slope,
            filters_passed=esc.filters.passed if esc.filters else None,
        ),
        "first_appearance": entry(first, "novelty.first_appearance"),
        "life_cycle": entry(
            life.phase,
            "lifecycle.logistic",
            status=life.status,
            saturation=life.saturation,
            midpoint=life.midpoint,
            duration=life.duration,
            r2=life.r2,
            r2_rate=life.r2_rate,
            k_at_upper_bound=life.k_at_upper_bound,
            message=life.message,
        ),
    }
    card = {
        "log_share_slope": g.log_share_slope.slope,
        "escore": esc.escore,
        "burst_weight": burst.total_weight,
        "first_appearance": float(period_ordinal(first)) if first is not None else None,
    }
    return values, card, g.log_share_slope.slope, float(burst.total_weight)


def compute_snapshot(
    snapshot: RunSnapshot,
    options: IndicatorOptions | None = None,
    lineage_stability: Mapping[int, float] | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[ThemeResult]:
    """Indicators, scorecard and composite of every theme with documents as of the snapshot's date.

    Parameters
    ----------
    snapshot
        The run as of the date (:func:`foresight.monitoring.snapshot.load_snapshot`).
    options
        Windows, number of terms, EScore threshold, scorecard weights.
    lineage_stability
        Theme → similarity with its predecessor in the previous run (coherence across runs).
    on_progress
        ``on_progress(step, done, total)``.
    """
    opts = options or IndicatorOptions()
    growth_window, novelty_window = opts.windows(snapshot.granularity)
    periods = snapshot.periods
    by_theme = theme_documents(snapshot)
    corpus_counts = count_periods(snapshot.documents, periods)
    d = corpus_counts.documents
    corpus = CorpusIndex(snapshot.documents)
    if on_progress:
        on_progress("terms", 0, 1)
    view = build_term_view(snapshot, opts.top_terms)
    window_start = periods[max(len(periods) - novelty_window, 0)]
    prior = prior_vocabulary(view, snapshot, window_start)
    reference = _unit_mean_inputs(
        [x for x in snapshot.documents if x.period < window_start], snapshot.vectors
    )
    if on_progress:
        on_progress("terms", 1, 1)

    results: dict[int, ThemeResult] = {}
    cards: dict[int, dict[str, Any]] = {}
    slopes: dict[int, float] = {}
    window_counts: dict[str, np.ndarray] = {}
    theme_ids = [t for t in snapshot.themes if t in by_theme]
    for n, theme_id in enumerate(theme_ids, start=1):
        docs = by_theme[theme_id]
        theme = snapshot.themes[theme_id]
        counts = count_periods(docs, periods)
        r = counts.documents
        values, card, slope, _ = _series_entries(r, d, periods, growth_window, opts.escore_threshold)
        slopes[theme_id] = slope
        window_counts[str(theme_id)] = r
        values["papers"] = entry(counts.papers.sum(), "volume.papers", last=counts.papers[-1])
        values["patent_families"] = entry(
            counts.families.sum(),
            "volume.patent_families",
            last=counts.families[-1],
            patent_documents=counts.patents.sum(),
        )
        values["documents"] = entry(r.sum(), "volume.documents", last=r[-1])
        term_scores = theme_term_escores(view, snapshot, docs, counts.papers + counts.patents)
        ranked = sorted(term_scores.items(), key=lambda kv: -np.nan_to_num(kv[1].escore, nan=-np.inf))
        values["term_escores"] = entry(
            sum(1 for _, s in term_scores.items() if s.emergent),
            "escore.terms",
            terms=[{"term": t, "escore": s.escore, "emergent": s.emergent} for t, s in ranked[:8]],
        )
        new_terms = theme_new_terms(view, theme_id, prior)
        values["new_term_share"] = entry(
            new_terms.share,
            "novelty.new_term_share",
            weighted=new_terms.weighted_share,
            new_terms=list(new_terms.new_terms[:10]),
            window_start=window_start,
        )
        recent = [x for x in docs if x.period >= window_start] or docs
        theme_vectors = _unit_mean_inputs(recent, snapshot.vectors)
        novelty = (
            centroid_distance(theme_vectors, reference)
            if theme_vectors is not None and reference is not None
            else float("nan")
        )
        values["novelty_distance"] = entry(
            novelty,
            "novelty.centroid_distance",
            window_start=window_start,
            reference_documents=0 if reference is None else len(reference),
        )
        all_vectors = _unit_mean_inputs(docs, snapshot.vectors)
        coh = cohesion(all_vectors) if all_vectors is not None else float("nan")
        values["cohesion"] = entry(coh, "coherence.cohesion")
        silhouette = theme.quality.get("silhouette")
        stability = theme.quality.get("stability")
        across_runs = (lineage_stability or {}).get(theme_id)
        values["silhouette"] = entry(silhouette, "coherence.silhouette")
        values["lineage_stability"] = entry(across_runs, "coherence.lineage_stability")
        values["seed_instability"] = entry(
            None if stability is None else 1.0 - float(stability), "uncertainty.seed_instability"
        )
        values.update(diversity_entries(docs, corpus))
        values["balance"] = balance_entry(float(counts.papers.sum()), float(counts.families.sum()))
        impact = impact_entries(docs, corpus)
        values.update(impact)
        cards[theme_id] = {
            **card,
            "novelty_distance": novelty,
            "new_term_share": new_terms.share,
            "cohesion": coh,
            "stability": across_runs,
            "silhouette": silhouette,
            "seed_instability": values["seed_instability"]["value"],
            **{k: v["value"] for k, v in impact.items()},
        }
        series = {
            "periods": periods,
            "papers": counts.papers,
            "patent_families": counts.families,
            "documents": r,
            "corpus": d,
            "share": r / np.where(d > 0, d, 1.0),
        }
        evidence = {
            "document_ids": evidence_documents(docs),
            "recent_document_ids": recent_documents(docs, periods, novelty_window)[:5],
        }
        results[theme_id] = ThemeResult(
            theme_id,
            {
                "values": values,
                "series": clean(series),
                "evidence": evidence,
                "as_of": snapshot.as_of.isoformat(),
                "granularity": snapshot.granularity,
                "windows": {"growth": growth_window, "novelty": novelty_window},
            },
        )
        if on_progress:
            on_progress("themes", n, len(theme_ids))
    if not results:
        return []
    _add_cross_theme(results, view, slopes, window_counts, d, growth_window)
    _add_scorecard(results, cards, opts)
    return list(results.values())


def _add_cross_theme(
    results: dict[int, ThemeResult],
    view: Any,
    slopes: dict[int, float],
    window_counts: dict[str, np.ndarray],
    corpus: np.ndarray,
    growth_window: int,
) -> None:
    """Strategic diagram and weak-signal map: positions relative to the other themes."""
    diagram = theme_strategic_diagram(view, {t: s for t, s in slopes.items() if np.isfinite(s)})
    placed = {p.theme: p for p in diagram.positions}
    signals = weak_signal_map(window_counts, corpus, window=min(growth_window, corpus.size))
    points = {p.label: p for p in signals.points}
    for theme_id, result in results.items():
        values = result.indicators["values"]
        pos = placed.get(theme_id)
        values["strategic"] = (
            entry(
                pos.role,
                "strategic.callon",
                quadrant=pos.quadrant,
                centrality=pos.centrality,
                density=pos.density,
                centrality_rank=pos.centrality_rank,
                density_rank=pos.density_rank,
                keywords=pos.n_keywords,
            )
            if pos is not None
            else entry("undetermined", "strategic.callon", message="no keyword of its own")
        )
        point = points[str(theme_id)]
        values["weak_signal"] = entry(
            point.quadrant,
            "weak_signal.yoon",
            mean_frequency=point.mean_frequency,
            growth=point.growth,
            frequency_threshold=signals.frequency_threshold,
            growth_threshold=signals.growth_threshold,
        )


def _card_json(card: ThemeScorecard, weights: Mapping[str, float], normalisation: str) -> dict[str, Any]:
    return clean(
        {
            "composite": card.composite,
            "rank": card.rank,
            "coverage": list(card.coverage),
            "weights": dict(weights),
            "normalisation": normalisation,
            "attributes": [
                {
                    "attribute": c.attribute,
                    "label_en": c.label_en,
                    "label_zh": c.label_zh,
                    "value": c.value,
                    "formula_en": c.formula_en,
                    "formula_zh": c.formula_zh,
                    "inputs": [{"name": i.name, "raw": i.raw, "normalised": i.normalised} for i in c.inputs],
                }
                for c in card.components
            ],
        }
    )


def _add_scorecard(
    results: dict[int, ThemeResult], cards: dict[int, dict[str, Any]], opts: IndicatorOptions
) -> None:
    scorecard = emergence_scorecard(
        {t: {k: (None if v is None else float(v)) for k, v in c.items()} for t, c in cards.items()},
        opts.weights,
    )
    for card in scorecard.themes:
        result = results[int(card.theme)]  # type: ignore[call-overload]
        result.scorecard = _card_json(card, scorecard.weights, scorecard.normalisation)
        result.composite = float(card.composite) if np.isfinite(card.composite) else None
        result.indicators["values"]["composite"] = entry(
            card.composite, "scorecard.composite", rank=card.rank
        )
