"""The dashboard's door to priority-technology lists (part of the datasource): a list computed from a
survey's latest closed round with chosen weights (not stored), its rank intervals, sensitivity,
provenance and exports (CSV, XLSX, JSON, HTML)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy.orm import Session

from foresight.db.models import Survey
from foresight.priorities import COMPONENTS, PRESETS, ListSettings, Weights
from foresight.priorities.exports import to_json, write_csv, write_xlsx
from foresight.priorities.report import render_html
from foresight.priorities.scoring import build_list
from foresight.priorities.service import survey_inputs
from foresight.priorities.uncertainty import analyse
from ui import datasource as ds

N_BOOT = 200  # bootstrap resamples for the interactive list (the stored lists use more)


def components() -> tuple[str, ...]:
    """Score components, in display order."""
    return tuple(COMPONENTS)


def presets() -> dict[str, dict[str, float]]:
    """Weight presets by name."""
    return {name: {str(c): float(w) for c, w in weights.values.items()} for name, weights in PRESETS.items()}


def _exports(plist: Any) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        out = {
            "csv": write_csv(plist, Path(tmp) / "list.csv").read_bytes(),
            "xlsx": write_xlsx(plist, Path(tmp) / "list.xlsx").read_bytes(),
        }
    out["json"] = json.dumps(to_json(plist), ensure_ascii=False, indent=2).encode()
    out["html"] = render_html(plist).encode()
    return out


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _list(
    url: str, survey_id: int, weights: tuple[tuple[str, float], ...], preset: str | None
) -> dict[str, Any]:
    def work(session: Session) -> dict[str, Any]:
        inputs, items, run_id = survey_inputs(session, survey_id)
        if not inputs:
            return {}
        survey = session.get(Survey, survey_id)
        settings = ListSettings(
            weights=Weights.model_validate({"values": dict(weights)}),
            preset=preset,
            min_group_size=survey.min_group_size if survey else 5,
        )
        provenance = {
            "survey_id": survey_id,
            "run_id": run_id,
            "n_boot": N_BOOT,
            "random_state": 0,
            "items": items,
        }
        plist = analyse(
            build_list(inputs, settings, provenance=provenance), inputs, n_boot=N_BOOT, random_state=0
        )
        entries = [
            {
                "rank": e.rank,
                "item_id": e.item_id,
                "title_en": e.title_en,
                "title_zh": e.title_zh,
                "score": e.score,
                "rank_low": e.rank_ci.lower if e.rank_ci else float(e.rank),
                "rank_high": e.rank_ci.upper if e.rank_ci else float(e.rank),
                "coverage": e.coverage,
                "missing": ", ".join(e.missing),
                **{f"c_{c.name}": c.normalised for c in e.components},
            }
            for e in plist.entries
        ]
        sensitivity = (
            [
                {"component": r.component, "change": r.change, "max_abs_delta": r.max_abs_delta, **r.deltas}
                for r in plist.sensitivity.rows
            ]
            if plist.sensitivity
            else []
        )
        return {
            "entries": entries,
            "sensitivity": sensitivity,
            "provenance": {str(k): v for k, v in (plist.provenance.get("items") or {}).items()},
            "exports": _exports(plist),
        }

    result: dict[str, Any] = ds._read(url, work)
    return result


def priority_list(survey_id: int, weights: dict[str, float], preset: str | None = None) -> dict[str, Any]:
    """The list with these weights: ``entries`` (rank, interval, score, components), ``sensitivity``,
    ``provenance`` per item and ``exports`` (bytes per format); ``{}`` without a closed, answered round."""
    key = tuple(sorted((str(c), float(w)) for c, w in weights.items()))
    return _list(ds.database_url(), survey_id, key, preset)


def clear_caches() -> None:
    """Forget the cached lists (also done by :func:`ui.datasource.clear_caches`)."""
    _list.clear()


ds.on_clear(clear_caches)
