"""The Delphi page on the fixture store: survey, response rates, results, coverage; creating a survey
from themes and inviting experts in open mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from foresight.db.models import Invitation, Round, Survey
from foresight.db.session import make_engine, session_scope

OpenApp = Callable[..., AppTest]


def _frame(at: AppTest, column: str) -> Any:
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_delphi_page_shows_survey_rates_results_and_coverage(open_app: OpenApp) -> None:
    at = open_app("delphi")
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Delphi survey"]
    results = _frame(at, "consensus")
    assert set(results["title"]) == {"language models", "patented processes"}
    assert set(results["n"]) == {3}
    rates = _frame(at, "respondents")
    assert rates.set_index("group").loc["academia", "rate"] == 1.0
    coverage = [c for c in at.get("plotly_chart") if "Panel coverage" in c.proto.spec]
    assert coverage
    assert any("sign in" in i.value for i in at.info)
    assert not [w for w in at.warning if "GENERATED" in w.value]  # a real survey: no demo notice


def test_create_survey_and_invite(edit_app: Callable[[str], AppTest], edit_store: dict[str, Any]) -> None:
    at = edit_app("delphi")
    (themes,) = [w for w in at.multiselect if w.key and w.key.startswith("d_themes.")]
    themes.set_value([edit_store["theme_ids"][1]]).run()
    at.text_input(key="d_title_en").input("Learning 2035")
    at.button(key="d_create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(make_engine(edit_store["url"])) as session:
        survey = session.scalar(select(Survey).where(Survey.title_en == "Learning 2035"))
        assert survey is not None and survey.created_by == "Li Wei"
        assert [i.title_en for i in survey.items] == ["learning systems"]
        new_id = survey.id
    invite = at.multiselect(key="d_invite")
    invite.set_value([invite.options[0]]).run()
    at.button(key="d_do_invite").click().run()
    assert not at.exception, [e.value for e in at.exception]
    links = _frame(at, "link")
    assert len(links) == 1 and links["link"].iloc[0].startswith("/e/")
    at.run()  # the links are shown once only
    assert not [d for d in at.dataframe if "link" in d.value.columns]
    with session_scope(make_engine(edit_store["url"])) as session:
        assert len(session.scalars(select(Invitation).where(Invitation.survey_id == new_id)).all()) == 1
    at.button(key="d_open").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(make_engine(edit_store["url"])) as session:
        rounds = session.scalars(select(Round).where(Round.survey_id == new_id)).all()
        assert [(r.number, r.status) for r in rounds] == [(1, "open")]
    assert at.button(key="d_open").disabled and not at.button(key="d_close").disabled
    at.button(key="d_close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with session_scope(make_engine(edit_store["url"])) as session:
        rounds = session.scalars(select(Round).where(Round.survey_id == new_id)).all()
        assert [(r.number, r.status) for r in rounds] == [(1, "closed")]


def test_generated_demo_survey_shows_a_warning(
    edit_app: Callable[[str], AppTest], edit_store: dict[str, Any]
) -> None:
    from foresight.delphi.service.demo import run_demo_survey

    with session_scope(make_engine(edit_store["url"])) as session:
        demo = run_demo_survey(session, n_experts=6, n_themes=2, seed=1, rounds=1)
    at = edit_app("delphi")
    picked = at.selectbox(key=next(s.key for s in at.selectbox if s.key and s.key.startswith("d_pick_")))
    assert picked.value == demo.survey_id  # the newest survey is shown first
    warnings = [w.value for w in at.warning if "GENERATED demo response" in w.value]
    assert len(warnings) == 1
    picked.set_value(edit_store["survey_id"]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w for w in at.warning if "GENERATED demo response" in w.value]
