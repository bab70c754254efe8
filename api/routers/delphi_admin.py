"""Admin endpoints: expert pool, coverage, surveys and items, invitations, rounds, results, exports, audit.

All require ``Authorization: Bearer <FORESIGHT_ADMIN_TOKEN>``; every state change is recorded in the audit log
by the services, and the router commits it together with the change.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.deps import DbDep, Permission, Principal, SecretDep, SettingsDep
from foresight.db.models import Expert, Invitation
from foresight.delphi.service import (
    audit,
    exports,
    invitations,
    outbox,
    panel,
    results,
    rounds,
    surveys,
    views,
)
from foresight.delphi.service.errors import ConflictError, NotFoundError

router = APIRouter(prefix="/api/admin", tags=["admin"])

PanelAdmin = Annotated[Principal, Depends(Permission("panel"))]
SurveyAdmin = Annotated[Principal, Depends(Permission("surveys"))]
RoundAdmin = Annotated[Principal, Depends(Permission("rounds"))]
InviteAdmin = Annotated[Principal, Depends(Permission("invitations"))]
ResultsReader = Annotated[Principal, Depends(Permission("results"))]
Exporter = Annotated[Principal, Depends(Permission("export"))]
Auditor = Annotated[Principal, Depends(Permission("audit"))]
Impersonator = Annotated[Principal, Depends(Permission("impersonate"))]
OutboxAdmin = Annotated[Principal, Depends(Permission("outbox"))]


class AddItemsIn(BaseModel):
    items: list[surveys.ItemIn] = []
    theme_ids: list[int] = []


class ActiveIn(BaseModel):
    active: bool


class InvitationsIn(BaseModel):
    expert_ids: list[int] | None = Field(default=None, description="Omit to invite every expert in the pool.")
    expires_days: int | None = Field(default=None, ge=1, le=366)


# --- expert pool -------------------------------------------------------------------------------------


@router.get("/experts", summary="List experts (filter by stakeholder group or field)")
def list_experts(
    who: PanelAdmin, db: DbDep, group: str | None = None, field: str | None = None
) -> list[dict[str, Any]]:
    return [panel.expert_out(e) for e in panel.list_experts(db, group=group, field_name=field)]


@router.post("/experts", status_code=201, summary="Add an expert")
def create_expert(body: panel.ExpertIn, who: PanelAdmin, db: DbDep) -> dict[str, Any]:
    expert = panel.create_expert(db, body, who.actor)
    db.commit()
    return panel.expert_out(expert)


@router.get("/experts/{expert_id}")
def get_expert(expert_id: int, who: PanelAdmin, db: DbDep) -> dict[str, Any]:
    return panel.expert_out(panel.get_expert(db, expert_id))


@router.patch("/experts/{expert_id}", summary="Update some fields of an expert")
def update_expert(expert_id: int, body: panel.ExpertPatch, who: PanelAdmin, db: DbDep) -> dict[str, Any]:
    expert = panel.update_expert(db, expert_id, body, who.actor)
    db.commit()
    return panel.expert_out(expert)


@router.delete("/experts/{expert_id}", summary="Delete an expert (erase identity if they have answered)")
def delete_expert(expert_id: int, who: PanelAdmin, db: DbDep) -> dict[str, str]:
    outcome = panel.delete_expert(db, expert_id, who.actor)
    db.commit()
    return {"outcome": outcome}


@router.post("/experts/import", summary="Import experts from a CSV or XLSX file (per-row errors)")
def import_experts(
    who: PanelAdmin,
    db: DbDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8/GB18030) or XLSX, header row first")],
    strict: Annotated[bool, Form(description="Write nothing when any row is bad")] = False,
) -> dict[str, Any]:
    report = panel.import_experts(
        db, file.file.read(), file.filename or "upload.csv", who.actor, strict=strict
    )
    db.commit()
    return report.as_dict()


@router.get("/panel/coverage", summary="Experts per field × stakeholder group")
def coverage(who: PanelAdmin, db: DbDep) -> dict[str, Any]:
    return panel.coverage(db)


# --- surveys and items -------------------------------------------------------------------------------


@router.get("/surveys")
def list_surveys(who: SurveyAdmin, db: DbDep) -> list[dict[str, Any]]:
    return [surveys.survey_out(s, with_items=False) for s in surveys.list_surveys(db)]


@router.post("/surveys", status_code=201, summary="Create a survey from curated themes and/or written items")
def create_survey(body: surveys.SurveyCreate, who: SurveyAdmin, db: DbDep) -> dict[str, Any]:
    survey = surveys.create_survey(db, body, who.actor)
    db.commit()
    return surveys.survey_out(survey)


@router.get("/surveys/{survey_id}")
def get_survey(survey_id: int, who: SurveyAdmin, db: DbDep) -> dict[str, Any]:
    return surveys.survey_out(surveys.get_survey(db, survey_id))


@router.put("/surveys/{survey_id}/rules", summary="Pre-register consensus, stability and stopping rules")
def set_rules(survey_id: int, body: surveys.RulesIn, who: SurveyAdmin, db: DbDep) -> dict[str, Any]:
    survey = surveys.set_rules(db, survey_id, body, who.actor)
    db.commit()
    return surveys.survey_rules_out(survey)


@router.post("/surveys/{survey_id}/items", status_code=201, summary="Add items between rounds")
def add_items(survey_id: int, body: AddItemsIn, who: SurveyAdmin, db: DbDep) -> list[dict[str, Any]]:
    added = surveys.add_items(db, survey_id, who.actor, items=body.items, theme_ids=body.theme_ids)
    db.commit()
    return [surveys.item_out(i) for i in added]


@router.patch("/surveys/{survey_id}/items/{item_id}", summary="Reword an item (new wording version)")
def reword_item(
    survey_id: int, item_id: int, body: surveys.ItemReword, who: SurveyAdmin, db: DbDep
) -> dict[str, Any]:
    surveys.get_item(db, item_id, survey_id)
    item = surveys.reword_item(db, item_id, body, who.actor)
    db.commit()
    return surveys.item_out(item)


@router.put("/surveys/{survey_id}/items/{item_id}/active", summary="Activate or deactivate an item")
def set_active(survey_id: int, item_id: int, body: ActiveIn, who: SurveyAdmin, db: DbDep) -> dict[str, Any]:
    surveys.get_item(db, item_id, survey_id)
    item = surveys.set_active(db, item_id, body.active, who.actor)
    db.commit()
    return surveys.item_out(item)


@router.get("/surveys/{survey_id}/items/{item_id}/versions", summary="Wording history of an item")
def item_versions(survey_id: int, item_id: int, who: SurveyAdmin, db: DbDep) -> list[dict[str, Any]]:
    item = surveys.get_item(db, item_id, survey_id)
    return [surveys.version_out(v) for v in item.versions]


@router.post("/surveys/{survey_id}/close", summary="Close the survey (no further rounds)")
def close_survey(survey_id: int, who: SurveyAdmin, db: DbDep) -> dict[str, Any]:
    survey = surveys.close_survey(db, survey_id, who.actor)
    db.commit()
    return surveys.survey_out(survey, with_items=False)


# --- invitations -------------------------------------------------------------------------------------


@router.post(
    "/surveys/{survey_id}/invitations",
    status_code=201,
    summary="Invite experts; the links are shown once and never stored",
)
def invite(
    survey_id: int, body: InvitationsIn, who: InviteAdmin, db: DbDep, settings: SettingsDep
) -> list[dict[str, Any]]:
    ids = (
        body.expert_ids
        if body.expert_ids is not None
        else list(db.scalars(select(Expert.id).order_by(Expert.id)))
    )
    days = body.expires_days or settings.invitation_days
    issued = invitations.create_invitations(db, survey_id, ids, who.actor, expires_days=days)
    db.commit()
    base = settings.public_base_url.rstrip("/")
    return [
        {**invitations.invitation_out(i.invitation), "token": i.token, "link": f"{base}/e/{i.token}"}
        for i in issued
    ]


@router.get("/surveys/{survey_id}/invitations", summary="Invitations and their state (no tokens)")
def list_invitations(survey_id: int, who: InviteAdmin, db: DbDep) -> list[dict[str, Any]]:
    return [invitations.invitation_out(i) for i in invitations.list_invitations(db, survey_id)]


@router.post("/invitations/{invitation_id}/revoke")
def revoke(invitation_id: int, who: InviteAdmin, db: DbDep) -> dict[str, Any]:
    invitation = invitations.revoke_invitation(db, invitation_id, who.actor)
    db.commit()
    return invitations.invitation_out(invitation)


@router.get(
    "/invitations/{invitation_id}/preview", summary="See the questionnaire as the expert sees it (audited)"
)
def preview(invitation_id: int, who: Impersonator, db: DbDep, secret: SecretDep) -> dict[str, Any]:
    invitation = db.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFoundError(f"invitation {invitation_id} does not exist")
    view = views.questionnaire(db, invitation, secret=secret)
    audit.record_event(
        db,
        who.actor,
        "expert.impersonate",
        f"invitation:{invitation.id}",
        {"expert_id": invitation.expert_id, "survey_id": invitation.survey_id},
    )
    db.commit()
    return view


# --- rounds and results ------------------------------------------------------------------------------


@router.get("/surveys/{survey_id}/rounds")
def list_rounds(survey_id: int, who: RoundAdmin, db: DbDep) -> list[dict[str, Any]]:
    return [rounds.round_out(r) for r in rounds.list_rounds(db, survey_id)]


@router.post(
    "/surveys/{survey_id}/rounds", status_code=201, summary="Open the next round (the first freezes rules)"
)
def open_round(survey_id: int, who: RoundAdmin, db: DbDep) -> dict[str, Any]:
    rnd = rounds.open_next_round(db, survey_id, who.actor)
    db.commit()
    return rounds.round_out(rnd)


@router.post(
    "/surveys/{survey_id}/rounds/current/close", summary="Close the open round and freeze its results"
)
def close_round(survey_id: int, who: RoundAdmin, db: DbDep) -> dict[str, Any]:
    rnd = rounds.close_current_round(db, survey_id, who.actor)
    db.commit()
    return rounds.round_out(rnd)


@router.get("/surveys/{survey_id}/results", summary="Per item × question statistics and consensus states")
def get_results(
    survey_id: int,
    who: ResultsReader,
    db: DbDep,
    round: Annotated[int | None, Query(ge=1, description="Round number; default latest")] = None,
) -> dict[str, Any]:
    return results.round_results(db, survey_id, round)


@router.get("/surveys/{survey_id}/response-rates", summary="Response rates per round and stakeholder group")
def response_rates(survey_id: int, who: ResultsReader, db: DbDep) -> dict[str, Any]:
    return results.response_rates(db, survey_id)


@router.get("/surveys/{survey_id}/export", summary="Download results as CSV, XLSX or JSON (audited)")
def export(
    survey_id: int,
    who: Exporter,
    db: DbDep,
    format: Annotated[Literal["csv", "xlsx", "json"], Query()] = "csv",
) -> Response:
    content, media_type, name = exports.export_results(db, survey_id, format, who.actor)
    db.commit()
    return Response(
        content, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.post("/surveys/{survey_id}/reminders", summary="Queue reminders for experts who have not finished")
def remind(survey_id: int, who: OutboxAdmin, db: DbDep) -> dict[str, int]:
    queued = outbox.queue_reminders(db, survey_id, who.actor)
    db.commit()
    return {"queued": queued}


@router.get("/outbox", summary="Queued, sent and failed messages")
def list_outbox(who: OutboxAdmin, db: DbDep, status: str | None = None) -> list[dict[str, Any]]:
    return [outbox.outbox_out(m) for m in outbox.list_outbox(db, status)]


@router.post("/outbox/deliver", summary="Send queued messages over SMTP (needs FORESIGHT_SMTP_HOST)")
def deliver(who: OutboxAdmin, db: DbDep, settings: SettingsDep) -> dict[str, int]:
    if not settings.smtp_host:
        raise ConflictError("SMTP is not configured (FORESIGHT_SMTP_HOST); messages stay queued")
    config = outbox.SmtpConfig(
        host=settings.smtp_host,
        port=settings.smtp_port,
        user=settings.smtp_user,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
    )
    counts = outbox.deliver_outbox(db, config)
    audit.record_event(db, who.actor, "outbox.deliver", "outbox", counts)
    db.commit()
    return counts


@router.get("/audit", summary="Audit log, newest first (action prefix and exact target filters)")
def audit_log(
    who: Auditor,
    db: DbDep,
    action: str | None = None,
    target: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    events = audit.list_events(db, action=action, target=target, limit=limit)
    return {"events": [audit.event_out(e) for e in events], "chain_broken_at": audit.verify_chain(db)}
