"""A run as it looked on an as-of date: its themes and the documents published up to that date.

Everything the indicators use is read here and cut at the as-of date, so no later document can reach
them (the no-look-ahead rule). Document vectors come from the embedding cache under the run's model id
when they are there (neural and fused runs); lexical runs have none and get no vector-based indicators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import AnalysisRun, Document, Theme, ThemeField, ThemeMembership
from foresight.embeddings import document_text
from foresight.embeddings.cache import get_many, text_hash
from foresight.monitoring.periods import (
    Granularity,
    choose_granularity,
    effective_date,
    period_key,
    period_range,
)
from foresight.themes.queries import get_run, theme_label


@dataclass
class SnapshotDocument:
    """One document of the run, with what the indicators need."""

    id: int
    kind: str
    when: date
    full_date: bool
    period: str
    theme_id: int | None
    probability: float
    family_id: str | None
    organizations: list[str]
    countries: list[str]
    categories: list[str]
    ipc_codes: list[str]
    keywords: list[str]
    citation_count: int | None
    year: int | None
    text: str
    language: str


@dataclass
class SnapshotTheme:
    """A theme of the run (labels, run-level quality, field, lineage)."""

    id: int
    number: int
    label: str
    label_en: str
    label_zh: str
    lineage_id: str
    field_label: str
    quality: dict[str, Any]
    keywords: list[tuple[str, float]]


@dataclass
class RunSnapshot:
    """The run's documents up to ``as_of`` (dated ones only), its themes and the period axis."""

    run_id: int
    model_id: str
    as_of: date
    granularity: Granularity
    periods: list[str]
    documents: list[SnapshotDocument]
    themes: dict[int, SnapshotTheme]
    n_run_documents: int
    n_undated: int
    n_after_as_of: int
    vectors: dict[int, np.ndarray] = field(default_factory=dict)

    def period_index(self) -> dict[str, int]:
        return {p: i for i, p in enumerate(self.periods)}


class SnapshotError(ValueError):
    """The run has nothing to measure as of the date asked (no dated documents, bad granularity…)."""


def _cached_vectors(session: Session, model_id: str, texts: dict[int, str]) -> dict[int, np.ndarray]:
    neural_id = model_id.split("+", 1)[0]
    hashes = {doc_id: text_hash(text) for doc_id, text in texts.items()}
    found = get_many(session, neural_id, hashes.values())
    return {doc_id: found[h].astype(np.float64) for doc_id, h in hashes.items() if h in found}


def load_snapshot(
    session: Session,
    run_id: int | None = None,
    as_of: date | None = None,
    granularity: str = "auto",
    with_vectors: bool = True,
) -> RunSnapshot:
    """Read run ``run_id`` (default: the latest completed) as of ``as_of``.

    Parameters
    ----------
    session
        An open session.
    run_id
        The run; ``None`` for the latest completed one.
    as_of
        Last date whose documents may be used; default the latest document date of the run (among
        documents with a full date when counting in months).
    granularity
        ``"year"``, ``"month"`` or ``"auto"`` (months when the run's dated documents span at most three
        years and nearly all carry a full date).
    with_vectors
        Read the documents' cached embeddings too.

    Raises
    ------
    SnapshotError
        When no dated document of the run is on or before ``as_of``.
    foresight.themes.queries.NotFoundError
        For an unknown run.
    """
    if granularity not in ("auto", "year", "month"):
        raise SnapshotError(f"granularity must be auto, year or month, not {granularity!r}")
    run: AnalysisRun = get_run(session, run_id)
    rows = session.execute(
        select(
            Document.id,
            Document.kind,
            Document.year,
            Document.publication_date,
            Document.priority_date,
            Document.application_date,
            Document.grant_date,
            Document.family_id,
            Document.organizations,
            Document.countries,
            Document.categories,
            Document.ipc_codes,
            Document.keywords,
            Document.citation_count,
            Document.title,
            Document.abstract,
            Document.language,
            ThemeMembership.theme_id,
            ThemeMembership.probability,
        )
        .join(ThemeMembership, ThemeMembership.document_id == Document.id)
        .where(ThemeMembership.run_id == run.id)
        .order_by(Document.id)
    ).all()
    dated: list[tuple[Any, date, bool]] = []
    undated = 0
    for row in rows:
        when, full = effective_date(
            row.kind, row.year, row.publication_date, row.priority_date, row.application_date, row.grant_date
        )
        if when is None:
            undated += 1
        else:
            dated.append((row, when, full))
    if not dated:
        raise SnapshotError(f"run {run.id} has no dated documents")
    chosen: Granularity
    if granularity == "auto":
        chosen = choose_granularity([w for _, w, _ in dated], [f for _, _, f in dated])
    else:
        chosen = granularity  # type: ignore[assignment]
    if as_of is None:  # the latest date that counts (a year alone cannot count in months)
        as_of = max((when for _, when, full in dated if full or chosen == "year"), default=None)
        if as_of is None:
            raise SnapshotError(f"run {run.id} has no document with a full date to count in months")
    documents: list[SnapshotDocument] = []
    after = 0
    for row, when, full in dated:
        if chosen == "month" and not full:
            undated += 1  # a year alone cannot be placed in a month
            continue
        if when > as_of:
            after += 1
            continue
        documents.append(
            SnapshotDocument(
                id=row.id,
                kind=row.kind,
                when=when,
                full_date=full,
                period=period_key(when, chosen),
                theme_id=row.theme_id,
                probability=float(row.probability or 0.0),
                family_id=row.family_id,
                organizations=list(row.organizations or []),
                countries=list(row.countries or []),
                categories=list(row.categories or []),
                ipc_codes=list(row.ipc_codes or []),
                keywords=[str(k).strip().lower() for k in row.keywords or [] if str(k).strip()],
                citation_count=row.citation_count,
                year=row.year,
                text=document_text(_Text(row.title, row.abstract)),
                language=row.language,
            )
        )
    if not documents:
        raise SnapshotError(f"run {run.id} has no dated document on or before {as_of.isoformat()}")
    periods = period_range(min(d.period for d in documents), period_key(as_of, chosen))
    themes: dict[int, SnapshotTheme] = {}
    for theme, field_label_en, field_label_zh in session.execute(
        select(Theme, ThemeField.label_en, ThemeField.label_zh)
        .outerjoin(ThemeField, ThemeField.id == Theme.field_id)
        .where(Theme.run_id == run.id, Theme.hidden.is_(False))
        .order_by(Theme.number)
    ):
        themes[theme.id] = SnapshotTheme(
            id=theme.id,
            number=theme.number,
            label=theme_label(theme),
            label_en=theme.label_en,
            label_zh=theme.label_zh,
            lineage_id=theme.lineage_id,
            field_label=field_label_en or field_label_zh or "",
            quality=dict(theme.quality or {}),
            keywords=[(str(t), float(w)) for t, w in theme.keywords or []],
        )
    snapshot = RunSnapshot(
        run_id=run.id,
        model_id=run.model_id,
        as_of=as_of,
        granularity=chosen,
        periods=periods,
        documents=documents,
        themes=themes,
        n_run_documents=len(rows),
        n_undated=undated,
        n_after_as_of=after,
    )
    if with_vectors:
        snapshot.vectors = _cached_vectors(session, run.model_id, {d.id: d.text for d in documents})
    return snapshot


@dataclass
class _Text:
    title: str
    abstract: str | None
