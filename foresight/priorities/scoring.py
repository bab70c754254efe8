"""Composite priority scores, ranking, pins, exclusions and the cut (delphi.md §4.5).

Normalisation
    Each component ``c`` is min–max normalised across the items in scope (after the field/scenario
    filters, *before* exclusions, so excluding an item never changes the other items' scores):
    ``x̃_ic = (x_ic − min_c) / (max_c − min_c)``, with min and max over the items that have a value.
    When fewer than two items have a value, or all values are equal, every available ``x̃_ic = 0.5``
    (the component carries no information to separate them; same rule as
    :func:`foresight.metrics.series.normalise`). Min–max keeps the raw spacing (an index of 90 vs 60 vs
    58 stays uneven) but is sensitive to outliers — heavy-tailed inputs such as burst weights are worth
    a look in the components table.
Missing values
    A missing ``x_ic`` (no answer that counts, no indicator, suppressed small group) is left out of
    item ``i``'s score and the weights are renormalised for that item:
    ``P_i = Σ_{c∈A_i} w_c x̃_ic / Σ_{c∈A_i} w_c`` with ``A_i = {c : w_c > 0, x_ic known}``. The entry
    lists the missing components and its ``coverage = Σ_{c∈A_i} w_c`` (1 = complete); an item with
    ``A_i = ∅`` has no score and ranks last. Renormalising can favour an item that lacks a weak
    component, which is why the flag and the coverage travel with the entry.
Ranking
    Descending score (compared at 9 decimals, so float noise does not decide); ties are broken by
    English title (case-folded), then Chinese title, then id, so the order is deterministic. Pins with
    ``pin_mode="top"`` put the pinned items first (ordered by the same key among themselves); with
    ``"keep_rank"`` they keep their score rank. Exclusions are removed from the ranking and kept in
    :attr:`PriorityList.excluded` with their reasons.
Cut
    ``top_n`` keeps ranks ``≤ N`` (in ``top`` mode pinned items occupy the first slots); ``threshold``
    keeps scores ``≥ t``; pinned items always survive the cut. Ranks are not renumbered after the cut.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from foresight.priorities.model import (
    COMPONENTS,
    DATA_COMPONENTS,
    DELPHI_COMPONENTS,
    BelowCut,
    Component,
    ComponentEvidence,
    DelphiComponent,
    ExcludedItem,
    ExpertScoreRow,
    ListSettings,
    PinMode,
    PriorityEntry,
    PriorityInput,
    PriorityList,
    ScoreComponent,
    Weights,
)

FloatArray = NDArray[np.float64]
TIE_DECIMALS = 9  #: scores are compared after rounding to this many decimals
COLUMN: dict[Component, int] = {c: j for j, c in enumerate(COMPONENTS)}


def select_items(inputs: Sequence[PriorityInput], settings: ListSettings) -> list[PriorityInput]:
    """The items in scope: field and scenario filters applied; pins/exclusions checked.

    Raises
    ------
    ValueError
        For duplicate item ids, pins or exclusions naming unknown items, or a pinned item outside the
        filters.
    """
    ids = [i.item_id for i in inputs]
    if len(set(ids)) != len(ids):
        raise ValueError("item ids must be unique")
    unknown = sorted((set(settings.pins) | set(settings.exclusions)) - set(ids))
    if unknown:
        raise ValueError(f"pins/exclusions name unknown items: {unknown}")
    scope = [
        i
        for i in inputs
        if (not settings.fields or i.field in settings.fields)
        and (not settings.scenarios or set(i.scenarios) & set(settings.scenarios))
    ]
    outside = sorted(set(settings.pins) - {i.item_id for i in scope})
    if outside:
        raise ValueError(f"pinned items fall outside the field/scenario filters: {outside}")
    return scope


def indices_from_rows(
    rows: Sequence[ExpertScoreRow],
    *,
    view: str = "all",
    group: str | None = None,
    min_group_size: int = 1,
) -> dict[DelphiComponent, ComponentEvidence]:
    """Delphi components of one item recomputed from its expert rows.

    ``x_c = Σ_i e_i p_ic / Σ_i e_i`` over the rows with a point on ``c`` and ``e_i > 0``, where
    ``e_i = 1`` (view ``all``), the expertise weight (``weighted``) or ``1`` for high-familiarity rows
    and ``0`` otherwise (``high_expertise``) — the same means as
    :func:`foresight.delphi.aggregation.question_index`. With ``group`` only that stakeholder group's
    rows count and a component with fewer than ``min_group_size`` answers is suppressed (``None``).
    """
    out: dict[DelphiComponent, ComponentEvidence] = {}
    for c in DELPHI_COMPONENTS:
        num = den = 0.0
        n = 0
        for r in rows:
            p = r.points.get(c)
            e = view_weight(r, view)
            if p is None or e <= 0 or (group is not None and r.group != group):
                continue
            num += e * p
            den += e
            n += 1
        small = group is not None and n < min_group_size
        out[c] = ComponentEvidence(value=None if den <= 0 or small else num / den, n=n)
    return out


def view_weight(row: ExpertScoreRow, view: str) -> float:
    """Row weight in a view: 1 (``all``), ``e_i`` (``weighted``), 1 if high else 0 (``high_expertise``)."""
    if view == "weighted":
        return row.weight
    if view == "high_expertise":
        return 1.0 if row.high else 0.0
    return 1.0


def delphi_evidence(item: PriorityInput, settings: ListSettings) -> dict[DelphiComponent, ComponentEvidence]:
    """The item's Delphi components for the list's view (and stakeholder group, if set)."""
    if settings.stakeholder_group is not None:
        return indices_from_rows(
            item.expert_rows,
            view=settings.view,
            group=settings.stakeholder_group,
            min_group_size=settings.min_group_size,
        )
    stored = item.delphi.get(settings.view, {})
    return {c: stored.get(c, ComponentEvidence()) for c in DELPHI_COMPONENTS}


def raw_matrix(
    items: Sequence[PriorityInput], settings: ListSettings
) -> tuple[FloatArray, list[dict[DelphiComponent, ComponentEvidence]]]:
    """Items × :data:`COMPONENTS` raw values (``nan`` = missing) and the Delphi evidence per item."""
    raw = np.full((len(items), len(COMPONENTS)), np.nan)
    evidence = []
    for i, item in enumerate(items):
        ev = delphi_evidence(item, settings)
        evidence.append(ev)
        values: list[tuple[Component, float | None]] = [(c, ev[c].value) for c in DELPHI_COMPONENTS]
        values += [(c, item.data_value(c)) for c in DATA_COMPONENTS]
        for c, v in values:
            if v is not None:
                raw[i, COLUMN[c]] = v
    return raw, evidence


def minmax_normalise(raw: FloatArray) -> FloatArray:
    """Min–max normalise along the items axis (−2) of ``(…, items, components)``; see module doc.

    ``nan`` stays ``nan``; a column with fewer than two values, or with all values equal, gets 0.5.
    """
    x = np.asarray(raw, dtype=float)
    ok = np.isfinite(x)
    lo = np.min(np.where(ok, x, np.inf), axis=-2, keepdims=True)
    hi = np.max(np.where(ok, x, -np.inf), axis=-2, keepdims=True)
    span = hi - lo
    flat = ~(span > 0)  # also true for columns with < 1 value (inf − inf = nan)
    with np.errstate(invalid="ignore"):
        out = np.where(flat, 0.5, (x - lo) / np.where(flat, 1.0, span))
    return np.where(ok, out, np.nan)


def composite(norm: FloatArray, weights: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``P_i = Σ_{c∈A_i} w_c x̃_ic / Σ_{c∈A_i} w_c`` for ``(…, items, components)`` normalised values.

    Returns
    -------
    scores, effective_weights, coverage
        ``scores[…, i]`` (``nan`` when ``A_i = ∅``), ``effective_weights[…, i, c] = w_c·[c∈A_i] /
        Σ_{A_i} w`` and ``coverage[…, i] = Σ_{c∈A_i} w_c``.
    """
    w = np.asarray(weights, dtype=float)
    avail = np.isfinite(norm) & (w > 0)
    wa = np.where(avail, w, 0.0)
    # The weights sum to 1; float rounding can put a full coverage a hair above it (1.0000000000000002).
    cover = np.minimum(wa.sum(axis=-1), 1.0)
    safe = np.where(cover > 0, cover, 1.0)
    eff = wa / safe[..., None]
    scores = np.where(cover > 0, (eff * np.where(avail, norm, 0.0)).sum(axis=-1), np.nan)
    return scores, eff, cover


def order_ranks(
    scores: FloatArray, tie_order: Sequence[int], pinned: Sequence[bool], pin_mode: PinMode
) -> NDArray[np.int64]:
    """Ranks 1…n along the last axis of ``scores``: pinned first (``top`` mode), then descending score
    rounded to :data:`TIE_DECIMALS` decimals (``nan`` last), then ``tie_order`` (position in title order)."""
    s = np.asarray(scores, dtype=float)
    shape = s.shape
    tie = np.broadcast_to(np.asarray(tie_order, dtype=float), shape)
    # scores equal up to float noise (e.g. 0.4 + 0.0667 + … vs 0.3 + 0.2 + …) count as ties
    neg = np.where(np.isnan(s), np.inf, -np.round(s, TIE_DECIMALS))
    first = np.asarray(pinned, dtype=bool) & (pin_mode == "top")
    pin_key = np.broadcast_to(np.where(first, 0.0, 1.0), shape)
    order = np.lexsort((tie, neg, pin_key), axis=-1)
    ranks = np.empty(shape, dtype=np.int64)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(1, shape[-1] + 1), shape), axis=-1)
    return ranks


def tie_positions(items: Sequence[PriorityInput]) -> list[int]:
    """Each item's position when sorted by :attr:`PriorityInput.sort_title`."""
    order = sorted(range(len(items)), key=lambda i: items[i].sort_title)
    pos = [0] * len(items)
    for p, i in enumerate(order):
        pos[i] = p
    return pos


def weight_vector(weights: Weights) -> FloatArray:
    return np.array([weights[c] for c in COMPONENTS])


def build_list(
    inputs: Sequence[PriorityInput],
    settings: ListSettings,
    *,
    provenance: Mapping[str, Any] | None = None,
) -> PriorityList:
    """Score, rank and cut the items into a :class:`PriorityList` (see the module doc for the rules).

    ``provenance`` (run ids, round, rule, corpus fingerprint, …) is copied into the list untouched.
    """
    scope = select_items(inputs, settings)
    raw, evidence = raw_matrix(scope, settings)
    norm = minmax_normalise(raw)
    w = weight_vector(settings.weights)
    scores, eff, cover = composite(norm, w)

    keep = [k for k, i in enumerate(scope) if i.item_id not in settings.exclusions]
    kept = [scope[k] for k in keep]
    pinned = [i.item_id in settings.pins for i in kept]
    ranks = order_ranks(scores[keep], tie_positions(kept), pinned, settings.pin_mode)

    entries: list[PriorityEntry] = []
    below: list[BelowCut] = []
    for pos, k in enumerate(keep):
        item, rank = scope[k], int(ranks[pos])
        score = None if np.isnan(scores[k]) else float(scores[k])
        inside = (settings.top_n is None or rank <= settings.top_n) and (
            settings.threshold is None or (score is not None and score >= settings.threshold)
        )
        if not (inside or pinned[pos]):
            below.append(
                BelowCut(
                    item_id=item.item_id,
                    title_zh=item.title_zh,
                    title_en=item.title_en,
                    rank=rank,
                    score=score,
                    lineage_id=item.lineage_id,
                )
            )
            continue
        entries.append(
            _entry(item, rank, score, raw[k], norm[k], w, eff[k], float(cover[k]), evidence[k], settings)
        )
    excluded = [
        ExcludedItem(
            item_id=i.item_id,
            title_zh=i.title_zh,
            title_en=i.title_en,
            reason=settings.exclusions[i.item_id],
            lineage_id=i.lineage_id,
        )
        for i in scope
        if i.item_id in settings.exclusions
    ]
    return PriorityList(
        settings=settings,
        entries=tuple(sorted(entries, key=lambda e: e.rank)),
        excluded=tuple(excluded),
        below_cut=tuple(sorted(below, key=lambda b: b.rank)),
        n_in_scope=len(scope),
        provenance=dict(provenance or {}),
    )


def _entry(
    item: PriorityInput,
    rank: int,
    score: float | None,
    raw: FloatArray,
    norm: FloatArray,
    w: FloatArray,
    eff: FloatArray,
    cover: float,
    evidence: Mapping[DelphiComponent, ComponentEvidence],
    settings: ListSettings,
) -> PriorityEntry:
    comps = []
    for j, c in enumerate(COMPONENTS):
        ev = next((e for k, e in evidence.items() if k == c), None)
        x, xn = raw[j], norm[j]
        comps.append(
            ScoreComponent(
                name=c,
                value=None if np.isnan(x) else float(x),
                normalised=None if np.isnan(xn) else float(xn),
                weight=float(w[j]),
                effective_weight=float(eff[j]),
                contribution=float(eff[j] * xn) if eff[j] > 0 else 0.0,
                missing=bool(w[j] > 0 and np.isnan(x)),
                n=ev.n if ev is not None else None,
                consensus=ev.consensus if ev is not None else None,
            )
        )
    return PriorityEntry(
        rank=rank,
        item_id=item.item_id,
        title_zh=item.title_zh,
        title_en=item.title_en,
        theme_id=item.theme_id,
        lineage_id=item.lineage_id,
        field=item.field,
        scenarios=item.scenarios,
        score=score,
        coverage=cover,
        components=tuple(comps),
        missing=tuple(c.name for c in comps if c.missing),
        pinned=item.item_id in settings.pins,
        pin_reason=settings.pins.get(item.item_id),
        realization_year=item.realization_year,
        evidence_ids=item.evidence_ids,
    )
