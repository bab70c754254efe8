"""Surveys and their items: create from curated themes (with an evidence pack) or hand-written items,
reword items under version control, and set the pre-registered rules (frozen when the first round opens).

A reworded item gets a new ``wording_version`` and an :class:`~foresight.db.models.ItemVersion` row; answers
carry the version they were given to, and statistics across rounds only pair answers to the same version.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import Document, ItemVersion, Survey, SurveyItem, Theme, ThemeMembership
from foresight.delphi.consensus import ConsensusRule, StabilityRule, StoppingRule, default_rule_for
from foresight.delphi.questions import SurveyTemplate
from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import as_utc, get_survey, now_utc, open_round, survey_template
from foresight.delphi.service.errors import ConflictError, FieldError, InvalidInput, NotFoundError
from foresight.delphi.templates import default_template
from foresight.themes.queries import NotFoundError as ThemeNotFound
from foresight.themes.queries import theme_detail

EVIDENCE_DOCUMENTS = 5


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ItemIn(_In):
    """A hand-written item (a technology), in Chinese and/or English."""

    title_zh: str = Field(default="", max_length=500)
    title_en: str = Field(default="", max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    evidence: dict[str, Any] = {}

    @model_validator(mode="after")
    def _titled(self) -> ItemIn:
        if not (self.title_zh or self.title_en):
            raise ValueError("an item needs a Chinese or an English title")
        return self


class SurveyCreate(_In):
    """A new survey: items from curated themes (``theme_ids``) and/or hand-written ``items``."""

    title_zh: str = Field(default="", max_length=500)
    title_en: str = Field(default="", max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    theme_ids: list[int] = []
    items: list[ItemIn] = []
    template: SurveyTemplate | None = None
    realtime: bool = False
    min_group_size: int = Field(default=5, ge=1, le=100)

    @model_validator(mode="after")
    def _titled(self) -> SurveyCreate:
        if not (self.title_zh or self.title_en):
            raise ValueError("a survey needs a Chinese or an English title")
        return self


class RulesIn(_In):
    """Pre-registered rules; omitted parts keep their defaults. Only while the survey is a draft."""

    consensus: dict[str, ConsensusRule] | None = None
    stability: StabilityRule | None = None
    stopping: StoppingRule | None = None


class ItemReword(_In):
    """A new wording of an item; ``reason`` is kept in its version history."""

    title_zh: str | None = Field(default=None, max_length=500)
    title_en: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    reason: str = Field(min_length=1, max_length=2000)


def evidence_pack(session: Session, theme_id: int, n_documents: int = EVIDENCE_DOCUMENTS) -> dict[str, Any]:
    """The evidence shown with a theme-based item: keywords, top documents, indicators, theme version."""
    try:
        detail = theme_detail(session, theme_id, n_documents=n_documents)
    except ThemeNotFound as exc:
        raise NotFoundError(str(exc)) from exc

    def brief(doc: dict[str, Any]) -> dict[str, Any]:
        keys = ("id", "kind", "title", "year", "doi", "patent_number", "venue", "access_level")
        return {k: doc.get(k) for k in keys}

    by_year_kind = session.execute(
        select(Document.year, Document.kind, func.count())
        .join(ThemeMembership, ThemeMembership.document_id == Document.id)
        .where(ThemeMembership.theme_id == theme_id)
        .group_by(Document.year, Document.kind)
    ).all()
    per_year: dict[str, int] = {}
    per_kind: dict[str, int] = {}
    for year, kind, n in by_year_kind:
        per_year[str(year) if year is not None else "unknown"] = per_year.get(str(year), 0) + n
        per_kind[kind] = per_kind.get(kind, 0) + n
    return {
        "source": "theme",
        "theme_id": detail["id"],
        "run_id": detail["run_id"],
        "theme_version": detail["version"],
        "lineage_id": detail["lineage_id"],
        "keywords": [k["term"] for k in detail["keywords"][:10]],
        "field": detail["field"],
        "top_documents": [brief(d) for d in detail["top_documents"][:n_documents]],
        "representative_documents": [brief(d) for d in detail["representative_documents"][:n_documents]],
        "indicators": {
            "size": detail["size"],
            "documents_by_year": dict(sorted(per_year.items())),
            "documents_by_kind": dict(sorted(per_kind.items())),
            "quality": detail["quality"],
        },
    }


def _next_position(session: Session, survey_id: int) -> int:
    return (
        session.scalar(select(func.max(SurveyItem.position)).where(SurveyItem.survey_id == survey_id)) or 0
    ) + 1


def _add_item(session: Session, survey: Survey, actor: str, **values: Any) -> SurveyItem:
    item = SurveyItem(survey_id=survey.id, position=_next_position(session, survey.id), **values)
    session.add(item)
    session.flush()
    session.add(
        ItemVersion(
            item_id=item.id,
            version=1,
            title_zh=item.title_zh,
            title_en=item.title_en,
            description=item.description,
            reason="initial wording",
            created_by=actor,
        )
    )
    return item


def _theme_item_values(session: Session, theme_id: int) -> dict[str, Any]:
    evidence = evidence_pack(session, theme_id)
    detail_keywords = ", ".join(evidence["keywords"][:6])
    theme = session.get(Theme, theme_id)
    if theme is None:  # pragma: no cover - evidence_pack found it
        raise NotFoundError(f"theme {theme_id} does not exist")
    return {
        "theme_id": theme.id,
        "lineage_id": theme.lineage_id,
        "title_zh": theme.label_zh or theme.label_en or f"主题 {theme.number}",
        "title_en": theme.label_en or theme.label_zh or f"Theme {theme.number}",
        "description": f"Keywords: {detail_keywords}" if detail_keywords else None,
        "evidence": evidence,
    }


def create_survey(session: Session, data: SurveyCreate, actor: str) -> Survey:
    """A draft survey with the default national-foresight template unless ``data.template`` is given."""
    template = data.template or default_template()
    survey = Survey(
        title_zh=data.title_zh,
        title_en=data.title_en,
        description=data.description,
        template=template.model_dump(mode="json"),
        realtime=data.realtime,
        min_group_size=data.min_group_size,
        created_by=actor,
        status="draft",
    )
    session.add(survey)
    session.flush()
    missing = []
    for theme_id in data.theme_ids:
        try:
            _add_item(session, survey, actor, **_theme_item_values(session, theme_id))
        except NotFoundError:
            missing.append(theme_id)
    if missing:
        raise InvalidInput([FieldError("theme_ids", f"no theme with id {t}") for t in missing])
    for item in data.items:
        _add_item(session, survey, actor, **item.model_dump())
    session.flush()
    record_event(
        session,
        actor,
        "survey.create",
        f"survey:{survey.id}",
        {"themes": data.theme_ids, "items": len(data.items)},
    )
    return survey


def _editable(session: Session, survey: Survey, what: str) -> None:
    if survey.status == "closed":
        raise ConflictError(f"survey {survey.id} is closed; {what} is no longer possible")
    if open_round(session, survey.id) is not None:
        raise ConflictError(f"a round of survey {survey.id} is open; close it before {what}")


def add_items(
    session: Session,
    survey_id: int,
    actor: str,
    *,
    items: Sequence[ItemIn] = (),
    theme_ids: Sequence[int] = (),
) -> list[SurveyItem]:
    """Add items between rounds (never while a round is open)."""
    survey = get_survey(session, survey_id)
    _editable(session, survey, "adding items")
    added = [_add_item(session, survey, actor, **_theme_item_values(session, t)) for t in theme_ids]
    added += [_add_item(session, survey, actor, **i.model_dump()) for i in items]
    record_event(session, actor, "item.add", f"survey:{survey.id}", {"items": [i.id for i in added]})
    return added


def get_item(session: Session, item_id: int, survey_id: int | None = None) -> SurveyItem:
    item = session.get(SurveyItem, item_id)
    if item is None or (survey_id is not None and item.survey_id != survey_id):
        raise NotFoundError(
            f"item {item_id} does not exist" + (f" in survey {survey_id}" if survey_id else "")
        )
    return item


def reword_item(session: Session, item_id: int, change: ItemReword, actor: str) -> SurveyItem:
    """A new wording version of an item (between rounds only); the old wording stays in the history."""
    item = get_item(session, item_id)
    _editable(session, item.survey, "rewording items")
    new = {
        "title_zh": item.title_zh if change.title_zh is None else change.title_zh,
        "title_en": item.title_en if change.title_en is None else change.title_en,
        "description": item.description if change.description is None else change.description,
    }
    if not (new["title_zh"] or new["title_en"]):
        raise InvalidInput([FieldError("title_en", "an item needs a Chinese or an English title")])
    if new == {"title_zh": item.title_zh, "title_en": item.title_en, "description": item.description}:
        raise ConflictError("the new wording is the same as the current one")
    item.wording_version += 1
    for key, value in new.items():
        setattr(item, key, value)
    session.add(
        ItemVersion(
            item_id=item.id, version=item.wording_version, reason=change.reason, created_by=actor, **new
        )
    )
    session.flush()
    record_event(
        session,
        actor,
        "item.reword",
        f"item:{item.id}",
        {"version": item.wording_version, "reason": change.reason},
    )
    return item


def set_active(session: Session, item_id: int, active: bool, actor: str) -> SurveyItem:
    item = get_item(session, item_id)
    _editable(session, item.survey, "changing items")
    item.active = active
    record_event(session, actor, "item.activate" if active else "item.deactivate", f"item:{item.id}")
    return item


def default_rules(template: SurveyTemplate) -> dict[str, Any]:
    """Default consensus rule per assessed question, stability and stopping rules (delphi.md §4)."""
    consensus = {}
    for q in template.questions:
        rule = default_rule_for(q)
        if rule is not None:
            consensus[q.id] = rule.model_dump(mode="json")
    return {
        "consensus": consensus,
        "stability": StabilityRule().model_dump(mode="json"),
        "stopping": StoppingRule().model_dump(mode="json"),
    }


def set_rules(session: Session, survey_id: int, rules: RulesIn, actor: str) -> Survey:
    """Pre-register rules; refused once the survey has opened (the rules are then frozen)."""
    survey = get_survey(session, survey_id)
    if survey.status != "draft":
        raise ConflictError(f"survey {survey.id} has opened; its rules were frozen at {survey.opened_at}")
    template = survey_template(survey)
    if rules.consensus is not None:
        ordinal = {q.id for q in template.ordinal_questions()}
        bad = [
            FieldError(f"consensus.{qid}", "not an ordinal question of the template")
            for qid in rules.consensus
            if qid not in ordinal
        ]
        if bad:
            raise InvalidInput(bad)
        survey.consensus_rules = {k: v.model_dump(mode="json") for k, v in rules.consensus.items()}
    if rules.stability is not None:
        survey.stability_rule = rules.stability.model_dump(mode="json")
    if rules.stopping is not None:
        survey.stopping_rule = rules.stopping.model_dump(mode="json")
    session.flush()
    record_event(session, actor, "survey.rules", f"survey:{survey.id}", survey_rules_out(survey))
    return survey


def freeze_rules(survey: Survey, now: datetime | None = None) -> None:
    """Fill every unset rule with its default; called once, when the first round opens."""
    defaults = default_rules(survey_template(survey))
    survey.consensus_rules = survey.consensus_rules or defaults["consensus"]
    survey.stability_rule = survey.stability_rule or defaults["stability"]
    survey.stopping_rule = survey.stopping_rule or defaults["stopping"]
    survey.status = "open"
    survey.opened_at = now_utc(now)


def survey_rules_out(survey: Survey) -> dict[str, Any]:
    return {
        "consensus": survey.consensus_rules,
        "stability": survey.stability_rule,
        "stopping": survey.stopping_rule,
        "frozen": survey.status != "draft",
    }


def close_survey(session: Session, survey_id: int, actor: str) -> Survey:
    survey = get_survey(session, survey_id)
    if open_round(session, survey.id) is not None:
        raise ConflictError("close the open round first")
    survey.status = "closed"
    survey.closed_at = now_utc()
    record_event(session, actor, "survey.close", f"survey:{survey.id}")
    return survey


def list_surveys(session: Session) -> list[Survey]:
    return list(session.scalars(select(Survey).order_by(Survey.id)))


def item_out(item: SurveyItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "theme_id": item.theme_id,
        "lineage_id": item.lineage_id,
        "title_zh": item.title_zh,
        "title_en": item.title_en,
        "description": item.description,
        "evidence": item.evidence,
        "wording_version": item.wording_version,
        "active": item.active,
    }


def version_out(version: ItemVersion) -> dict[str, Any]:
    return {
        "version": version.version,
        "title_zh": version.title_zh,
        "title_en": version.title_en,
        "description": version.description,
        "reason": version.reason,
        "created_by": version.created_by,
        "created_at": as_utc(version.created_at).isoformat(),
    }


def survey_out(survey: Survey, *, with_items: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": survey.id,
        "title_zh": survey.title_zh,
        "title_en": survey.title_en,
        "description": survey.description,
        "status": survey.status,
        "realtime": survey.realtime,
        "min_group_size": survey.min_group_size,
        "created_by": survey.created_by,
        "created_at": as_utc(survey.created_at).isoformat(),
        "opened_at": as_utc(survey.opened_at).isoformat() if survey.opened_at else None,
        "closed_at": as_utc(survey.closed_at).isoformat() if survey.closed_at else None,
        "rules": survey_rules_out(survey),
        "questions": [q.id for q in survey_template(survey).questions],
        "rounds": [{"id": r.id, "number": r.number, "status": r.status} for r in survey.rounds],
    }
    if with_items:
        out["items"] = [item_out(i) for i in survey.items]
    return out
