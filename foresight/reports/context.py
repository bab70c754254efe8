"""What a routine monitoring report (常态化模板报告) shows, gathered from the store as plain data.

The templates receive this dictionary and nothing else, so users can rewrite them freely.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.corpus import RESTRICTED_TEXT
from foresight.db.models import Document, ThemeIndicators
from foresight.monitoring.alerts import list_alerts
from foresight.monitoring.formulas import FORMULAS
from foresight.monitoring.indicators import run_indicators
from foresight.monitoring.lineage import run_events
from foresight.themes.queries import get_run, source_identifier

#: Formulas explained in every report, in this order.
REPORT_FORMULAS = (
    "scorecard.composite",
    "volume.documents",
    "volume.patent_families",
    "share",
    "growth.cagr",
    "growth.log_share_slope",
    "growth.acceleration",
    "burst.kleinberg",
    "escore.theme",
    "escore.terms",
    "novelty.first_appearance",
    "novelty.centroid_distance",
    "novelty.new_term_share",
    "weak_signal.yoon",
    "strategic.callon",
    "lifecycle.logistic",
    "balance.paper_patent",
    "diversity.shannon",
    "diversity.rao_stirling",
    "coherence.cohesion",
    "coherence.silhouette",
    "coherence.lineage_stability",
    "uncertainty.seed_instability",
    "lineage.similarity",
)


def _evidence(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    out = []
    for doc_id in ids:
        doc = docs.get(doc_id)
        if doc is None:
            continue
        restricted = doc.access_level == "restricted"
        when = doc.publication_date or doc.priority_date or doc.year
        out.append(
            {
                "id": doc.id,
                "title": RESTRICTED_TEXT if restricted else doc.title,
                "restricted": restricted,
                "kind": doc.kind,
                "date": when.isoformat() if isinstance(when, date) else (str(when) if when else ""),
                "source_id": source_identifier(doc),
            }
        )
    return out


def report_context(
    session: Session, run_id: int, as_of: date, granularity: str, top: int = 10
) -> dict[str, Any]:
    """Data of a report on run ``run_id`` with the indicators stored for ``as_of`` and ``granularity``.

    Returns
    -------
    dict
        ``run``, ``as_of``, ``granularity``, ``periods``, ``themes`` (all, best composite first),
        ``top_themes`` (with attributes and evidence), ``lineage`` (events by kind), ``alerts``,
        ``formulas`` and ``generated_at``; the caller adds ``charts``.
    """
    run = get_run(session, run_id)
    ranking = run_indicators(session, run.id, as_of, granularity)
    stored = {
        row.theme_id: row
        for row in session.scalars(
            select(ThemeIndicators).where(
                ThemeIndicators.run_id == run.id,
                ThemeIndicators.as_of == as_of,
                ThemeIndicators.granularity == granularity,
            )
        )
    }
    top_rows = []
    for row in ranking[:top]:
        ind = stored[row["theme_id"]]
        values = ind.indicators.get("values", {})
        terms = (values.get("term_escores") or {}).get("terms", [])
        top_rows.append(
            {
                **row,
                "attributes": [
                    {"label_en": a["label_en"], "label_zh": a["label_zh"], "value": a["value"]}
                    for a in ind.scorecard.get("attributes", [])
                ],
                "emergent_terms": [t["term"] for t in terms if t.get("emergent")],
                "top_terms": [t["term"] for t in terms[:6]],
                "new_terms": (values.get("new_term_share") or {}).get("new_terms", [])[:6],
                "evidence": _evidence(session, ind.indicators.get("evidence", {}).get("document_ids", [])),
            }
        )
    events = run_events(session, run.id)
    lineage: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("birth", "death", "merge", "split", "continue")
    }
    for event in events:
        lineage[event["event"]].append(event)
    periods = []
    if stored:
        periods = next(iter(stored.values())).indicators.get("series", {}).get("periods", [])
    return {
        "title_en": "Technology monitoring report",
        "title_zh": "技术监测预警报告",
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "run": {
            "id": run.id,
            "label": run.label,
            "created_at": run.created_at.isoformat() if run.created_at else "",
            "n_documents": run.n_documents,
            "n_themes": run.n_themes,
            "model_id": run.model_id,
            "previous_run_id": run.previous_run_id,
        },
        "as_of": as_of.isoformat(),
        "granularity": granularity,
        "periods": periods,
        "themes": ranking,
        "top_themes": top_rows,
        "lineage": lineage,
        "has_previous_run": run.previous_run_id is not None,
        "alerts": list_alerts(session, run.id),
        "formulas": [FORMULAS[f].as_dict() for f in REPORT_FORMULAS],
    }
