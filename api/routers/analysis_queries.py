"""Listing helpers of the analysis API: filtered, sorted and paginated themes and documents.

Filters on documents (language, kind, year window) select themes through their member documents: a theme
is listed when at least one of its members in the run matches every document filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from foresight.corpus import document_view
from foresight.db.models import Document, Theme, ThemeIndicators, ThemeMembership
from foresight.themes.queries import get_run, theme_row


@dataclass(frozen=True)
class DocFilter:
    language: str | None = None
    kind: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def apply(self, stmt: Select[Any]) -> Select[Any]:
        if self.language:
            stmt = stmt.where(Document.language == self.language)
        if self.kind:
            stmt = stmt.where(Document.kind == self.kind)
        if self.year_from is not None:
            stmt = stmt.where(Document.year >= self.year_from)
        if self.year_to is not None:
            stmt = stmt.where(Document.year <= self.year_to)
        return stmt

    @property
    def active(self) -> bool:
        return any(
            v is not None and v != "" for v in (self.language, self.kind, self.year_from, self.year_to)
        )


def latest_indicator_values(session: Session, theme_ids: list[int]) -> dict[int, dict[str, Any]]:
    """``{theme id: {indicator name: value}}`` from each theme's most recent stored indicators."""
    out: dict[int, dict[str, Any]] = {}
    if not theme_ids:
        return out
    stmt = (
        select(ThemeIndicators.theme_id, ThemeIndicators.indicators, ThemeIndicators.composite)
        .where(ThemeIndicators.theme_id.in_(theme_ids))
        .order_by(ThemeIndicators.theme_id, ThemeIndicators.as_of.desc(), ThemeIndicators.computed_at.desc())
    )
    for theme_id, indicators, composite in session.execute(stmt):
        if theme_id in out:
            continue
        values = (indicators or {}).get("values") or {}
        row = {name: (v or {}).get("value") if isinstance(v, dict) else v for name, v in values.items()}
        if composite is not None:
            row.setdefault("composite", composite)
        out[theme_id] = row
    return out


def list_run_themes(
    session: Session,
    run_id: int,
    *,
    field_id: int | None,
    docs: DocFilter,
    sort: str,
    descending: bool,
    limit: int,
    offset: int,
    include_hidden: bool = False,
) -> dict[str, Any]:
    """A page of a run's themes: ``{"total", "limit", "offset", "items"}``; items carry ``indicators``.

    ``sort`` is ``size``, ``number``, ``label`` or ``indicator:<name>`` (themes without that indicator last).
    Raises ``ValueError`` for any other sort key.
    """
    run = get_run(session, run_id)
    stmt = select(Theme.id, Theme.number, Theme.size, Theme.label_en, Theme.label_zh).where(
        Theme.run_id == run.id
    )
    if not include_hidden:
        stmt = stmt.where(Theme.hidden.is_(False))
    if field_id is not None:
        stmt = stmt.where(Theme.field_id == field_id)
    if docs.active:
        members = docs.apply(
            select(ThemeMembership.theme_id)
            .join(Document, Document.id == ThemeMembership.document_id)
            .where(ThemeMembership.run_id == run.id, ThemeMembership.theme_id.is_not(None))
        )
        stmt = stmt.where(Theme.id.in_(members))
    # sort light rows (id, number, size, labels); load whole themes for the page only
    themes = list(session.execute(stmt.order_by(Theme.number)).all())
    values: dict[int, dict[str, Any]] = {}
    if sort == "size":
        themes.sort(key=lambda t: (t[2], -t[1]) if descending else (t[2], t[1]), reverse=descending)
    elif sort == "number":
        themes.sort(key=lambda t: t[1], reverse=descending)
    elif sort == "label":
        themes.sort(key=lambda t: (t[3] or t[4]).lower(), reverse=descending)
    elif sort.startswith("indicator:") and sort.partition(":")[2]:
        name = sort.partition(":")[2]
        values = latest_indicator_values(session, [t[0] for t in themes])
        present = [t for t in themes if isinstance(values.get(t[0], {}).get(name), int | float)]
        kept = {t[0] for t in present}
        missing = [t for t in themes if t[0] not in kept]
        present.sort(key=lambda t: (values[t[0]][name], -t[1]), reverse=descending)
        themes = present + missing
    else:
        raise ValueError(f"unknown sort {sort!r}: use size, number, label or indicator:<name>")
    page_ids = [t[0] for t in themes[offset : offset + limit]]
    if not values:
        values = latest_indicator_values(session, page_ids)
    rows = {t.id: t for t in session.scalars(select(Theme).where(Theme.id.in_(page_ids)))} if page_ids else {}
    items = [{**theme_row(rows[i]), "indicators": values.get(i, {})} for i in page_ids]
    return {"total": len(themes), "limit": limit, "offset": offset, "items": items}


def list_documents_page(
    session: Session,
    *,
    docs: DocFilter,
    run_id: int | None,
    theme_id: int | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """A page of documents (restricted ones without text), optionally the members of a theme or run."""
    stmt = docs.apply(select(Document))
    if theme_id is not None or run_id is not None:
        member = select(ThemeMembership.document_id)
        if theme_id is not None:
            member = member.where(ThemeMembership.theme_id == theme_id)
        if run_id is not None:
            member = member.where(ThemeMembership.run_id == run_id)
        stmt = stmt.where(Document.id.in_(member))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Document.id).limit(limit).offset(offset))
    return {"total": total, "limit": limit, "offset": offset, "items": [document_view(d) for d in rows]}
