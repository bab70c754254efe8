"""Fixtures of the priority-list service tests: a migrated store (SQLite and PostgreSQL) with a small
Delphi survey of three theme-based items answered by four experts, round 1 closed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from foresight.db.models import CurationOp, Document, SurveyItem, Theme, ThemeIndicators
from foresight.db.session import session_factory
from foresight.delphi.service.answers import add_comment, save_answers
from foresight.delphi.service.invitations import create_invitations, resolve_invitation
from foresight.delphi.service.rounds import close_current_round, open_next_round
from foresight.delphi.service.surveys import SurveyCreate, create_survey
from tests.delphi_service.helpers import SECRET, build_panel, build_run_with_themes, full_answers

#: importance answers of the four experts per item (A, B, C in survey order)
IMPORTANCE = {
    0: ["very_high", "very_high", "very_high", "very_high"],  # points 100 ×4 → index 100
    1: ["high", "high", "medium", "medium"],  # 75, 75, 50, 50 → 62.5
    2: ["low", "low", "low", "low"],  # 25 ×4 → 25
}
#: emergence composite per item
COMPOSITE = {0: 0.2, 1: 0.8, 2: 0.5}


@dataclass
class Seeded:
    survey_id: int
    item_ids: list[int]
    theme_ids: list[int]
    restricted_doc_id: int
    expert_ids: list[int]
    comment_text: str


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    session = session_factory(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def seed_survey(db: Session) -> Seeded:
    theme_ids = build_run_with_themes(db, n_themes=3, docs_per_theme=2)
    themes = [db.get(Theme, t) for t in theme_ids]
    first = themes[0]
    assert first is not None
    restricted = db.get(Document, first.representative_doc_ids[0])
    assert restricted is not None
    restricted.access_level = "restricted"
    for k, theme in enumerate(themes):
        assert theme is not None
        db.add(
            ThemeIndicators(
                run_id=theme.run_id,
                theme_id=theme.id,
                as_of=date(2025, 12, 31),
                granularity="year",
                indicators={
                    "values": {
                        "log_share_slope": {"value": 0.1 * (k + 1), "formula": "growth.log_share_slope"},
                        "burst": {"value": 1.0 + k, "formula": "burst.kleinberg"},
                    }
                },
                scorecard={"rank": k + 1},
                composite=COMPOSITE[k],
            )
        )
    db.add(
        CurationOp(
            run_id=first.run_id,
            op="relabel",
            actor="analyst",
            reason="clearer label",
            payload={"theme_id": first.id},
        )
    )
    third = themes[2]
    assert third is not None
    link = {"source": f"theme:{third.id}", "target": "term:battery", "edge_type": "related_to"}
    db.add(CurationOp(run_id=third.run_id, op="link", actor="analyst", reason="same field", payload=link))
    db.flush()
    experts = build_panel(db, {"academia": 2, "industry": 2})
    survey = create_survey(db, SurveyCreate(title_en="Energy 2040", theme_ids=theme_ids), "tester")
    issued = create_invitations(db, survey.id, [e.id for e in experts], "tester")
    tokens = {i.invitation.expert_id: i.token for i in issued}
    rnd = open_next_round(db, survey.id, "tester")
    items = [i.id for i in sorted(survey.items, key=lambda i: i.position)]
    for k, expert in enumerate(experts):
        inv = resolve_invitation(db, tokens[expert.id])
        for pos, item_id in enumerate(items):
            save_answers(db, inv, rnd.id, item_id, full_answers(IMPORTANCE[pos][k]), submit=True)
    text = "Cell costs fall fast."
    add_comment(db, resolve_invitation(db, tokens[experts[0].id]), rnd.id, items[0], text, secret=SECRET)
    close_current_round(db, survey.id, "admin")
    db.commit()
    assert all(db.get(SurveyItem, i) is not None for i in items)
    return Seeded(survey.id, items, theme_ids, restricted.id, [e.id for e in experts], text)


@pytest.fixture
def seeded(db: Session) -> Seeded:
    return seed_survey(db)
