"""The knowledge graph of an analysis run, built from the store, with the analysts' curation applied.

Nodes: the run's fields and themes (retired ones left out; hidden ones kept with ``hidden=True``),
keywords, organizations (from member documents), application scenarios (linked themes), Delphi items
built on themes (``technology``), and the previous run's themes that share a lineage id. Edges:
``contains`` (field → theme), ``has_keyword``, ``similar_to`` (k-NN of theme centroids), ``active_in``
(organization → theme, number of member documents), ``relevant_to`` (theme → scenario, score),
``evolves_into`` (previous theme → theme), ``covers`` (item → theme). Citation edges are added only when
the store holds citation links between documents; it holds citation counts only, so there are none.
Then the curation: analyst links (``curated=True``), suppressed edges removed, notes and flags.
Theme nodes carry size, labels, keywords, version, origin, lineage id, quality and, when computed, the
latest emergence scorecard (``composite``, ``scorecard``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

import knowledge_graph as kg
from foresight.db.models import AnalysisRun, Annotation, GraphLink, ThemeField, ThemeMembership
from foresight.graph.sources import (
    KNN,
    MIN_SIMILARITY,
    ORG_TOP,
    latest_indicators,
    lineage_pairs,
    organization_strength,
    run_themes,
    scenario_links,
    technologies,
)
from foresight.themes.persist import decode_centroid
from foresight.themes.queries import get_run
from knowledge_graph.graph import add_typed_edge, add_typed_node, find_edge

__all__ = ["GraphOptions", "build_run_graph", "export_run_graph", "graph_stats"]


@dataclass(frozen=True)
class GraphOptions:
    """What the run's graph includes.

    Parameters
    ----------
    knn, min_similarity : int, float
        Theme–theme similarity edges: each theme's ``knn`` nearest themes with cosine ≥ ``min_similarity``.
    organizations : bool
        Organization nodes and ``active_in`` edges.
    org_top : int
        Organizations kept per theme (the most active).
    min_keyword_themes : int
        Keep a keyword node only if this many themes name it.
    with_documents : bool
        Put each theme's member document ids on its node (large for big runs).
    lineage : bool
        Include the previous run's themes with the same lineage id and ``evolves_into`` edges.
    """

    knn: int = KNN
    min_similarity: float = MIN_SIMILARITY
    organizations: bool = True
    org_top: int = ORG_TOP
    min_keyword_themes: int = 1
    with_documents: bool = False
    lineage: bool = True


def _label(label_en: str, label_zh: str, fallback: str) -> tuple[str, str]:
    """The ontology requires ``label_en``: an untranslated Chinese label stands in for it."""
    return (label_en or label_zh or fallback), label_zh


def _members(session: Session, run_id: int) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    rows = session.execute(
        select(ThemeMembership.theme_id, ThemeMembership.document_id)
        .where(ThemeMembership.run_id == run_id, ThemeMembership.theme_id.is_not(None))
        .order_by(ThemeMembership.document_id)
    )
    for theme_id, doc_id in rows:
        if theme_id is not None:
            out[theme_id].append(doc_id)
    return out


def _theme_record(
    theme: Any, run_id: int, extra: dict[str, Any], docs: list[int], *, full: bool = True
) -> kg.schema.Theme:
    en, zh = _label(theme.label_en, theme.label_zh, f"theme {theme.number}")
    attrs = {
        "number": theme.number,
        "hidden": bool(theme.hidden),
        "origin": theme.origin,
        "version": theme.version,
        "lineage_id": theme.lineage_id,
        "quality": dict(theme.quality or {}),
        **extra,
    }
    return kg.schema.Theme(
        id=theme.id,
        label_en=en,
        label_zh=zh,
        documents=docs,
        size=theme.size,
        keywords={str(t): float(w) for t, w in theme.keywords or []} if full else {},
        field=theme.field_id if full else None,
        run=run_id,
        centroid=decode_centroid(theme.centroid).tolist() if theme.centroid and full else None,
        attributes=attrs,
    )


def build_run_graph(
    session: Session, run_id: int | None = None, options: GraphOptions | None = None
) -> nx.MultiDiGraph:
    """Build the run's knowledge graph (see the module docstring).

    Parameters
    ----------
    session : Session
    run_id : int, optional
        Default: the latest completed run.
    options : GraphOptions, optional

    Returns
    -------
    networkx.MultiDiGraph
        Typed nodes and edges (:mod:`knowledge_graph`); ``G.graph`` names the run.
    """
    opts = options or GraphOptions()
    run: AnalysisRun = get_run(session, run_id)
    themes = run_themes(session, run.id)
    ids = [t.id for t in themes]
    members = _members(session, run.id) if opts.with_documents else {}
    indicators = latest_indicators(session, run.id)
    records = [_theme_record(t, run.id, indicators.get(t.id, {}), members.get(t.id, [])) for t in themes]
    fields = [
        {
            "id": f.id,
            **dict(
                zip(
                    ("label_en", "label_zh"), _label(f.label_en, f.label_zh, f"field {f.number}"), strict=True
                )
            ),
            "attributes": {"size": f.size, "number": f.number},
        }
        for f in session.scalars(select(ThemeField).where(ThemeField.run_id == run.id))
    ]
    lineage: list[dict[str, Any]] = []
    if opts.lineage:
        previous, pairs = lineage_pairs(session, run)
        for t in previous:
            records.append(_theme_record(t, t.run_id, {"previous_run": True}, [], full=False))
        lineage = [{"source": a, "target": b, "weight": 1.0} for a, b in pairs]
    links = scenario_links(session, run.id)
    scenarios = {
        sc.key: {
            "id": sc.key,
            "label_en": sc.label_en or sc.key,
            "label_zh": sc.label_zh,
            "attributes": {"tier": sc.tier, "domain": sc.domain, "fields": list(sc.fields)},
        }
        for _, sc, _, _ in links
    }
    org_links = []
    if opts.organizations:
        for theme_id, orgs in organization_strength(session, run.id, ids, opts.org_top).items():
            org_links += [{"organization": o, "theme": theme_id, "weight": float(n)} for o, n in orgs.items()]
    techs = [
        {
            "id": item.id,
            "label_en": item.title_en or item.title_zh or f"item {item.id}",
            "label_zh": item.title_zh,
            "themes": {item.theme_id: 1.0},
            "attributes": {"survey_id": item.survey_id},
        }
        for item in technologies(session, ids)
    ]
    G = kg.build_theme_graph(
        records,
        fields=fields,
        scenarios=list(scenarios.values()),
        scenario_links=[{"theme": t, "scenario": sc.key, "weight": score} for t, sc, score, _ in links],
        organization_links=org_links,
        technologies=techs,
        lineage=lineage,
        knn=opts.knn,
        min_similarity=opts.min_similarity,
        min_keyword_themes=opts.min_keyword_themes,
    )
    if not opts.with_documents:
        for node in ids:
            G.nodes[f"theme:{node}"].pop("documents", None)
    _apply_curation(session, G, run.id)
    G.graph.update({"run_id": run.id, "model_id": run.model_id, "citations": "none in the store"})
    return G


def _apply_curation(session: Session, G: nx.MultiDiGraph, run_id: int) -> None:
    """Analyst links and suppressions, notes and flags."""
    onto = kg.default_ontology()
    for link in session.scalars(select(GraphLink).where(GraphLink.run_id == run_id).order_by(GraphLink.id)):
        if link.kind == "suppressed":
            if link.source in G and link.target in G:
                key = find_edge(G, link.source, link.target, link.edge_type, onto)
                if key is not None:
                    G.remove_edge(*key)
            continue
        ends = []
        for node in (link.source, link.target):
            node_type = onto.type_of_id(node)
            if node not in G and node_type not in (None, "theme"):
                add_typed_node(G, node, node_type, label_en=node.split(":", 1)[1])
            ends.append(node)
        if all(n in G for n in ends):
            add_typed_edge(G, onto, ends[0], ends[1], link.edge_type, link.weight)
            key = find_edge(G, ends[0], ends[1], link.edge_type, onto)
            if key is not None:
                G.edges[key].update({**link.attrs, "curated": True, "weight": link.weight})
    notes = session.scalars(select(Annotation).where(Annotation.run_id == run_id).order_by(Annotation.id))
    for a in notes:
        if "|" in a.target:
            u, v, edge_type = a.target.split("|")
            key = find_edge(G, u, v, edge_type, onto) if u in G and v in G else None
            data = G.edges[key] if key is not None else None
        else:
            data = G.nodes[a.target] if a.target in G else None
        if data is None:
            continue
        stamp = a.created_at if a.created_at.tzinfo else a.created_at.replace(tzinfo=UTC)
        entry = {"actor": a.actor, "timestamp": stamp.isoformat()}
        if a.kind == "note":
            data["notes"] = [*data.get("notes", []), {"text": a.text, **entry}]
        else:
            data["flags"] = [*data.get("flags", []), {"flagged": a.flagged, "reason": a.text, **entry}]
            data["flagged"] = bool(a.flagged)


def export_run_graph(
    session: Session,
    path: str | Path,
    format: str | None = None,
    *,
    run_id: int | None = None,
    include_hidden: bool = False,
    options: GraphOptions | None = None,
) -> list[Path]:
    """Build the run's graph and write it with :func:`knowledge_graph.export_graph` (format from the
    extension or ``format``); returns the files written."""
    G = build_run_graph(session, run_id, options)
    return kg.export_graph(G, path, format, include_hidden=include_hidden)


def graph_stats(G: nx.MultiDiGraph, *, top: int = 10, seed: int = 0) -> dict[str, Any]:
    """Analytics summary: node and edge counts by type, communities of the theme projection, and the
    themes with the highest betweenness, degree and strength (hidden nodes left out)."""
    H = kg.theme_projection(G, via=("keyword",))
    current = [n for n in H if not G.nodes[n].get("previous_run")]
    H = H.subgraph(current)
    comms = kg.communities(H, seed=seed) if H.number_of_nodes() else {}
    sizes: dict[int, int] = defaultdict(int)
    for c in comms.values():
        sizes[c] += 1
    between = kg.betweenness(H, seed=seed) if H.number_of_nodes() else {}
    degree, strength = kg.degree(H), kg.strength(H)

    def ranked(values: dict[Any, float]) -> list[dict[str, Any]]:
        best = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]
        return [
            {"node": n, "label": G.nodes[n].get("label_en", ""), "value": round(float(v), 6)} for n, v in best
        ]

    return {
        "run_id": G.graph.get("run_id"),
        "nodes": kg.node_type_counts(G),
        "edges": kg.edge_type_counts(G),
        "communities": {
            "backend": kg.community_backend(),
            "count": len(sizes),
            "sizes": sorted(sizes.values(), reverse=True),
        },
        "betweenness": ranked(between),
        "degree": ranked({k: float(v) for k, v in degree.items()}),
        "strength": ranked(strength),
    }
