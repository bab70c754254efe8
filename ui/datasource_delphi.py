"""The dashboard's door to the Delphi services (part of the datasource): surveys, panel and coverage,
invitations, rounds, response rates and per-item results. Changes raise :class:`DelphiEditError`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.orm import Session

from foresight.db.session import session_scope
from foresight.delphi.service import DelphiError, panel, results, rounds, surveys
from foresight.delphi.service.invitations import create_invitations
from ui import datasource as ds


class DelphiEditError(Exception):
    """A Delphi change was refused; the message says why."""


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _surveys(url: str) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        return [{**surveys.survey_out(s), "generated": s.generated} for s in surveys.list_surveys(session)]

    return list(ds._read(url, work))


def survey_list() -> list[dict[str, Any]]:
    """Surveys with their items and rounds; ``generated`` marks a demo survey with generated answers."""
    return _surveys(ds.database_url())


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _experts(url: str) -> list[dict[str, Any]]:
    return list(ds._read(url, lambda s: [panel.expert_out(e) for e in panel.list_experts(s)]))


def experts() -> list[dict[str, Any]]:
    """The expert panel (id, name, stakeholder group, fields…)."""
    return _experts(ds.database_url())


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _coverage(url: str) -> pd.DataFrame:
    cover = ds._read(url, panel.coverage)
    frame = pd.DataFrame(
        [row["counts"] for row in cover["rows"]], index=[row["field"] for row in cover["rows"]]
    )
    return frame.reindex(columns=cover["groups"], fill_value=0)


def coverage() -> pd.DataFrame:
    """Experts per field (rows) × stakeholder group (columns)."""
    return _coverage(ds.database_url())


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _rates(url: str, survey_id: int) -> list[dict[str, Any]]:
    out = ds._read(url, lambda s: results.response_rates(s, survey_id))
    return [
        {"round": r["number"], "group": group, **values}
        for r in out["rounds"]
        for group, values in r["by_group"].items()
    ]


def response_rates(survey_id: int) -> pd.DataFrame:
    """Invited, respondents and rate per round and stakeholder group."""
    columns = ["round", "group", "invited", "respondents", "rate", "complete"]
    return pd.DataFrame(_rates(ds.database_url(), survey_id), columns=columns)


@st.cache_data(ttl=ds.TTL_SECONDS, show_spinner=False)
def _results(url: str, survey_id: int) -> list[dict[str, Any]]:
    def work(session: Session) -> list[dict[str, Any]]:
        try:
            out = results.round_results(session, survey_id)
        except DelphiError:
            return []
        rows = []
        for item in out.get("items", {}).values():
            for qid, a in item["assessments"].items():
                stability = a.get("stability") or {}
                rows.append(
                    {
                        "round": out.get("round"),
                        "item_id": item["item_id"],
                        "title_en": item["title_en"],
                        "title_zh": item["title_zh"],
                        "question": qid,
                        "n": a.get("n"),
                        "state": a.get("state"),
                        "consensus": a.get("consensus"),
                        "stable": stability.get("stable"),
                        "done": a.get("done"),
                    }
                )
        return rows

    return list(ds._read(url, work))


def item_results(survey_id: int) -> pd.DataFrame:
    """Consensus and stability per item and question in the survey's latest round."""
    columns = [
        "round",
        "item_id",
        "title_en",
        "title_zh",
        "question",
        "n",
        "state",
        "consensus",
        "stable",
        "done",
    ]
    return pd.DataFrame(_results(ds.database_url(), survey_id), columns=columns)


def _edit(work: Callable[[Session], Any]) -> Any:
    try:
        with session_scope(ds.engine()) as session:
            result = work(session)
    except (DelphiError, ValueError) as exc:
        raise DelphiEditError(str(exc)) from exc
    ds.clear_caches()
    return result


def create_survey(title_en: str, title_zh: str, theme_ids: Sequence[int], *, actor: str) -> int:
    """A draft survey with one item per theme; returns its id."""
    data = surveys.SurveyCreate(title_en=title_en, title_zh=title_zh, theme_ids=[int(t) for t in theme_ids])
    survey_id: int = _edit(lambda s: surveys.create_survey(s, data, actor).id)
    return survey_id


def invite(survey_id: int, expert_ids: Sequence[int], *, actor: str) -> list[dict[str, Any]]:
    """Invite experts; returns ``expert_id`` and ``link`` (the only time the token is shown)."""
    ids = [int(i) for i in expert_ids]

    def work(session: Session) -> list[dict[str, Any]]:
        issued = create_invitations(session, survey_id, ids, actor)
        return [{"expert_id": i.invitation.expert_id, "link": f"/e/{i.token}"} for i in issued]

    result: list[dict[str, Any]] = _edit(work)
    return result


def open_round(survey_id: int, *, actor: str) -> int:
    """Open the next round; returns its number."""
    number: int = _edit(lambda s: rounds.open_next_round(s, survey_id, actor).number)
    return number


def close_round(survey_id: int, *, actor: str) -> int:
    """Close the open round (results frozen); returns its number."""
    number: int = _edit(lambda s: rounds.close_current_round(s, survey_id, actor).number)
    return number


def clear_caches() -> None:
    """Forget the cached Delphi data (also done by :func:`ui.datasource.clear_caches`)."""
    for cached in (_surveys, _experts, _coverage, _rates, _results):
        cached.clear()


ds.on_clear(clear_caches)
