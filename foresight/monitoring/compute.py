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
from foresight.monitoring.attributes import (
    CorpusIndex,
    Entry,
    balance_entry,
    clean,
    diversity_entries,
    entry,
    impact_entries,
)
from foresight.monitoring.counts import (
    PeriodCounts,
    count_periods,
    evidence_documents,
    recent_documents,
    theme_documents,
)
from foresight.monitoring.periods import period_ordinal, period_time
from foresight.monitoring.relative import relative_entries, scorecards
from foresight.monitoring.snapshot import RunSnapshot, SnapshotDocument, SnapshotTheme
from foresight.monitoring.terms import (
    DEFAULT_TOP_TERMS,
    TermView,
    build_term_view,
    prior_vocabulary,
    theme_new_terms,
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


def _stack(docs: list[SnapshotDocument], vectors: Mapping[int, np.ndarray]) -> np.ndarray | None:
    """The cached vectors of the documents that have one, as rows (``None`` when none has)."""
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


def _term_entries(
    view: TermView,
    snapshot: RunSnapshot,
    docs: list[SnapshotDocument],
    counts: PeriodCounts,
    prior: set[str],
    window_start: str,
) -> tuple[dict[str, Entry], float]:
    """Term EScores inside the theme and the share of new terms (also returned for the scorecard)."""
    term_scores = theme_term_escores(view, snapshot, docs, counts.papers + counts.patents)
    ranked = sorted(term_scores.items(), key=lambda kv: -np.nan_to_num(kv[1].escore, nan=-np.inf))
    new_terms = theme_new_terms(view, docs[0].theme_id or -1, prior)
    values = {
        "term_escores": entry(
            sum(1 for _, s in term_scores.items() if s.emergent),
            "escore.terms",
            terms=[{"term": t, "escore": s.escore, "emergent": s.emergent} for t, s in ranked[:8]],
        ),
        "new_term_share": entry(
            new_terms.share,
            "novelty.new_term_share",
            weighted=new_terms.weighted_share,
            new_terms=list(new_terms.new_terms[:10]),
            window_start=window_start,
        ),
    }
    return values, new_terms.share


def _vector_entries(
    docs: list[SnapshotDocument],
    vectors: Mapping[int, np.ndarray],
    reference: np.ndarray | None,
    window_start: str,
) -> tuple[dict[str, Entry], float, float]:
    """Semantic novelty (recent members against the pre-window corpus) and cohesion, when vectors exist."""
    recent = _stack([x for x in docs if x.period >= window_start] or docs, vectors)
    novelty = (
        centroid_distance(recent, reference) if recent is not None and reference is not None else float("nan")
    )
    members = _stack(docs, vectors)
    coh = cohesion(members) if members is not None else float("nan")
    values = {
        "novelty_distance": entry(
            novelty,
            "novelty.centroid_distance",
            window_start=window_start,
            reference_documents=0 if reference is None else len(reference),
        ),
        "cohesion": entry(coh, "coherence.cohesion"),
    }
    return values, novelty, coh


def _quality_entries(theme: SnapshotTheme, across_runs: float | None) -> dict[str, Entry]:
    """Run-level clustering quality (silhouette, seed instability) and stability across runs.

    Coherence takes the similarity with the lineage predecessor and uncertainty the seed instability,
    so the two attributes do not feed on the same number.
    """
    stability = theme.quality.get("stability")
    return {
        "silhouette": entry(theme.quality.get("silhouette"), "coherence.silhouette"),
        "lineage_stability": entry(across_runs, "coherence.lineage_stability"),
        "seed_instability": entry(
            None if stability is None else 1.0 - float(stability), "uncertainty.seed_instability"
        ),
    }


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
    reference = _stack([x for x in snapshot.documents if x.period < window_start], snapshot.vectors)
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
        term_values, new_share = _term_entries(view, snapshot, docs, counts, prior, window_start)
        vector_values, novelty, coh = _vector_entries(docs, snapshot.vectors, reference, window_start)
        quality_values = _quality_entries(theme, (lineage_stability or {}).get(theme_id))
        values.update(term_values)
        values.update(vector_values)
        values.update(quality_values)
        values.update(diversity_entries(docs, corpus))
        values["balance"] = balance_entry(float(counts.papers.sum()), float(counts.families.sum()))
        impact = impact_entries(docs, corpus)
        values.update(impact)
        cards[theme_id] = {
            **card,
            "novelty_distance": novelty,
            "new_term_share": new_share,
            "cohesion": coh,
            "stability": quality_values["lineage_stability"]["value"],
            "silhouette": quality_values["silhouette"]["value"],
            "seed_instability": quality_values["seed_instability"]["value"],
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
    for theme_id, extra in relative_entries(view, slopes, window_counts, d, growth_window).items():
        results[theme_id].indicators["values"].update(extra)
    for theme_id, (card, composite) in scorecards(cards, opts.weights).items():
        result = results[theme_id]
        result.scorecard, result.composite = card, composite
        result.indicators["values"]["composite"] = entry(composite, "scorecard.composite", rank=card["rank"])
    return list(results.values())
