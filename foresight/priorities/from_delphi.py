"""Build the Delphi parts of a :class:`~foresight.priorities.model.PriorityInput` from stored answers.

Bridges :mod:`foresight.delphi` to the priority lists without new statistics: the per-view indices come
from :func:`foresight.delphi.aggregation.item_indices`, the per-expert points from
:func:`foresight.delphi.aggregation.answer_points`, the median realisation year from
:func:`foresight.delphi.statistics.question_statistics`.

Component → question: ``importance`` = the overall importance question (without one, the mean over the
importance dimensions: for the index as in ``item_indices``, per expert the mean of the dimensions the
expert answered), ``urgency`` / ``urgency_social`` = technological / social realisation year,
``gap`` = R&D position, ``feasibility`` = the constraints question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from foresight.delphi.aggregation import View, answer_points, item_indices
from foresight.delphi.consensus import Assessment, ItemState
from foresight.delphi.questions import (
    ImportanceQuestion,
    Question,
    RDPositionQuestion,
    RealizationYearQuestion,
    SurveyTemplate,
)
from foresight.delphi.statistics import AnswerRecord, OrdinalSummary, observations_for, question_statistics
from foresight.priorities.model import VIEWS, ComponentEvidence, DelphiComponent, ExpertScoreRow
from foresight.priorities.scoring import indices_from_rows


def component_questions(template: SurveyTemplate) -> dict[DelphiComponent, tuple[str, ...]]:
    """The question ids behind each Delphi component (importance may have several dimensions)."""

    def ids(pred: type[Question] | str, **attrs: str) -> tuple[str, ...]:
        return tuple(
            q.id
            for q in template.questions
            if (q.kind == pred if isinstance(pred, str) else isinstance(q, pred))
            and all(getattr(q, k) == v for k, v in attrs.items())
        )

    overall = ids(ImportanceQuestion, dimension="overall")
    return {
        "importance": overall[:1] or ids(ImportanceQuestion),
        "urgency": ids(RealizationYearQuestion, stage="technological")[:1],
        "urgency_social": ids(RealizationYearQuestion, stage="social")[:1],
        "gap": ids(RDPositionQuestion)[:1],
        "feasibility": ids("constraints")[:1],
    }


def expert_rows(
    template: SurveyTemplate, records: Sequence[AnswerRecord], item_id: str
) -> tuple[ExpertScoreRow, ...]:
    """One :class:`ExpertScoreRow` per expert who answered ``item_id`` (sorted by expert id)."""
    fam = template.familiarity
    mapping = component_questions(template)
    per_expert: dict[str, dict[DelphiComponent, list[float]]] = {}
    meta: dict[str, tuple[str | None, str | None]] = {}
    for comp, qids in mapping.items():
        for qid in qids:
            q = template.question(qid)
            for o in observations_for(records, template, item_id, qid):
                points = per_expert.setdefault(o.expert_id, {})
                meta[o.expert_id] = (o.familiarity, o.group)
                p = answer_points(q, o.value)
                if p is not None:
                    points.setdefault(comp, []).append(p)
    rows = []
    for expert in sorted(per_expert):
        familiarity, group = meta[expert]
        rows.append(
            ExpertScoreRow(
                expert_id=expert,
                group=group,
                weight=fam.weight_of(familiarity) if fam else 1.0,
                high=fam.is_high(familiarity) if fam else False,
                points={c: float(np.mean(v)) for c, v in per_expert[expert].items()},
            )
        )
    return tuple(rows)


def delphi_components(
    template: SurveyTemplate,
    records: Sequence[AnswerRecord],
    item_id: str,
    *,
    assessments: Mapping[str, Assessment | ItemState] | None = None,
    rows: Sequence[ExpertScoreRow] | None = None,
) -> dict[View, dict[DelphiComponent, ComponentEvidence]]:
    """Per view, each Delphi component's index, answer count and consensus state.

    Parameters
    ----------
    assessments
        ``question id → Assessment`` (or its state) of the item's last round; the component takes the
        state of its question (of the first, when importance has several dimensions).
    rows
        The item's expert rows, if already built (else built here); they give the counts ``n``.

    The ``weighted`` and ``high_expertise`` views are produced only when the template has a familiarity
    question.
    """
    mapping = component_questions(template)
    rows = expert_rows(template, records, item_id) if rows is None else rows
    views = VIEWS if template.familiarity is not None else ("all",)
    out: dict[View, dict[DelphiComponent, ComponentEvidence]] = {}
    for view in views:
        idx = item_indices(template, records, item_id, view=view)
        counts = indices_from_rows(rows, view=view)
        values: dict[DelphiComponent, float | None] = {
            "importance": idx.importance,
            "urgency": idx.urgency,
            "urgency_social": idx.urgency_social,
            "gap": idx.gap,
            "feasibility": idx.feasibility,
        }
        comps: dict[DelphiComponent, ComponentEvidence] = {}
        for c, v in values.items():
            qid = mapping[c][0] if mapping[c] else None
            state = (assessments or {}).get(qid) if qid else None
            comps[c] = ComponentEvidence(
                value=v,
                n=counts[c].n,
                question_id=qid,
                consensus=state.state if isinstance(state, Assessment) else state,
            )
        out[view] = comps
    return out


def median_realization_year(
    template: SurveyTemplate,
    records: Sequence[AnswerRecord],
    item_id: str,
    *,
    stage: str = "technological",
    view: View = "all",
) -> float | None:
    """Median expected realisation year (non-"never" answers) for the portfolio chart."""
    qids = component_questions(template)["urgency" if stage == "technological" else "urgency_social"]
    if not qids:
        return None
    q = template.question(qids[0])
    stats = question_statistics(
        q, observations_for(records, template, item_id, q.id), familiarity=template.familiarity
    )
    summary = getattr(stats.ordinal, view, None) if stats.ordinal else None
    return summary.median_year if isinstance(summary, OrdinalSummary) else None
