"""How a priority list is weighted and cut: component :class:`Weights`, the documented :data:`PRESETS`,
and the :class:`ListSettings` stored with every list so that it can be reproduced.

Import them from :mod:`foresight.priorities.model`, which re-exports everything here.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from foresight.delphi.aggregation import View
from foresight.priorities.components import COMPONENTS, Component, _Frozen

__all__ = ["PRESETS", "ListSettings", "PinMode", "Weights"]


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
    pins: dict[str, str] = {}  # noqa: RUF012 (a pydantic field: copied per instance)
    pin_mode: PinMode = "top"
    exclusions: dict[str, str] = {}  # noqa: RUF012 (a pydantic field: copied per instance)

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
