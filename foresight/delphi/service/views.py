"""What an expert sees: the round's items with their evidence, the expert's own answers, progress, and —
from round 2 — the previous round's anonymous feedback next to the expert's own previous answer.

Feedback comes only from the previous round's frozen snapshot. It shows aggregate statistics (median,
quartiles, distribution) and arguments (reasons and comments) under round-scoped pseudonyms — never another
expert's identity or individual answer. Items with fewer respondents than the survey's ``min_group_size`` show
no statistics, and an item reworded since shows a note instead of comparing the two wordings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import Comment, Expert, Invitation, Response, Round, Survey, SurveyItem
from foresight.delphi.pseudonyms import pseudonym
from foresight.delphi.questions import (
    DONT_KNOW,
    NEVER,
    ChoiceQuestion,
    FamiliarityQuestion,
    ImportanceQuestion,
    Label,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    SurveyTemplate,
)
from foresight.delphi.service.answers import own_answers
from foresight.delphi.service.common import (
    get_survey,
    latest_round,
    open_round,
    previous_closed_round,
    survey_template,
)
from foresight.delphi.service.results import item_results, load_snapshot, submitted_answers


def question_options(question: Question) -> list[tuple[str, Label]]:
    """Selectable options of a question in display order (scale as written, then "never", "don't know")."""
    options: list[tuple[str, Label]] = []
    if isinstance(question, FamiliarityQuestion):
        options = [(o.code, o.label) for o in question.levels]
    elif isinstance(question, ImportanceQuestion):
        options = [(o.code, o.label) for o in question.options]
    elif isinstance(question, RealizationYearQuestion):
        options = [(b.code, b.label) for b in question.bins]
        if question.allow_never:
            options.append((NEVER, question.never_label))
    elif isinstance(question, RDPositionQuestion):
        options = [(o.code, o.label) for o in question.positions]
    elif isinstance(question, ChoiceQuestion):
        return [(o.code, o.label) for o in question.options]
    else:
        return []
    if getattr(question, "allow_dont_know", False):
        options.append((DONT_KNOW, question.dont_know_label))
    return options


def _nearest_label(question: Question, score: float | None) -> dict[str, str] | None:
    if score is None or not hasattr(question, "scale"):
        return None
    point = min(question.scale(), key=lambda p: abs(p.score - score))
    return point.label.model_dump()


def format_item_feedback(
    template: SurveyTemplate, entry: dict[str, Any], min_group_size: int
) -> dict[str, Any]:
    """Anonymous statistics of one item from a results entry (snapshot or live), for experts."""
    suppressed = entry["n_respondents"] < min_group_size
    questions: dict[str, Any] = {}
    if not suppressed:
        for question in template.questions:
            stats = entry["questions"].get(question.id) or {}
            summary = (stats.get("ordinal") or {}).get("all")
            choices = (stats.get("choices") or {}).get("all")
            if not summary and not choices:
                continue
            view: dict[str, Any] = {"text": question.text.model_dump(), "kind": question.kind}
            if summary:
                scored = summary["n_respondents"] or 1
                view["ordinal"] = {
                    "n": summary["n"],
                    "median": summary.get("median"),
                    "q1": summary.get("q1"),
                    "q3": summary.get("q3"),
                    "median_label": _nearest_label(question, summary.get("median")),
                    "q1_label": _nearest_label(question, summary.get("q1")),
                    "q3_label": _nearest_label(question, summary.get("q3")),
                    "median_year": summary.get("median_year"),
                    "q1_year": summary.get("q1_year"),
                    "q3_year": summary.get("q3_year"),
                    "distribution": [
                        {
                            "code": code,
                            "label": label.model_dump(),
                            "count": int(summary["counts"].get(code, 0)),
                            "share": summary["counts"].get(code, 0) / scored,
                        }
                        for code, label in question_options(question)
                    ],
                }
            if choices:
                labels = dict(question_options(question))
                if isinstance(question, RDPositionQuestion):
                    labels = {c.code: c.label for c in question.countries}
                view["choices"] = [
                    {
                        "code": code,
                        "label": labels[code].model_dump() if code in labels else {"zh": code, "en": code},
                        "share": share,
                    }
                    for code, share in choices["shares"].items()
                    if share > 0 or code in labels
                ]
            state = (entry.get("assessments", {}).get(question.id) or {}).get("state")
            view["state"] = state
            questions[question.id] = view
    return {"n_respondents": entry["n_respondents"], "suppressed": suppressed, "questions": questions}


def _arguments(
    session: Session, rnd: Round, expert_id: int, secret: bytes, reason_id: str | None
) -> dict[int, list[dict[str, Any]]]:
    """Reasons and visible comments of a round per item, pseudonymous; the viewer's own are marked."""
    out: dict[int, list[dict[str, Any]]] = {}
    names: dict[int, str] = {}

    def alias(author: int) -> str:
        if author not in names:
            names[author] = pseudonym(str(author), str(rnd.id), secret)
        return names[author]

    if reason_id is not None:
        reasons = session.execute(
            select(Response.item_id, Response.expert_id, Response.value).where(
                Response.round_id == rnd.id, Response.question_id == reason_id, Response.status == "submitted"
            )
        )
        for item_id, author, value in reasons:
            if isinstance(value, dict) and value.get("text"):
                out.setdefault(item_id, []).append(
                    {
                        "pseudonym": alias(author),
                        "kind": "reason",
                        "stance": value.get("stance"),
                        "text": value["text"],
                        "own": author == expert_id,
                    }
                )
    comments = session.execute(
        select(Comment.item_id, Comment.expert_id, Comment.pseudonym, Comment.text)
        .where(Comment.round_id == rnd.id, Comment.hidden.is_(False))
        .order_by(Comment.id)
    )
    for item_id, author, alias_text, text in comments:
        out.setdefault(item_id, []).append(
            {
                "pseudonym": alias_text,
                "kind": "comment",
                "stance": None,
                "text": text,
                "own": author == expert_id,
            }
        )
    return out


def _evidence_brief(item: SurveyItem) -> dict[str, Any]:
    evidence = item.evidence or {}
    return {
        "keywords": evidence.get("keywords", [])[:10],
        "top_documents": [
            {"title": d.get("title"), "year": d.get("year"), "kind": d.get("kind")}
            for d in evidence.get("top_documents", [])[:5]
        ],
        "theme_version": evidence.get("theme_version"),
        "documents_by_year": (evidence.get("indicators") or {}).get("documents_by_year", {}),
    }


def _item_status(answers: dict[str, tuple[Any, str]]) -> str:
    if not answers:
        return "new"
    return "submitted" if all(status == "submitted" for _, status in answers.values()) else "draft"


def _default_language(expert: Expert) -> str:
    for lang in expert.languages or []:
        if lang in ("zh", "en"):
            return lang
    return "zh"


def questionnaire(
    session: Session, invitation: Invitation, *, secret: bytes, item_id: int | None = None
) -> dict[str, Any]:
    """The expert's view of the survey's current (or, once closed, last) round."""
    survey: Survey = get_survey(session, invitation.survey_id)
    expert = session.get(Expert, invitation.expert_id)
    assert expert is not None
    template = survey_template(survey)
    rnd = open_round(session, survey.id) or latest_round(session, survey.id)
    base: dict[str, Any] = {
        "survey": {
            "id": survey.id,
            "title_zh": survey.title_zh,
            "title_en": survey.title_en,
            "description": survey.description,
            "status": survey.status,
            "realtime": survey.realtime,
        },
        "expert": {"name": expert.name, "default_language": _default_language(expert)},
        "template": survey.template,  # stored as the template's JSON dump
        "round": None,
        "items": [],
        "carried_forward": [],
        "progress": {"submitted": 0, "draft": 0, "total": 0},
    }
    if rnd is None:
        return base
    previous = previous_closed_round(session, rnd)
    prev_snapshot = load_snapshot(previous) if previous else None
    mine = own_answers(session, rnd.id, invitation.expert_id)
    mine_before = own_answers(session, previous.id, invitation.expert_id) if previous else {}
    arguments = (
        _arguments(session, previous, invitation.expert_id, secret, template.reason_question)
        if previous
        else {}
    )
    items = {i.id: i for i in survey.items}
    ids = [i for i in rnd.items_asked if item_id is None or i == item_id]
    statuses = {iid: _item_status(mine.get(iid, {})) for iid in rnd.items_asked}
    views = []
    for iid in ids:
        item = items[iid]
        answers = mine.get(iid, {})
        status = statuses[iid]
        view: dict[str, Any] = {
            "id": item.id,
            "position": item.position,
            "title_zh": item.title_zh,
            "title_en": item.title_en,
            "description": item.description,
            "wording_version": item.wording_version,
            "evidence": _evidence_brief(item),
            "status": status,
            "answers": {qid: value for qid, (value, _) in answers.items()},
            "feedback": None,
            "live": None,
        }
        entry = (prev_snapshot or {}).get("items", {}).get(str(iid))
        if previous is not None and entry is not None:
            reworded = entry["wording_version"] != item.wording_version
            feedback = {
                "round": previous.number,
                "reworded": reworded,
                "previous_wording": None,
                "own_previous": {q: v for q, (v, s) in mine_before.get(iid, {}).items() if s == "submitted"},
                "arguments": arguments.get(iid, []),
            }
            if reworded:
                feedback["previous_wording"] = {
                    "title_zh": entry["title_zh"],
                    "title_en": entry["title_en"],
                    "version": entry["wording_version"],
                }
                feedback.update(n_respondents=entry["n_respondents"], suppressed=True, questions={})
            else:
                feedback.update(format_item_feedback(template, entry, survey.min_group_size))
            view["feedback"] = feedback
        if survey.realtime and status == "submitted" and rnd.status == "open":
            live = item_results(
                survey, item, submitted_answers(session, rnd.id, iid).get(iid, []), None, None, None
            )
            view["live"] = format_item_feedback(template, live, survey.min_group_size)
        views.append(view)
    all_status = list(statuses.values())
    carried = []
    for iid in rnd.carried_forward:
        item = items[iid]
        carried.append({"id": iid, "title_zh": item.title_zh, "title_en": item.title_en})
    base.update(
        round={
            "id": rnd.id,
            "number": rnd.number,
            "status": rnd.status,
            "read_only": rnd.status != "open",
            "previous": previous.number if previous else None,
        },
        items=views,
        item_order=list(rnd.items_asked),
        carried_forward=carried,
        progress={
            "submitted": all_status.count("submitted"),
            "draft": all_status.count("draft"),
            "total": len(rnd.items_asked),
        },
    )
    return base
