"""A demo Delphi survey answered by a generated panel — clearly labelled as generated, nothing else simulated.

:func:`run_demo_survey` takes an analysis run's top themes (best emergence composite first, as stored by the
monitoring layer), creates a survey from them with the project's standard question template, a generated
panel of demo experts spread over the stakeholder groups, invitations, and round 1; it then submits seeded
generated answers through the same services the expert pages use (:func:`resolve_invitation`,
:func:`save_answers`), closes the round (results frozen as for a real panel) and, when asked, runs round 2
with the experts moving towards the round-1 medians.

Labelling: experts are named ``Demo expert NN (generated)`` of the organisation ``Generated demo panel``,
the survey title starts with :data:`DEMO_TITLE_PREFIX`, every answer carries a reason saying it is
generated, and ``experts.generated`` / ``surveys.generated`` are set. The functions flush, never commit.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from foresight.db.models import Expert, Response, Round, Theme
from foresight.delphi.questions import (
    ChoiceQuestion,
    FamiliarityQuestion,
    ImportanceQuestion,
    RDPositionQuestion,
    RealizationYearQuestion,
    ReasonQuestion,
    SurveyTemplate,
)
from foresight.delphi.service.answers import save_answers
from foresight.delphi.service.common import survey_template
from foresight.delphi.service.errors import ConflictError, NotFoundError
from foresight.delphi.service.invitations import create_invitations, resolve_invitation
from foresight.delphi.service.rounds import close_current_round, open_next_round
from foresight.delphi.service.surveys import SurveyCreate, create_survey
from foresight.monitoring.indicators import run_indicators
from foresight.themes.queries import NotFoundError as RunNotFound
from foresight.themes.queries import get_run

DEMO_TITLE_PREFIX = "[DEMO — generated responses]"
DEMO_TITLE_PREFIX_ZH = "【演示——生成的回答】"
DEMO_ORGANIZATION = "Generated demo panel"
DEMO_REASON = "Generated demo response (seeded random numbers), not a real expert's judgement."
DEMO_ACTOR = "demo-generator"
#: stakeholder groups of the generated panel, in the order experts are assigned to them
GROUP_PATTERN = ("academia", "industry", "academia", "government", "industry", "finance",
                 "academia", "industry", "other", "government")  # fmt: skip
REGIONS = ("Beijing", "Shanghai", "Guangdong", "Jiangsu", "Hubei", "Sichuan", "Zhejiang", "Shaanxi")
#: group → shift of the latent importance (industry and finance a little more enthusiastic)
GROUP_BIAS = {"academia": 0.0, "industry": 0.25, "government": 0.1, "finance": 0.3, "other": -0.1}

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSurveyResult:
    """What :func:`run_demo_survey` created: survey, panel, items, stored answers and rounds."""

    survey_id: int
    run_id: int
    expert_ids: tuple[int, ...]
    theme_ids: tuple[int, ...]
    item_titles: tuple[str, ...]
    answers_stored: int
    rounds_closed: int
    study_finished: bool


def demo_expert_name(number: int) -> str:
    """``Demo expert 07 (generated)`` — the name itself says the expert is not a person."""
    return f"Demo expert {number:02d} (generated)"


def top_themes(session: Session, run_id: int | None, n: int) -> tuple[int, list[tuple[Theme, float | None]]]:
    """The run (default latest) and its ``n`` top themes with their emergence composite, best first.

    Themes without stored indicators follow, largest first. Raises :class:`NotFoundError` for an unknown
    run and :class:`ConflictError` for a run without themes.
    """
    try:
        run = get_run(session, run_id)
    except RunNotFound as exc:
        message = str(exc) if run_id is not None else "no analysis run yet; run the analysis first"
        raise NotFoundError(message) from exc
    themes = {t.id: t for t in session.scalars(select(Theme).where(Theme.run_id == run.id))}
    if not themes:
        raise ConflictError(f"analysis run {run.id} has no themes; a demo survey needs themes to ask about")
    ranked: list[tuple[Theme, float | None]] = [
        (themes[row["theme_id"]], row["composite"]) for row in run_indicators(session, run.id)
    ]
    seen = {t.id for t, _ in ranked}
    rest = sorted((t for t in themes.values() if t.id not in seen), key=lambda t: (-t.size, t.number))
    ranked += [(t, None) for t in rest]
    return run.id, ranked[:n]


def demo_panel(session: Session, n_experts: int, fields: Sequence[str]) -> list[Expert]:
    """The generated panel ``Demo expert 01 … NN``; generated experts already stored are reused."""
    if n_experts < 1:
        raise ConflictError("a demo panel needs at least one expert")
    names = [demo_expert_name(k) for k in range(1, n_experts + 1)]
    existing = {
        e.name: e
        for e in session.scalars(select(Expert).where(Expert.generated.is_(True), Expert.name.in_(names)))
    }
    panel = []
    for k, name in enumerate(names):
        expert = existing.get(name)
        if expert is None:
            chosen = [fields[k % len(fields)], fields[(k + 3) % len(fields)]] if fields else ["demo"]
            expert = Expert(
                name=name,
                organization=DEMO_ORGANIZATION,
                region=REGIONS[k % len(REGIONS)],
                stakeholder_group=GROUP_PATTERN[k % len(GROUP_PATTERN)],
                fields=list(dict.fromkeys(chosen)),
                languages=["zh", "en"] if k % 3 else ["en"],
                coi_notes="generated demo expert",
                generated=True,
            )
            session.add(expert)
        panel.append(expert)
    session.flush()
    return panel


def _scaled(values: Sequence[float | None]) -> list[float]:
    """Composite scores rescaled to 0–1 across the items (missing → 0.5; all equal → 0.5)."""
    known = [v for v in values if v is not None]
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
    return [0.5 if v is None or hi <= lo else (v - lo) / (hi - lo) for v in values]


class AnswerGenerator:
    """Seeded generated answers to the questions of a template (one instance per survey).

    Each expert has a latent expertise (0.2–1); each item a latent emergence ``s`` (0–1, the scaled
    composite). Importance ≈ 1 + 3.5·s + group bias + noise; the technological realisation year is earlier
    for more emergent items; social implementation follows it by 2–10 years.
    """

    def __init__(self, template: SurveyTemplate, seed: int) -> None:
        self.template = template
        self.rng = np.random.default_rng(seed)

    def _pick(self, codes: Sequence[str], low: int, high: int) -> list[str]:
        k = int(self.rng.integers(low, min(high, len(codes)) + 1))
        chosen = self.rng.choice(len(codes), size=k, replace=False)
        return [codes[i] for i in sorted(chosen)]

    def answers(self, expertise: float, group: str, s: float) -> dict[str, Any]:
        """One expert's answers to one item, keyed by question id (values as the validation accepts)."""
        out: dict[str, Any] = {}
        tech_year = 2029 + (1.0 - s) * 14 + self.rng.normal(0.0, 4.0)
        for q in self.template.questions:
            if isinstance(q, FamiliarityQuestion):
                levels = [p.code for p in q.scale()]  # ascending
                latent = expertise + self.rng.normal(0.0, 0.2)
                out[q.id] = levels[int(np.clip(latent * len(levels), 0, len(levels) - 1))]
            elif isinstance(q, ImportanceQuestion):
                points = [p.code for p in q.scale()]
                latent = 1 + 3.5 * s + GROUP_BIAS.get(group, 0.0) + self.rng.normal(0.0, 0.7)
                out[q.id] = points[int(np.clip(round(latent), 1, len(points))) - 1]
            elif isinstance(q, RealizationYearQuestion):
                year = tech_year if q.stage == "technological" else tech_year + self.rng.uniform(2, 10)
                first = q.bins[0].start
                out[q.id] = int(max(first, round(year)))
            elif isinstance(q, RDPositionQuestion):
                positions = [p.code for p in q.scale()]  # behind … leading
                probs = np.array([0.35, 0.45, 0.2][: len(positions)])
                value: dict[str, Any] = {
                    "position": positions[int(self.rng.choice(len(positions), p=probs / probs.sum()))]
                }
                if q.ask_leading_countries and q.countries:
                    value["leading_countries"] = self._pick([c.code for c in q.countries[:6]], 1, 2)
                out[q.id] = value
            elif isinstance(q, ChoiceQuestion):
                codes = [o.code for o in q.options if not o.exclusive and o.code != "other"]
                out[q.id] = self._pick(codes, max(1, q.min_choices), q.max_choices or 3)
            elif isinstance(q, ReasonQuestion):
                out[q.id] = {"text": DEMO_REASON, "stance": None}
        return out


def _moved(template: SurveyTemplate, answers: dict[str, Any], medians: dict[str, float]) -> dict[str, Any]:
    """Round-2 answers: ordinal and year answers moved half-way towards the round-1 median."""
    out = dict(answers)
    for q in template.questions:
        if q.id not in medians or q.id not in answers:
            continue
        if isinstance(q, ImportanceQuestion):
            points = [p.code for p in q.scale()]
            own = points.index(answers[q.id]) + 1
            out[q.id] = points[int(np.clip(round((own + medians[q.id]) / 2), 1, len(points))) - 1]
        elif isinstance(q, RealizationYearQuestion):
            out[q.id] = round((answers[q.id] + medians[q.id]) / 2)
    return out


def _medians(template: SurveyTemplate, given: list[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for q in template.questions:
        if isinstance(q, ImportanceQuestion):
            points = [p.code for p in q.scale()]
            out[q.id] = statistics.median(points.index(a[q.id]) + 1 for a in given)
        elif isinstance(q, RealizationYearQuestion):
            out[q.id] = statistics.median(a[q.id] for a in given)
    return out


def run_demo_survey(
    session: Session,
    *,
    run_id: int | None = None,
    n_experts: int = 24,
    n_themes: int = 10,
    seed: int = 42,
    rounds: int = 2,
    on_progress: ProgressCallback | None = None,
) -> DemoSurveyResult:
    """Create and run a demo Delphi survey on the run's top themes with generated answers.

    Parameters
    ----------
    session
        Session on a migrated store; flushed, not committed (the caller commits once: all or nothing).
    run_id
        Analysis run whose themes become the items (default: the latest run).
    n_experts, n_themes
        Size of the generated panel and number of top themes asked about.
    seed
        Seed of the generated answers (same seed, same themes → same answers).
    rounds
        1, or 2 for a second round (items not done after round 1, answers moved towards the medians).
    on_progress
        ``on_progress(step, done, total)`` while answers are submitted (step ``"round 1"`` …).

    Raises
    ------
    NotFoundError
        No such run (or no run at all).
    ConflictError
        The run has no themes.
    """
    if rounds not in (1, 2):
        raise ConflictError("a demo survey runs one or two rounds")
    run, ranked = top_themes(session, run_id, n_themes)
    fields = sorted({t.field.label_en or t.field.label_zh for t, _ in ranked if t.field is not None} - {""})
    panel = demo_panel(session, n_experts, fields)
    survey = create_survey(
        session,
        SurveyCreate(
            title_en=f"{DEMO_TITLE_PREFIX} Demo Delphi survey: top {len(ranked)} themes of run {run}",
            title_zh=f"{DEMO_TITLE_PREFIX_ZH}第{run}次分析前{len(ranked)}个主题的德尔菲演示调查",
            description="All answers are generated demo responses from a generated panel (seed "
            f"{seed}); they show the workflow and are not expert judgements.",
            theme_ids=[t.id for t, _ in ranked],
        ),
        DEMO_ACTOR,
    )
    survey.generated = True
    template = survey_template(survey)
    tokens = {
        i.invitation.expert_id: i.token
        for i in create_invitations(session, survey.id, [e.id for e in panel], DEMO_ACTOR)
    }
    generator = AnswerGenerator(template, seed)
    expertise = generator.rng.uniform(0.2, 1.0, size=len(panel))
    emergence = dict(zip([t.id for t, _ in ranked], _scaled([c for _, c in ranked]), strict=True))
    given: dict[tuple[int, int], dict[str, Any]] = {}
    closed = 0
    finished = False
    for number in range(1, rounds + 1):
        try:
            rnd = open_next_round(session, survey.id, DEMO_ACTOR)
        except ConflictError:  # every item met the stopping rule in round 1
            break
        items = [i for i in survey.items if i.id in rnd.items_asked]
        medians = (
            {i.id: _medians(template, [given[(e.id, i.id)] for e in panel]) for i in items} if given else {}
        )
        total, done = len(panel) * len(items), 0
        for k, expert in enumerate(panel):
            invitation = resolve_invitation(session, tokens[expert.id])
            for item in items:
                if number == 1:
                    s = emergence.get(item.theme_id or -1, 0.5)
                    answers = generator.answers(float(expertise[k]), expert.stakeholder_group, s)
                else:
                    answers = _moved(template, given[(expert.id, item.id)], medians[item.id])
                given[(expert.id, item.id)] = answers
                save_answers(session, invitation, rnd.id, item.id, answers, submit=True)
                done += 1
                if on_progress is not None:
                    on_progress(f"round {number}", done, total)
        snapshot = close_current_round(session, survey.id, DEMO_ACTOR).snapshot or {}
        closed += 1
        finished = bool(snapshot.get("study_finished"))
        if finished:
            break
    stored = session.scalar(
        select(func.count())
        .select_from(Response)
        .join(Round, Round.id == Response.round_id)
        .where(Round.survey_id == survey.id, Response.status == "submitted")
    )
    return DemoSurveyResult(
        survey_id=survey.id,
        run_id=run,
        expert_ids=tuple(e.id for e in panel),
        theme_ids=tuple(t.id for t, _ in ranked),
        item_titles=tuple(i.title_en or i.title_zh for i in survey.items),
        answers_stored=int(stored or 0),
        rounds_closed=closed,
        study_finished=finished,
    )
