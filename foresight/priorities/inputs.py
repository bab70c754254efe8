"""What the scoring of a priority list reads about one candidate item: its Delphi indices per view
(:class:`ComponentEvidence`), each expert's points (:class:`ExpertScoreRow`) and the data indicators of
its theme (:class:`PriorityInput`).

Import them from :mod:`foresight.priorities.model`, which re-exports everything here.
"""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from foresight.delphi.aggregation import View
from foresight.delphi.consensus import ItemState
from foresight.priorities.components import DataComponent, DelphiComponent, _finite_or_none, _Frozen

__all__ = ["ComponentEvidence", "ExpertScoreRow", "PriorityInput"]


class ComponentEvidence(_Frozen):
    """One Delphi index of one item in one view, with the number of answers behind it and the consensus
    state of its question (``None`` when not assessed)."""

    value: float | None = Field(default=None, ge=0, le=100)
    n: int = Field(default=0, ge=0)
    question_id: str | None = None
    consensus: ItemState | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        return _finite_or_none(v)


class ExpertScoreRow(_Frozen):
    """One expert's points (0–100, :func:`foresight.delphi.aggregation.answer_points`) on one item.

    ``weight`` is the expertise weight ``e_i`` from the expert's familiarity with *this* item and ``high``
    whether that familiarity is a high level; ``None`` points = no answer that counts ("don't know").
    """

    expert_id: str = Field(min_length=1)
    group: str | None = None
    weight: float = Field(default=1.0, ge=0)
    high: bool = False
    points: dict[DelphiComponent, float | None] = {}  # noqa: RUF012 (a pydantic field: copied per instance)

    @field_validator("points")
    @classmethod
    def _range(cls, v: dict[DelphiComponent, float | None]) -> dict[DelphiComponent, float | None]:
        out = {k: _finite_or_none(p) for k, p in v.items()}
        if any(p is not None and not 0 <= p <= 100 for p in out.values()):
            raise ValueError("points must lie in [0, 100]")
        return out


class PriorityInput(_Frozen):
    """Everything the scoring needs about one candidate item.

    ``delphi`` maps a view (``all``, ``weighted``, ``high_expertise``) to the item's Delphi components;
    ``expert_rows`` are the per-expert points used for stakeholder views and the bootstrap.
    ``realization_year`` is the median expected year of technological realisation (for the portfolio
    chart; ``None`` when unknown).
    """

    item_id: str = Field(min_length=1)
    title_zh: str = ""
    title_en: str = ""
    theme_id: str | None = None
    lineage_id: str | None = None
    field: str | None = None
    scenarios: tuple[str, ...] = ()
    delphi: dict[View, dict[DelphiComponent, ComponentEvidence]] = {}  # noqa: RUF012 (a pydantic field: copied per instance)
    emergence: float | None = None
    growth: float | None = None
    burst: float | None = None
    realization_year: float | None = None
    evidence_ids: tuple[str, ...] = ()
    expert_rows: tuple[ExpertScoreRow, ...] = ()

    @field_validator("emergence", "growth", "burst", "realization_year", mode="before")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        return _finite_or_none(v)

    @model_validator(mode="after")
    def _titled(self) -> PriorityInput:
        if not (self.title_zh or self.title_en):
            raise ValueError(f"item {self.item_id}: needs a Chinese or an English title")
        return self

    @property
    def sort_title(self) -> tuple[str, str, str]:
        """Tie-break key: English title (case-folded), then Chinese title, then id."""
        return ((self.title_en or self.title_zh).casefold(), self.title_zh, self.item_id)

    def data_value(self, component: DataComponent) -> float | None:
        return {"emergence": self.emergence, "growth": self.growth, "burst": self.burst}[component]
