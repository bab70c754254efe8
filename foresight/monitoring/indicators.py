"""Emergence indicators of a run's themes as of a date: compute and store them, and read them back with
their formulas (English and Chinese) and their per-period series for charts.

Only the run's documents dated up to the as-of date are used (the no-look-ahead rule; see
:mod:`foresight.monitoring.snapshot`). Computing again for the same run, date and granularity replaces
the stored rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from foresight.corpus import document_view
from foresight.db.models import Document, Theme, ThemeIndicators
from foresight.db.session import session_scope
from foresight.monitoring.compute import IndicatorOptions, ProgressCallback, compute_snapshot
from foresight.monitoring.formulas import FORMULAS
from foresight.monitoring.lineage import predecessor_similarity
from foresight.monitoring.snapshot import load_snapshot
from foresight.themes.queries import NotFoundError, get_run, theme_label

#: Order in which the indicators are shown.
DISPLAY_ORDER = (
    "composite",
    "documents",
    "papers",
    "patent_families",
    "share",
    "cagr",
    "log_share_slope",
    "acceleration",
    "burst",
    "escore",
    "term_escores",
    "first_appearance",
    "novelty_distance",
    "new_term_share",
    "weak_signal",
    "strategic",
    "life_cycle",
    "balance",
    "cohesion",
    "silhouette",
    "lineage_stability",
    "seed_instability",
    "citations_per_doc",
    "forward_citations",
    "family_size",
)


@dataclass
class IndicatorSummary:
    """What :func:`compute_indicators` did, with the themes ranked by composite."""

    run_id: int
    as_of: date
    granularity: str
    periods: list[str]
    n_documents: int
    n_after_as_of: int
    n_undated: int
    n_themes: int
    ranking: list[dict[str, Any]] = field(default_factory=list)


def compute_indicators(
    engine: Engine,
    run_id: int | None = None,
    as_of: date | None = None,
    options: IndicatorOptions | None = None,
    on_progress: ProgressCallback | None = None,
) -> IndicatorSummary:
    """Compute and store the indicators of every theme of a run as of a date.

    Parameters
    ----------
    engine
        The store.
    run_id
        The run (default: the latest completed).
    as_of
        Last date whose documents count (default: the latest document date of the run).
    options
        Granularity (``"auto"``, ``"year"``, ``"month"``), windows, EScore threshold, weights.
    on_progress
        ``on_progress(step, done, total)`` for progress bars.

    Raises
    ------
    foresight.monitoring.snapshot.SnapshotError
        When no dated document of the run is on or before ``as_of``.
    """
    opts = options or IndicatorOptions()
    with session_scope(engine) as session:
        if on_progress:
            on_progress("load", 0, 1)
        snapshot = load_snapshot(session, run_id, as_of, opts.granularity)
        stability = predecessor_similarity(session, snapshot.run_id)
        if on_progress:
            on_progress("load", 1, 1)
    results = compute_snapshot(snapshot, opts, stability, on_progress)
    with session_scope(engine) as session:
        session.execute(
            delete(ThemeIndicators).where(
                ThemeIndicators.run_id == snapshot.run_id,
                ThemeIndicators.as_of == snapshot.as_of,
                ThemeIndicators.granularity == snapshot.granularity,
            )
        )
        session.add_all(
            ThemeIndicators(
                run_id=snapshot.run_id,
                theme_id=r.theme_id,
                as_of=snapshot.as_of,
                granularity=snapshot.granularity,
                indicators=r.indicators,
                scorecard=r.scorecard,
                composite=r.composite,
            )
            for r in results
        )
    summary = IndicatorSummary(
        run_id=snapshot.run_id,
        as_of=snapshot.as_of,
        granularity=snapshot.granularity,
        periods=snapshot.periods,
        n_documents=len(snapshot.documents),
        n_after_as_of=snapshot.n_after_as_of,
        n_undated=snapshot.n_undated,
        n_themes=len(results),
    )
    with session_scope(engine) as session:
        summary.ranking = run_indicators(session, snapshot.run_id, snapshot.as_of, snapshot.granularity)
    return summary


def latest_computation(
    session: Session, run_id: int, granularity: str | None = None
) -> tuple[date, str] | None:
    """``(as_of, granularity)`` of the most recent indicators stored for a run (latest date first)."""
    stmt = select(ThemeIndicators.as_of, ThemeIndicators.granularity).where(ThemeIndicators.run_id == run_id)
    if granularity:
        stmt = stmt.where(ThemeIndicators.granularity == granularity)
    row = session.execute(
        stmt.order_by(ThemeIndicators.as_of.desc(), ThemeIndicators.computed_at.desc()).limit(1)
    ).first()
    return (row[0], row[1]) if row else None


def _stored(
    session: Session, run_id: int, as_of: date | None, granularity: str | None
) -> list[tuple[ThemeIndicators, Theme]]:
    if as_of is None:
        latest = latest_computation(session, run_id, granularity)
        if latest is None:
            return []
        as_of, granularity = latest
    stmt = (
        select(ThemeIndicators, Theme)
        .join(Theme, Theme.id == ThemeIndicators.theme_id)
        .where(ThemeIndicators.run_id == run_id, ThemeIndicators.as_of == as_of)
    )
    if granularity:
        stmt = stmt.where(ThemeIndicators.granularity == granularity)
    return [(ind, theme) for ind, theme in session.execute(stmt)]


def _value(values: dict[str, Any], name: str) -> Any:
    return (values.get(name) or {}).get("value")


def run_indicators(
    session: Session, run_id: int | None = None, as_of: date | None = None, granularity: str | None = None
) -> list[dict[str, Any]]:
    """One row per theme with its headline indicators, best composite first (stored values only).

    Defaults to the latest stored computation of the run.
    """
    run = get_run(session, run_id)
    rows = []
    for ind, theme in _stored(session, run.id, as_of, granularity):
        values = ind.indicators.get("values", {})
        rows.append(
            {
                "theme_id": theme.id,
                "number": theme.number,
                "label": theme_label(theme),
                "lineage_id": theme.lineage_id,
                "as_of": ind.as_of.isoformat(),
                "granularity": ind.granularity,
                "composite": ind.composite,
                "rank": ind.scorecard.get("rank"),
                "documents": _value(values, "documents"),
                "papers": _value(values, "papers"),
                "patent_families": _value(values, "patent_families"),
                "share": _value(values, "share"),
                "cagr": _value(values, "cagr"),
                "log_share_slope": _value(values, "log_share_slope"),
                "escore": _value(values, "escore"),
                "emergent": (values.get("escore") or {}).get("emergent"),
                "burst_weight": _value(values, "burst"),
                "burst_active": (values.get("burst") or {}).get("active"),
                "weak_signal": _value(values, "weak_signal"),
                "strategic": _value(values, "strategic"),
                "life_cycle": _value(values, "life_cycle"),
                "first_appearance": _value(values, "first_appearance"),
                "novelty_distance": _value(values, "novelty_distance"),
            }
        )
    rows.sort(key=lambda r: (r["composite"] is None, -(r["composite"] or 0.0), r["number"]))
    return rows


def theme_indicators(
    session: Session, theme_id: int, as_of: date | None = None, granularity: str | None = None
) -> dict[str, Any]:
    """A theme's stored indicators for display: each value with its formula (en/zh), the scorecard,
    the per-period series for charts and the evidence documents (restricted ones without text).

    Raises
    ------
    NotFoundError
        When the theme does not exist or has no indicators stored (for that date).
    """
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFoundError(f"theme {theme_id} does not exist")
    stmt = select(ThemeIndicators).where(ThemeIndicators.theme_id == theme_id)
    if as_of is not None:
        stmt = stmt.where(ThemeIndicators.as_of == as_of)
    if granularity:
        stmt = stmt.where(ThemeIndicators.granularity == granularity)
    row = session.scalars(
        stmt.order_by(ThemeIndicators.as_of.desc(), ThemeIndicators.id.desc()).limit(1)
    ).first()
    if row is None:
        raise NotFoundError(f"theme {theme_id} has no indicators yet; run `foresight indicators` first")
    values = row.indicators.get("values", {})
    order = [n for n in DISPLAY_ORDER if n in values] + sorted(n for n in values if n not in DISPLAY_ORDER)
    shown = []
    for name in order:
        item = dict(values[name])
        formula = FORMULAS.get(item.pop("formula", ""), None)
        value = item.pop("value", None)
        shown.append(
            {"name": name, "value": value, "details": item, "formula": formula.as_dict() if formula else None}
        )
    evidence_ids = row.indicators.get("evidence", {}).get("document_ids", [])
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(evidence_ids)))}
    return {
        "theme": {
            "id": theme.id,
            "run_id": theme.run_id,
            "number": theme.number,
            "label": theme_label(theme),
            "label_en": theme.label_en,
            "label_zh": theme.label_zh,
            "lineage_id": theme.lineage_id,
        },
        "as_of": row.as_of.isoformat(),
        "granularity": row.granularity,
        "composite": row.composite,
        "indicators": shown,
        "scorecard": row.scorecard,
        "series": row.indicators.get("series", {}),
        "windows": row.indicators.get("windows", {}),
        "evidence": [document_view(docs[i]) for i in evidence_ids if i in docs],
    }
