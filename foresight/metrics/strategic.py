"""Callon strategic diagram: centrality and density of themes from keyword co-occurrence
(Callon, Courtial & Laville 1991; Cobo et al. 2011; bibliometrix; analysis.md §4.5).

Keywords are the nodes; each belongs to exactly one theme (for embedding themes: each theme's top c-TF-IDF
terms). ``c_ij`` = documents containing keywords ``i`` and ``j``; ``c_i`` = documents containing ``i``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import rankdata

from foresight.metrics.series import FloatArray

Quadrant = Literal["motor", "basic", "niche", "emerging or declining"]
Role = Literal["motor", "basic", "niche", "emerging", "declining", "emerging or declining"]
LinkIndex = Literal["equivalence", "association"]

#: Cobo et al. (2011) scale factors.
CENTRALITY_SCALE = 10.0
DENSITY_SCALE = 100.0


@dataclass(frozen=True, slots=True)
class ThemePosition:
    """A theme on the strategic diagram."""

    theme: Hashable
    centrality: float  #: 10 · Σ_{i∈k, j∉k} e_ij (strength of external links)
    density: float  #: 100 · Σ_{i<j∈k} e_ij / n_k (strength of internal links)
    centrality_rank: float  #: rank / number of themes, in (0, 1]
    density_rank: float
    n_keywords: int
    quadrant: Quadrant
    role: Role  #: quadrant, with the low–low one split by growth when growth is known


@dataclass(frozen=True, slots=True)
class StrategicDiagram:
    """Positions of all themes and the split values of both axes."""

    positions: tuple[ThemePosition, ...]
    centrality_split: float
    density_split: float
    split: Literal["median", "mean"]


def cooccurrence_matrix(doc_keywords: Iterable[Iterable[str]], vocabulary: Sequence[str]) -> FloatArray:
    """Keyword co-occurrence counts ``C`` (diagonal = documents containing the keyword).

    Each document's keywords are deduplicated; keywords outside ``vocabulary`` are ignored.
    """
    index = {w: i for i, w in enumerate(vocabulary)}
    c = np.zeros((len(vocabulary), len(vocabulary)))
    for kws in doc_keywords:
        ids = np.array(sorted({index[w] for w in kws if w in index}), dtype=int)
        if ids.size:
            c[np.ix_(ids, ids)] += 1.0
    return c


def link_strengths(cooccurrence: ArrayLike, index: LinkIndex = "equivalence") -> FloatArray:
    """Link weights from co-occurrence counts.

    ``equivalence``: ``e_ij = c_ij² / (c_i·c_j)`` (Callon et al. 1991; Cobo et al. 2011).
    ``association``: ``a_ij = c_ij / (c_i·c_j)`` (bibliometrix, VOSviewer). ``c_i = C_ii``. The diagonal
    is set to 0 and pairs with ``c_i·c_j = 0`` weigh 0.
    """
    c = np.asarray(cooccurrence, dtype=float)
    if c.ndim != 2 or c.shape[0] != c.shape[1]:
        raise ValueError("co-occurrence matrix must be square")
    if not np.allclose(c, c.T):
        raise ValueError("co-occurrence matrix must be symmetric")
    if index not in ("equivalence", "association"):
        raise ValueError(f"unknown link index {index!r}")
    occ = np.diag(c).copy()
    den = np.outer(occ, occ)
    num = c**2 if index == "equivalence" else c.copy()
    e = np.zeros_like(c)
    np.divide(num, den, out=e, where=den > 0)
    np.fill_diagonal(e, 0.0)
    return e


def centrality_density(
    links: ArrayLike, keyword_theme: Sequence[Hashable]
) -> dict[Hashable, tuple[float, float, int]]:
    """Centrality and density of each theme from a keyword link matrix and a keyword → theme partition.

    ``centrality_k = 10 · Σ_{i∈k} Σ_{j∉k} e_ij``; ``density_k = 100 · Σ_{i<j, i,j∈k} e_ij / n_k`` where
    ``n_k`` is the number of keywords of theme ``k`` (Cobo et al. 2011, after Callon et al. 1991;
    each internal link counted once). Returns ``theme → (centrality, density, n_k)`` in first-seen order.
    """
    e = np.asarray(links, dtype=float)
    if e.shape != (len(keyword_theme), len(keyword_theme)):
        raise ValueError("link matrix and keyword_theme disagree in size")
    ids = {t: i for i, t in enumerate(dict.fromkeys(keyword_theme))}
    labels = np.array([ids[t] for t in keyword_theme], dtype=int)
    out: dict[Hashable, tuple[float, float, int]] = {}
    for theme, theme_id in ids.items():
        inside = labels == theme_id
        internal = float(np.triu(e[np.ix_(inside, inside)], k=1).sum())
        external = float(e[np.ix_(inside, ~inside)].sum())
        n_k = int(inside.sum())
        out[theme] = (CENTRALITY_SCALE * external, DENSITY_SCALE * internal / n_k, n_k)
    return out


def _role(quadrant: Quadrant, growth: float | None) -> Role:
    if quadrant != "emerging or declining" or growth is None or not np.isfinite(growth) or growth == 0:
        return quadrant
    return "emerging" if growth > 0 else "declining"


def strategic_diagram(
    links: ArrayLike,
    keyword_theme: Sequence[Hashable],
    growth: Mapping[Any, float] | None = None,
    split: Literal["median", "mean"] = "median",
) -> StrategicDiagram:
    """Place themes in Callon's four quadrants and separate emerging from declining by growth.

    Quadrants against the split value (median, Cobo et al. 2011; or mean, bibliometrix) of each axis,
    "high" meaning ``≥`` the split: high centrality & high density → motor; high centrality & low
    density → basic (transversal); low centrality & high density → niche (specialised, isolated);
    low & low → emerging or declining, which is ambiguous by construction, so a positive ``growth``
    (e.g. log-share slope or EScore) makes it "emerging" and a negative one "declining" (§4.5).

    Parameters
    ----------
    links
        Keyword link matrix from :func:`link_strengths`.
    keyword_theme
        Theme of each keyword (a partition).
    growth
        Optional ``theme → growth``; missing or zero leaves "emerging or declining".
    """
    cd = centrality_density(links, keyword_theme)
    themes = list(cd)
    if not themes:
        return StrategicDiagram((), float("nan"), float("nan"), split)
    cen = np.array([cd[k][0] for k in themes])
    den = np.array([cd[k][1] for k in themes])
    if split not in ("median", "mean"):
        raise ValueError(f"unknown split {split!r}")
    agg = np.median if split == "median" else np.mean
    c_split, d_split = float(agg(cen)), float(agg(den))
    c_rank = rankdata(cen, method="average") / len(themes)
    d_rank = rankdata(den, method="average") / len(themes)
    positions = []
    for i, theme in enumerate(themes):
        hi_c, hi_d = cen[i] >= c_split, den[i] >= d_split
        quadrant: Quadrant
        if hi_c and hi_d:
            quadrant = "motor"
        elif hi_c:
            quadrant = "basic"
        elif hi_d:
            quadrant = "niche"
        else:
            quadrant = "emerging or declining"
        g = None if growth is None else growth.get(theme)
        positions.append(
            ThemePosition(
                theme=theme,
                centrality=float(cen[i]),
                density=float(den[i]),
                centrality_rank=float(c_rank[i]),
                density_rank=float(d_rank[i]),
                n_keywords=cd[theme][2],
                quadrant=quadrant,
                role=_role(quadrant, g),
            )
        )
    return StrategicDiagram(tuple(positions), c_split, d_split, split)
