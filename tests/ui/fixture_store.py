"""A small, fully known store for the dashboard tests: the fixture corpora plus two analysis runs.

The runs are written directly (no embedding or clustering), so the numbers the pages must show are known
here: :data:`EXPECTED`. One patent is restricted; the latest run has indicators, a lineage event and an
alert.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select, update

from foresight.db.migrate import upgrade
from foresight.db.models import (
    Alert,
    AnalysisRun,
    Document,
    LineageEvent,
    Theme,
    ThemeField,
    ThemeIndicators,
    ThemeMembership,
)
from foresight.db.session import make_engine, session_scope
from foresight.ingest.service import import_file

CORPORA = Path(__file__).resolve().parents[1] / "fixtures" / "corpora"

# number, label_en, label_zh, field number, keywords, silhouette, stability
THEMES: list[tuple[int, str, str, int, list[tuple[str, float]], float, float]] = [
    (0, "language models", "语言模型", 0, [("language", 0.31), ("model", 0.22), ("llm", 0.17)], 0.412, 0.875),
    (1, "learning systems", "学习系统", 0, [("learning", 0.28), ("network", 0.2), ("data", 0.1)], 0.305, 0.6),
    (2, "patented processes", "专利工艺", 1, [("process", 0.3), ("method", 0.2), ("layer", 0.1)], 0.52, 0.91),
    (3, "chinese studies", "中文研究", 1, [("研究", 0.4), ("技术", 0.3), ("发展", 0.2)], 0.21, 0.45),
]
FIELDS = [(0, "computing", "计算"), (1, "engineering", "工程")]
CENTERS = np.array([[0.0, 0.0], [6.0, 1.0], [2.0, 7.0], [-5.0, 4.0]])
INDICATORS = {0: (0.42, 2.5, 1.7), 1: (0.05, 0.4, 0.0), 2: (-0.1, -0.3, 0.0), 3: (0.2, 1.1, 0.6)}

EXPECTED: dict[str, Any] = {
    "documents": 100,
    "restricted": 1,
    "import_batches": 3,
    "runs": 2,
    "latest_themes": 4,
    "theme_labels_en": [t[1] for t in THEMES],
    "theme_labels_zh": [t[2] for t in THEMES],
    "warning": "30 documents in Chinese were embedded with an English-only model",
    "alert": "Theme 'language models' passed the EScore threshold",
}


def _theme_of(doc: Document) -> int | None:
    """Deterministic assignment: every tenth document is noise; papers split by id parity."""
    if doc.id % 10 == 0:
        return None
    if doc.kind == "patent":
        return 2
    if doc.language == "zh":
        return 3
    return doc.id % 2


def _store_run(session: Any, docs: list[Document], *, label: str, previous: int | None, full: bool) -> int:
    rng = np.random.default_rng(7)
    numbers = THEMES if full else THEMES[:2]
    run = AnalysisRun(
        status="completed",
        label=label,
        seed=42,
        model_id="all-MiniLM-L6-v2",
        representation="neural",
        parameters={"options": {"min_cluster_size": 5, "stability_runs": 2}, "model": {"n_neighbors": 15}},
        filters={"since": None, "until": None, "kinds": [], "languages": []},
        corpus_fingerprint="f" * 64,
        versions={"python": "3.11", "hdbscan": "0.8"},
        timings={"select": 0.02, "embed": 12.5, "fit": 3.25, "quality": 1.5, "map": 2.0, "store": 0.3},
        warnings=[EXPECTED["warning"]] if full else [],
        previous_run_id=previous,
    )
    session.add(run)
    session.flush()
    fields = {n: ThemeField(run_id=run.id, number=n, label_en=en, label_zh=zh) for n, en, zh in FIELDS}
    session.add_all(fields.values())
    session.flush()
    members: dict[int, list[int]] = {n[0]: [] for n in numbers}
    assignment = {d.id: _theme_of(d) for d in docs}
    for doc_id, number in assignment.items():
        if number is not None and number in members:
            members[number].append(doc_id)
    themes: dict[int, Theme] = {}
    for number, en, zh, field_number, keywords, silhouette, stability in numbers:
        themes[number] = Theme(
            run_id=run.id,
            number=number,
            field_id=fields[field_number].id,
            label_en=en,
            label_zh=zh,
            keywords=[[term, w] for term, w in keywords],
            size=len(members[number]),
            representative_doc_ids=members[number][:3],
            quality={"silhouette": silhouette, "stability": stability},
            lineage_id=f"lineage-{number}",
        )
        fields[field_number].size += len(members[number])
    session.add_all(themes.values())
    session.flush()
    for doc_id, number in assignment.items():
        theme = themes.get(number) if number is not None else None
        center = CENTERS[number] if theme is not None and number is not None else np.array([10.0, -6.0])
        x, y = center + rng.normal(scale=0.6, size=2)
        session.add(
            ThemeMembership(
                run_id=run.id,
                document_id=doc_id,
                theme_id=theme.id if theme else None,
                probability=0.9 if theme else 0.0,
                x=float(x),
                y=float(y),
            )
        )
    run.n_documents = len(docs)
    run.n_themes = len(themes)
    run.n_fields = len(fields)
    run.noise_share = sum(1 for n in assignment.values() if n is None) / len(docs)
    session.flush()
    if full:
        for number, theme in themes.items():
            growth, escore, burst = INDICATORS[number]
            session.add(
                ThemeIndicators(
                    run_id=run.id,
                    theme_id=theme.id,
                    as_of=date(2026, 1, 1),
                    granularity="year",
                    indicators={
                        "values": {
                            "log_share_slope": {"value": growth, "formula": "growth.log_share_slope"},
                            "escore": {"value": escore, "formula": "escore.theme"},
                            "burst": {
                                "value": burst,
                                "formula": "burst.kleinberg",
                                "bursts": [{"start": "2021", "end": "2022", "weight": burst}]
                                if burst
                                else [],
                            },
                            "weak_signal": {
                                "value": "weak" if growth > 0.1 else "latent",
                                "formula": "weak_signal.yoon",
                                "mean_frequency": 5.0 + number,
                                "growth": growth,
                            },
                            "strategic": {
                                "value": "motor" if escore > 1 else "peripheral",
                                "formula": "strategic.callon",
                                "centrality": 0.2 + 0.1 * number,
                                "density": 0.5 - 0.1 * number,
                            },
                        },
                        "series": {},
                    },
                )
            )
        session.add(
            LineageEvent(
                from_run_id=previous,
                to_run_id=run.id,
                event="continue",
                from_theme_ids=[1],
                to_theme_ids=[themes[0].id],
                similarity={"jaccard": 0.8},
            )
        )
        session.add(
            Alert(
                run_id=run.id,
                theme_id=themes[0].id,
                rule="escore_above_threshold",
                message_en=EXPECTED["alert"],
                message_zh="主题“语言模型”超过涌现分数阈值",
            )
        )
    return run.id


SURVEY_ANSWERS = ("very_high", "very_high", "high")  # importance per expert


def _store_survey(session: Any, theme_ids: list[int]) -> int:
    """A Delphi survey on two themes: a panel of three, round 1 answered by all and closed."""
    from foresight.db.models import Expert
    from foresight.delphi.service.answers import save_answers
    from foresight.delphi.service.invitations import create_invitations
    from foresight.delphi.service.rounds import close_current_round, open_next_round
    from foresight.delphi.service.surveys import SurveyCreate, create_survey

    experts = [
        Expert(name=f"Expert {k}", stakeholder_group=group, fields=[field], languages=["zh", "en"])
        for k, (group, field) in enumerate(
            [("academia", "computing"), ("industry", "computing"), ("government", "engineering")]
        )
    ]
    session.add_all(experts)
    session.flush()
    survey = create_survey(
        session,
        SurveyCreate(title_en="Computing 2040", title_zh="计算2040", theme_ids=theme_ids, min_group_size=1),
        "fixture",
    )
    issued = create_invitations(session, survey.id, [e.id for e in experts], "fixture")
    rnd = open_next_round(session, survey.id, "fixture")
    for invitation, importance in zip(issued, SURVEY_ANSWERS, strict=True):
        for item_id in rnd.items_asked:
            answers = {
                "familiarity": "high",
                "importance": importance,
                "realization_technological": "y2031_2035",
                "realization_social": "y2036_2040",
                "rd_position": {"position": "on_par", "leading_countries": ["US"]},
                "constraints": ["technical"],
                "policy_measures": ["funding"],
                "reason": None,
            }
            save_answers(session, invitation.invitation, rnd.id, item_id, answers, submit=True)
    session.flush()
    close_current_round(session, survey.id, "fixture")
    return int(survey.id)


def build_store(url: str) -> dict[str, Any]:
    """Create the store at ``url`` (migrated, fixture corpora, two runs); return ids the tests need."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        for path in sorted(CORPORA.glob("*.jsonl")):
            import_file(session, path)
    with session_scope(engine) as session:
        patents = select(Document.id).where(Document.kind == "patent").order_by(Document.id)
        first_patent = session.scalar(patents)
        session.execute(update(Document).where(Document.id == first_patent).values(access_level="restricted"))
    with session_scope(engine) as session:
        docs = list(session.scalars(select(Document).order_by(Document.id)))
        first = _store_run(session, docs, label="first", previous=None, full=False)
        latest = _store_run(session, docs, label="fixture", previous=first, full=True)
        restricted_title = session.scalar(select(Document.title).where(Document.id == first_patent))
        theme_ids = {t.number: t.id for t in session.scalars(select(Theme).where(Theme.run_id == latest))}
        survey_id = _store_survey(session, [theme_ids[0], theme_ids[2]])
    engine.dispose()
    return {
        "first_run": first,
        "latest_run": latest,
        "restricted_id": first_patent,
        "restricted_title": restricted_title,
        "theme_ids": theme_ids,
        "survey_id": survey_id,
    }
