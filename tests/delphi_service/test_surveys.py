"""Surveys from curated themes, item wording versions, frozen rules, invitation tokens."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from foresight.db.models import AuditEvent, Invitation, ItemVersion
from foresight.delphi.consensus import StoppingRule
from foresight.delphi.service.common import now_utc
from foresight.delphi.service.errors import ConflictError, InvalidInput, InvitationInvalid
from foresight.delphi.service.invitations import (
    create_invitations,
    hash_token,
    resolve_invitation,
    revoke_invitation,
)
from foresight.delphi.service.rounds import close_current_round, open_next_round
from foresight.delphi.service.surveys import (
    ItemIn,
    ItemReword,
    RulesIn,
    SurveyCreate,
    create_survey,
    reword_item,
    set_rules,
)
from tests.delphi_service.helpers import build_panel, build_run_with_themes


def test_survey_from_themes_carries_an_evidence_pack(db: Session) -> None:
    theme_ids = build_run_with_themes(db, n_themes=3)
    survey = create_survey(
        db,
        SurveyCreate(title_zh="能源技术", theme_ids=theme_ids[:2], items=[ItemIn(title_en="Fusion power")]),
        "analyst",
    )
    items = survey.items
    assert [i.title_en for i in items] == ["Solid-state batteries", "Quantum sensing", "Fusion power"]
    assert [i.title_zh for i in items] == ["固态电池", "量子传感", ""]
    assert [i.position for i in items] == [1, 2, 3]
    first = items[0]
    assert first.theme_id == theme_ids[0] and first.lineage_id == "L0"
    ev = first.evidence
    assert ev["theme_id"] == theme_ids[0] and ev["theme_version"] == 2
    assert ev["keywords"] == ["battery", "material"]
    assert [d["title"] for d in ev["top_documents"]] == [f"Solid-state batteries study {k}" for k in range(4)]
    assert ev["indicators"]["documents_by_year"] == {"2020": 1, "2021": 1, "2022": 1, "2023": 1}
    assert ev["indicators"]["documents_by_kind"] == {"paper": 2, "patent": 2}
    assert items[2].theme_id is None and items[2].evidence == {}
    assert [v.version for v in first.versions] == [1]
    with pytest.raises(InvalidInput) as info:
        create_survey(db, SurveyCreate(title_en="x", theme_ids=[999_999]), "analyst")
    assert info.value.errors[0].field == "theme_ids"


def test_reword_creates_a_version_and_is_refused_while_a_round_is_open(db: Session) -> None:
    experts = build_panel(db)
    survey = create_survey(db, SurveyCreate(title_en="S", items=[ItemIn(title_en="Old wording")]), "a")
    item = survey.items[0]
    reword_item(db, item.id, ItemReword(title_en="New wording", reason="ambiguous"), "a")
    assert item.wording_version == 2 and item.title_en == "New wording"
    versions = db.scalars(
        select(ItemVersion).where(ItemVersion.item_id == item.id).order_by(ItemVersion.version)
    )
    assert [(v.version, v.title_en, v.reason) for v in versions] == [
        (1, "Old wording", "initial wording"),
        (2, "New wording", "ambiguous"),
    ]
    create_invitations(db, survey.id, [e.id for e in experts], "a")
    open_next_round(db, survey.id, "a")
    with pytest.raises(ConflictError, match="open"):
        reword_item(db, item.id, ItemReword(title_en="Third", reason="x"), "a")


def test_rules_are_frozen_when_the_first_round_opens(db: Session) -> None:
    survey = create_survey(db, SurveyCreate(title_en="S", items=[ItemIn(title_en="T")]), "a")
    set_rules(db, survey.id, RulesIn(stopping=StoppingRule(max_rounds=2)), "a")
    with pytest.raises(InvalidInput):
        set_rules(db, survey.id, RulesIn.model_validate({"consensus": {"constraints": {}}}), "a")
    open_next_round(db, survey.id, "a")
    assert survey.status == "open" and survey.opened_at is not None
    assert survey.stopping_rule["max_rounds"] == 2
    assert set(survey.consensus_rules) == {
        "importance",
        "realization_technological",
        "realization_social",
        "rd_position",
    }
    with pytest.raises(ConflictError, match="frozen"):
        set_rules(db, survey.id, RulesIn(stopping=StoppingRule(max_rounds=5)), "a")
    close_current_round(db, survey.id, "a")
    open_next_round(db, survey.id, "a")
    close_current_round(db, survey.id, "a")
    with pytest.raises(ConflictError, match="at most 2 rounds"):
        open_next_round(db, survey.id, "a")
    actions = [e.action for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [
        "survey.create",
        "survey.rules",
        "round.open",
        "round.close",
        "round.open",
        "round.close",
    ]


def test_invitation_tokens_are_hashed_expire_and_can_be_revoked(db: Session) -> None:
    experts = build_panel(db)
    survey = create_survey(db, SurveyCreate(title_en="S", items=[ItemIn(title_en="T")]), "a")
    t0 = now_utc()
    issued = create_invitations(db, survey.id, [experts[0].id, experts[1].id], "a", expires_days=7, now=t0)
    token = issued[0].token
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    stored = db.get(Invitation, issued[0].invitation.id)
    assert stored is not None and stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    db.commit()
    dump = " ".join(str(row) for row in db.execute(text("SELECT * FROM invitations")))
    assert token not in dump
    assert resolve_invitation(db, token, now=t0 + timedelta(days=1)).id == stored.id
    assert stored.last_used_at is not None
    messages = set()
    for bad_token, when in (
        ("x" * 43, t0),  # unknown
        (token, t0 + timedelta(days=7, seconds=1)),  # expired
    ):
        with pytest.raises(InvitationInvalid) as info:
            resolve_invitation(db, bad_token, now=when)
        messages.add(str(info.value))
    revoke_invitation(db, stored.id, "a")
    with pytest.raises(InvitationInvalid) as info:
        resolve_invitation(db, token, now=t0)
    messages.add(str(info.value))
    assert messages == {InvitationInvalid.MESSAGE}
    # Re-inviting revokes the expert's earlier active invitation.
    second = issued[1]
    again = create_invitations(db, survey.id, [experts[1].id], "a")[0]
    assert again.token != second.token and hash_token(again.token) == again.invitation.token_hash
    with pytest.raises(InvitationInvalid):
        resolve_invitation(db, second.token)
    assert resolve_invitation(db, again.token).expert_id == experts[1].id
