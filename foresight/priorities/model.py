"""Value objects of priority-technology lists (关键技术清单): inputs, weights, presets, settings and lists.

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
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from foresight.delphi.aggregation import KendallW, View
from foresight.delphi.consensus import ItemState

SCHEMA_VERSION = "1.0"

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
    points: dict[DelphiComponent, float | None] = {}

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
    delphi: dict[View, dict[DelphiComponent, ComponentEvidence]] = {}
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


class Weights(_Frozen):
    """Component weights ``w_c ≥ 0`` normalised to ``Σ_c w_c = 1``; components not named weigh 0.

    Build with ``Weights.of(importance=2, urgency=1)`` (→ 2/3, 1/3) or ``Weights(values={...})``.
    """

    values: dict[Component, float]

    @field_validator("values")
    @classmethod
    def _normalise(cls, v: dict[Component, float]) -> dict[Component, float]:
        if any(not math.isfinite(x) or x < 0 for x in v.values()):
            raise ValueError("weights must be finite and ≥ 0")
        total = sum(v.values())
        if total <= 0:
            raise ValueError("at least one weight must be positive")
        return {c: float(v.get(c, 0.0)) / total for c in COMPONENTS}

    @classmethod
    def of(cls, **weights: float) -> Weights:
        return cls.model_validate({"values": weights})

    def __getitem__(self, component: Component) -> float:
        return self.values[component]

    def active(self) -> tuple[Component, ...]:
        """Components with a positive weight, in :data:`COMPONENTS` order."""
        return tuple(c for c in COMPONENTS if self.values[c] > 0)


#: Weight presets. Documented choices of this package (no published standard prescribes them):
#:
#: * ``importance-first`` — the classic Delphi key-technology list (CASTED/NISTEP lead with importance):
#:   importance 0.5, urgency 0.2, feasibility 0.1, gap 0.1, emergence 0.1.
#: * ``emergence-first`` — horizon scanning led by the data: emergence composite 0.4, growth 0.15,
#:   burst 0.1 (these overlap with the composite's growth attribute on purpose, to stress recent
#:   momentum), importance 0.25 and urgency 0.1 as a guard against hype.
#: * ``gap-first`` — catch-up strategy (跟跑 → 并跑): gap 0.4, importance 0.35, urgency 0.1,
#:   feasibility 0.15 — important technologies where the own position lags the leader.
#: * ``balanced`` — 0.2 each on importance, urgency, gap, feasibility and emergence (growth and burst are
#:   already inside the emergence composite and are left at 0 to avoid counting them twice).
PRESETS: dict[str, Weights] = {
    "importance-first": Weights.of(importance=0.5, urgency=0.2, feasibility=0.1, gap=0.1, emergence=0.1),
    "emergence-first": Weights.of(emergence=0.4, growth=0.15, burst=0.1, importance=0.25, urgency=0.1),
    "gap-first": Weights.of(gap=0.4, importance=0.35, urgency=0.1, feasibility=0.15),
    "balanced": Weights.of(importance=0.2, urgency=0.2, gap=0.2, feasibility=0.2, emergence=0.2),
}

PinMode = Literal["top", "keep_rank"]


class ListSettings(_Frozen):
    """How a list is built; stored with the list so it can be reproduced.

    Parameters
    ----------
    weights, preset
        The weights, or a :data:`PRESETS` name (then ``weights`` may be omitted). Naming a preset and
        giving different weights is an error, so the recorded preset always tells the truth.
    view
        Which Delphi view feeds the Delphi components: ``all``, ``weighted`` or ``high_expertise``.
    fields, scenarios
        Keep only items of these fields / with one of these scenarios (empty = no filter). Scores are
        normalised within the filtered set.
    stakeholder_group
        Recompute the Delphi components from the expert rows of this group only (within ``view``); an
        item × component with fewer than ``min_group_size`` such experts is treated as missing
        (small-cell suppression, delphi.md §5).
    top_n, threshold
        The cut: keep the first ``top_n`` ranks and/or scores ``≥ threshold`` (both may be set).
    pins, pin_mode
        ``item id → reason``. ``top``: pinned items come first (ordered by score among themselves) and
        the others follow; ``keep_rank``: pinned items keep their score rank but survive the cut.
    exclusions
        ``item id → reason``: removed from the ranking, listed with the reason.
    """

    weights: Weights
    preset: str | None = None
    view: View = "all"
    fields: tuple[str, ...] = ()
    scenarios: tuple[str, ...] = ()
    stakeholder_group: str | None = None
    min_group_size: int = Field(default=5, ge=1)
    top_n: int | None = Field(default=None, ge=1)
    threshold: float | None = Field(default=None, ge=0, le=1)
    pins: dict[str, str] = {}
    pin_mode: PinMode = "top"
    exclusions: dict[str, str] = {}

    @model_validator(mode="before")
    @classmethod
    def _preset_weights(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("preset") is not None:
            name = data["preset"]
            if name not in PRESETS:
                raise ValueError(f"unknown preset {name!r}; known: {sorted(PRESETS)}")
            given = data.get("weights")
            if given is None:
                return {**data, "weights": PRESETS[name]}
            w = given if isinstance(given, Weights) else Weights.model_validate(given)
            if any(abs(w[c] - PRESETS[name][c]) > 1e-12 for c in COMPONENTS):
                raise ValueError(f"weights differ from preset {name!r}; drop the preset name")
        return data

    @model_validator(mode="after")
    def _reasons(self) -> ListSettings:
        for kind, reasons in (("pin", self.pins), ("exclusion", self.exclusions)):
            blank = sorted(k for k, r in reasons.items() if not r.strip())
            if blank:
                raise ValueError(f"every {kind} needs a reason: {blank}")
        both = sorted(set(self.pins) & set(self.exclusions))
        if both:
            raise ValueError(f"items both pinned and excluded: {both}")
        return self

    @classmethod
    def from_preset(cls, name: str, **options: Any) -> ListSettings:
        return cls.model_validate({"preset": name, **options})


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
    provenance: dict[str, Any] = {}

    @property
    def weights(self) -> Weights:
        return self.settings.weights

    def entry(self, item_id: str) -> PriorityEntry:
        return next(e for e in self.entries if e.item_id == item_id)
