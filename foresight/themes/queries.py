"""Read side of analysis runs: runs, themes, a theme's evidence, and the per-document export."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.corpus import document_view
from foresight.db.models import AnalysisRun, Document, Theme, ThemeField, ThemeMembership


class NotFoundError(LookupError):
    """An id that does not exist (run, theme, document)."""


def latest_run_id(session: Session) -> int:
    run_id = session.scalar(
        select(AnalysisRun.id).where(AnalysisRun.status == "completed").order_by(AnalysisRun.id.desc())
    )
    if run_id is None:
        raise NotFoundError("no completed analysis run yet; run `foresight analyze` first")
    return run_id


def get_run(session: Session, run_id: int | None = None) -> AnalysisRun:
    run = session.get(AnalysisRun, run_id if run_id is not None else latest_run_id(session))
    if run is None:
        raise NotFoundError(f"analysis run {run_id} does not exist")
    return run


def run_summary(run: AnalysisRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "label": run.label,
        "status": run.status,
        "created_at": run.created_at.isoformat() if run.created_at else None,
        "seed": run.seed,
        "model_id": run.model_id,
        "representation": run.representation,
        "filters": run.filters,
        "parameters": run.parameters,
        "corpus_fingerprint": run.corpus_fingerprint,
        "n_documents": run.n_documents,
        "n_themes": run.n_themes,
        "n_fields": run.n_fields,
        "noise_share": run.noise_share,
        "versions": run.versions,
        "timings": run.timings,
        "warnings": run.warnings,
        "previous_run_id": run.previous_run_id,
    }


def theme_label(theme: Theme, language: str = "en") -> str:
    first, second = (theme.label_zh, theme.label_en) if language == "zh" else (theme.label_en, theme.label_zh)
    return first or second or f"theme {theme.number}"


def theme_row(theme: Theme) -> dict[str, Any]:
    return {
        "id": theme.id,
        "run_id": theme.run_id,
        "number": theme.number,
        "label_en": theme.label_en,
        "label_zh": theme.label_zh,
        "label": theme_label(theme),
        "field_id": theme.field_id,
        "size": theme.size,
        "keywords": [term for term, _ in theme.keywords[:10]],
        "quality": theme.quality,
        "lineage_id": theme.lineage_id,
        "version": theme.version,
        "hidden": theme.hidden,
        "origin": theme.origin,
    }


def list_themes(
    session: Session, run_id: int | None = None, include_hidden: bool = False
) -> list[dict[str, Any]]:
    run = get_run(session, run_id)
    stmt = select(Theme).where(Theme.run_id == run.id).order_by(Theme.size.desc(), Theme.number)
    if not include_hidden:
        stmt = stmt.where(Theme.hidden.is_(False))
    return [theme_row(t) for t in session.scalars(stmt)]


def list_fields(session: Session, run_id: int | None = None) -> list[dict[str, Any]]:
    run = get_run(session, run_id)
    fields = session.scalars(
        select(ThemeField).where(ThemeField.run_id == run.id).order_by(ThemeField.number)
    )
    return [
        {"id": f.id, "number": f.number, "label_en": f.label_en, "label_zh": f.label_zh, "size": f.size,
         "keywords": [term for term, _ in f.keywords[:10]]}
        for f in fields
    ]  # fmt: skip


def theme_detail(session: Session, theme_id: int, n_documents: int = 10) -> dict[str, Any]:
    """A theme with its evidence: keywords with weights, representative and top documents, quality."""
    theme = session.get(Theme, theme_id)
    if theme is None:
        raise NotFoundError(f"theme {theme_id} does not exist")
    reps = [session.get(Document, doc_id) for doc_id in theme.representative_doc_ids]
    members = session.scalars(
        select(Document)
        .join(ThemeMembership, ThemeMembership.document_id == Document.id)
        .where(ThemeMembership.theme_id == theme.id)
        .order_by(ThemeMembership.probability.desc(), Document.id)
        .limit(n_documents)
    ).all()
    field = session.get(ThemeField, theme.field_id) if theme.field_id else None
    return {
        **theme_row(theme),
        "keywords": [{"term": term, "weight": weight} for term, weight in theme.keywords],
        "field": {"id": field.id, "label_en": field.label_en, "label_zh": field.label_zh} if field else None,
        "representative_documents": [document_view(d) for d in reps if d is not None],
        "top_documents": [document_view(d) for d in members],
        "explanation": (
            "Keywords: class-based TF-IDF (c-TF-IDF) of the theme's documents against all themes; "
            "representative documents: members nearest the theme centroid (cosine); quality: mean "
            "silhouette in the clustering space and stability (mean Jaccard of the best-matching theme "
            "in re-runs with other seeds)."
        ),
    }


def source_identifier(doc: Document) -> str:
    if doc.doi:
        return f"doi:{doc.doi}"
    if doc.arxiv_id:
        return f"arXiv:{doc.arxiv_id}"
    if doc.patent_number:
        return doc.patent_number
    return doc.source_id or f"doc:{doc.id}"


def membership_rows(session: Session, run_id: int | None = None) -> list[dict[str, Any]]:
    """One row per document of a run: identifier, theme id and label, field, membership probability."""
    run = get_run(session, run_id)
    stmt = (
        select(Document, ThemeMembership, Theme, ThemeField)
        .join(ThemeMembership, ThemeMembership.document_id == Document.id)
        .outerjoin(Theme, Theme.id == ThemeMembership.theme_id)
        .outerjoin(ThemeField, ThemeField.id == Theme.field_id)
        .where(ThemeMembership.run_id == run.id)
        .order_by(Document.id)
    )
    rows = []
    for doc, membership, theme, field in session.execute(stmt):
        rows.append(
            {
                "document_id": doc.id,
                "source_id": source_identifier(doc),
                "run_id": run.id,
                "theme_id": theme.id if theme else None,
                "theme_label": theme_label(theme) if theme else "(noise)",
                "field_id": field.id if field else None,
                "field_label": (field.label_en or field.label_zh) if field else "",
                "probability": round(membership.probability, 4),
                "reassigned": membership.reassigned,
            }
        )
    return rows
