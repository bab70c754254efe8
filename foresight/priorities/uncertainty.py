"""How far to trust a priority list: bootstrap rank intervals, expert agreement, weight sensitivity.

* **Rank intervals** (delphi.md §4.5: "rank confidence intervals (bootstrap over experts)"): each resample
  draws the ``m`` experts of the items in scope with replacement — one multiplicity per expert, shared
  by all items so that an expert's answers stay together — recomputes every item's Delphi components
  from the expert rows (:func:`foresight.priorities.scoring.indices_from_rows` semantics: view and
  stakeholder group as in the list settings), keeps the data indicators fixed, re-normalises, re-scores
  and re-ranks with the list's own rules (pins, tie-break). The interval is the ``(1 − γ)/2`` and
  ``(1 + γ)/2`` quantiles (inverted CDF) of the item's ranks. Items without expert rows keep their
  stored Delphi values; components suppressed for a small stakeholder group stay missing, and a component
  whose answering experts are all absent from a resample is missing in that resample (renormalised).
* **Agreement**: Kendall's W (:func:`foresight.delphi.aggregation.kendalls_w`, tie-corrected) of the
  experts' points on one Delphi component across the listed items; experts who did not score every
  listed item are left out (W needs complete rankings) and counted.
* **Sensitivity** (delphi.md §4.5: "a sensitivity table for how rank order changes with the weights"):
  for every weighted component ``c`` and ``δ ∈ {−step, +step}``, ``w'_c = min(1, w_c(1 + δ))`` and the
  other weights are rescaled to fill the rest, ``w'_k = w_k (1 − w'_c)/(1 − w_c)``, so ``Σ w' = 1`` and
  their ratios are kept. Ranks are recomputed over all ranked items (the cut ignored) and compared.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from foresight.delphi.aggregation import View, kendalls_w
from foresight.priorities.model import (
    COMPONENTS,
    DELPHI_COMPONENTS,
    VIEWS,
    Agreement,
    Component,
    DelphiComponent,
    ListSettings,
    PriorityInput,
    PriorityList,
    RankInterval,
    SensitivityRow,
    SensitivityTable,
    Weights,
)
from foresight.priorities.scoring import (
    FloatArray,
    composite,
    minmax_normalise,
    order_ranks,
    raw_matrix,
    select_items,
    tie_positions,
    view_weight,
    weight_vector,
)

_CHUNK = 256


def _ranked(
    scope: Sequence[PriorityInput], settings: ListSettings
) -> tuple[list[int], list[int], list[bool]]:
    keep = [k for k, i in enumerate(scope) if i.item_id not in settings.exclusions]
    kept = [scope[k] for k in keep]
    return keep, tie_positions(kept), [i.item_id in settings.pins for i in kept]


def bootstrap_rank_intervals(
    inputs: Sequence[PriorityInput],
    settings: ListSettings,
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
) -> dict[str, RankInterval]:
    """Bootstrap percentile interval of every ranked item's list rank, by resampling experts.

    Parameters
    ----------
    inputs, settings
        As for :func:`foresight.priorities.scoring.build_list`.
    n_boot, confidence
        Number of resamples and central coverage ``γ`` of the interval.
    random_state
        Seed or generator; the same seed gives the same intervals.

    Returns
    -------
    dict
        ``item id → RankInterval`` for every item in scope that is not excluded.

    Raises
    ------
    ValueError
        When no item in scope has expert rows, or for invalid ``n_boot`` / ``confidence``.
    """
    if n_boot < 1 or not 0 < confidence < 1:
        raise ValueError("need n_boot ≥ 1 and 0 < confidence < 1")
    scope = select_items(inputs, settings)
    experts = sorted({r.expert_id for i in scope for r in i.expert_rows})
    if not experts:
        raise ValueError("no expert rows to resample")
    raw, _ = raw_matrix(scope, settings)
    row = {e: k for k, e in enumerate(experts)}
    m, n = len(experts), len(scope)
    # per Delphi component: weighted points and weights, experts × items (0 where no answer counts)
    wp = np.zeros((len(DELPHI_COMPONENTS), m, n))
    wt = np.zeros_like(wp)
    resampled = np.zeros((len(DELPHI_COMPONENTS), n), dtype=bool)
    group = settings.stakeholder_group
    for j, item in enumerate(scope):
        for r in item.expert_rows:
            e = view_weight(r, settings.view)
            if e <= 0 or (group is not None and r.group != group):
                continue
            for c, comp in enumerate(DELPHI_COMPONENTS):
                p = r.points.get(comp)
                if p is not None:
                    wp[c, row[r.expert_id], j] += e * p
                    wt[c, row[r.expert_id], j] += e
        for c, comp in enumerate(DELPHI_COMPONENTS):
            # resample where the item has rows and the stored value is not suppressed/missing
            resampled[c, j] = bool(item.expert_rows) and np.isfinite(raw[j, COMPONENTS.index(comp)])
    keep, ties, pinned = _ranked(scope, settings)
    w = weight_vector(settings.weights)
    rng = np.random.default_rng(random_state)
    counts = rng.multinomial(m, np.full(m, 1.0 / m), size=n_boot).astype(float)
    ranks = np.empty((n_boot, len(keep)), dtype=np.int64)
    for start in range(0, n_boot, _CHUNK):
        cnt = counts[start : start + _CHUNK]
        boot = np.broadcast_to(raw, (len(cnt), *raw.shape)).copy()
        for c, comp in enumerate(DELPHI_COMPONENTS):
            num, den = cnt @ wp[c], cnt @ wt[c]
            with np.errstate(invalid="ignore", divide="ignore"):
                idx = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
            col = COMPONENTS.index(comp)
            boot[:, :, col] = np.where(resampled[c], idx, raw[:, col])
        scores, _, _ = composite(minmax_normalise(boot), w)
        ranks[start : start + len(cnt)] = order_ranks(scores[:, keep], ties, pinned, settings.pin_mode)
    alpha = (1.0 - confidence) / 2.0
    lower = np.quantile(ranks, alpha, axis=0, method="inverted_cdf")
    upper = np.quantile(ranks, 1.0 - alpha, axis=0, method="inverted_cdf")
    return {
        scope[k].item_id: RankInterval(
            lower=float(lower[p]), upper=float(upper[p]), confidence=confidence, n_boot=n_boot
        )
        for p, k in enumerate(keep)
    }


def expert_agreement(
    inputs: Sequence[PriorityInput],
    item_ids: Sequence[str],
    *,
    component: DelphiComponent = "importance",
    view: View = "all",
    group: str | None = None,
) -> Agreement:
    """Kendall's W of the experts' points on ``component`` across ``item_ids`` (complete cases only).

    An expert counts for an item when the view gives the row a positive weight (``high_expertise``: a
    high-familiarity row) and, with ``group``, the row belongs to that stakeholder group.
    """
    by_id = {i.item_id: i for i in inputs}
    points: dict[str, dict[str, float]] = {}
    for j in item_ids:
        for r in by_id[j].expert_rows:
            p = r.points.get(component)
            if p is not None and view_weight(r, view) > 0 and (group is None or r.group == group):
                points.setdefault(r.expert_id, {})[j] = p
    complete = sorted(e for e, row in points.items() if len(row) == len(item_ids))
    kendall = None
    if len(complete) >= 2 and len(item_ids) >= 2:
        kendall = kendalls_w([[points[e][j] for j in item_ids] for e in complete])
    return Agreement(
        component=component,
        group=group,
        n_experts_total=len(points),
        n_experts_complete=len(complete),
        kendall=kendall,
    )


def shifted_weights(weights: Weights, component: Component, change: float) -> Weights:
    """``w'_c = min(1, w_c(1 + change))``, others ``w_k(1 − w'_c)/(1 − w_c)`` (see module doc)."""
    wc = weights[component]
    if wc >= 1.0:  # a single component: scaling it cannot change the order
        return weights
    new = min(1.0, max(0.0, wc * (1.0 + change)))
    scale = (1.0 - new) / (1.0 - wc)
    return Weights(values={k: (new if k == component else weights[k] * scale) for k in COMPONENTS})


def _ranks_for(
    norm: FloatArray, weights: Weights, scope: Sequence[PriorityInput], settings: ListSettings
) -> dict[str, int]:
    keep, ties, pinned = _ranked(scope, settings)
    scores, _, _ = composite(norm, weight_vector(weights))
    ranks = order_ranks(scores[keep], ties, pinned, settings.pin_mode)
    return {scope[k].item_id: int(ranks[p]) for p, k in enumerate(keep)}


def sensitivity_table(
    inputs: Sequence[PriorityInput], settings: ListSettings, *, step: float = 0.2
) -> SensitivityTable:
    """Rank changes when each weighted component's weight moves by ``−step`` and ``+step``."""
    if not 0 < step < 1:
        raise ValueError("step must lie in (0, 1)")
    scope = select_items(inputs, settings)
    raw, _ = raw_matrix(scope, settings)
    norm = minmax_normalise(raw)
    base = _ranks_for(norm, settings.weights, scope, settings)
    rows = []
    for c in settings.weights.active():
        for change in (-step, step):
            w = shifted_weights(settings.weights, c, change)
            ranks = _ranks_for(norm, w, scope, settings)
            deltas = {i: ranks[i] - base[i] for i in base}
            rows.append(
                SensitivityRow(
                    component=c,
                    change=change,
                    weights=w.values,
                    ranks=ranks,
                    deltas=deltas,
                    max_abs_delta=max((abs(d) for d in deltas.values()), default=0),
                )
            )
    by_comp = {c: max(r.max_abs_delta for r in rows if r.component == c) for c in settings.weights.active()}
    by_item = {i: max((abs(r.deltas[i]) for r in rows), default=0) for i in base}
    return SensitivityTable(
        step=step,
        base_ranks=base,
        rows=tuple(rows),
        max_abs_delta_by_component=by_comp,
        max_abs_delta_by_item=by_item,
    )


def ranks_by_view(inputs: Sequence[PriorityInput], settings: ListSettings) -> dict[View, dict[str, int]]:
    """Ranks of every ranked item under each Delphi view (delphi.md §4.5: always show all three)."""
    out: dict[View, dict[str, int]] = {}
    for view in VIEWS:
        s = settings.model_copy(update={"view": view})
        scope = select_items(inputs, s)
        raw, _ = raw_matrix(scope, s)
        out[view] = _ranks_for(minmax_normalise(raw), s.weights, scope, s)
    return out


def analyse(
    plist: PriorityList,
    inputs: Sequence[PriorityInput],
    *,
    n_boot: int = 2000,
    confidence: float = 0.95,
    random_state: int | np.random.Generator | None = None,
    step: float = 0.2,
    agreement_component: DelphiComponent = "importance",
) -> PriorityList:
    """A copy of ``plist`` with rank intervals on its entries, the agreement and the sensitivity table.

    Rank intervals are skipped (left ``None``) when no item has expert rows.
    """
    s = plist.settings
    has_rows = any(i.expert_rows for i in inputs)
    intervals = (
        bootstrap_rank_intervals(inputs, s, n_boot=n_boot, confidence=confidence, random_state=random_state)
        if has_rows
        else {}
    )
    entries = tuple(e.model_copy(update={"rank_ci": intervals.get(e.item_id)}) for e in plist.entries)
    agreement = expert_agreement(
        inputs,
        [e.item_id for e in plist.entries],
        component=agreement_component,
        view=s.view,
        group=s.stakeholder_group,
    )
    return plist.model_copy(
        update={
            "entries": entries,
            "agreement": agreement,
            "sensitivity": sensitivity_table(inputs, s, step=step),
        }
    )
