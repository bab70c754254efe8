"""Round results: per item × question statistics (unweighted, expertise-weighted, high-familiarity, by
stakeholder group with small groups suppressed), consensus/stability assessments, and response rates.

Only *submitted* answers count. A closed round's results are its frozen snapshot (hashed at close, the only
source of the next round's feedback — delphi.md §5 "round integrity"); an open round's are computed live and
marked provisional. Stability pairs an item's answers across rounds only when both rounds asked the same
wording version; a reworded item is reported as not compared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import Expert, Invitation, Response, Round, Survey, SurveyItem
from foresight.db.models.delphi import STAKEHOLDER_GROUPS
from foresight.delphi.consensus import ConsensusRule, StabilityRule, StoppingRule, assess, item_done
from foresight.delphi.service.common import (
    as_utc,
    canonical_json,
    get_survey,
    now_utc,
    previous_closed_round,
    sha256_hex,
    survey_template,
)
from foresight.delphi.service.errors import NotFoundError
from foresight.delphi.statistics import AnswerRecord, StatisticsConfig, item_statistics, observations_for


@dataclass(frozen=True)
class StoredAnswer:
    item_id: int
    expert_id: int
    question_id: str
    value: Any
    wording_version: int
    group: str


def submitted_answers(
    session: Session, round_id: int, item_id: int | None = None
) -> dict[int, list[StoredAnswer]]:
    """Submitted answers of a round, grouped by item id, each with its expert's stakeholder group."""
    stmt = (
        select(
            Response.item_id,
            Response.expert_id,
            Response.question_id,
            Response.value,
            Response.wording_version,
            Expert.stakeholder_group,
        )
        .join(Expert, Expert.id == Response.expert_id)
        .where(Response.round_id == round_id, Response.status == "submitted")
    )
    if item_id is not None:
        stmt = stmt.where(Response.item_id == item_id)
    by_item: dict[int, list[StoredAnswer]] = {}
    for row in session.execute(stmt):
        by_item.setdefault(row[0], []).append(StoredAnswer(*row))
    return by_item


def _records(answers: list[StoredAnswer], version: int) -> list[AnswerRecord]:
    return [
        AnswerRecord(str(a.expert_id), str(a.item_id), a.question_id, a.value, a.group)
        for a in answers
        if a.wording_version == version
    ]


def survey_rules(survey: Survey) -> tuple[dict[str, ConsensusRule], StabilityRule, StoppingRule]:
    consensus = {qid: ConsensusRule.model_validate(r) for qid, r in (survey.consensus_rules or {}).items()}
    return (
        consensus,
        StabilityRule.model_validate(survey.stability_rule or {}),
        StoppingRule.model_validate(survey.stopping_rule or {}),
    )


def item_results(
    survey: Survey,
    item: SurveyItem,
    answers: list[StoredAnswer],
    previous_answers: list[StoredAnswer] | None,
    previous_version: int | None,
    previous_number: int | None,
) -> dict[str, Any]:
    """Statistics and assessments of one item in one round.

    ``previous_version`` is the wording version the previous round asked (``None``: not asked there); the
    previous answers are paired with this round's only when it equals the item's current version.
    """
    template = survey_template(survey)
    consensus, stability, stopping = survey_rules(survey)
    cfg = StatisticsConfig(min_group_size=survey.min_group_size)
    version = item.wording_version
    records = _records(answers, version)
    compared = previous_version is not None and previous_version == version
    prev_records = _records(previous_answers or [], version) if compared else None
    note = None
    if previous_version is not None and not compared:
        note = (
            f"reworded to version {version} since round {previous_number}; answers to the earlier wording "
            "are not compared with this round"
        )
    stats = item_statistics(template, records, str(item.id), cfg)
    assessments = {}
    for qid, rule in consensus.items():
        question = template.ordinal_question(qid)
        current = observations_for(records, template, str(item.id), qid)
        previous = (
            observations_for(prev_records, template, str(item.id), qid) if prev_records is not None else None
        )
        assessments[qid] = assess(
            question,
            current,
            previous,
            rule=rule,
            stability=stability,
            stopping=stopping,
            familiarity=template.familiarity,
            config=cfg,
        )
    return {
        "item_id": item.id,
        "title_zh": item.title_zh,
        "title_en": item.title_en,
        "wording_version": version,
        "n_respondents": len({r.expert_id for r in records}),
        "compared_with_round": previous_number if compared else None,
        "comparison_note": note,
        "questions": {qid: s.model_dump(mode="json") for qid, s in stats.items()},
        "assessments": {qid: a.model_dump(mode="json") for qid, a in assessments.items()},
        "done": item_done(assessments.values()),
    }


def compute_round_results(session: Session, rnd: Round) -> dict[str, Any]:
    """Results of every item asked in ``rnd`` (the snapshot frozen when the round closes)."""
    survey = rnd.survey
    previous = previous_closed_round(session, rnd)
    current = submitted_answers(session, rnd.id)
    prev = submitted_answers(session, previous.id) if previous else {}
    prev_snapshot = (load_snapshot(previous) or {}) if previous else {}
    prev_versions = {int(k): v["wording_version"] for k, v in prev_snapshot.get("items", {}).items()}
    items = {i.id: i for i in survey.items}
    _, _, stopping = survey_rules(survey)
    out_items = {}
    for item_id in rnd.items_asked:
        out_items[str(item_id)] = item_results(
            survey,
            items[item_id],
            current.get(item_id, []),
            prev.get(item_id, []),
            prev_versions.get(item_id),
            previous.number if previous else None,
        )
    not_done = [k for k, v in out_items.items() if not v["done"]]
    return {
        "survey_id": survey.id,
        "round_id": rnd.id,
        "round": rnd.number,
        "min_group_size": survey.min_group_size,
        "rules": {
            "consensus": survey.consensus_rules,
            "stability": survey.stability_rule,
            "stopping": survey.stopping_rule,
        },
        "items_asked": list(rnd.items_asked),
        "carried_forward": list(rnd.carried_forward),
        "items": out_items,
        "items_not_done": [int(k) for k in not_done],
        "study_finished": rnd.number >= stopping.max_rounds or not not_done,
    }


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(snapshot))


_SNAPSHOTS: OrderedDict[tuple[int, str], dict[str, Any]] = OrderedDict()
_SNAPSHOT_LOCK = threading.Lock()
_SNAPSHOT_CACHE_SIZE = 16


def load_snapshot(rnd: Round) -> dict[str, Any] | None:
    """A closed round's snapshot, cached by (round id, hash) so feedback pages do not re-read it."""
    if rnd.snapshot_sha256 is None:
        return None
    key = (rnd.id, rnd.snapshot_sha256)
    with _SNAPSHOT_LOCK:
        if key in _SNAPSHOTS:
            _SNAPSHOTS.move_to_end(key)
            return _SNAPSHOTS[key]
    snapshot = rnd.snapshot
    if snapshot is None:
        return None
    with _SNAPSHOT_LOCK:
        _SNAPSHOTS[key] = snapshot
        while len(_SNAPSHOTS) > _SNAPSHOT_CACHE_SIZE:
            _SNAPSHOTS.popitem(last=False)
    return snapshot


def verify_snapshot(rnd: Round) -> bool:
    """Whether the stored snapshot still matches the hash taken when the round closed."""
    return rnd.snapshot is not None and snapshot_hash(rnd.snapshot) == rnd.snapshot_sha256


def get_round(session: Session, survey_id: int, number: int | None = None) -> Round:
    stmt = select(Round).where(Round.survey_id == survey_id)
    stmt = stmt.where(Round.number == number) if number is not None else stmt.order_by(Round.number.desc())
    rnd = session.scalar(stmt.limit(1))
    if rnd is None:
        raise NotFoundError(f"survey {survey_id} has no round {number if number is not None else 'yet'}")
    return rnd


def round_results(session: Session, survey_id: int, number: int | None = None) -> dict[str, Any]:
    """Results of a round (default: the latest); closed → frozen snapshot, open → live and provisional."""
    get_survey(session, survey_id)
    rnd = get_round(session, survey_id, number)
    if rnd.status == "closed":
        snapshot = load_snapshot(rnd) or {}
        return {**snapshot, "status": "closed", "provisional": False, "snapshot_sha256": rnd.snapshot_sha256}
    return {
        **compute_round_results(session, rnd),
        "status": rnd.status,
        "provisional": True,
        "computed_at": now_utc().isoformat(),
    }


def response_rates(session: Session, survey_id: int) -> dict[str, Any]:
    """Invited experts, respondents and complete respondents per round, overall and per stakeholder group.

    Invited = experts holding a non-revoked invitation; a respondent submitted at least one item of the round;
    complete = submitted every item asked in it.
    """
    get_survey(session, survey_id)
    invited = dict(
        session.execute(
            select(Expert.id, Expert.stakeholder_group)
            .join(Invitation, Invitation.expert_id == Expert.id)
            .where(Invitation.survey_id == survey_id, Invitation.revoked_at.is_(None))
            .distinct()
        ).all()
    )
    groups = list(STAKEHOLDER_GROUPS)
    invited_by_group = {g: sum(1 for v in invited.values() if v == g) for g in groups}

    def rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    rounds = []
    for rnd in session.scalars(select(Round).where(Round.survey_id == survey_id).order_by(Round.number)):
        items_per_expert = dict(
            session.execute(
                select(Response.expert_id, func.count(func.distinct(Response.item_id)))
                .where(Response.round_id == rnd.id, Response.status == "submitted")
                .group_by(Response.expert_id)
            ).all()
        )
        n_items = len(rnd.items_asked)
        complete = {e for e, n in items_per_expert.items() if n >= n_items}
        by_group = {}
        for g in groups:
            members = {e for e, grp in invited.items() if grp == g}
            resp = len(members & set(items_per_expert))
            by_group[g] = {
                "invited": len(members),
                "respondents": resp,
                "rate": rate(resp, len(members)),
                "complete": len(members & complete),
            }
        rounds.append(
            {
                "number": rnd.number,
                "status": rnd.status,
                "opened_at": as_utc(rnd.opened_at).isoformat() if rnd.opened_at else None,
                "closed_at": as_utc(rnd.closed_at).isoformat() if rnd.closed_at else None,
                "items_asked": n_items,
                "invited": len(invited),
                "respondents": len(items_per_expert),
                "complete": len(complete),
                "rate": rate(len(items_per_expert), len(invited)),
                "complete_rate": rate(len(complete), len(invited)),
                "by_group": by_group,
            }
        )
    return {
        "survey_id": survey_id,
        "invited": len(invited),
        "invited_by_group": invited_by_group,
        "rounds": rounds,
    }
