"""Re-describing curated themes gives exactly the pipeline's c-TF-IDF, from stored term statistics."""

from __future__ import annotations

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.curation.describe import (
    _CACHE,
    describe_groups,
    document_texts,
    run_term_stats,
    store_representation_stats,
)
from foresight.db.models import AnalysisRun, RunTermStats, ThemeMembership
from foresight.themes.represent import CTfidfRepresentation
from tests.curation.factory import SyntheticRun


def fitted(session: Session, run_id: int) -> tuple[CTfidfRepresentation, np.ndarray, list[int]]:
    rows = session.execute(
        select(ThemeMembership.document_id, ThemeMembership.theme_id)
        .where(ThemeMembership.run_id == run_id)
        .order_by(ThemeMembership.document_id)
    ).all()
    texts = document_texts(session, [d for d, _ in rows])
    labels = np.array([t if t is not None else -1 for _, t in rows])
    rep = CTfidfRepresentation().fit([texts[d][0] for d, _ in rows], labels, [texts[d][1] for d, _ in rows])
    return rep, labels, [d for d, _ in rows]


def test_statistics_from_the_pipeline_equal_recomputed_ones(session: Session, syn: SyntheticRun) -> None:
    run = session.get(AnalysisRun, syn.run_id)
    assert run is not None
    rep, _, _ = fitted(session, syn.run_id)
    stored = store_representation_stats(session, syn.run_id, rep)
    assert stored is not None and store_representation_stats(session, syn.run_id, rep) is None  # once
    frequencies, total = dict(stored.frequencies), stored.total
    session.delete(stored)
    session.flush()
    session.info.pop(_CACHE, None)
    fresh = run_term_stats(session, run, store=False)
    assert fresh.frequencies == frequencies and fresh.total == total and fresh.n_documents == 26
    assert session.scalar(select(RunTermStats)) is None  # store=False wrote nothing


def test_groups_are_described_as_the_pipeline_would(session: Session, syn: SyntheticRun) -> None:
    run = session.get(AnalysisRun, syn.run_id)
    assert run is not None
    rep, _, _ = fitted(session, syn.run_id)
    got = describe_groups(session, run, {t: syn.documents[name] for name, t in syn.themes.items()})
    for theme_id, description in got.items():
        want = rep.keywords_[theme_id]
        assert [t for t, _ in description.keywords] == [t for t, _ in want]
        assert np.allclose([w for _, w in description.keywords], [w for _, w in want], atol=1e-6)
        assert description.label_en == rep.labels_text_[theme_id]
