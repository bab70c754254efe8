"""Building and storing priority lists from a Delphi survey: hand-computed ranking, stored weights,
provenance pointing at real documents, pseudonymous comments."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from foresight.db.models import Document, Expert
from foresight.delphi.service.errors import ConflictError
from foresight.priorities import ListSettings, Weights
from foresight.priorities.service import build_priority_list
from foresight.priorities.store import get_list, list_lists, priority_list
from tests.priorities_service.conftest import Seeded


def test_importance_only_ranking_is_hand_computed(db: Session, seeded: Seeded) -> None:
    settings = ListSettings(weights=Weights.of(importance=1))
    rec = build_priority_list(db, seeded.survey_id, settings, created_by="planner", n_boot=50, random_state=1)
    plist = priority_list(rec)
    a, b, c = (str(i) for i in seeded.item_ids)
    assert [e.item_id for e in plist.entries] == [a, b, c]
    # importance indices 100, 62.5, 25 → min–max normalised 1, 0.5, 0
    imp = {e.item_id: e.component("importance").value for e in plist.entries}
    assert imp == {a: pytest.approx(100.0), b: pytest.approx(62.5), c: pytest.approx(25.0)}
    assert [e.score for e in plist.entries] == [pytest.approx(1.0), pytest.approx(0.5), pytest.approx(0.0)]
    assert all(e.rank_ci is not None and e.rank_ci.n_boot == 50 for e in plist.entries)
    assert plist.agreement is not None and plist.sensitivity is not None


def test_mixed_weights_are_stored_and_rank_by_hand(db: Session, seeded: Seeded) -> None:
    settings = ListSettings(weights=Weights.of(importance=1, emergence=1), top_n=2)
    rec = build_priority_list(
        db, seeded.survey_id, settings, name="mixed", created_by="planner", n_boot=20, random_state=3
    )
    db.commit()
    a, b, c = (str(i) for i in seeded.item_ids)
    # importance norm A 1, B 0.5, C 0; emergence 0.2/0.8/0.5 → norm A 0, B 1, C 0.5
    # scores: A 0.5, B 0.75, C 0.25 → B, A | C below the cut
    plist = priority_list(get_list(db, rec.id))
    assert [(e.item_id, e.score) for e in plist.entries] == [
        (b, pytest.approx(0.75)),
        (a, pytest.approx(0.5)),
    ]
    assert [x.item_id for x in plist.below_cut] == [c]
    assert rec.weights["importance"] == pytest.approx(0.5) and rec.weights["emergence"] == pytest.approx(0.5)
    assert rec.settings["top_n"] == 2 and rec.name == "mixed" and rec.n_entries == 2
    assert len(rec.fingerprint) == 64 and rec.run_id is not None
    second = build_priority_list(
        db, seeded.survey_id, settings, created_by="planner", n_boot=20, random_state=3
    )
    assert second.previous_list_id == rec.id and second.fingerprint == rec.fingerprint
    assert [r.id for r in list_lists(db, seeded.survey_id)] == [rec.id, second.id]


def test_provenance_points_at_real_documents_and_comments_are_pseudonymous(
    db: Session, seeded: Seeded
) -> None:
    rec = build_priority_list(
        db, seeded.survey_id, ListSettings.from_preset("balanced"), created_by="p", n_boot=10, random_state=0
    )
    plist = priority_list(rec)
    prov = plist.provenance["items"][str(seeded.item_ids[0])]
    assert prov["theme_id"] == seeded.theme_ids[0] and prov["lineage_id"] == "L0"
    docs = prov["evidence_documents"]
    assert docs and all(db.get(Document, d["id"]) is not None for d in docs)
    hidden = next(d for d in docs if d["id"] == seeded.restricted_doc_id)
    assert hidden == {"id": seeded.restricted_doc_id, "title": None, "restricted": True}
    shown = next(d for d in docs if not d["restricted"])
    doc = db.get(Document, shown["id"])
    assert doc is not None and shown["title"] == doc.title
    assert prov["indicators"]["values"]["emergence"]["value"] == pytest.approx(0.2)
    assert prov["indicators"]["values"]["growth"]["formula"]["id"] == "growth.log_share_slope"
    rounds = prov["delphi_rounds"]
    assert [r["round"] for r in rounds] == [1] and rounds[0]["n_respondents"] == 4
    [comment] = prov["comments"]
    assert comment["text"] == seeded.comment_text and comment["round"] == 1
    names = {e.name for e in db.query(Expert)} | {e.email for e in db.query(Expert)}
    assert comment["pseudonym"] not in names and set(comment) == {"round", "pseudonym", "text"}
    assert [(o["op"], o["reason"]) for o in prov["curation"]] == [("relabel", "clearer label")]
    assert plist.provenance["items"][str(seeded.item_ids[1])]["curation"] == []
    third = plist.provenance["items"][str(seeded.item_ids[2])]["curation"]
    assert [(o["op"], o["reason"]) for o in third] == [("link", "same field")]
    entry = plist.entry(str(seeded.item_ids[0]))
    assert entry.theme_id == str(seeded.theme_ids[0]) and set(entry.evidence_ids) == {
        str(d["id"]) for d in docs
    }


def test_pins_exclusions_and_no_closed_round(db: Session, seeded: Seeded) -> None:
    a, b, c = (str(i) for i in seeded.item_ids)
    settings = ListSettings(
        weights=Weights.of(importance=1), pins={c: "strategic need"}, exclusions={b: "covered elsewhere"}
    )
    plist = priority_list(build_priority_list(db, seeded.survey_id, settings, created_by="p", n_boot=10))
    assert [e.item_id for e in plist.entries] == [c, a] and plist.entries[0].pin_reason == "strategic need"
    assert [(x.item_id, x.reason) for x in plist.excluded] == [(b, "covered elsewhere")]
    from foresight.delphi.service.surveys import SurveyCreate, create_survey

    empty = create_survey(db, SurveyCreate(title_en="Empty", theme_ids=seeded.theme_ids[:1]), "t")
    with pytest.raises(ConflictError):
        build_priority_list(db, empty.id, settings, created_by="p")


def test_stakeholder_view_recomputes_from_the_group(db: Session, seeded: Seeded) -> None:
    a, b, c = (str(i) for i in seeded.item_ids)
    # academia = the first two experts: A 100, 100 → 100; B 75, 75 → 75; C 25, 25 → 25
    # normalised: A 1, B (75 − 25)/75 = 2/3, C 0 (the whole panel gives B 0.5)
    settings = ListSettings(weights=Weights.of(importance=1), stakeholder_group="academia", min_group_size=2)
    plist = priority_list(build_priority_list(db, seeded.survey_id, settings, created_by="p", n_boot=10))
    assert [(e.item_id, e.score) for e in plist.entries] == [
        (a, pytest.approx(1.0)),
        (b, pytest.approx(2 / 3)),
        (c, pytest.approx(0.0)),
    ]
    assert plist.settings.stakeholder_group == "academia"


def test_latest_closed_round_per_item_feeds_the_list(db: Session, seeded: Seeded) -> None:
    from foresight.delphi.service.answers import save_answers
    from foresight.delphi.service.invitations import create_invitations
    from foresight.delphi.service.rounds import close_current_round, open_next_round
    from tests.delphi_service.helpers import full_answers

    rnd = open_next_round(db, seeded.survey_id, "tester")
    asked = [i for i in seeded.item_ids if i in rnd.items_asked]
    assert asked, "round 2 asks again the items without consensus"
    issued = create_invitations(db, seeded.survey_id, seeded.expert_ids, "tester")
    for inv in issued:
        for item_id in asked:
            save_answers(db, inv.invitation, rnd.id, item_id, full_answers("very_low"), submit=True)
    close_current_round(db, seeded.survey_id, "admin")
    settings = ListSettings(weights=Weights.of(importance=1))
    plist = priority_list(build_priority_list(db, seeded.survey_id, settings, created_by="p", n_boot=10))
    for item_id in seeded.item_ids:
        prov = plist.provenance["items"][str(item_id)]
        value = plist.entry(str(item_id)).component("importance").value
        if item_id in asked:  # round 2: everyone "very_low" → 0 points
            assert prov["round"] == 2 and [r["round"] for r in prov["delphi_rounds"]] == [1, 2]
            assert value == pytest.approx(0.0)
        else:
            assert prov["round"] == 1 and [r["round"] for r in prov["delphi_rounds"]] == [1]


def test_field_and_scenario_filters_use_the_themes(db: Session, seeded: Seeded) -> None:
    from foresight.db.models import Scenario, Theme, ThemeField, ThemeScenario

    a, b, c = (str(i) for i in seeded.item_ids)
    themes = [db.get(Theme, t) for t in seeded.theme_ids]
    assert all(t is not None for t in themes)
    run_id = themes[0].run_id  # type: ignore[union-attr]
    energy = ThemeField(run_id=run_id, number=0, label_en="Energy", label_zh="能源", size=2)
    db.add(energy)
    scenario = Scenario(key="grid", label_en="Grid", tier="major", domain="city")
    db.add(scenario)
    db.flush()
    for theme in themes[:2]:
        theme.field_id = energy.id  # type: ignore[union-attr]
    db.add(ThemeScenario(run_id=run_id, theme_id=seeded.theme_ids[1], scenario_id=scenario.id, score=0.9))
    db.flush()
    by_field = ListSettings(weights=Weights.of(importance=1), fields=("Energy",))
    plist = priority_list(build_priority_list(db, seeded.survey_id, by_field, created_by="p", n_boot=10))
    # within {A, B}: importance 100, 62.5 → normalised 1, 0
    assert [(e.item_id, e.score) for e in plist.entries] == [(a, pytest.approx(1.0)), (b, pytest.approx(0.0))]
    assert plist.entries[0].field == "Energy" and plist.n_in_scope == 2
    by_scenario = ListSettings(weights=Weights.of(importance=1), scenarios=("grid",))
    plist = priority_list(build_priority_list(db, seeded.survey_id, by_scenario, created_by="p", n_boot=10))
    assert [e.item_id for e in plist.entries] == [b] and plist.entries[0].scenarios == ("grid",)
    assert c not in {e.item_id for e in plist.entries}
