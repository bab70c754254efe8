"""Diversity of a theme over organisations, countries, subject categories or IPC/CPC codes
(analysis.md §4.9): Shannon entropy and evenness, Rao–Stirling diversity, Gini concentration.

Rao–Stirling needs a distance ``d_ij`` between categories: give a matrix, derive one from category
co-occurrence profiles (:func:`cooccurrence_distance`), or use the hierarchical IPC distance
(:func:`ipc_distance`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from foresight.metrics.series import FloatArray, as_series


@dataclass(frozen=True, slots=True)
class Shannon:
    """Shannon diversity of a distribution over categories."""

    entropy: float  #: H = −Σ p_i ln p_i (nats)
    evenness: float  #: Pielou J = H / ln S (NaN when S < 2)
    richness: int  #: S = number of categories with p_i > 0
    effective_number: float  #: exp(H), the Hill number of order 1


@dataclass(frozen=True, slots=True)
class CategoryDistribution:
    """Categories (sorted) with their counts and proportions."""

    labels: tuple[str, ...]
    counts: tuple[float, ...]
    proportions: tuple[float, ...]


def proportions(counts: ArrayLike) -> FloatArray:
    """``p_i = n_i / Σn`` (all zeros for an empty distribution)."""
    n = as_series(counts, "counts")
    total = float(n.sum())
    return n / total if total > 0 else np.zeros_like(n)


def shannon(counts: ArrayLike) -> Shannon:
    """Shannon entropy ``H = −Σ p_i ln p_i``, evenness ``J = H / ln S`` and ``exp(H)``.

    Source: Shannon (1948); Pielou (1966) for ``J``; analysis.md §4.9. Zero categories are ignored
    (``0 ln 0 = 0``). An empty distribution gives ``H = 0``, ``S = 0``.
    """
    p = proportions(counts)
    p = p[p > 0]
    h = float(-(p * np.log(p)).sum()) if p.size else 0.0
    h = max(h, 0.0)
    s = int(p.size)
    return Shannon(h, h / math.log(s) if s >= 2 else float("nan"), s, math.exp(h) if s else 0.0)


def gini(counts: ArrayLike) -> float:
    """Gini concentration of counts over categories (0 = equal, → 1 = concentrated in one).

    ``G = Σ_i (2i − S − 1) x_(i) / (S Σ x)`` with ``x_(1) ≤ … ≤ x_(S)`` sorted ascending, ``i = 1…S``.
    NaN for no mass.
    """
    x = np.sort(as_series(counts, "counts"))
    s, total = x.size, float(x.sum())
    if s == 0 or total == 0:
        return float("nan")
    i = np.arange(1, s + 1, dtype=float)
    return float(((2 * i - s - 1) * x).sum() / (s * total))


def category_distribution(
    category_lists: Iterable[Iterable[str]], fractional: bool = False
) -> CategoryDistribution:
    """Count categories over documents (each document's categories deduplicated).

    Full counting gives each listed category 1 per document; fractional counting gives each of a
    document's ``m`` categories ``1/m`` so every document weighs 1. Labels are sorted.
    """
    counter: dict[str, float] = {}
    for cats in category_lists:
        uniq = {str(c) for c in cats if str(c)}
        for c in uniq:
            counter[c] = counter.get(c, 0.0) + (1.0 / len(uniq) if fractional else 1.0)
    labels = tuple(sorted(counter))
    counts = np.array([counter[c] for c in labels], dtype=float)
    return CategoryDistribution(labels, tuple(counts.tolist()), tuple(proportions(counts).tolist()))


def rao_stirling(p: ArrayLike, distances: ArrayLike) -> float:
    """Rao–Stirling diversity ``Δ = Σ_{i≠j} d_ij p_i p_j`` (Stirling 2007; analysis.md §4.9).

    Sums over ordered pairs (each unordered pair twice), as in Stirling's definition; with all
    ``d_ij = 1`` it equals the Gini–Simpson index ``1 − Σ p_i²``. ``p`` is normalised to sum 1.
    """
    prop = proportions(p)
    d = np.asarray(distances, dtype=float)
    if d.shape != (prop.size, prop.size):
        raise ValueError(f"distance matrix must be {prop.size}×{prop.size}, got {d.shape}")
    off = ~np.eye(prop.size, dtype=bool)
    return float((d * np.outer(prop, prop))[off].sum())


def cooccurrence_distance(category_lists: Iterable[Iterable[str]], labels: Sequence[str]) -> FloatArray:
    """Distance ``d_ij = 1 − cos(C_i, C_j)`` between co-occurrence profiles of categories.

    ``C`` is the category × category matrix of document counts (``C_ij`` = documents listing both ``i``
    and ``j``; the diagonal ``C_ii`` = documents listing ``i``), and ``C_i`` its row. Two categories that
    appear with the same partners are close. Profiles that are all zero get distance 1 to everything
    else; the diagonal is 0. This mirrors the cosine-of-profiles step of Rafols & Meyer (2010) /
    Leydesdorff's overlay maps, applied to co-occurrence instead of citation profiles.
    """
    index = {c: i for i, c in enumerate(labels)}
    k = len(labels)
    c = np.zeros((k, k))
    for cats in category_lists:
        ids = sorted({index[x] for x in cats if x in index})
        for i in ids:
            for j in ids:
                c[i, j] += 1.0
    norms = np.linalg.norm(c, axis=1)
    unit = np.divide(c, norms[:, None], out=np.zeros_like(c), where=norms[:, None] > 0)
    dist = np.clip(1.0 - unit @ unit.T, 0.0, 1.0)
    np.fill_diagonal(dist, 0.0)
    return dist


_IPC = re.compile(r"^\s*([A-H])\s*(\d{2})?\s*([A-Z])?", re.IGNORECASE)


def ipc_distance(a: str, b: str) -> float:
    """Hierarchical distance between two IPC/CPC codes.

    0 for the same subclass (``H01L``), 1/3 for the same class (``H01``), 2/3 for the same section
    (``H``), 1 otherwise. Groups below the subclass are ignored (a simple, documented convention in
    the spirit of taxonomy-based Rao–Stirling distances; see Leydesdorff, Kogler & Yan 2017 for
    finer variants). Unparseable codes are at distance 1 from everything but an identical string.
    """
    ma, mb = _IPC.match(a), _IPC.match(b)
    if ma is None or mb is None:
        return 0.0 if a.strip().upper() == b.strip().upper() else 1.0
    sa, ca, ua = (g.upper() if g else None for g in ma.groups())
    sb, cb, ub = (g.upper() if g else None for g in mb.groups())
    if sa != sb:
        return 1.0
    if ca is None or cb is None or ca != cb:
        return 2.0 / 3.0
    if ua is None or ub is None or ua != ub:
        return 1.0 / 3.0
    return 0.0


def ipc_distance_matrix(codes: Sequence[str]) -> FloatArray:
    """Matrix of :func:`ipc_distance` over ``codes`` (diagonal 0)."""
    k = len(codes)
    d = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            d[i, j] = d[j, i] = ipc_distance(codes[i], codes[j])
    return d


def ipc_subclass(code: str) -> str:
    """Normalise an IPC/CPC code to its subclass (``"H01L 21/02"`` → ``"H01L"``); unchanged if unparseable."""
    m = _IPC.match(code)
    if m is None or m.group(2) is None or m.group(3) is None:
        return code.strip().upper()
    return f"{m.group(1)}{m.group(2)}{m.group(3)}".upper()


def rao_stirling_from_lists(
    category_lists: Sequence[Sequence[str]],
    distance: str | ArrayLike = "cooccurrence",
    labels: Sequence[str] | None = None,
    reference_lists: Sequence[Sequence[str]] | None = None,
    fractional: bool = False,
) -> float:
    """Rao–Stirling diversity of a theme's documents' categories.

    Parameters
    ----------
    category_lists
        Per document, its categories (or IPC codes, organisations, countries).
    distance
        ``"cooccurrence"`` (``1 − cos`` of co-occurrence profiles, computed on ``reference_lists``,
        default the theme itself — pass the whole corpus up to the as-of date for a stable map),
        ``"ipc"`` (hierarchical IPC distance), or a matrix aligned with ``labels``.
    labels
        Category order of a given matrix; ignored otherwise.
    """
    dist = category_distribution(category_lists, fractional)
    if dist.labels == ():
        return 0.0
    if isinstance(distance, str):
        if distance == "cooccurrence":
            d = cooccurrence_distance(reference_lists or category_lists, dist.labels)
        elif distance == "ipc":
            d = ipc_distance_matrix(dist.labels)
        else:
            raise ValueError(f"unknown distance {distance!r}")
    else:
        if labels is None:
            raise ValueError("a distance matrix needs its labels")
        full = np.asarray(distance, dtype=float)
        pos = {c: i for i, c in enumerate(labels)}
        missing = [c for c in dist.labels if c not in pos]
        if missing:
            raise ValueError(f"categories missing from the distance labels: {missing[:5]}")
        idx = [pos[c] for c in dist.labels]
        d = full[np.ix_(idx, idx)]
    return rao_stirling(dist.proportions, d)
