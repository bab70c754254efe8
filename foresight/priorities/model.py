"""Value objects of priority-technology lists (关键技术清单): inputs, weights, presets, settings and lists.

A priority list ranks items (analyst-approved themes that went through the Delphi) by a composite score
over components (Delphi indices and data indicators; the table of components is in
:mod:`foresight.priorities.components`).

The components and their labels are defined in :mod:`foresight.priorities.components`, the inputs in
:mod:`foresight.priorities.inputs` and the weights, presets and list settings in
:mod:`foresight.priorities.weighting`; this module holds the list itself (entries, audit tables) and
re-exports the others, so it stays the place to import from.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from foresight.delphi.aggregation import KendallW
from foresight.delphi.consensus import ItemState
from foresight.priorities.components import (
    COMPONENT_LABELS,
    COMPONENTS,
    DATA_COMPONENTS,
    DELPHI_COMPONENTS,
    VIEWS,
    Component,
    DataComponent,
    DelphiComponent,
    _Frozen,
)
from foresight.priorities.inputs import ComponentEvidence, ExpertScoreRow, PriorityInput
from foresight.priorities.weighting import PRESETS, ListSettings, PinMode, Weights

__all__ = [
    "COMPONENTS",
    "COMPONENT_LABELS",
    "DATA_COMPONENTS",
    "DELPHI_COMPONENTS",
    "PRESETS",
    "SCHEMA_VERSION",
    "VIEWS",
    "Agreement",
    "BelowCut",
    "Component",
    "ComponentEvidence",
    "DataComponent",
    "DelphiComponent",
    "ExcludedItem",
    "ExpertScoreRow",
    "ListSettings",
    "PinMode",
    "PriorityEntry",
    "PriorityInput",
    "PriorityList",
    "RankInterval",
    "ScoreComponent",
    "SensitivityRow",
    "SensitivityTable",
    "Weights",
]

SCHEMA_VERSION = "1.0"


class ScoreComponent(_Frozen):
    """One component of one entry's score.

    ``weight`` is the list weight ``w_c``; ``effective_weight = w_c / Σ_{k available} w_k`` after the
    per-item renormalisation over available components; ``contribution = effective_weight ·
    normalised``, so the contributions sum to the score. ``missing`` = weighted but without a value.
    """

    name: Component
    value: float | None
    normalised: float | None
    weight: float
    effective_weight: float
    contribution: float
    missing: bool
    n: int | None = None
    consensus: ItemState | None = None


class RankInterval(_Frozen):
    """Bootstrap percentile interval of an entry's rank (resampling experts)."""

    lower: float
    upper: float
    confidence: float
    n_boot: int


class PriorityEntry(_Frozen):
    """One ranked item of the list."""

    rank: int = Field(ge=1)
    item_id: str
    title_zh: str
    title_en: str
    theme_id: str | None
    lineage_id: str | None
    field: str | None
    scenarios: tuple[str, ...]
    score: float | None
    coverage: float  #: Σ of the list weights of the available components (1 = nothing missing)
    components: tuple[ScoreComponent, ...]
    missing: tuple[Component, ...]
    pinned: bool = False
    pin_reason: str | None = None
    rank_ci: RankInterval | None = None
    realization_year: float | None = None
    evidence_ids: tuple[str, ...] = ()

    def component(self, name: Component) -> ScoreComponent:
        return next(c for c in self.components if c.name == name)

    @property
    def key(self) -> str:
        """Identity across runs: the stable lineage id when known, else the item id."""
        return self.lineage_id or self.item_id


class ExcludedItem(_Frozen):
    """An item removed by the planners, with their reason."""

    item_id: str
    title_zh: str
    title_en: str
    reason: str
    lineage_id: str | None = None

    @property
    def key(self) -> str:
        return self.lineage_id or self.item_id


class BelowCut(_Frozen):
    """An item ranked but left out by the top-N / threshold cut."""

    item_id: str
    title_zh: str
    title_en: str
    rank: int
    score: float | None
    lineage_id: str | None = None

    @property
    def key(self) -> str:
        return self.lineage_id or self.item_id


class Agreement(_Frozen):
    """Kendall's W among experts' scores of the listed items on one component."""

    component: DelphiComponent
    group: str | None
    n_experts_total: int
    n_experts_complete: int
    kendall: KendallW | None  #: ``None`` when fewer than 2 complete experts or 2 items


class SensitivityRow(_Frozen):
    """Ranks after changing one weight by ``change`` (e.g. −0.2) and renormalising the others."""

    component: Component
    change: float
    weights: dict[Component, float]
    ranks: dict[str, int]
    deltas: dict[str, int]  #: new rank − base rank (negative = moved up)
    max_abs_delta: int


class SensitivityTable(_Frozen):
    step: float
    base_ranks: dict[str, int]
    rows: tuple[SensitivityRow, ...]
    max_abs_delta_by_component: dict[Component, int]
    max_abs_delta_by_item: dict[str, int]


class PriorityList(_Frozen):
    """A ranked priority-technology list with everything needed to audit and reproduce it."""

    schema_version: str = SCHEMA_VERSION
    settings: ListSettings
    entries: tuple[PriorityEntry, ...]
    excluded: tuple[ExcludedItem, ...] = ()
    below_cut: tuple[BelowCut, ...] = ()
    n_in_scope: int = 0
    agreement: Agreement | None = None
    sensitivity: SensitivityTable | None = None
    provenance: dict[str, Any] = {}  # noqa: RUF012 (a pydantic field: copied per instance)

    @property
    def weights(self) -> Weights:
        return self.settings.weights

    def entry(self, item_id: str) -> PriorityEntry:
        return next(e for e in self.entries if e.item_id == item_id)
