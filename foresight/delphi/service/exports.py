"""Exports of survey results (CSV, XLSX, JSON) — aggregate and pseudonymous, each one audited.

One row per round × item × question × view (``all``, ``weighted``, ``high_expertise``, ``group:<name>``) with
the ordinal statistics and the consensus state; suppressed stakeholder groups appear with ``suppressed``
set and no numbers. JSON carries the full results of every round.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Literal

import orjson
from sqlalchemy.orm import Session

from foresight.delphi.service.audit import record_event
from foresight.delphi.service.common import get_survey
from foresight.delphi.service.results import round_results
from foresight.delphi.service.rounds import list_rounds

ExportFormat = Literal["csv", "xlsx", "json"]
COLUMNS = (
    "round",
    "item_id",
    "title_zh",
    "title_en",
    "wording_version",
    "question_id",
    "view",
    "suppressed",
    "n_respondents",
    "n",
    "n_dont_know",
    "median",
    "q1",
    "q3",
    "iqr",
    "mean",
    "sd",
    "cv",
    "top_share",
    "bottom_share",
    "median_year",
    "state",
    "consensus",
    "done",
    "compared_with_round",
    "round_provisional",
)
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def result_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flat rows of several rounds' results (see module docstring)."""
    rows = []
    for res in results:
        for item in res.get("items", {}).values():
            for qid, stats in item["questions"].items():
                ordinal = stats.get("ordinal")
                if not ordinal:
                    continue
                assessment = item["assessments"].get(qid) or {}
                views: list[tuple[str, dict[str, Any] | None]] = [
                    ("all", ordinal["all"]),
                    ("weighted", ordinal.get("weighted")),
                    ("high_expertise", ordinal.get("high_expertise")),
                ]
                views += [(f"group:{g}", s) for g, s in ordinal.get("groups", {}).items()]
                for view, summary in views:
                    if summary is None and not view.startswith("group:"):
                        continue
                    row: dict[str, Any] = dict.fromkeys(COLUMNS)
                    row.update(
                        round=res["round"],
                        item_id=item["item_id"],
                        title_zh=item["title_zh"],
                        title_en=item["title_en"],
                        wording_version=item["wording_version"],
                        question_id=qid,
                        view=view,
                        suppressed=summary is None,
                        compared_with_round=item["compared_with_round"],
                        round_provisional=res.get("provisional", False),
                        state=assessment.get("state"),
                        consensus=assessment.get("consensus"),
                        done=item["done"],
                    )
                    if summary is not None:
                        row.update(
                            {
                                k: summary.get(k)
                                for k in (
                                    "n_respondents",
                                    "n",
                                    "n_dont_know",
                                    "median",
                                    "q1",
                                    "q3",
                                    "iqr",
                                    "mean",
                                    "sd",
                                    "cv",
                                    "top_share",
                                    "bottom_share",
                                    "median_year",
                                )
                            }
                        )
                    rows.append(row)
    return rows


def export_results(session: Session, survey_id: int, fmt: ExportFormat, actor: str) -> tuple[bytes, str, str]:
    """The survey's results as ``(content, media type, file name)``; the export is audited."""
    survey = get_survey(session, survey_id)
    results = [round_results(session, survey.id, r.number) for r in list_rounds(session, survey.id)]
    name = f"survey-{survey.id}-results.{fmt}"
    if fmt == "json":
        content = orjson.dumps(
            {
                "survey_id": survey.id,
                "title_zh": survey.title_zh,
                "title_en": survey.title_en,
                "rounds": results,
            },
            option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS,
        )
    else:
        rows = result_rows(results)
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
            content = ("\ufeff" + buffer.getvalue()).encode(
                "utf-8"
            )  # BOM: Excel opens Chinese text correctly
        else:
            from openpyxl import Workbook

            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("results")
            sheet.append(list(COLUMNS))
            for row in rows:
                sheet.append([row[c] for c in COLUMNS])
            out = io.BytesIO()
            workbook.save(out)
            content = out.getvalue()
    record_event(
        session,
        actor,
        "results.export",
        f"survey:{survey.id}",
        {"format": fmt, "rounds": [r["round"] for r in results], "bytes": len(content)},
    )
    return content, MEDIA_TYPES[fmt], name
