"""Fixtures: a synthetic run in a migrated store (SQLite and PostgreSQL), and a snapshot of everything
curation can change, to compare states exactly."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Annotation, CurationOp, GraphLink, RetiredTheme, Theme, ThemeMembership
from tests.curation.factory import SyntheticRun, make_run


@pytest.fixture
def syn(session: Session) -> SyntheticRun:
    return make_run(session)


def snapshot(session: Session, run_id: int) -> dict[str, Any]:
    """Every row curation may change in a run, versions aside (they only go up)."""
    session.flush()
    session.expire_all()
    themes = {
        t.id: (
            t.label_en,
            t.label_zh,
            [list(k) for k in t.keywords],
            t.size,
            t.hidden,
            t.origin,
            t.lineage_id,
            t.number,
            t.field_id,
            base64.b64encode(t.centroid or b"").decode(),
            list(t.representative_doc_ids),
        )
        for t in session.scalars(select(Theme).where(Theme.run_id == run_id))
    }
    members = dict(
        session.execute(
            select(ThemeMembership.document_id, ThemeMembership.theme_id).where(
                ThemeMembership.run_id == run_id
            )
        ).all()
    )
    retired = {
        r.theme_id: (r.reason, list(r.successor_ids), list(r.documents))
        for r in session.scalars(select(RetiredTheme).where(RetiredTheme.run_id == run_id))
    }
    links = {
        lk.id: (lk.source, lk.target, lk.edge_type, lk.kind, lk.weight)
        for lk in session.scalars(select(GraphLink).where(GraphLink.run_id == run_id))
    }
    notes = {
        a.id: (a.target, a.kind, a.text, a.flagged)
        for a in session.scalars(select(Annotation).where(Annotation.run_id == run_id))
    }
    return {"themes": themes, "members": members, "retired": retired, "links": links, "annotations": notes}


def op_row(session: Session, op_id: int) -> CurationOp:
    row = session.get(CurationOp, op_id)
    assert row is not None
    return row
