"""Hand-made inputs for the priority-list tests."""

from __future__ import annotations

from typing import Any

import pytest

from foresight.priorities import ComponentEvidence, ExpertScoreRow, PriorityInput


def item(item_id: str, title: str, **values: Any) -> PriorityInput:
    """An input whose ``all`` view holds the Delphi values given (others as keyword fields)."""
    delphi_keys = ("importance", "urgency", "urgency_social", "gap", "feasibility")
    delphi = {k: ComponentEvidence(value=values.pop(k), n=10) for k in delphi_keys if k in values}
    return PriorityInput(
        item_id=item_id, title_en=title, title_zh=f"{title}技术", delphi={"all": delphi}, **values
    )


@pytest.fixture
def four() -> list[PriorityInput]:
    """A–D of the hand-computed ranking (weights importance 0.5, urgency 0.3, emergence 0.2).

    raw:        importance  urgency  emergence
      A Alpha       80        40       0.9
      B Beta        60        80       0.5
      C Gamma       40        60       0.1
      D Delta       70        —        0.3
    """
    return [
        item("A", "Alpha", importance=80.0, urgency=40.0, emergence=0.9, lineage_id="L-A", field="energy"),
        item("B", "Beta", importance=60.0, urgency=80.0, emergence=0.5, lineage_id="L-B", field="energy"),
        item("C", "Gamma", importance=40.0, urgency=60.0, emergence=0.1, lineage_id="L-C", field="health"),
        item("D", "Delta", importance=70.0, emergence=0.3, lineage_id="L-D", field="health",
             scenarios=("smart-grid",)),
    ]  # fmt: skip


@pytest.fixture
def three() -> list[PriorityInput]:
    """X, Y, Z with every component; min–max normalised values are 0, 0.5 or 1 (see test_presets)."""
    return [
        item("X", "Xenon", importance=90.0, urgency=20.0, urgency_social=50.0, gap=0.0, feasibility=100.0,
             emergence=0.2, growth=0.1, burst=0.0),
        item("Y", "Yttrium", importance=70.0, urgency=60.0, urgency_social=50.0, gap=100.0, feasibility=50.0,
             emergence=0.4, growth=-0.1, burst=2.0),
        item("Z", "Zinc", importance=50.0, urgency=100.0, urgency_social=50.0, gap=50.0, feasibility=0.0,
             emergence=0.6, growth=0.0, burst=4.0),
    ]  # fmt: skip


def expert_row(expert: str, group: str | None = None, weight: float = 1.0, high: bool = False,
               **points: float | None) -> ExpertScoreRow:  # fmt: skip
    return ExpertScoreRow(expert_id=expert, group=group, weight=weight, high=high, points=points)  # type: ignore[arg-type]
