"""Builders shared by the Delphi service and API tests: a tiny analysis run with themes, a panel, answers."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from foresight.db.models import AnalysisRun, Document, Expert, ImportBatch, Round, Theme, ThemeMembership
from foresight.delphi.service.invitations import create_invitations
from foresight.delphi.service.rounds import open_next_round
from foresight.delphi.service.surveys import ItemIn, SurveyCreate, create_survey

SECRET = b"test-secret-key-0123456789abcdef"
GROUPS = ("academia", "industry", "government", "finance", "other")


def build_run_with_themes(session: Session, n_themes: int = 3, docs_per_theme: int = 4) -> list[int]:
    """An analysis run with ``n_themes`` labelled themes, each with member documents; returns theme ids."""
    batch = ImportBatch(filename="seed.jsonl", file_sha256="0" * 64, source_format="jsonl")
    session.add(batch)
    session.flush()
    run = AnalysisRun(
        seed=1, model_id="test", representation="lexical", corpus_fingerprint="f" * 64, status="completed"
    )
    session.add(run)
    session.flush()
    theme_ids = []
    topics = [
        ("固态电池", "Solid-state batteries", "battery"),
        ("量子传感", "Quantum sensing", "quantum"),
        ("合成生物学", "Synthetic biology", "biology"),
        ("氢能储运", "Hydrogen storage", "hydrogen"),
    ]
    for number in range(n_themes):
        zh, en, word = topics[number % len(topics)]
        docs = []
        for k in range(docs_per_theme):
            doc = Document(
                title=f"{en} study {k}",
                title_key=f"{word}-{number}-{k}",
                source_format="jsonl",
                import_batch_id=batch.id,
                year=2020 + k,
                kind="patent" if k % 2 else "paper",
            )
            session.add(doc)
            docs.append(doc)
        session.flush()
        theme = Theme(
            run_id=run.id,
            number=number,
            label_zh=zh,
            label_en=en,
            lineage_id=f"L{number}",
            keywords=[[word, 0.9], ["material", 0.5]],
            size=docs_per_theme,
            representative_doc_ids=[docs[0].id],
            quality={"silhouette": 0.4},
            version=2,
        )
        session.add(theme)
        session.flush()
        for k, doc in enumerate(docs):
            session.add(
                ThemeMembership(run_id=run.id, document_id=doc.id, theme_id=theme.id, probability=1 - k / 10)
            )
        theme_ids.append(theme.id)
    session.flush()
    return theme_ids


def build_panel(session: Session, per_group: dict[str, int] | None = None) -> list[Expert]:
    """Experts with e-mails, ``per_group`` per stakeholder group (default 2 academia, 2 industry)."""
    sizes = per_group or {"academia": 2, "industry": 2}
    experts = []
    for group, n in sizes.items():
        for k in range(n):
            expert = Expert(
                name=f"Expert {group} {k}",
                email=f"{group}{k}@example.org",
                stakeholder_group=group,
                fields=["energy"],
                languages=["en"] if k % 2 else ["zh", "en"],
                organization=f"Org {group}",
            )
            session.add(expert)
            experts.append(expert)
    session.flush()
    return experts


def full_answers(importance: str = "very_high", **overrides: Any) -> dict[str, Any]:
    """A complete valid answer set for the default template."""
    answers: dict[str, Any] = {
        "familiarity": "high",
        "importance": importance,
        "realization_technological": "y2031_2035",
        "realization_social": "y2036_2040",
        "rd_position": {"position": "on_par", "leading_countries": ["US"]},
        "constraints": ["technical"],
        "policy_measures": ["funding"],
        "reason": None,
    }
    answers.update(overrides)
    return answers


def open_survey(
    session: Session,
    experts: list[Expert],
    n_items: int = 2,
    *,
    stopping: dict[str, Any] | None = None,
    min_group_size: int = 5,
    realtime: bool = False,
) -> tuple[int, dict[int, str], Round]:
    """A survey with ``n_items`` hand-written items, invitations for ``experts``, round 1 open.

    Returns ``(survey_id, {expert_id: token}, round)``.
    """
    from foresight.delphi.consensus import StoppingRule
    from foresight.delphi.service.surveys import RulesIn, set_rules

    survey = create_survey(
        session,
        SurveyCreate(
            title_en="Energy 2040",
            title_zh="能源2040",
            min_group_size=min_group_size,
            realtime=realtime,
            items=[ItemIn(title_en=f"Technology {k}", title_zh=f"技术{k}") for k in range(n_items)],
        ),
        "tester",
    )
    if stopping is not None:
        set_rules(session, survey.id, RulesIn(stopping=StoppingRule(**stopping)), "tester")
    issued = create_invitations(session, survey.id, [e.id for e in experts], "tester")
    rnd = open_next_round(session, survey.id, "tester")
    return survey.id, {i.invitation.expert_id: i.token for i in issued}, rnd
