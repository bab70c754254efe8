"""Rendering of the expert pages (Jinja2): the round overview, one item's questionnaire, and messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.forms import widgets
from api.i18n import LANGUAGES, strings
from foresight.delphi.questions import SurveyTemplate

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def pick_language(requested: str | None, default: str) -> str:
    return requested if requested in LANGUAGES else (default if default in LANGUAGES else "zh")


def _label(value: dict[str, str] | None, lang: str) -> str:
    if not value:
        return ""
    return value.get(lang) or value.get("en") or value.get("zh") or ""


def title_of(obj: dict[str, Any], lang: str) -> str:
    first, second = ("title_zh", "title_en") if lang == "zh" else ("title_en", "title_zh")
    return str(obj.get(first) or obj.get(second) or "")


def _year(value: float | None) -> str:
    return "" if value is None else f"{value:.0f}"


def localize_feedback(question_fb: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    """One question's anonymous statistics with labels in ``lang``."""
    if not question_fb:
        return None
    out: dict[str, Any] = {"state": question_fb.get("state")}
    ordinal = question_fb.get("ordinal")
    if ordinal and ordinal.get("n"):
        year_range = ordinal.get("median_year") is not None
        out["ordinal"] = {
            "n": ordinal["n"],
            "median": _year(ordinal["median_year"]) if year_range else _label(ordinal["median_label"], lang),
            "q1": _year(ordinal["q1_year"]) if year_range else _label(ordinal["q1_label"], lang),
            "q3": _year(ordinal["q3_year"]) if year_range else _label(ordinal["q3_label"], lang),
            "distribution": [
                {"label": _label(d["label"], lang), "count": d["count"], "percent": round(100 * d["share"])}
                for d in ordinal["distribution"]
            ],
        }
    if question_fb.get("choices"):
        out["choices"] = [
            {"label": _label(c["label"], lang), "percent": round(100 * c["share"])}
            for c in question_fb["choices"]
        ]
    return out


def _links(request: Request, lang: str, **extra: str) -> dict[str, str]:
    base = request.url.path
    return {code: f"{base}?{urlencode({'lang': code, **extra})}" for code in LANGUAGES}


def _context(request: Request, lang: str, **values: Any) -> dict[str, Any]:
    return {
        "request": request,
        "lang": lang,
        "t": strings(lang),
        "lang_links": _links(request, lang),
        **values,
    }


def message_page(request: Request, status: int, message: str, lang: str | None = None) -> HTMLResponse:
    lang = pick_language(lang or request.query_params.get("lang"), "zh")
    return templates.TemplateResponse(
        request, "message.html", _context(request, lang, status=status, message=message), status_code=status
    )


def overview_page(
    request: Request, token: str, view: dict[str, Any], lang: str, notice: str = ""
) -> HTMLResponse:
    items = [
        {
            "title": title_of(i, lang),
            "status": i["status"],
            "href": f"/e/{token}/items/{i['id']}?lang={lang}",
            "position": k + 1,
        }
        for k, i in enumerate(view["items"])
    ]
    carried = [title_of(i, lang) for i in view["carried_forward"]]
    return templates.TemplateResponse(
        request,
        "questionnaire.html",
        _context(
            request,
            lang,
            view=view,
            survey_title=title_of(view["survey"], lang),
            items=items,
            carried=carried,
            notice=notice,
        ),
    )


def item_page(
    request: Request,
    token: str,
    view: dict[str, Any],
    item: dict[str, Any],
    lang: str,
    *,
    csrf: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    template = SurveyTemplate.model_validate(view["template"])
    feedback = item.get("feedback") or {}
    per_question = {qid: localize_feedback(fb, lang) for qid, fb in (feedback.get("questions") or {}).items()}
    previous = feedback.get("own_previous") if feedback else None
    fields = widgets(
        template,
        values if values is not None else item["answers"],
        lang,
        errors=errors,
        feedback=per_question,
        previous=previous,
    )
    live = item.get("live")
    live_questions = {
        qid: localize_feedback(fb, lang) for qid, fb in (live or {}).get("questions", {}).items()
    }
    order: list[int] = view["item_order"]
    k = order.index(item["id"])
    nav = {
        "prev": f"/e/{token}/items/{order[k - 1]}?lang={lang}" if k > 0 else None,
        "next": f"/e/{token}/items/{order[k + 1]}?lang={lang}" if k + 1 < len(order) else None,
        "back": f"/e/{token}?lang={lang}",
    }
    context = _context(
        request,
        lang,
        view=view,
        item=item,
        item_title=title_of(item, lang),
        fields=fields,
        csrf=csrf,
        action=f"/e/{token}/items/{item['id']}",
        comment_action=f"/e/{token}/items/{item['id']}/comments",
        feedback=feedback or None,
        previous_title=title_of(feedback.get("previous_wording") or {}, lang),
        live=live,
        live_questions=live_questions,
        nav=nav,
        position=k + 1,
        total=len(order),
        notice=notice,
        errors=errors or {},
        survey_title=title_of(view["survey"], lang),
    )
    return templates.TemplateResponse(request, "item.html", context, status_code=status_code)
