"""Answers: validation, drafts, upsert under concurrency, read-only closed rounds, reasons outside the IQR,
carried-forward items, reworded items."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from foresight.db.models import Expert, Invitation, Response, Round
from foresight.db.session import session_factory
from foresight.delphi.service.answers import add_comment, save_answers
from foresight.delphi.service.errors import ConflictError
from foresight.delphi.service.invitations import resolve_invitation
from foresight.delphi.service.rounds import close_current_round, open_next_round
from foresight.delphi.service.surveys import ItemReword, reword_item
from foresight.delphi.validation import AnswerErrors
from tests.delphi_service.helpers import SECRET, build_panel, full_answers, open_survey


def _inv(db: Session, token: str) -> Invitation:
    return resolve_invitation(db, token)


def _rows(db: Session, **where: int) -> list[Response]:
    stmt = select(Response)
    for key, value in where.items():
        stmt = stmt.where(getattr(Response, key) == value)
    return list(db.scalars(stmt.order_by(Response.question_id).execution_options(populate_existing=True)))


def test_submit_stores_normalized_answers_and_rejects_invalid_ones_per_field(db: Session) -> None:
    experts = build_panel(db)
    _, tokens, rnd = open_survey(db, experts)
    inv = _inv(db, tokens[experts[0].id])
    item_id = rnd.items_asked[0]
    result = save_answers(
        db, inv, rnd.id, item_id, full_answers(importance="很大", realization_technological=2033), submit=True
    )
    assert result.status == "submitted"
    rows = {r.question_id: r for r in _rows(db, expert_id=experts[0].id)}
    assert set(rows) == {
        "familiarity",
        "importance",
        "realization_technological",
        "realization_social",
        "rd_position",
        "constraints",
        "policy_measures",
        "reason",
    }
    assert rows["importance"].value == "very_high"
    assert rows["realization_technological"].value == "y2031_2035"
    assert rows["rd_position"].value == {"position": "on_par", "leading_countries": ["US"]}
    assert {r.status for r in rows.values()} == {"submitted"} and {
        r.wording_version for r in rows.values()
    } == {1}
    with pytest.raises(AnswerErrors) as info:
        save_answers(
            db,
            inv,
            rnd.id,
            item_id,
            full_answers(importance="enormous", constraints=["none", "technical"], familiarity=None, bogus=1),
            submit=True,
        )
    fields = {e.field for e in info.value.errors}
    assert fields == {"importance", "constraints", "familiarity", "bogus"}
    unchanged = {r.question_id: r.value for r in _rows(db, expert_id=experts[0].id)}
    assert unchanged["importance"] == "very_high" and unchanged["constraints"] == ["technical"]


def test_draft_saves_partial_answers_then_submit_completes(db: Session) -> None:
    experts = build_panel(db)
    _, tokens, rnd = open_survey(db, experts)
    inv = _inv(db, tokens[experts[1].id])
    item_id = rnd.items_asked[1]
    save_answers(db, inv, rnd.id, item_id, {"importance": "high", "constraints": ["technical"]}, submit=False)
    save_answers(db, inv, rnd.id, item_id, {"constraints": [], "reason": {"text": ""}}, submit=False)
    rows = _rows(db, expert_id=experts[1].id)
    assert [(r.question_id, r.value, r.status) for r in rows] == [("importance", "high", "draft")]
    with pytest.raises(AnswerErrors):
        save_answers(db, inv, rnd.id, item_id, {"importance": "huge"}, submit=False)
    save_answers(db, inv, rnd.id, item_id, full_answers(importance="medium"), submit=True)
    rows = _rows(db, expert_id=experts[1].id)
    assert len(rows) == 8 and {r.status for r in rows} == {"submitted"}
    # A later draft reopens the item: none of its answers count until it is submitted again.
    save_answers(db, inv, rnd.id, item_id, {"importance": "low"}, submit=False)
    assert {r.status for r in _rows(db, expert_id=experts[1].id)} == {"draft"}


@pytest.mark.parametrize("same_values", [True, False])
def test_parallel_submissions_leave_one_row_per_question(engine: Engine, same_values: bool) -> None:
    factory = session_factory(engine)
    with factory() as db:
        experts = build_panel(db)
        _, tokens, rnd = open_survey(db, experts)
        db.commit()
        token, round_id, item_id = tokens[experts[0].id], rnd.id, rnd.items_asked[0]
    n_threads = 8
    barrier = threading.Barrier(n_threads)
    errors: list[BaseException] = []
    levels = ["very_high", "high", "medium", "low"]

    def submit(k: int) -> None:
        try:
            with factory() as s:
                inv = resolve_invitation(s, token, touch=False)
                answers = full_answers(importance="high" if same_values else levels[k % 4])
                barrier.wait(timeout=30)
                save_answers(s, inv, round_id, item_id, answers, submit=True)
                s.commit()
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(Response)) == 8
        importance = db.scalars(select(Response.value).where(Response.question_id == "importance")).all()
        assert len(importance) == 1 and importance[0] in (["high"] if same_values else levels)


def test_closed_round_is_read_only(db: Session) -> None:
    experts = build_panel(db)
    survey_id, tokens, rnd = open_survey(db, experts)
    inv = _inv(db, tokens[experts[0].id])
    save_answers(db, inv, rnd.id, rnd.items_asked[0], full_answers(), submit=True)
    close_current_round(db, survey_id, "admin")
    with pytest.raises(ConflictError, match="read-only"):
        save_answers(db, inv, rnd.id, rnd.items_asked[0], full_answers(importance="low"), submit=True)
    with pytest.raises(ConflictError, match="read-only"):
        add_comment(db, inv, rnd.id, rnd.items_asked[0], "late", secret=SECRET)
    assert db.scalar(select(Response.value).where(Response.question_id == "importance")) == "very_high"


def _round_one_with_consensus(db: Session) -> tuple[int, dict[int, str], Round, list[Expert]]:
    """Five experts: item 0 unanimous (very_high), item 1 split (one answer per importance level)."""
    experts = build_panel(db, {"academia": 3, "industry": 2})
    survey_id, tokens, rnd = open_survey(db, experts, stopping={"require_stability_for_consensus": False})
    split = ["very_high", "very_low", "medium", "high", "low"]
    for k, e in enumerate(experts):
        inv = _inv(db, tokens[e.id])
        save_answers(
            db,
            inv,
            rnd.id,
            rnd.items_asked[0],
            full_answers(
                importance="very_high",
                realization_technological="y2026_2030",
                realization_social="y2026_2030",
                rd_position={"position": "leading"},
            ),
            submit=True,
        )
        save_answers(
            db,
            inv,
            rnd.id,
            rnd.items_asked[1],
            full_answers(importance=split[k], reason={"text": f"because {k}"}),
            submit=True,
        )
    close_current_round(db, survey_id, "admin")
    return survey_id, tokens, rnd, experts


def test_items_meeting_the_stopping_rule_are_carried_forward_not_asked_again(db: Session) -> None:
    survey_id, tokens, rnd1, experts = _round_one_with_consensus(db)
    snapshot = rnd1.snapshot
    assert snapshot is not None
    first, second = (str(i) for i in rnd1.items_asked)
    assert snapshot["items"][first]["done"] is True
    assert snapshot["items"][first]["assessments"]["importance"]["state"] == "consensus"
    assert snapshot["items"][second]["done"] is False
    rnd2 = open_next_round(db, survey_id, "admin")
    assert rnd2.items_asked == [int(second)] and rnd2.carried_forward == [int(first)]
    inv = _inv(db, tokens[experts[0].id])
    with pytest.raises(ConflictError, match="not asked again"):
        save_answers(db, inv, rnd2.id, int(first), full_answers(), submit=True)


def test_round_two_requires_a_reason_outside_the_previous_iqr(db: Session) -> None:
    survey_id, tokens, rnd1, experts = _round_one_with_consensus(db)
    rnd2 = open_next_round(db, survey_id, "admin")
    item = rnd2.items_asked[0]
    assert rnd1.snapshot is not None
    iqr = rnd1.snapshot["items"][str(item)]["questions"]["importance"]["ordinal"]["all"]
    assert (iqr["q1"], iqr["q3"]) == (2.0, 4.0)
    inv = _inv(db, tokens[experts[0].id])
    with pytest.raises(AnswerErrors) as info:
        save_answers(db, inv, rnd2.id, item, full_answers(importance="very_high"), submit=True)
    assert [e.field for e in info.value.errors] == ["reason"]
    assert "importance" in info.value.errors[0].message
    save_answers(
        db,
        inv,
        rnd2.id,
        item,
        full_answers(importance="very_high", reason={"text": "new evidence"}),
        submit=True,
    )
    inside = save_answers(
        db, _inv(db, tokens[experts[1].id]), rnd2.id, item, full_answers(importance="medium"), submit=True
    )
    assert inside.reason_rule_applies is True


def test_reworded_item_is_not_compared_and_needs_no_reason(db: Session) -> None:
    survey_id, tokens, rnd1, experts = _round_one_with_consensus(db)
    item = rnd1.items_asked[1]
    reword_item(db, item, ItemReword(title_en="Technology 1 (clarified)", reason="ambiguous"), "admin")
    rnd2 = open_next_round(db, survey_id, "admin")
    inv = _inv(db, tokens[experts[0].id])
    result = save_answers(db, inv, rnd2.id, item, full_answers(importance="very_high"), submit=True)
    assert result.reason_rule_applies is False
    rows = _rows(db, round_id=rnd2.id, expert_id=experts[0].id)
    assert {r.wording_version for r in rows} == {2}
    close_current_round(db, survey_id, "admin")
    assert rnd2.snapshot is not None
    entry = rnd2.snapshot["items"][str(item)]
    assert entry["compared_with_round"] is None and "reworded to version 2" in entry["comparison_note"]
