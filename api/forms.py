"""The questionnaire as HTML form fields: widgets built from the survey template, and form data parsed back
into the answer structure the validation module expects (``q.<question id>`` fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.datastructures import FormData

from foresight.delphi.questions import (
    ChoiceQuestion,
    Label,
    Question,
    RDPositionQuestion,
    ReasonQuestion,
    SurveyTemplate,
)
from foresight.delphi.service.views import question_options


def field_name(question_id: str, part: str = "") -> str:
    return f"q.{question_id}" + (f".{part}" if part else "")


def parse_form(template: SurveyTemplate, form: FormData) -> dict[str, Any]:
    """Every question's answer from the posted form (``None`` for an empty field)."""
    answers: dict[str, Any] = {}
    for q in template.questions:
        name = field_name(q.id)
        if isinstance(q, ChoiceQuestion):
            answers[q.id] = [str(v) for v in form.getlist(name)] or None
        elif isinstance(q, RDPositionQuestion):
            position = form.get(name)
            countries = [str(v) for v in form.getlist(field_name(q.id, "countries"))]
            answers[q.id] = {"position": str(position), "leading_countries": countries} if position else None
        elif isinstance(q, ReasonQuestion):
            text = str(form.get(name) or "")
            stance = form.get(field_name(q.id, "stance")) or None
            answers[q.id] = (
                {"text": text, "stance": str(stance) if stance else None} if text.strip() else None
            )
        else:
            value = form.get(name)
            answers[q.id] = str(value) if value else None
    return answers


def _text(label: Label | Mapping[str, str] | None, lang: str) -> str:
    if label is None:
        return ""
    if isinstance(label, Label):
        return label.text(lang)
    return label.get(lang) or label.get("en") or label.get("zh") or ""


def describe(question: Question, value: Any, lang: str) -> str:
    """A readable rendering of a stored (normalized) answer."""
    if value is None:
        return ""
    labels = dict(question_options(question))
    if isinstance(question, RDPositionQuestion) and isinstance(value, dict):
        position = _text(labels.get(str(value.get("position"))), lang)
        names = {c.code: c.label for c in question.countries}
        countries = [_text(names.get(c), lang) or c for c in value.get("leading_countries", [])]
        return position + (f" ({', '.join(countries)})" if countries else "")
    if isinstance(value, list):
        return ", ".join(_text(labels.get(v), lang) or v for v in value)
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return _text(labels.get(str(value)), lang) or str(value)


def widgets(
    template: SurveyTemplate,
    values: Mapping[str, Any],
    lang: str,
    *,
    errors: Mapping[str, str] | None = None,
    feedback: Mapping[str, Any] | None = None,
    previous: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """One render-ready field per question, prefilled from ``values`` (normalized answers or the form)."""
    errors = errors or {}
    out = []
    for q in template.questions:
        value = values.get(q.id)
        widget: dict[str, Any] = {
            "id": q.id,
            "name": field_name(q.id),
            "kind": q.kind,
            "text": q.text.text(lang),
            "help": q.help.text(lang) if q.help else "",
            "required": q.required,
            "error": errors.get(q.id, ""),
            "feedback": (feedback or {}).get(q.id),
            "previous": describe(q, (previous or {}).get(q.id), lang) if previous is not None else None,
        }
        if isinstance(q, ReasonQuestion):
            data = value if isinstance(value, dict) else {}
            widget.update(
                input="textarea",
                value=data.get("text") or "",
                max_length=q.max_length,
                stance_name=field_name(q.id, "stance"),
                stances=[
                    {"code": s.code, "label": s.label.text(lang), "checked": data.get("stance") == s.code}
                    for s in q.stances
                ],
            )
        elif isinstance(q, ChoiceQuestion):
            chosen = set(value) if isinstance(value, list) else set()
            widget.update(
                input="checkbox",
                max_choices=q.max_choices,
                options=[
                    {"code": c, "label": lbl.text(lang), "checked": c in chosen}
                    for c, lbl in question_options(q)
                ],
            )
        else:
            if isinstance(q, RDPositionQuestion):
                data = value if isinstance(value, dict) else {}
                selected, countries = data.get("position"), set(data.get("leading_countries") or [])
                widget.update(
                    countries_name=field_name(q.id, "countries"),
                    countries=[
                        {"code": c.code, "label": c.label.text(lang), "checked": c.code in countries}
                        for c in q.countries
                    ]
                    if q.ask_leading_countries
                    else [],
                )
            else:
                selected = value
            widget.update(
                input="radio",
                options=[
                    {"code": c, "label": lbl.text(lang), "checked": c == selected}
                    for c, lbl in question_options(q)
                ],
            )
        out.append(widget)
    return out


def error_map(errors: list[tuple[str, str]]) -> dict[str, str]:
    """Field errors keyed by question id (``rd_position.leading_countries`` → ``rd_position``)."""
    out: dict[str, str] = {}
    for field, message in errors:
        key = field.split(".", 1)[0]
        out[key] = f"{out[key]}; {message}" if key in out else message
    return out
