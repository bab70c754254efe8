"""Build a priority-technology list from a stored Delphi survey and the themes' data indicators.

Inputs per survey item come from its *latest closed round* (submitted answers of the item's current wording
only), with the per-view Delphi indices, the per-expert points and the consensus state of each question
from the round's frozen snapshot (:mod:`foresight.priorities.from_delphi`). Data components come from the
latest stored ``theme_indicators`` row of the item's theme: ``emergence`` = the scorecard composite,
``growth`` = ``log_share_slope``, ``burst`` = the Kleinberg burst weight.

Every entry's provenance (``PriorityList.provenance["items"][item id]``) names the theme and lineage, the
evidence documents (restricted ones without a title), the indicators with their formulas, the Delphi
statistics of every closed round, the anonymised comments (round pseudonyms only, hidden ones left out)
and the curation operations on the theme. The service flushes but never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import (
    Comment,
    CurationOp,
    Document,
    Expert,
    Response,
    Round,
    Scenario,
    SurveyItem,
    Theme,
    ThemeIndicators,
    ThemeScenario,
)
from foresight.db.models.priorities import PriorityListRecord
from foresight.delphi.consensus import Assessment
from foresight.delphi.questions import SurveyTemplate
from foresight.delphi.service.common import canonical_json, get_survey, sha256_hex, survey_template
from foresight.delphi.service.errors import ConflictError
from foresight.delphi.statistics import AnswerRecord
from foresight.monitoring.formulas import FORMULAS
from foresight.priorities.from_delphi import delphi_components, expert_rows, median_realization_year
from foresight.priorities.model import ListSettings, PriorityInput
from foresight.priorities.scoring import build_list
from foresight.priorities.store import latest_list
from foresight.priorities.uncertainty import analyse

#: data component → name of the stored indicator value (``None``: the scorecard composite)
DATA_INDICATORS: dict[str, str | None] = {"emergence": None, "growth": "log_share_slope", "burst": "burst"}


def _closed_rounds(session: Session, survey_id: int) -> list[Round]:
    return list(
        session.scalars(
            select(Round).where(Round.survey_id == survey_id, Round.status == "closed").order_by(Round.number)
        )
    )


def _records(session: Session, round_id: int, item: SurveyItem) -> list[AnswerRecord]:
    rows = session.execute(
        select(Response.expert_id, Response.question_id, Response.value, Expert.stakeholder_group)
        .join(Expert, Expert.id == Response.expert_id)
        .where(
            Response.round_id == round_id,
            Response.item_id == item.id,
            Response.status == "submitted",
            Response.wording_version == item.wording_version,
        )
        .order_by(Response.expert_id, Response.question_id)
    )
    return [AnswerRecord(str(e), str(item.id), q, v, g) for e, q, v, g in rows]


def _snapshot_item(rnd: Round, item_id: int) -> dict[str, Any]:
    return ((rnd.snapshot or {}).get("items") or {}).get(str(item_id)) or {}


def _round_statistics(rounds: list[Round], item_id: int) -> list[dict[str, Any]]:
    """Per closed round that asked the item: respondents, consensus states and per-question summaries."""
    out = []
    for rnd in rounds:
        snap = _snapshot_item(rnd, item_id)
        if not snap:
            continue
        questions = {}
        for qid, stats in (snap.get("questions") or {}).items():
            ordinal = (stats or {}).get("ordinal") or {}
            questions[qid] = {"all": ordinal.get("all"), "weighted": ordinal.get("weighted")}
        out.append(
            {
                "round": rnd.number,
                "round_id": rnd.id,
                "n_respondents": snap.get("n_respondents"),
                "done": snap.get("done"),
                "consensus": {q: a.get("state") for q, a in (snap.get("assessments") or {}).items()},
                "questions": questions,
            }
        )
    return out


def _comments(session: Session, item_id: int, rounds: dict[int, int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Comment)
        .where(Comment.item_id == item_id, Comment.round_id.in_(list(rounds)), Comment.hidden.is_(False))
        .order_by(Comment.round_id, Comment.id)
    )
    return [{"round": rounds[c.round_id], "pseudonym": c.pseudonym, "text": c.text} for c in rows]


def _documents(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    docs = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(ids)))}
    out = []
    for i in ids:
        doc = docs.get(i)
        if doc is None:
            continue
        restricted = doc.access_level == "restricted"
        out.append({"id": doc.id, "title": None if restricted else doc.title, "restricted": restricted})
    return out


def _evidence_ids(item: SurveyItem) -> list[int]:
    ev = item.evidence or {}
    ids: list[int] = []
    for key in ("representative_documents", "top_documents"):
        for d in ev.get(key) or []:
            if isinstance(d, dict) and d.get("id") is not None and int(d["id"]) not in ids:
                ids.append(int(d["id"]))
    return ids


def _indicators(session: Session, theme_id: int) -> tuple[dict[str, float | None], dict[str, Any]]:
    row = session.scalars(
        select(ThemeIndicators)
        .where(ThemeIndicators.theme_id == theme_id)
        .order_by(ThemeIndicators.as_of.desc(), ThemeIndicators.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return {}, {}
    values = (row.indicators or {}).get("values", {})
    data: dict[str, float | None] = {}
    shown: dict[str, Any] = {}
    for comp, name in DATA_INDICATORS.items():
        if name is None:
            data[comp] = row.composite
            composite = FORMULAS.get("scorecard.composite")
            shown[comp] = {
                "indicator": "composite",
                "value": row.composite,
                "formula": composite.as_dict() if composite else "scorecard.composite",
            }
            continue
        entry = values.get(name) or {}
        value = entry.get("value")
        data[comp] = float(value) if isinstance(value, int | float) else None
        formula = FORMULAS.get(str(entry.get("formula", "")))
        shown[comp] = {
            "indicator": name,
            "value": data[comp],
            "formula": formula.as_dict() if formula else entry.get("formula"),
        }
    return data, {"as_of": row.as_of.isoformat(), "granularity": row.granularity, "values": shown}


#: payload keys of curation operations that name themes (ids) or graph nodes (``theme:<id>``)
_THEME_KEYS = ("theme_id", "theme_ids", "new_theme_id", "new_theme_ids", "source_id", "target_id")
_NODE_KEYS = ("source", "target", "node")


def _touches(payload: dict[str, Any], theme_id: int) -> bool:
    ids: list[Any] = []
    for key in _THEME_KEYS:
        value = payload.get(key)
        ids.extend(value if isinstance(value, list) else [value])
    if theme_id in {i for i in ids if isinstance(i, int)}:
        return True
    return f"theme:{theme_id}" in {payload.get(k) for k in _NODE_KEYS}


def _curation(session: Session, theme: Theme) -> list[dict[str, Any]]:
    """The curation operations of the theme's run that name the theme, oldest first."""
    ops = session.scalars(select(CurationOp).where(CurationOp.run_id == theme.run_id).order_by(CurationOp.id))
    return [
        {
            "op_id": op.id,
            "op": op.op,
            "status": op.status,
            "actor": op.actor,
            "reason": op.reason,
            "created_at": op.created_at.isoformat(),
        }
        for op in ops
        if _touches(op.payload or {}, theme.id)
    ]


def _scenarios(session: Session, theme_id: int) -> tuple[str, ...]:
    rows = session.scalars(
        select(Scenario.key)
        .join(ThemeScenario, ThemeScenario.scenario_id == Scenario.id)
        .where(ThemeScenario.theme_id == theme_id)
        .order_by(Scenario.key)
    )
    return tuple(rows)


def survey_inputs(session: Session, survey_id: int) -> tuple[list[PriorityInput], dict[str, Any], int | None]:
    """Priority inputs of the survey's active items, their provenance and the analysis run behind them.

    Raises
    ------
    ConflictError
        When the survey has no closed round yet.
    """
    survey = get_survey(session, survey_id)
    template: SurveyTemplate = survey_template(survey)
    rounds = _closed_rounds(session, survey_id)
    if not rounds:
        raise ConflictError(f"survey {survey_id} has no closed round yet")
    round_numbers = {r.id: r.number for r in rounds}
    inputs: list[PriorityInput] = []
    provenance: dict[str, Any] = {}
    run_id: int | None = None
    for item in survey.items:
        if not item.active:
            continue
        asked = [r for r in rounds if item.id in (r.items_asked or [])]
        if not asked:
            continue
        last = asked[-1]
        records = _records(session, last.id, item)
        snap = _snapshot_item(last, item.id)
        assessments = {q: Assessment.model_validate(a) for q, a in (snap.get("assessments") or {}).items()}
        rows = expert_rows(template, records, str(item.id))
        theme = session.get(Theme, item.theme_id) if item.theme_id is not None else None
        data, indicators = _indicators(session, theme.id) if theme else ({}, {})
        doc_ids = _evidence_ids(item)
        if theme is not None and run_id is None:
            run_id = theme.run_id
        field = None
        if theme is not None and theme.field is not None:
            field = theme.field.label_en or theme.field.label_zh or None
        key = str(item.id)
        inputs.append(
            PriorityInput(
                item_id=key,
                title_zh=item.title_zh,
                title_en=item.title_en,
                theme_id=str(theme.id) if theme else None,
                lineage_id=item.lineage_id or (theme.lineage_id if theme else None),
                field=field,
                scenarios=_scenarios(session, theme.id) if theme else (),
                delphi=delphi_components(template, records, key, assessments=assessments, rows=rows),
                emergence=data.get("emergence"),
                growth=data.get("growth"),
                burst=data.get("burst"),
                realization_year=median_realization_year(template, records, key),
                evidence_ids=tuple(str(i) for i in doc_ids),
                expert_rows=rows,
            )
        )
        provenance[key] = {
            "theme_id": theme.id if theme else None,
            "lineage_id": item.lineage_id or (theme.lineage_id if theme else None),
            "round": last.number,
            "wording_version": item.wording_version,
            "evidence_documents": _documents(session, doc_ids),
            "indicators": indicators,
            "delphi_rounds": _round_statistics(asked, item.id),
            "comments": _comments(session, item.id, round_numbers),
            "curation": _curation(session, theme) if theme else [],
        }
    return inputs, provenance, run_id


def inputs_fingerprint(
    inputs: list[PriorityInput], settings: ListSettings, n_boot: int, seed: int | None
) -> str:
    """SHA-256 of the inputs, the settings and the bootstrap parameters (same fingerprint = same list)."""
    doc = {
        "inputs": [i.model_dump(mode="json") for i in inputs],
        "settings": settings.model_dump(mode="json"),
        "n_boot": n_boot,
        "random_state": seed,
    }
    return sha256_hex(canonical_json(doc))


def build_priority_list(
    session: Session,
    survey_id: int,
    settings: ListSettings,
    *,
    name: str = "",
    created_by: str,
    n_boot: int = 2000,
    random_state: int | None = 0,
) -> PriorityListRecord:
    """Build, analyse (bootstrap rank intervals, Kendall's W, sensitivity) and store a priority list.

    The previous list of the same survey (if any) becomes ``previous_list_id``, for the report's diff.
    """
    inputs, items, run_id = survey_inputs(session, survey_id)
    if not inputs:
        raise ConflictError(f"survey {survey_id} has no answered items in a closed round")
    rounds = sorted({p["round"] for p in items.values()})
    provenance = {
        "survey_id": survey_id,
        "run_id": run_id,
        "rounds": rounds,
        "n_boot": n_boot,
        "random_state": random_state,
        "items": items,
    }
    if get_survey(session, survey_id).generated:  # demo surveys: say so in every export of the list
        provenance["generated_responses"] = True
    plist = analyse(
        build_list(inputs, settings, provenance=provenance), inputs, n_boot=n_boot, random_state=random_state
    )
    previous = latest_list(session, survey_id)
    record = PriorityListRecord(
        survey_id=survey_id,
        run_id=run_id,
        name=name or f"survey {survey_id} list",
        preset=settings.preset,
        weights=dict(settings.weights.values),
        settings=settings.model_dump(mode="json"),
        created_by=created_by,
        previous_list_id=previous.id if previous else None,
        result=plist.model_dump(mode="json"),
        fingerprint=inputs_fingerprint(inputs, settings, n_boot, random_state),
        n_entries=len(plist.entries),
    )
    session.add(record)
    session.flush()
    return record
