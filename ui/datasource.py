"""The dashboard's only door to :mod:`foresight`: plain data (dicts, lists, DataFrames) for the pages.

The engine of the configured store (``FORESIGHT_DATABASE_URL`` or the embedded SQLite file) is cached as
a resource per database URL; query results are cached for :data:`TTL_SECONDS` and keyed by the URL and the
run id, so switching runs or stores never shows stale rows. Call :func:`clear_caches` after an edit.

The monitoring service (indicators, lineage, alerts) is optional: while ``foresight.monitoring`` cannot be
imported those functions return empty data. Services not written yet are marked ``EXTENSION POINT``: the
pages already call these functions and render an empty state until the service answers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from foresight.corpus import RESTRICTED_TEXT, corpus_stats
from foresight.db.models import AnalysisRun, Document, Theme, ThemeField, ThemeMembership
from foresight.db.session import session_scope
from foresight.settings import get_settings
from foresight.store import open_store
from foresight.themes import queries

TTL_SECONDS = 300
INDICATOR_COLUMNS = ("growth", "escore", "burst")
THEME_COLUMNS = [
    "theme_id", "number", "label_en", "label_zh", "field_id", "field_label_en", "field_label_zh", "size",
    "stability", "silhouette", "growth", "escore", "burst", "lineage_id", "origin", "keywords",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "document_id", "x", "y", "theme_id", "field_id", "probability", "title", "kind", "language", "year",
    "restricted",
]  # fmt: skip


def database_url() -> str:
    """URL of the configured store (read from the environment at every call: cheap, never stale)."""
    return get_settings().resolved_database_url


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    settings = get_settings()
    if settings.resolved_database_url != url:
        settings = settings.model_copy(update={"database_url": url})
    return open_store(settings)


def engine() -> Engine:
    """The migrated engine of the configured store, created once per database URL."""
    return _engine(database_url())


def _read(url: str, work: Callable[[Session], Any]) -> Any:
    with session_scope(_engine(url)) as session:
        return work(session)


@st.cache_data(ttl=10, show_spinner=False)
def _store_problem(url: str) -> str | None:
    try:
        with _engine(url).connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # any reason the store cannot be used is shown, not raised
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return None


def store_problem() -> str | None:
    """Why the store cannot be read (``None`` when it can)."""
    return _store_problem(database_url())


def store_label() -> str:
    """The store's URL without its password, for display."""
    from sqlalchemy.engine import make_url

    return make_url(database_url()).render_as_string(hide_password=True)


# ---------------------------------------------------------------------------------------------- corpus


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _corpus(url: str) -> dict[str, Any]:
    return dict(_read(url, corpus_stats))


def corpus() -> dict[str, Any]:
    """Documents in the store: ``total``, ``restricted``, ``import_batches`` and counts ``by_kind``,
    ``by_language``, ``by_year``, ``by_source_format``."""
    return _corpus(database_url())


# ------------------------------------------------------------------------------------------------ runs


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _runs(url: str) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.scalars(
            select(AnalysisRun).where(AnalysisRun.status == "completed").order_by(AnalysisRun.id.desc())
        )
        return [
            {
                "id": r.id,
                "label": r.label,
                "created_at": r.created_at.isoformat(timespec="minutes") if r.created_at else None,
                "n_documents": r.n_documents,
                "n_themes": r.n_themes,
                "representation": r.representation,
            }
            for r in rows
        ]

    return list(_read(url, work))


def runs() -> list[dict[str, Any]]:
    """Completed analysis runs, newest first."""
    return _runs(database_url())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _run(url: str, run_id: int) -> dict[str, Any] | None:
    def work(session: Session) -> dict[str, Any] | None:
        try:
            return queries.run_summary(queries.get_run(session, run_id))
        except queries.NotFoundError:
            return None

    result: dict[str, Any] | None = _read(url, work)
    return result


def run(run_id: int) -> dict[str, Any] | None:
    """Summary of one run (parameters, timings, warnings…), ``None`` when it does not exist."""
    return _run(database_url(), run_id)


# ---------------------------------------------------------------------------------------------- themes


def monitoring_module(name: str = "") -> ModuleType | None:
    """``foresight.monitoring`` (or its submodule ``name``), ``None`` while that service is not installed."""
    try:
        return importlib.import_module("foresight.monitoring" + (f".{name}" if name else ""))
    except ImportError:
        return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _latest_indicators(session: Session, run_id: int) -> dict[int, dict[str, float | None]]:
    """Theme → growth (log-share slope, else CAGR), EScore and burst weight from the run's latest stored
    indicator computation; empty without the monitoring service or before ``foresight indicators``."""
    monitoring = monitoring_module()
    if monitoring is None:
        return {}
    out: dict[int, dict[str, float | None]] = {}
    for row in monitoring.run_indicators(session, run_id):
        growth = _number(row.get("log_share_slope"))
        out[int(row["theme_id"])] = {
            "growth": growth if growth is not None else _number(row.get("cagr")),
            "escore": _number(row.get("escore")),
            "burst": _number(row.get("burst_weight")),
        }
    return out


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _themes(url: str, run_id: int) -> pd.DataFrame:
    def work(session: Session) -> list[dict[str, Any]]:
        indicators = _latest_indicators(session, run_id)
        stmt = (
            select(Theme, ThemeField)
            .outerjoin(ThemeField, ThemeField.id == Theme.field_id)
            .where(Theme.run_id == run_id, Theme.hidden.is_(False))
            .order_by(Theme.size.desc(), Theme.number)
        )
        rows = []
        for theme, field in session.execute(stmt):
            quality = theme.quality or {}
            rows.append(
                {
                    "theme_id": theme.id,
                    "number": theme.number,
                    "label_en": theme.label_en,
                    "label_zh": theme.label_zh,
                    "field_id": field.id if field else None,
                    "field_label_en": field.label_en if field else None,
                    "field_label_zh": field.label_zh if field else None,
                    "size": theme.size,
                    "stability": quality.get("stability"),
                    "silhouette": quality.get("silhouette"),
                    **indicators.get(theme.id, dict.fromkeys(INDICATOR_COLUMNS)),
                    "lineage_id": theme.lineage_id,
                    "origin": theme.origin,
                    "keywords": [term for term, _ in theme.keywords[:10]],
                }
            )
        return rows

    frame = pd.DataFrame(_read(url, work), columns=THEME_COLUMNS)
    frame["field_id"] = frame["field_id"].astype("Int64")
    for column in ("stability", "silhouette", "growth", "escore", "burst"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


def themes(run_id: int) -> pd.DataFrame:
    """Visible themes of a run with field labels, size, quality and (when computed) indicators."""
    return _themes(database_url(), run_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _documents(url: str, run_id: int) -> pd.DataFrame:
    def work(session: Session) -> list[tuple[Any, ...]]:
        stmt = (
            select(
                Document.id,
                ThemeMembership.x,
                ThemeMembership.y,
                ThemeMembership.theme_id,
                Theme.field_id,
                ThemeMembership.probability,
                Document.title,
                Document.kind,
                Document.language,
                Document.year,
                Document.access_level == "restricted",
            )
            .join(ThemeMembership, ThemeMembership.document_id == Document.id)
            .outerjoin(Theme, Theme.id == ThemeMembership.theme_id)
            .where(ThemeMembership.run_id == run_id)
            .order_by(Document.id)
        )
        return [tuple(row) for row in session.execute(stmt)]

    frame = pd.DataFrame(_read(url, work), columns=DOCUMENT_COLUMNS)
    frame["restricted"] = frame["restricted"].astype(bool)
    # Restricted documents never leave the datasource with their text.
    frame.loc[frame["restricted"], "title"] = RESTRICTED_TEXT
    for column in ("theme_id", "field_id", "year"):
        frame[column] = frame[column].astype("Int64")
    for column in ("x", "y", "probability"):
        frame[column] = frame[column].astype(float)
    return frame


def documents(run_id: int) -> pd.DataFrame:
    """One row per document of a run: map coordinates, theme, field, kind, language, year, and the title
    (``[restricted]`` for restricted documents)."""
    return _documents(database_url(), run_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _theme_series(url: str, run_id: int) -> pd.DataFrame:
    def work(session: Session) -> list[tuple[Any, ...]]:
        stmt = (
            select(ThemeMembership.theme_id, Document.year, func.count())
            .join(Document, Document.id == ThemeMembership.document_id)
            .where(
                ThemeMembership.run_id == run_id,
                ThemeMembership.theme_id.is_not(None),
                Document.year.is_not(None),
            )
            .group_by(ThemeMembership.theme_id, Document.year)
            .order_by(ThemeMembership.theme_id, Document.year)
        )
        return [(theme, str(year), int(n)) for theme, year, n in session.execute(stmt)]

    return pd.DataFrame(_read(url, work), columns=["theme_id", "period", "count"])


def theme_series(run_id: int) -> pd.DataFrame:
    """Documents per theme and year (``theme_id, period, count``) — the series behind the sparklines.

    EXTENSION POINT: when the monitoring service stores per-period series (``theme_indicators.series``),
    prefer them here (they count patent families once and honour the as-of date).
    """
    return _theme_series(database_url(), run_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _theme_detail(url: str, theme_id: int) -> dict[str, Any] | None:
    def work(session: Session) -> dict[str, Any] | None:
        try:
            return queries.theme_detail(session, theme_id)
        except queries.NotFoundError:
            return None

    result: dict[str, Any] | None = _read(url, work)
    return result


def theme_detail(theme_id: int) -> dict[str, Any] | None:
    """A theme with its evidence: weighted keywords, representative and top documents (restricted ones
    without text), quality and field; ``None`` when it does not exist."""
    return _theme_detail(database_url(), theme_id)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _lineage(url: str, run_id: int, theme_id: int) -> list[dict[str, Any]]:
    monitoring = monitoring_module()
    if monitoring is None:
        return []

    def work(session: Session) -> list[dict[str, Any]]:
        events = monitoring.run_events(session, run_id)
        return [e for e in events if any(t["id"] == theme_id for t in e["to_themes"])]

    return list(_read(url, work))


def theme_lineage(run_id: int, theme_id: int) -> list[dict[str, Any]]:
    """How a theme relates to the previous run (``event``: continue, birth, merge, split; ``from_run_id``;
    ``from_themes`` with ids and labels): ``[]`` until the monitoring service has linked this run."""
    return _lineage(database_url(), run_id, theme_id)


def curation_history(theme_id: int) -> list[dict[str, Any]]:
    """Curation edits of a theme (when, who, what, status, why), newest first (see
    :func:`ui.datasource_edit.theme_history`)."""
    from ui import datasource_edit  # the part that reads the curation log (imports this module)

    return datasource_edit.theme_history(theme_id)


# -------------------------------------------------------------------------------------------- alerts


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def _alerts(url: str, run_id: int | None) -> list[dict[str, Any]]:
    alerts_service = monitoring_module("alerts")
    if alerts_service is None:
        return []

    def work(session: Session) -> list[dict[str, Any]]:
        try:
            return list(alerts_service.list_alerts(session, run_id))
        except queries.NotFoundError:  # no such run, or no completed run yet
            return []

    return list(_read(url, work))


def alerts(run_id: int | None = None) -> list[dict[str, Any]]:
    """Early-warning alerts of a run (default: the latest), watched items first; ``[]`` while the
    monitoring service is not installed or has raised none."""
    return _alerts(database_url(), run_id)


# ---------------------------------------------------------------------------------------------- caches

_CACHED_DATA = (
    _store_problem, _corpus, _runs, _run, _themes, _documents, _theme_series, _theme_detail, _lineage,
    _alerts,
)  # fmt: skip


_EXTRA_CLEARS: list[Callable[[], None]] = []


def on_clear(forget: Callable[[], None]) -> None:
    """Have :func:`clear_caches` also call ``forget`` (the caches of the ``ui/datasource_*.py`` parts)."""
    if forget not in _EXTRA_CLEARS:
        _EXTRA_CLEARS.append(forget)


def clear_caches(*, engines: bool = False) -> None:
    """Forget cached query results (after an edit or an import); ``engines=True`` also drops engines."""
    for cached in _CACHED_DATA:
        cached.clear()
    for forget in _EXTRA_CLEARS:
        forget()
    if engines:
        _engine.clear()
