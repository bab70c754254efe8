"""Build the typed theme graph from plain analysis results.

The result is a :class:`networkx.MultiDiGraph`: it must hold edges of several types between the same
two nodes (a theme can be similar to, cite and evolve into another), so edges are keyed by their edge
type, and it must hold directed relations (lineage, hierarchy, citations). Undirected relations
(similarity) are stored once, in the canonical orientation of :meth:`EdgeType.orient`; use
``G.to_undirected()`` or :mod:`knowledge_graph.analytics` for symmetric views.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike

from knowledge_graph import schema as s
from knowledge_graph.graph import add_typed_edge, add_typed_node, has_cjk, new_graph, normalize_term
from knowledge_graph.ontology import Ontology, default_ontology, validate_graph

__all__ = ["BuildError", "build_theme_graph", "knn_similarity_edges"]


class BuildError(ValueError):
    """The input data are inconsistent (duplicate ids, references to unknown themes)."""


def knn_similarity_edges(
    ids: Sequence[Hashable],
    centroids: ArrayLike,
    k: int = 5,
    threshold: float = 0.3,
    *,
    block_size: int = 1024,
) -> list[tuple[Hashable, Hashable, float]]:
    """Cosine-similarity edges joining each item to its ``k`` nearest neighbours above ``threshold``.

    Parameters
    ----------
    ids : sequence
        One id per row of ``centroids``.
    centroids : array_like, shape (n, d)
        Theme centroids (any scale: rows are L2-normalised here; all-zero rows get no edges).
    k : int, default 5
        Neighbours kept per item. A pair is kept when either end has the other among its ``k`` nearest
        (the union of the two k-NN lists), so degrees may exceed ``k``.
    threshold : float, default 0.3
        Minimum cosine similarity of a kept pair.
    block_size : int, default 1024
        Rows compared at a time; memory is ``O(block_size * n)``.

    Returns
    -------
    list of (id_i, id_j, similarity)
        Each unordered pair once, with ``i < j`` in the input order, sorted by ``(i, j)``.

    Examples
    --------
    >>> knn_similarity_edges(["a", "b", "c"], [[1, 0], [0.9, 0.1], [0, 1]], k=1, threshold=0.5)
    [('a', 'b', 0.9938837346736188)]
    """
    X = np.asarray(centroids, dtype=np.float64)
    n = len(ids)
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(f"centroids must have shape (len(ids), d) = ({n}, d), got {X.shape}")
    if k < 1 or n < 2:
        return []
    norms = np.linalg.norm(X, axis=1)
    valid = norms > 0
    X = np.divide(X, norms[:, None], out=np.zeros_like(X), where=valid[:, None])
    kk = min(k, n - 1)
    pairs: dict[tuple[int, int], float] = {}
    for start in range(0, n, block_size):
        stop = min(start + block_size, n)
        sims = X[start:stop] @ X.T
        rows = np.arange(stop - start)
        sims[rows, rows + start] = -np.inf  # not one's own neighbour
        sims[:, ~valid] = -np.inf
        top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
        top_sims = np.take_along_axis(sims, top, axis=1)
        for r, i in enumerate(range(start, stop)):
            if not valid[i]:
                continue
            for j, sim in zip(top[r].tolist(), top_sims[r].tolist(), strict=True):
                if sim >= threshold:
                    pairs[(i, j) if i < j else (j, i)] = sim
    return [(ids[i], ids[j], float(pairs[(i, j)])) for i, j in sorted(pairs)]


def _knn_filter(
    triples: Iterable[tuple[str, str, float]], k: int, threshold: float
) -> list[tuple[str, str, float]]:
    """Keep pairs above ``threshold`` that are among the ``k`` strongest of either end."""
    best: dict[tuple[str, str], float] = {}
    for a, b, w in triples:
        if a == b or w < threshold:
            continue
        key = (a, b) if a <= b else (b, a)
        best[key] = max(w, best.get(key, w))
    by_node: dict[str, list[tuple[float, str, tuple[str, str]]]] = {}
    for (a, b), w in best.items():
        by_node.setdefault(a, []).append((-w, b, (a, b)))
        by_node.setdefault(b, []).append((-w, a, (a, b)))
    keep: set[tuple[str, str]] = set()
    for items in by_node.values():
        items.sort()
        keep.update(pair for _, _, pair in items[:k])
    return [(a, b, best[(a, b)]) for a, b in sorted(keep)]


def _label_kwargs(label_en: str, label_zh: str, fallback: str) -> dict[str, str]:
    if not label_en and not label_zh:
        return {"label_zh": fallback} if has_cjk(fallback) else {"label_en": fallback}
    return {"label_en": label_en, "label_zh": label_zh}


def build_theme_graph(
    themes: Iterable[s.Theme | Mapping[str, Any]],
    *,
    fields: Iterable[s.Field | Mapping[str, Any]] = (),
    keywords: Iterable[s.Keyword | Mapping[str, Any]] = (),
    similarities: Iterable[s.Similarity | Mapping[str, Any]] | None = None,
    scenarios: Iterable[s.Scenario | Mapping[str, Any]] = (),
    scenario_links: Iterable[s.ScenarioLink | Mapping[str, Any]] = (),
    organizations: Iterable[s.Organization | Mapping[str, Any]] = (),
    organization_links: Iterable[s.OrganizationLink | Mapping[str, Any]] = (),
    technologies: Iterable[s.Technology | Mapping[str, Any]] = (),
    lineage: Iterable[s.Lineage | Mapping[str, Any]] = (),
    citations: Iterable[s.Citation | Mapping[str, Any]] = (),
    ontology: Ontology | None = None,
    knn: int = 5,
    min_similarity: float = 0.3,
    min_keyword_themes: int = 1,
    validate: bool = True,
) -> nx.MultiDiGraph:
    """Build the knowledge graph of themes and what they relate to.

    Parameters
    ----------
    themes : iterable of Theme or dict
        Theme nodes (``theme:<id>``); their ``field``, ``parent`` and ``keywords`` add ``contains`` and
        ``has_keyword`` edges.
    fields : iterable of Field or dict
        Field nodes; ``parent`` adds ``contains`` edges between fields. Fields named by themes but not
        listed here get a node labelled with their key.
    keywords : iterable of Keyword or dict
        Optional labels for keyword nodes (``kw:<normalised term>``).
    similarities : iterable of Similarity or dict, optional
        Precomputed theme-theme similarities. When None, they are computed from the themes' centroids
        with :func:`knn_similarity_edges`. Either way only pairs with similarity ``>= min_similarity``
        among the ``knn`` strongest of either end become ``similar_to`` edges.
    scenarios, organizations : iterable of Scenario / Organization or dict
        Nodes; ones referenced by links but not listed get a node labelled with their key.
    scenario_links, organization_links : iterable of ScenarioLink / OrganizationLink or dict
        ``relevant_to`` (theme -> scenario) and ``active_in`` (organization -> theme) edges.
    technologies : iterable of Technology or dict
        Delphi items with ``covers`` edges to themes and ``relevant_to`` edges to scenarios.
    lineage : iterable of Lineage or dict
        ``evolves_into`` edges from an earlier run's theme to a later run's theme.
    citations : iterable of Citation or dict
        ``cites`` edges between themes.
    ontology : Ontology, optional
        Default: the packaged ontology. It must define the edge types named in :mod:`knowledge_graph.schema`.
    knn : int, default 5
    min_similarity : float, default 0.3
    min_keyword_themes : int, default 1
        Keep a keyword node only if at least this many themes name it (2 keeps only shared keywords).
    validate : bool, default True
        Check the result with :func:`knowledge_graph.ontology.validate_graph`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes carry ``type``, ``label_en``, ``label_zh`` and their attributes (themes also ``size``,
        ``documents``, ``run``); edges are keyed by edge type and carry ``type`` and ``weight``.

    Raises
    ------
    BuildError
        Duplicate theme ids, or links naming themes that are not in ``themes``.
    """
    onto = ontology or default_ontology()
    for name in (s.SIMILAR_TO, s.HAS_KEYWORD, s.CONTAINS):
        onto.edge_type(name)
    G = new_graph(onto)
    problems: list[str] = []

    def nid(node_type: str, key: object) -> str:
        return onto.node_id(node_type, key)

    def theme_ref(key: object, where: str) -> str | None:
        node = nid("theme", key)
        if node not in G:
            problems.append(f"{where}: unknown theme {key!r}")
            return None
        return node

    def ensure(node_type: str, key: object) -> str:
        node = nid(node_type, key)
        if node not in G:
            add_typed_node(G, node, node_type, **_label_kwargs("", "", str(key).split(":", 1)[-1]))
        return node

    for f in (s.coerce(s.Field, x) for x in fields):
        node = nid("field", f.id)
        add_typed_node(G, node, "field", **_label_kwargs(f.label_en, f.label_zh, str(f.id)), **f.attributes)
    theme_list = [s.coerce(s.Theme, x) for x in themes]
    centroids: dict[str, Sequence[float]] = {}
    for t in theme_list:
        node = nid("theme", t.id)
        if node in G:
            problems.append(f"duplicate theme id {t.id!r}")
            continue
        docs = list(t.documents)
        size = t.size if t.size is not None else len(docs)
        attrs: dict[str, Any] = {"size": int(size), "documents": docs}
        if t.run is not None:
            attrs["run"] = t.run
        attrs.update(t.attributes)
        add_typed_node(G, node, "theme", **_label_kwargs(t.label_en, t.label_zh, str(t.id)), **attrs)
        if t.centroid is not None:
            centroids[node] = t.centroid
    for f in (s.coerce(s.Field, x) for x in fields):
        if f.parent is not None:
            add_typed_edge(G, onto, ensure("field", f.parent), nid("field", f.id), s.CONTAINS, 1.0)

    # hierarchy and keywords
    kw_labels = {normalize_term(k.term): k for k in (s.coerce(s.Keyword, x) for x in keywords)}
    kw_edges: dict[str, list[tuple[str, float]]] = {}
    for t in theme_list:
        node = nid("theme", t.id)
        if t.field is not None:
            add_typed_edge(G, onto, ensure("field", t.field), node, s.CONTAINS, 1.0)
        if t.parent is not None:
            parent = theme_ref(t.parent, f"theme {t.id!r} parent")
            if parent is not None:
                add_typed_edge(G, onto, parent, node, s.CONTAINS, 1.0)
        items = t.keywords.items() if isinstance(t.keywords, Mapping) else ((kw, 1.0) for kw in t.keywords)
        for term, weight in items:
            key = normalize_term(term)
            if key:
                kw_edges.setdefault(key, []).append((node, float(weight)))
    for key, links in kw_edges.items():
        if len({n for n, _ in links}) < min_keyword_themes:
            continue
        kw = kw_labels.get(key)
        labels = _label_kwargs(kw.label_en, kw.label_zh, key) if kw else _label_kwargs("", "", key)
        node = add_typed_node(G, nid("keyword", key), "keyword", **labels, **(kw.attributes if kw else {}))
        G.nodes[node]["theme_count"] = len({n for n, _ in links})
        for theme, weight in links:
            add_typed_edge(G, onto, theme, node, s.HAS_KEYWORD, weight)

    # similarity
    if similarities is None:
        ids = list(centroids)
        triples = knn_similarity_edges(ids, [centroids[i] for i in ids], knn, min_similarity) if ids else []
        sims = [(str(a), str(b), w) for a, b, w in triples]
    else:
        raw = []
        for sim in (s.coerce(s.Similarity, x) for x in similarities):
            a = theme_ref(sim.source, "similarity")
            b = theme_ref(sim.target, "similarity")
            if a is not None and b is not None:
                raw.append((a, b, float(sim.weight)))
        sims = _knn_filter(raw, knn, min_similarity)
    for a, b, w in sims:
        add_typed_edge(G, onto, a, b, s.SIMILAR_TO, w)

    # scenarios, organizations, technologies
    for sc in (s.coerce(s.Scenario, x) for x in scenarios):
        labels = _label_kwargs(sc.label_en, sc.label_zh, str(sc.id))
        add_typed_node(G, nid("scenario", sc.id), "scenario", **labels, **sc.attributes)
    for sl in (s.coerce(s.ScenarioLink, x) for x in scenario_links):
        t_node = theme_ref(sl.theme, "scenario link")
        if t_node is not None:
            add_typed_edge(G, onto, t_node, ensure("scenario", sl.scenario), s.RELEVANT_TO, sl.weight)
    for org in (s.coerce(s.Organization, x) for x in organizations):
        labels = _label_kwargs(org.label_en, org.label_zh, str(org.id))
        add_typed_node(G, nid("organization", org.id), "organization", **labels, **org.attributes)
    for ol in (s.coerce(s.OrganizationLink, x) for x in organization_links):
        t_node = theme_ref(ol.theme, "organization link")
        if t_node is not None:
            add_typed_edge(G, onto, ensure("organization", ol.organization), t_node, s.ACTIVE_IN, ol.weight)
    for tech in (s.coerce(s.Technology, x) for x in technologies):
        node = nid("technology", tech.id)
        labels = _label_kwargs(tech.label_en, tech.label_zh, str(tech.id))
        add_typed_node(G, node, "technology", **labels, **tech.attributes)
        for theme_key, weight in tech.themes.items():
            t_node = theme_ref(theme_key, f"technology {tech.id!r}")
            if t_node is not None:
                add_typed_edge(G, onto, node, t_node, s.COVERS, weight)
        for sc_key, weight in tech.scenarios.items():
            add_typed_edge(G, onto, node, ensure("scenario", sc_key), s.RELEVANT_TO, weight)

    # lineage and citations
    directed_links: list[tuple[str, list[s.Lineage] | list[s.Citation]]] = [
        (s.EVOLVES_INTO, [s.coerce(s.Lineage, x) for x in lineage]),
        (s.CITES, [s.coerce(s.Citation, x) for x in citations]),
    ]
    for edge_type, records in directed_links:
        for rec in records:
            a = theme_ref(rec.source, edge_type)
            b = theme_ref(rec.target, edge_type)
            if a is not None and b is not None and a != b:
                add_typed_edge(G, onto, a, b, edge_type, rec.weight)
    if problems:
        raise BuildError("cannot build the theme graph:\n" + "\n".join(f"  - {p}" for p in problems))
    if validate:
        validate_graph(G, onto)
    return G
