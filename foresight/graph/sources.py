"""What the knowledge graph of a run is made of, read from the store.

Each reader returns plain values for :func:`knowledge_graph.build_theme_graph`; the same readers tell
curation whether a machine-made edge exists (:func:`machine_edge_weight`), so an analyst can only
suppress an edge the graph would really contain. Helpers take a session and never commit.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from foresight.db.models import (
    AnalysisRun,
    Document,
    RetiredTheme,
    Scenario,
    SurveyItem,
    Theme,
    ThemeField,
    ThemeIndicators,
    ThemeMembership,
    ThemeScenario,
)
from foresight.themes.persist import decode_centroid
from knowledge_graph import default_ontology, knn_similarity_edges
from knowledge_graph.graph import normalize_term

__all__ = [
    "KNN",
    "MIN_SIMILARITY",
    "ORG_TOP",
    "UnknownGraphNodeError",
    "latest_indicators",
    "lineage_pairs",
    "machine_edge_weight",
    "organization_strength",
    "resolve_node",
    "run_themes",
    "scenario_links",
    "similarity_pairs",
    "technologies",
]

KNN = 5
MIN_SIMILARITY = 0.3
ORG_TOP = 10
_CHUNK = 500


class UnknownGraphNodeError(LookupError):
    """A node id that names nothing in the store (no such theme, scenario, field or item)."""


def run_themes(session: Session, run_id: int) -> list[Theme]:
    """The run's themes that are part of its graph: all but the retired ones, by theme number."""
    retired = select(RetiredTheme.theme_id).where(RetiredTheme.run_id == run_id)
    return list(
        session.scalars(
            select(Theme).where(Theme.run_id == run_id, Theme.id.not_in(retired)).order_by(Theme.number)
        )
    )


def similarity_pairs(
    themes: Sequence[Theme], k: int = KNN, threshold: float = MIN_SIMILARITY
) -> list[tuple[int, int, float]]:
    """k-NN cosine similarity of theme centroids (themes without a centroid take no part)."""
    rows = [(t.id, decode_centroid(t.centroid)) for t in themes if t.centroid]
    dims = Counter(v.shape[0] for _, v in rows)
    if not dims:
        return []
    dim = dims.most_common(1)[0][0]
    rows = [(i, v) for i, v in rows if v.shape[0] == dim]
    ids = [i for i, _ in rows]
    matrix = np.vstack([v for _, v in rows]) if rows else np.zeros((0, dim))
    edges = knn_similarity_edges(list(range(len(ids))), matrix, k, threshold)
    return [(ids[int(str(a))], ids[int(str(b))], float(w)) for a, b, w in edges]


def _knn_pair(themes: Sequence[Theme], a: int, b: int) -> float | None:
    """Similarity of themes ``a`` and ``b`` if :func:`similarity_pairs` would keep the pair (two rows of
    the similarity matrix instead of all of it)."""
    rows = [(t.id, decode_centroid(t.centroid)) for t in themes if t.centroid]
    index = {i: n for n, (i, _) in enumerate(rows)}
    if a not in index or b not in index or a == b:
        return None
    dim = rows[index[a]][1].shape[0]
    keep = [(i, v) for i, v in rows if v.shape[0] == dim and float(np.linalg.norm(v)) > 0]
    ids = [i for i, _ in keep]
    if b not in ids or a not in ids:
        return None
    X = np.vstack([v for _, v in keep])
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    pos = {i: n for n, i in enumerate(ids)}
    kk = min(KNN, len(ids) - 1)
    sims = {}
    for x in (a, b):
        s = X @ X[pos[x]]
        s[pos[x]] = -np.inf
        sims[x] = s
    weight = float(sims[a][pos[b]])
    if weight < MIN_SIMILARITY:
        return None
    for x, y in ((a, b), (b, a)):
        top = np.argpartition(-sims[x], kk - 1)[:kk]
        if pos[y] in set(top.tolist()):
            return weight
    return None


def organization_strength(
    session: Session, run_id: int, theme_ids: Iterable[int] | None = None, top: int = ORG_TOP
) -> dict[int, dict[str, int]]:
    """Number of each theme's member documents per organization (its ``top`` organizations)."""
    stmt = (
        select(ThemeMembership.theme_id, Document.organizations)
        .join(Document, Document.id == ThemeMembership.document_id)
        .where(ThemeMembership.run_id == run_id, ThemeMembership.theme_id.is_not(None))
    )
    wanted = None if theme_ids is None else sorted(set(theme_ids))
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    parts = [None] if wanted is None else [wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)]
    for part in parts:
        query = stmt if part is None else stmt.where(ThemeMembership.theme_id.in_(part))
        for theme_id, orgs in session.execute(query):
            if theme_id is None:
                continue
            counts[theme_id].update({str(o).strip() for o in orgs or [] if str(o).strip()})
    return {t: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:top]) for t, c in counts.items()}


def scenario_links(session: Session, run_id: int) -> list[tuple[int, Scenario, float, dict[str, Any]]]:
    """``(theme id, scenario, score, evidence)`` of the run's theme–scenario links."""
    rows = session.execute(
        select(ThemeScenario, Scenario)
        .join(Scenario, Scenario.id == ThemeScenario.scenario_id)
        .where(ThemeScenario.run_id == run_id)
        .order_by(ThemeScenario.theme_id, ThemeScenario.score.desc())
    )
    return [(link.theme_id, sc, float(link.score), dict(link.evidence)) for link, sc in rows]


def lineage_pairs(session: Session, run: AnalysisRun) -> tuple[list[Theme], list[tuple[int, int]]]:
    """Themes of the previous run that share a lineage id with themes of this run, and the pairs
    ``(previous theme id, theme id)``."""
    if run.previous_run_id is None:
        return [], []
    current = {t.lineage_id: t.id for t in run_themes(session, run.id)}
    previous = [t for t in run_themes(session, run.previous_run_id) if t.lineage_id in current]
    return previous, [(t.id, current[t.lineage_id]) for t in previous]


def technologies(session: Session, theme_ids: Iterable[int]) -> list[SurveyItem]:
    """Delphi items (candidate technologies) built on these themes."""
    wanted = sorted(set(theme_ids))
    out: list[SurveyItem] = []
    for i in range(0, len(wanted), _CHUNK):
        out.extend(session.scalars(select(SurveyItem).where(SurveyItem.theme_id.in_(wanted[i : i + _CHUNK]))))
    return out


def latest_indicators(session: Session, run_id: int) -> dict[int, dict[str, Any]]:
    """The most recent emergence scorecard of each theme of the run (empty when none was computed)."""
    out: dict[int, dict[str, Any]] = {}
    rows = session.scalars(
        select(ThemeIndicators).where(ThemeIndicators.run_id == run_id).order_by(ThemeIndicators.as_of)
    )
    for row in rows:
        out[row.theme_id] = {
            "composite": row.composite,
            "scorecard": row.scorecard,
            "indicators_as_of": row.as_of.isoformat(),
            "granularity": row.granularity,
        }
    return out


def resolve_node(session: Session, node: int | str, run_id: int | None = None) -> tuple[str, str, int | None]:
    """Normalise a node reference to ``(node id, node type, run id of a theme or None)``.

    Themes are given by id (``12`` or ``"theme:12"``), scenarios by key or id (``"scenario:smart-port"``),
    fields by id (``"field:3"``, which must belong to ``run_id`` when given), organizations and keywords by
    name (``"org:Tsinghua University"``, ``"kw:lidar"``), technologies by Delphi item id (``"tech:7"``).

    Raises
    ------
    UnknownGraphNodeError
    """
    onto = default_ontology()
    text = str(node).strip()
    if text.isdigit():
        text = f"theme:{text}"
    node_type = onto.type_of_id(text)
    if node_type is None:
        raise UnknownGraphNodeError(f"{node!r} is not a node id (expected <type>:<key>, e.g. theme:12)")
    key = text.split(":", 1)[1].strip()
    if node_type == "theme":
        theme = session.get(Theme, int(key)) if key.isdigit() else None
        if theme is None:
            raise UnknownGraphNodeError(f"unknown theme {key!r}")
        return f"theme:{theme.id}", "theme", theme.run_id
    if node_type == "scenario":
        sc = session.scalar(select(Scenario).where(Scenario.key == key))
        if sc is None and key.isdigit():
            sc = session.get(Scenario, int(key))
        if sc is None:
            raise UnknownGraphNodeError(f"unknown scenario {key!r}")
        return f"scenario:{sc.key}", "scenario", None
    if node_type == "field":
        field = session.get(ThemeField, int(key)) if key.isdigit() else None
        if field is None or (run_id is not None and field.run_id != run_id):
            raise UnknownGraphNodeError(f"unknown field {key!r}" + (f" in run {run_id}" if run_id else ""))
        return f"field:{field.id}", "field", None
    if node_type == "technology":
        if not key.isdigit() or session.get(SurveyItem, int(key)) is None:
            raise UnknownGraphNodeError(f"unknown technology (Delphi item) {key!r}")
        return f"tech:{int(key)}", "technology", None
    if not key:
        raise UnknownGraphNodeError(f"{node!r} names no {node_type}")
    if node_type == "keyword":
        key = normalize_term(key)
    return f"{onto.node_types[node_type].prefix}:{key}", node_type, None


def _theme_id(node: str) -> int | None:
    head, _, key = node.partition(":")
    return int(key) if head == "theme" and key.isdigit() else None


def machine_edge_weight(session: Session, run_id: int, u: str, v: str, edge_type: str) -> float | None:
    """The weight of the ``edge_type`` edge ``u -> v`` (as stored: undirected types in canonical order)
    the run's graph derives from the data, or None when the graph has no such edge."""
    return _machine_edge(session, run_id, u, v, edge_type)


def _machine_edge(session: Session, run_id: int, a: str, b: str, edge_type: str) -> float | None:
    ta, tb = _theme_id(a), _theme_id(b)
    if edge_type == "similar_to" and ta is not None and tb is not None:
        return _knn_pair(run_themes(session, run_id), ta, tb)
    if edge_type == "has_keyword" and ta is not None and b.startswith("kw:"):
        theme = session.get(Theme, ta)
        for term, weight in (theme.keywords if theme else []) or []:
            if normalize_term(term) == b[3:]:
                return float(weight)
        return None
    if edge_type == "contains" and tb is not None and a.startswith("field:"):
        theme = session.get(Theme, tb)
        return 1.0 if theme is not None and f"field:{theme.field_id}" == a else None
    if edge_type == "relevant_to" and ta is not None and b.startswith("scenario:"):
        score = session.scalar(
            select(ThemeScenario.score)
            .join(Scenario, Scenario.id == ThemeScenario.scenario_id)
            .where(ThemeScenario.theme_id == ta, Scenario.key == b.split(":", 1)[1])
        )
        return None if score is None else float(score)
    if edge_type == "active_in" and tb is not None and a.startswith("org:"):
        strength = organization_strength(session, run_id, [tb]).get(tb, {})
        count = strength.get(a.split(":", 1)[1])
        return None if count is None else float(count)
    if edge_type == "evolves_into" and ta is not None and tb is not None:
        old, new = session.get(Theme, ta), session.get(Theme, tb)
        run = session.get(AnalysisRun, run_id)
        if old and new and run and old.run_id == run.previous_run_id and old.lineage_id == new.lineage_id:
            return 1.0
        return None
    if edge_type == "covers" and tb is not None and a.startswith("tech:"):
        item = session.get(SurveyItem, int(a.split(":", 1)[1]))
        return 1.0 if item is not None and item.theme_id == tb else None
    return None
