"""Indicators that place a theme relative to the other themes of the run: the Callon strategic diagram,
the Yoon weak-signal map, and the Rotolo scorecard with its composite."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from foresight.metrics.scorecard import ThemeScorecard, emergence_scorecard
from foresight.metrics.weak_signals import weak_signal_map
from foresight.monitoring.attributes import Entry, clean, entry
from foresight.monitoring.terms import TermView, theme_strategic_diagram


def relative_entries(
    view: TermView,
    slopes: Mapping[int, float],
    window_counts: Mapping[str, np.ndarray],
    corpus: np.ndarray,
    growth_window: int,
) -> dict[int, dict[str, Entry]]:
    """Per theme its ``strategic`` (Callon quadrant and role) and ``weak_signal`` (Yoon quadrant) entries.

    Parameters
    ----------
    view
        The as-of terms (keywords of the strategic diagram).
    slopes
        Theme → log-share slope, which splits the low–low quadrant into emerging and declining.
    window_counts
        ``str(theme id)`` → documents per period (the weak-signal frequencies).
    corpus
        All documents per period.
    growth_window
        Periods of the weak-signal map.
    """
    diagram = theme_strategic_diagram(view, {t: s for t, s in slopes.items() if np.isfinite(s)})
    placed = {p.theme: p for p in diagram.positions}
    signals = weak_signal_map(window_counts, corpus, window=min(growth_window, corpus.size))
    points = {p.label: p for p in signals.points}
    out: dict[int, dict[str, Entry]] = {}
    for key, point in points.items():
        theme_id = int(key)
        pos = placed.get(theme_id)
        strategic = (
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
        weak = entry(
            point.quadrant,
            "weak_signal.yoon",
            mean_frequency=point.mean_frequency,
            growth=point.growth,
            frequency_threshold=signals.frequency_threshold,
            growth_threshold=signals.growth_threshold,
        )
        out[theme_id] = {"strategic": strategic, "weak_signal": weak}
    return out


def _card_json(card: ThemeScorecard, weights: Mapping[str, float], normalisation: str) -> dict[str, Any]:
    return dict(
        clean(
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
                        "inputs": [
                            {"name": i.name, "raw": i.raw, "normalised": i.normalised} for i in c.inputs
                        ],
                    }
                    for c in card.components
                ],
            }
        )
    )


def scorecards(
    cards: Mapping[int, Mapping[str, Any]], weights: Mapping[str, float] | None = None
) -> dict[int, tuple[dict[str, Any], float | None]]:
    """Theme → (scorecard JSON, composite) from the raw scorecard inputs of every theme.

    Parameters
    ----------
    cards
        Theme → ``{indicator name → raw value or None}`` (names of :mod:`foresight.metrics.scorecard`).
    weights
        Attribute weights (default: equal).
    """
    scorecard = emergence_scorecard(
        {t: {k: (None if v is None else float(v)) for k, v in c.items()} for t, c in cards.items()}, weights
    )
    return {
        int(card.theme): (  # type: ignore[call-overload]
            _card_json(card, scorecard.weights, scorecard.normalisation),
            float(card.composite) if np.isfinite(card.composite) else None,
        )
        for card in scorecard.themes
    }
