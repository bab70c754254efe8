"""The dashboard's door to monitoring (part of the datasource): stored indicator details, lineage flows
between runs and the watchlist. Empty data while the monitoring service or its rows are missing."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import ThemeIndicators
from foresight.db.session import session_scope
from ui import datasource as ds

DETAIL_COLUMNS = [
    "theme_id", "mean_frequency", "signal_growth", "signal_quadrant", "centrality", "density", "role",
    "bursts",
]  # fmt: skip


class WatchError(Exception):
    """A watchlist change was refused; the message says why."""


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _details(url: str, run_id: int) -> pd.DataFrame:
    def work(session: Session) -> list[dict[str, Any]]:
        rows = session.scalars(
            select(ThemeIndicators)
            .where(ThemeIndicators.run_id == run_id)
            .order_by(ThemeIndicators.as_of, ThemeIndicators.id)
        )
        latest = {row.theme_id: row for row in rows}  # the latest computation wins
        out = []
        for theme_id, row in latest.items():
            values = (row.indicators or {}).get("values") or {}
            weak = values.get("weak_signal") or {}
            strategic = values.get("strategic") or {}
            burst = values.get("burst") or {}
            out.append(
                {
                    "theme_id": theme_id,
                    "mean_frequency": _number(weak.get("mean_frequency")),
                    "signal_growth": _number(weak.get("growth")),
                    "signal_quadrant": weak.get("value"),
                    "centrality": _number(strategic.get("centrality")),
                    "density": _number(strategic.get("density")),
                    "role": strategic.get("value"),
                    "bursts": [(str(b["start"]), str(b["end"])) for b in burst.get("bursts") or []],
                }
            )
        return out

    return pd.DataFrame(ds._read(url, work), columns=DETAIL_COLUMNS)


def indicator_details(run_id: int) -> pd.DataFrame:
    """Per theme: weak-signal frequency and growth with its quadrant, Callon centrality and density with
    the role, and burst periods ``[(start, end)]`` from the latest stored computation."""
    return _details(ds.database_url(), run_id)


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _flows(url: str, run_id: int) -> list[dict[str, Any]]:
    monitoring = ds.monitoring_module()
    if monitoring is None:
        return []

    def work(session: Session) -> list[dict[str, Any]]:
        out = []
        for event in monitoring.run_events(session, run_id):
            sources = event["from_themes"] or [{"id": None, "label": "—"}]
            targets = event["to_themes"] or [{"id": None, "label": "—"}]
            share = 1.0 / (len(sources) * len(targets))
            for a in sources:
                for b in targets:
                    out.append(
                        {
                            "source": f"#{event['from_run_id']} {a['label']}",
                            "target": f"#{event['to_run_id']} {b['label']}",
                            "value": share,
                            "event": event["event"],
                        }
                    )
        return out

    return list(ds._read(url, work))


def lineage_flows(run_id: int) -> list[dict[str, Any]]:
    """Theme flows from the previous run into this one (``source``, ``target``, ``value``, ``event``)."""
    return _flows(ds.database_url(), run_id)


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _watches(url: str) -> list[dict[str, Any]]:
    watchlist = ds.monitoring_module("watchlist")
    if watchlist is None:
        return []
    return list(ds._read(url, watchlist.list_watches))


def watchlist() -> list[dict[str, Any]]:
    """Active watches (id, kind, target, label, created_by, created_at)."""
    return _watches(ds.database_url())


def _change(name: str, *args: Any, **kwargs: Any) -> Any:
    watchlist = ds.monitoring_module("watchlist")
    if watchlist is None:
        raise WatchError("the monitoring service is not installed")
    try:
        with session_scope(ds.engine()) as session:
            result = getattr(watchlist, name)(session, *args, **kwargs)
    except (ValueError, LookupError) as exc:
        raise WatchError(str(exc)) from exc
    except Exception as exc:  # the service's own errors (not found, invalid input)
        raise WatchError(str(exc)) from exc
    ds.clear_caches()
    return result


def add_watch(kind: str, target: str, label: str, *, actor: str) -> dict[str, Any]:
    """Watch a theme (id or lineage id), a keyword or a field."""
    result: dict[str, Any] = _change("create_watch", kind, target, label, actor)
    return result


def remove_watch(watch_id: int) -> None:
    """Stop watching."""
    _change("delete_watch", int(watch_id))


def clear_caches() -> None:
    """Forget the cached details, flows and watches (also done by :func:`ui.datasource.clear_caches`)."""
    _details.clear()
    _flows.clear()
    _watches.clear()


ds.on_clear(clear_caches)
