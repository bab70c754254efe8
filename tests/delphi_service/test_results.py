"""Results: views and small-group suppression, response rates, reminders, exports and the audit log, and
the round-2 feedback an expert sees (anonymous)."""

from __future__ import annotations

import csv
import io
import json

import orjson
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import AuditEvent, Expert, OutboxMessage, Round
from foresight.delphi.service.answers import add_comment, save_answers
from foresight.delphi.service.audit import verify_chain
from foresight.delphi.service.exports import export_results
from foresight.delphi.service.invitations import resolve_invitation
from foresight.delphi.service.outbox import queue_reminders
from foresight.delphi.service.results import response_rates, round_results, verify_snapshot
from foresight.delphi.service.rounds import close_current_round, open_next_round
from foresight.delphi.service.views import questionnaire
from tests.delphi_service.helpers import SECRET, build_panel, full_answers, open_survey

LEVELS = ["very_high", "high", "medium", "low", "very_low"]


def _answer_all(db: Session, tokens: dict[int, str], rnd: Round, experts: list[Expert], **kw: object) -> None:
    for k, expert in enumerate(experts):
        inv = resolve_invitation(db, tokens[expert.id])
        for item_id in rnd.items_asked:
            answers = full_answers(
                importance=LEVELS[k % 3],
                familiarity="high" if k % 2 == 0 else "low",
                reason={"text": f"argument of {expert.name}"},
                **kw,
            )
            save_answers(db, inv, rnd.id, item_id, answers, submit=True)


def test_results_views_and_small_group_suppression(db: Session) -> None:
    experts = build_panel(db, {"academia": 5, "government": 5, "industry": 2})
    survey_id, tokens, rnd = open_survey(db, experts, n_items=1)
    _answer_all(db, tokens, rnd, experts)
    live = round_results(db, survey_id)
    assert live["provisional"] is True
    imp = live["items"][str(rnd.items_asked[0])]["questions"]["importance"]["ordinal"]
    assert imp["all"]["n"] == 12
    # industry has 2 < 5 respondents; academia (the smallest other group) is suppressed too, so that
    # industry cannot be recovered as "all minus the rest".
    assert imp["groups"]["industry"] is None and imp["groups"]["academia"] is None
    assert imp["groups"]["government"]["n"] == 5
    assert set(imp["suppressed_groups"]) == {"industry", "academia"}
    assert imp["high_expertise"]["n"] == 6  # familiarity high for every other expert
    assert imp["weighted"]["weight_total"] == pytest.approx(6 * 1.0 + 6 * 0.3)
    close_current_round(db, survey_id, "admin")
    closed = round_results(db, survey_id, 1)
    assert closed["provisional"] is False and closed["items"] == {**live["items"]}
    assert verify_snapshot(rnd)


def test_response_rates_reminders_exports_and_audit(db: Session) -> None:
    experts = build_panel(db, {"academia": 3, "industry": 2})
    survey_id, tokens, rnd = open_survey(db, experts, n_items=2)
    _answer_all(db, tokens, rnd, experts[:2])
    inv = resolve_invitation(db, tokens[experts[2].id])
    save_answers(db, inv, rnd.id, rnd.items_asked[0], full_answers(), submit=True)
    rates = response_rates(db, survey_id)
    r1 = rates["rounds"][0]
    assert (rates["invited"], r1["respondents"], r1["complete"]) == (5, 3, 2)
    assert r1["rate"] == 3 / 5 and r1["by_group"]["academia"] == {
        "invited": 3,
        "respondents": 3,
        "rate": 1.0,
        "complete": 2,
    }
    assert r1["by_group"]["industry"]["respondents"] == 0
    assert queue_reminders(db, survey_id, "admin") == 3
    assert queue_reminders(db, survey_id, "admin") == 0  # still queued: no duplicates
    outbox = db.scalars(select(OutboxMessage).order_by(OutboxMessage.recipient)).all()
    assert [m.recipient for m in outbox] == [
        "academia2@example.org",
        "industry0@example.org",
        "industry1@example.org",
    ]
    assert "1/2" in outbox[0].body and outbox[0].status == "queued"
    close_current_round(db, survey_id, "admin")

    content, media, name = export_results(db, survey_id, "csv", "admin")
    assert media.startswith("text/csv") and name == f"survey-{survey_id}-results.csv"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    first = next(r for r in rows if r["question_id"] == "importance" and r["view"] == "all")
    assert first["n"] == "3" and first["round"] == "1" and first["title_en"] == "Technology 0"
    assert any(r["view"] == "group:academia" and r["suppressed"] == "True" for r in rows)
    assert not any("@" in v for r in rows for v in r.values() if v)  # no identities in exports
    xlsx, _, _ = export_results(db, survey_id, "xlsx", "admin")
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None and sheet.max_row == len(rows) + 1
    data, _, _ = export_results(db, survey_id, "json", "admin")
    assert orjson.loads(data)["rounds"][0]["round"] == 1
    exports = db.scalars(select(AuditEvent).where(AuditEvent.action == "results.export")).all()
    assert [e.details["format"] for e in exports] == ["csv", "xlsx", "json"]
    db.commit()
    assert verify_chain(db) is None
    tampered = db.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[2]
    tampered.details = {"forged": True}
    db.flush()
    assert verify_chain(db) == tampered.id


def test_round_two_feedback_is_anonymous_and_shows_own_previous_answer(db: Session) -> None:
    experts = build_panel(db, {"academia": 3, "industry": 3})
    survey_id, tokens, rnd = open_survey(db, experts, n_items=1)
    _answer_all(db, tokens, rnd, experts)
    add_comment(
        db,
        resolve_invitation(db, tokens[experts[1].id]),
        rnd.id,
        rnd.items_asked[0],
        "Costs fall fast",
        secret=SECRET,
    )
    close_current_round(db, survey_id, "admin")
    open_next_round(db, survey_id, "admin")
    viewer = experts[0]
    view = questionnaire(db, resolve_invitation(db, tokens[viewer.id]), secret=SECRET)
    assert view["round"]["number"] == 2 and view["progress"] == {"submitted": 0, "draft": 0, "total": 1}
    feedback = view["items"][0]["feedback"]
    assert feedback["round"] == 1 and feedback["reworded"] is False and feedback["suppressed"] is False
    imp = feedback["questions"]["importance"]["ordinal"]
    assert imp["n"] == 6 and imp["median"] == 4.0
    assert {d["code"]: d["count"] for d in imp["distribution"]}["very_high"] == 2
    assert feedback["own_previous"]["importance"] == "very_high"
    args = feedback["arguments"]
    assert len(args) == 7 and sum(a["own"] for a in args) == 1
    assert all(a["pseudonym"].startswith("E-") for a in args)
    comment = next(a for a in args if a["kind"] == "comment")
    assert comment["text"] == "Costs fall fast"
    text = json.dumps(view, ensure_ascii=False)
    for other in experts[1:]:
        assert other.email and other.email not in text and f'"{other.name}"' not in text
        assert other.organization and other.organization not in text
