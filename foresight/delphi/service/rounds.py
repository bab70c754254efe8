"""Rounds: open (the first one freezes the survey's rules), close (freezes a hashed statistics snapshot).

Items whose every assessed question met the stopping rule in a closed round (delphi.md §4.4) are carried
forward: listed in the next round's ``carried_forward`` and not asked again — unless they were reworded since,
which makes them a new question.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Round, Survey
from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import as_utc, get_survey, latest_round, now_utc, open_round
from foresight.delphi.service.errors import ConflictError
from foresight.delphi.service.results import (
    compute_round_results,
    load_snapshot,
    snapshot_hash,
    survey_rules,
)
from foresight.delphi.service.surveys import freeze_rules


def done_items(session: Session, survey: Survey) -> set[int]:
    """Items done in some closed round under their current wording version."""
    versions = {i.id: i.wording_version for i in survey.items}
    done: set[int] = set()
    closed = session.scalars(
        select(Round).where(Round.survey_id == survey.id, Round.status == "closed").order_by(Round.number)
    )
    for rnd in closed:
        snapshot = load_snapshot(rnd) or {}
        for key, item in snapshot.get("items", {}).items():
            item_id = int(key)
            if item["done"] and versions.get(item_id) == item["wording_version"]:
                done.add(item_id)
            else:
                done.discard(item_id)
    return done


def open_next_round(session: Session, survey_id: int, actor: str, *, now: datetime | None = None) -> Round:
    """Open round ``n + 1``: ask every active item not done yet, carry the done ones forward."""
    survey = get_survey(session, survey_id)
    if survey.status == "closed":
        raise ConflictError(f"survey {survey.id} is closed")
    if open_round(session, survey.id) is not None:
        raise ConflictError(f"a round of survey {survey.id} is already open")
    active = [i for i in survey.items if i.active]
    if not active:
        raise ConflictError(f"survey {survey.id} has no active items")
    last = latest_round(session, survey.id)
    number = last.number + 1 if last else 1
    at = now_utc(now)
    if survey.status == "draft":
        freeze_rules(survey, at)
    _, _, stopping = survey_rules(survey)
    if number > stopping.max_rounds:
        raise ConflictError(f"the pre-registered stopping rule allows at most {stopping.max_rounds} rounds")
    done = done_items(session, survey)
    asked = [i.id for i in active if i.id not in done]
    carried = [i.id for i in active if i.id in done]
    if not asked:
        raise ConflictError("every item met the stopping rule; the study is finished")
    rnd = Round(
        survey_id=survey.id,
        number=number,
        status="open",
        opened_at=at,
        items_asked=asked,
        carried_forward=carried,
    )
    session.add(rnd)
    session.flush()
    record_event(
        session,
        actor,
        "round.open",
        f"survey:{survey.id}",
        {"round": number, "items_asked": asked, "carried_forward": carried, "rules": survey.consensus_rules},
        now=at,
    )
    return rnd


def close_current_round(
    session: Session, survey_id: int, actor: str, *, now: datetime | None = None
) -> Round:
    """Close the open round: compute, hash and freeze its results; answers become read-only."""
    survey = get_survey(session, survey_id)
    rnd = open_round(session, survey.id)
    if rnd is None:
        raise ConflictError(f"survey {survey.id} has no open round")
    at = now_utc(now)
    snapshot = {**compute_round_results(session, rnd), "closed_at": at.isoformat()}
    rnd.snapshot = snapshot
    rnd.snapshot_sha256 = snapshot_hash(snapshot)
    rnd.status = "closed"
    rnd.closed_at = at
    session.flush()
    record_event(
        session,
        actor,
        "round.close",
        f"survey:{survey.id}",
        {
            "round": rnd.number,
            "snapshot_sha256": rnd.snapshot_sha256,
            "items_not_done": snapshot["items_not_done"],
            "study_finished": snapshot["study_finished"],
        },
        now=at,
    )
    return rnd


def list_rounds(session: Session, survey_id: int) -> list[Round]:
    get_survey(session, survey_id)
    return list(session.scalars(select(Round).where(Round.survey_id == survey_id).order_by(Round.number)))


def round_out(rnd: Round) -> dict[str, Any]:
    return {
        "id": rnd.id,
        "survey_id": rnd.survey_id,
        "number": rnd.number,
        "status": rnd.status,
        "opened_at": as_utc(rnd.opened_at).isoformat() if rnd.opened_at else None,
        "closed_at": as_utc(rnd.closed_at).isoformat() if rnd.closed_at else None,
        "items_asked": list(rnd.items_asked),
        "carried_forward": list(rnd.carried_forward),
        "snapshot_sha256": rnd.snapshot_sha256,
    }
