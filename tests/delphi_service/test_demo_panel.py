"""The demo survey with generated answers: stored through the answer services, labelled, reproducible."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from foresight.cli import app
from foresight.db.models import AnalysisRun, Expert, Response, Round, Survey, SurveyItem
from foresight.delphi.service import ConflictError, NotFoundError
from foresight.delphi.service.demo import (
    DEMO_ORGANIZATION,
    DEMO_REASON,
    DEMO_TITLE_PREFIX,
    run_demo_survey,
)
from foresight.delphi.service.results import response_rates
from foresight.priorities.model import ListSettings
from foresight.priorities.service import build_priority_list
from tests.delphi_service.helpers import build_run_with_themes


def _answers(session: Session, survey_id: int) -> list[tuple[Any, ...]]:
    """Every stored answer, keyed by expert name and item position (ids differ between surveys)."""
    rows = session.execute(
        select(Round.number, Expert.name, SurveyItem.position, Response.question_id, Response.value)
        .join(Round, Round.id == Response.round_id)
        .join(Expert, Expert.id == Response.expert_id)
        .join(SurveyItem, SurveyItem.id == Response.item_id)
        .where(Round.survey_id == survey_id, Response.status == "submitted")
        .order_by(Round.number, Expert.name, SurveyItem.position, Response.question_id)
    )
    return [tuple(r) for r in rows]


def test_demo_survey_is_labelled_answered_and_closed(db: Session) -> None:
    theme_ids = build_run_with_themes(db, n_themes=4)
    result = run_demo_survey(db, n_experts=12, n_themes=3, seed=7, rounds=1)
    db.commit()
    survey = db.get(Survey, result.survey_id)
    assert survey is not None and survey.generated is True
    assert survey.title_en.startswith(DEMO_TITLE_PREFIX) and "生成" in survey.title_zh
    assert [r.status for r in survey.rounds] == ["closed"] and result.rounds_closed == 1
    assert {i.theme_id for i in survey.items} == set(result.theme_ids) <= set(theme_ids)
    assert len(result.theme_ids) == 3
    experts = db.scalars(select(Expert).where(Expert.id.in_(result.expert_ids))).all()
    assert len(experts) == 12
    assert all(
        e.generated and e.organization == DEMO_ORGANIZATION and "(generated)" in e.name for e in experts
    )
    assert len({e.stakeholder_group for e in experts}) == 5
    answers = _answers(db, survey.id)
    assert len(answers) == result.answers_stored == 12 * 3 * 8  # experts × items × questions
    reasons = {v["text"] for *_, qid, v in answers if qid == "reason"}
    assert reasons == {DEMO_REASON}
    importance = {v for *_, qid, v in answers if qid == "importance"}
    assert len(importance) >= 3  # spread, not one constant answer
    rates = response_rates(db, survey.id)["rounds"][0]
    assert rates["respondents"] == rates["complete"] == 12


def test_same_seed_gives_the_same_answers_and_the_panel_is_reused(db: Session) -> None:
    build_run_with_themes(db, n_themes=3)
    first = run_demo_survey(db, n_experts=6, n_themes=3, seed=3, rounds=2)
    second = run_demo_survey(db, n_experts=6, n_themes=3, seed=3, rounds=2)
    other = run_demo_survey(db, n_experts=6, n_themes=3, seed=4, rounds=1)
    db.commit()
    assert first.survey_id != second.survey_id
    assert first.expert_ids == second.expert_ids  # the generated panel is not duplicated
    assert len(db.scalars(select(Expert)).all()) == 6
    assert _answers(db, first.survey_id) == _answers(db, second.survey_id)
    round_one = [a for a in _answers(db, first.survey_id) if a[0] == 1]
    assert round_one != _answers(db, other.survey_id)


def test_two_rounds_then_a_priority_list_that_says_it_is_generated(db: Session) -> None:
    build_run_with_themes(db, n_themes=3)
    result = run_demo_survey(db, n_experts=10, n_themes=3, seed=11, rounds=2)
    assert 1 <= result.rounds_closed <= 2
    record = build_priority_list(
        db,
        result.survey_id,
        ListSettings.model_validate({"preset": "importance-first"}),
        created_by="test",
        n_boot=50,
    )
    db.commit()
    assert record.result["provenance"]["generated_responses"] is True
    assert record.n_entries == 3


def test_refuses_a_run_without_themes(db: Session) -> None:
    run = AnalysisRun(seed=1, model_id="m", representation="lexical", corpus_fingerprint="0" * 64)
    db.add(run)
    db.flush()
    with pytest.raises(ConflictError, match=f"analysis run {run.id} has no themes"):
        run_demo_survey(db, run_id=run.id)
    assert db.scalars(select(Survey)).all() == []


def test_refuses_a_store_without_runs(db: Session) -> None:
    with pytest.raises(NotFoundError, match="no analysis run yet"):
        run_demo_survey(db)
    with pytest.raises(NotFoundError, match="analysis run 99 does not exist"):
        run_demo_survey(db, run_id=99)


def test_cli_demo_panel_runs_the_step_alone_with_a_summary(db: Session, db_url: str) -> None:
    build_run_with_themes(db, n_themes=2)
    db.commit()
    args = ["delphi", "demo-panel", "--experts", "5", "--themes", "2", "--rounds", "1", "--seed", "9"]
    result = CliRunner().invoke(app, args, env={"FORESIGHT_DATABASE_URL": db_url}, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (survey,) = db.scalars(select(Survey)).all()
    assert survey.generated
    assert f"{survey.id} — generated demo responses" in result.output
    assert "5 generated experts" in result.output and "80 in 1 round(s)" in result.output  # 5 × 2 × 8


def test_cli_demo_panel_refuses_an_empty_store(db_url: str) -> None:
    args = ["delphi", "demo-panel"]
    result = CliRunner().invoke(app, args, env={"FORESIGHT_DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "no analysis run yet" in result.output
