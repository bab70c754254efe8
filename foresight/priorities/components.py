"""Score components of priority-technology lists (关键技术清单), their labels, and the frozen base model.

A priority list ranks items (analyst-approved themes that went through the Delphi) by a composite score
``P_i = Σ_c w_c · x̃_ic`` over *components* ``c`` (delphi.md §4.5): Delphi indices on 0–100 taken from
:mod:`foresight.delphi.aggregation` and data indicators of the theme (emergence composite from
:mod:`foresight.metrics.scorecard`, growth = slope of ln(share of corpus), Kleinberg burst weight).
``x̃`` is the min–max normalised value (see :mod:`foresight.priorities.scoring`) and the weights ``w_c``
are non-negative and sum to 1. Every component enters with "higher = higher priority":

===============  =====================================================================================
component        meaning (source)
===============  =====================================================================================
importance       importance index 0–100 (Delphi, overall importance question)
urgency          urgency index 0–100 from the technological realisation year (earlier = higher)
urgency_social   the same for social implementation / diffusion
gap              R&D-position gap 0–100 (leading 0, on par 50, behind 100): *catch-up* priority
feasibility      100·(1 − constraint severity) (Delphi constraints question)
emergence        Rotolo emergence composite in [0, 1] (metrics scorecard)
growth           slope of ln(theme share of corpus) per period (metrics growth)
burst            Kleinberg burst weight (metrics burst)
===============  =====================================================================================
"""

from __future__ import annotations

import math
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict

from foresight.delphi.aggregation import View

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DATA_COMPONENTS",
    "DELPHI_COMPONENTS",
    "VIEWS",
    "Component",
    "DataComponent",
    "DelphiComponent",
]

DelphiComponent = Literal["importance", "urgency", "urgency_social", "gap", "feasibility"]
DataComponent = Literal["emergence", "growth", "burst"]
Component = Literal[
    "importance", "urgency", "urgency_social", "gap", "feasibility", "emergence", "growth", "burst"
]
DELPHI_COMPONENTS: tuple[DelphiComponent, ...] = get_args(DelphiComponent)
DATA_COMPONENTS: tuple[DataComponent, ...] = get_args(DataComponent)
COMPONENTS: tuple[Component, ...] = get_args(Component)
VIEWS: tuple[View, ...] = get_args(View)

#: component → (English label, Chinese label, unit of the raw value)
COMPONENT_LABELS: dict[Component, tuple[str, str, str]] = {
    "importance": ("Importance index", "重要性指数", "index 0–100"),
    "urgency": ("Urgency (technological realisation)", "紧迫性（技术实现）", "index 0–100"),
    "urgency_social": ("Urgency (social implementation)", "紧迫性（社会应用）", "index 0–100"),
    "gap": ("R&D-position gap to the leader", "研发水平差距", "index 0–100"),
    "feasibility": ("Feasibility (1 − constraint severity)", "可行性（1 − 制约程度）", "index 0–100"),
    "emergence": ("Emergence composite (Rotolo)", "新兴性综合得分（Rotolo）", "score 0–1"),
    "growth": ("Growth: slope of ln(share of corpus)", "增长：语料占比对数斜率", "per period"),
    "burst": ("Kleinberg burst weight", "Kleinberg 突发权重", "weight ≥ 0"),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _finite_or_none(v: float | None) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)
