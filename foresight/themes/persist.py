"""Storing a fitted ``ThemeModel`` as an analysis run: fields, themes and memberships, in one transaction."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
from sqlalchemy import Engine

from foresight.db.base import utcnow
from foresight.db.bulk import bulk_insert
from foresight.db.models import AnalysisRun, Theme, ThemeField, ThemeMembership
from foresight.db.session import session_scope
from foresight.text import has_han
from foresight.themes.pipeline import ThemeModel


def encode_centroid(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_centroid(data: bytes | None) -> np.ndarray:
    return np.frombuffer(data or b"", dtype="<f4").astype(np.float64)


def split_label(label: str) -> tuple[str, str]:
    """A machine label goes to ``label_zh`` when it is Chinese, else to ``label_en``."""
    return ("", label) if has_han(label) else (label, "")


def new_lineage_id() -> str:
    return uuid.uuid4().hex


def store_run(
    engine: Engine,
    run: AnalysisRun,
    model: ThemeModel,
    doc_ids: list[int],
    quality: dict[int, dict[str, float]],
    coords: np.ndarray | None,
    timings: dict[str, float],
) -> int:
    """Persist ``run`` with the model's fields, themes and per-document memberships; return the run id."""
    with session_scope(engine) as session:
        previous = session.query(AnalysisRun.id).order_by(AnalysisRun.id.desc()).first()
        run.previous_run_id = previous[0] if previous else None
        run.n_documents = len(doc_ids)
        run.n_themes = len(model.themes_)
        run.n_fields = len(model.fields_)
        run.noise_share = float(model.noise_share_["after"])
        run.parameters = {**run.parameters, "noise_share": dict(model.noise_share_)}
        run.timings = {k: round(v, 3) for k, v in timings.items()}
        session.add(run)
        session.flush()
        fields: dict[int, ThemeField] = {}
        for f in model.fields_:
            en, zh = split_label(f.label)
            fields[f.id] = ThemeField(
                run_id=run.id, number=f.id, label_en=en, label_zh=zh, size=f.size,
                keywords=[[term, round(float(w), 6)] for term, w in f.keywords],
            )  # fmt: skip
        session.add_all(fields.values())
        session.flush()
        themes: dict[int, Theme] = {}
        for t in model.themes_:
            en, zh = split_label(t.label)
            field = fields.get(int(model.theme_field_[t.id])) if len(model.theme_field_) else None
            themes[t.id] = Theme(
                run_id=run.id,
                number=t.id,
                field_id=field.id if field else None,
                label_en=en,
                label_zh=zh,
                keywords=[[term, round(float(w), 6)] for term, w in t.keywords],
                size=t.size,
                centroid=encode_centroid(t.centroid),
                representative_doc_ids=[doc_ids[i] for i in t.representative_docs],
                quality=quality.get(t.id, {}),
                lineage_id=new_lineage_id(),
            )
        session.add_all(themes.values())
        session.flush()
        rows: list[dict[str, Any]] = []
        for i, doc_id in enumerate(doc_ids):
            label = int(model.labels_[i])
            rows.append(
                {
                    "run_id": run.id,
                    "document_id": doc_id,
                    "theme_id": themes[label].id if label >= 0 else None,
                    "probability": float(model.probabilities_[i]),
                    "reassigned": bool(model.outliers_[i] and label >= 0),
                    "x": float(coords[i, 0]) if coords is not None else None,
                    "y": float(coords[i, 1]) if coords is not None else None,
                }
            )
        bulk_insert(session, ThemeMembership.__table__, rows)  # type: ignore[arg-type]
        run.status = "completed"
        run.finished_at = utcnow()
        return run.id
