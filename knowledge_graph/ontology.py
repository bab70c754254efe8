"""Node and edge types of the knowledge graph, loaded from an editable YAML file.

The ontology is configuration, not code: ``knowledge_graph/ontology.yaml`` ships a default that experts
may copy and edit (new node types, bilingual labels, which node types an edge type may join, how edge
weights combine on merge and split). :func:`load_ontology` reads and checks such a file;
:func:`validate_graph` checks a graph against it and lists every problem found.

Graph conventions checked here
------------------------------
* Graphs are :class:`networkx.MultiDiGraph` objects. Each node has a ``type`` attribute naming a node
  type; its id is ``"<prefix>:<key>"`` with the prefix of that type.
* Each edge has its edge type as multigraph key *and* as ``type`` attribute, so two nodes are joined by
  at most one edge of each type.
* An undirected edge type is stored once, in the orientation given by :meth:`EdgeType.orient`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

__all__ = [
    "COMBINE_RULES",
    "SPLIT_RULES",
    "EdgeType",
    "GraphValidationError",
    "NodeType",
    "Ontology",
    "OntologyError",
    "default_ontology",
    "load_ontology",
    "validate_graph",
]

COMBINE_RULES = ("sum", "max", "min", "mean")
SPLIT_RULES = ("copy", "proportional")
_MAX_LISTED = 50


class OntologyError(ValueError):
    """An ontology file, or a graph checked against an ontology, is invalid.

    Attributes
    ----------
    problems : list of str
        One human-readable line per problem.
    """

    def __init__(self, message: str, problems: Iterable[str] = ()) -> None:
        self.problems = list(problems)
        lines = [message, *(f"  - {p}" for p in self.problems[:_MAX_LISTED])]
        if len(self.problems) > _MAX_LISTED:
            lines.append(f"  ... and {len(self.problems) - _MAX_LISTED} more")
        super().__init__("\n".join(lines))


class GraphValidationError(OntologyError):
    """A graph does not conform to its ontology (see ``problems``)."""


@dataclass(frozen=True)
class NodeType:
    """A kind of node (field, theme, keyword, ...)."""

    name: str
    prefix: str
    label_en: str
    label_zh: str = ""
    neo4j_label: str = ""
    required: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class EdgeType:
    """A kind of typed, weighted edge and the node types it may join."""

    name: str
    source: frozenset[str]
    target: frozenset[str]
    directed: bool = True
    weight: str = ""
    combine: str = "max"
    split: str = "copy"
    self_loops: bool = False
    label_en: str = ""
    label_zh: str = ""
    neo4j_type: str = ""
    description: str = ""

    def allows(self, source_type: str, target_type: str) -> bool:
        """Whether an edge of this type may go from ``source_type`` to ``target_type``."""
        forward = source_type in self.source and target_type in self.target
        if forward or self.directed:
            return forward
        return target_type in self.source and source_type in self.target

    def orient(self, u: Hashable, u_type: str, v: Hashable, v_type: str) -> tuple[Hashable, Hashable] | None:
        """Return the stored orientation of an edge between ``u`` and ``v``, or None if forbidden.

        Directed types keep ``(u, v)``. Undirected types are stored source-type first; when both
        orientations are allowed (e.g. theme-theme) the endpoint with the smaller ``str`` id comes first.
        """
        forward = u_type in self.source and v_type in self.target
        if self.directed:
            return (u, v) if forward else None
        backward = v_type in self.source and u_type in self.target
        if forward and backward:
            return (u, v) if str(u) <= str(v) else (v, u)
        if forward:
            return (u, v)
        if backward:
            return (v, u)
        return None


@dataclass(frozen=True)
class Ontology:
    """The node types and edge types a knowledge graph may contain."""

    name: str
    version: int | str
    node_types: Mapping[str, NodeType]
    edge_types: Mapping[str, EdgeType]
    source: str = field(default="", compare=False)

    def node_type(self, name: str) -> NodeType:
        """The node type called ``name``; raises :class:`OntologyError` if unknown."""
        try:
            return self.node_types[name]
        except KeyError:
            known = ", ".join(sorted(self.node_types))
            raise OntologyError(f"unknown node type {name!r} (known: {known})") from None

    def edge_type(self, name: str) -> EdgeType:
        """The edge type called ``name``; raises :class:`OntologyError` if unknown."""
        try:
            return self.edge_types[name]
        except KeyError:
            known = ", ".join(sorted(self.edge_types))
            raise OntologyError(f"unknown edge type {name!r} (known: {known})") from None

    def node_id(self, node_type: str, key: object) -> str:
        """The node id ``"<prefix>:<key>"``; a key already carrying the prefix is returned unchanged."""
        prefix = self.node_type(node_type).prefix + ":"
        text = str(key)
        return text if text.startswith(prefix) else prefix + text

    def type_of_id(self, node: object) -> str | None:
        """The node type whose prefix the id ``node`` carries, or None."""
        head = str(node).split(":", 1)[0]
        for nt in self.node_types.values():
            if nt.prefix == head:
                return nt.name
        return None

    def to_dict(self) -> dict[str, Any]:
        """A plain dict in the YAML file's layout (``load_ontology`` reads it back)."""
        return {
            "name": self.name,
            "version": self.version,
            "node_types": {
                n.name: {
                    "prefix": n.prefix,
                    "label_en": n.label_en,
                    "label_zh": n.label_zh,
                    "neo4j_label": n.neo4j_label,
                    "required": list(n.required),
                    "description": n.description,
                }
                for n in self.node_types.values()
            },
            "edge_types": {
                e.name: {
                    "source": sorted(e.source),
                    "target": sorted(e.target),
                    "directed": e.directed,
                    "weight": e.weight,
                    "combine": e.combine,
                    "split": e.split,
                    "self_loops": e.self_loops,
                    "label_en": e.label_en,
                    "label_zh": e.label_zh,
                    "neo4j_type": e.neo4j_type,
                    "description": e.description,
                }
                for e in self.edge_types.values()
            },
        }


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _parse(data: Any, source: str) -> Ontology:
    problems: list[str] = []
    if not isinstance(data, Mapping):
        raise OntologyError(f"ontology {source}: top level must be a mapping")
    raw_nodes = data.get("node_types") or {}
    raw_edges = data.get("edge_types") or {}
    if not isinstance(raw_nodes, Mapping) or not raw_nodes:
        problems.append("node_types must be a non-empty mapping")
        raw_nodes = {}
    if not isinstance(raw_edges, Mapping):
        problems.append("edge_types must be a mapping")
        raw_edges = {}
    nodes: dict[str, NodeType] = {}
    prefixes: dict[str, str] = {}
    for name, spec in raw_nodes.items():
        spec = spec or {}
        if not _NAME.match(str(name)):
            problems.append(f"node type {name!r}: name must be lower_snake_case")
        prefix = str(spec.get("prefix", name))
        if ":" in prefix or not prefix:
            problems.append(f"node type {name!r}: prefix {prefix!r} must be non-empty and contain no ':'")
        if prefix in prefixes:
            problems.append(f"node type {name!r}: prefix {prefix!r} already used by {prefixes[prefix]!r}")
        prefixes[prefix] = str(name)
        unknown = set(spec) - {"prefix", "label_en", "label_zh", "neo4j_label", "required", "description"}
        if unknown:
            problems.append(f"node type {name!r}: unknown keys {sorted(unknown)}")
        nodes[str(name)] = NodeType(
            name=str(name),
            prefix=prefix,
            label_en=str(spec.get("label_en", name)),
            label_zh=str(spec.get("label_zh", "")),
            neo4j_label=str(spec.get("neo4j_label") or "".join(p.title() for p in str(name).split("_"))),
            required=tuple(_as_list(spec.get("required"))),
            description=str(spec.get("description", "")),
        )
    edges: dict[str, EdgeType] = {}
    edge_keys = {
        "source",
        "target",
        "directed",
        "weight",
        "combine",
        "split",
        "self_loops",
        "label_en",
        "label_zh",
        "neo4j_type",
        "description",
    }
    for name, spec in raw_edges.items():
        spec = spec or {}
        where = f"edge type {name!r}"
        if not _NAME.match(str(name)):
            problems.append(f"{where}: name must be lower_snake_case")
        unknown = set(spec) - edge_keys
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        src, tgt = _as_list(spec.get("source")), _as_list(spec.get("target"))
        if not src or not tgt:
            problems.append(f"{where}: source and target node types are required")
        for end, types in (("source", src), ("target", tgt)):
            for t in types:
                if t not in nodes:
                    problems.append(f"{where}: {end} node type {t!r} is not defined in node_types")
        combine = str(spec.get("combine", "max"))
        if combine not in COMBINE_RULES:
            problems.append(f"{where}: combine {combine!r} is not one of {', '.join(COMBINE_RULES)}")
        split = str(spec.get("split", "copy"))
        if split not in SPLIT_RULES:
            problems.append(f"{where}: split {split!r} is not one of {', '.join(SPLIT_RULES)}")
        edges[str(name)] = EdgeType(
            name=str(name),
            source=frozenset(src),
            target=frozenset(tgt),
            directed=bool(spec.get("directed", True)),
            weight=str(spec.get("weight", "")),
            combine=combine,
            split=split,
            self_loops=bool(spec.get("self_loops", False)),
            label_en=str(spec.get("label_en", str(name).replace("_", " "))),
            label_zh=str(spec.get("label_zh", "")),
            neo4j_type=str(spec.get("neo4j_type") or str(name).upper()),
            description=str(spec.get("description", "")),
        )
    if problems:
        raise OntologyError(f"invalid ontology {source}:", problems)
    return Ontology(
        name=str(data.get("name", "unnamed")),
        version=data.get("version", 1),
        node_types=nodes,
        edge_types=edges,
        source=source,
    )


def load_ontology(path: str | Path | Mapping[str, Any] | None = None) -> Ontology:
    """Load and check an ontology.

    Parameters
    ----------
    path : str, Path, mapping or None
        A YAML file, an already parsed mapping in the same layout, or None for the packaged default
        (``knowledge_graph/ontology.yaml``).

    Returns
    -------
    Ontology

    Raises
    ------
    OntologyError
        Listing every problem found (unknown node types referenced by edge types, bad combine or split
        rules, duplicate id prefixes, unknown keys).
    """
    if path is None:
        return default_ontology()
    if isinstance(path, Mapping):
        return _parse(path, "<mapping>")
    p = Path(path)
    with p.open(encoding="utf-8") as fh:
        return _parse(yaml.safe_load(fh), str(p))


@lru_cache(maxsize=1)
def default_ontology() -> Ontology:
    """The packaged default ontology (read once and cached)."""
    text = resources.files("knowledge_graph").joinpath("ontology.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text), "knowledge_graph/ontology.yaml")


def validate_graph(
    G: nx.MultiDiGraph, ontology: Ontology | None = None, *, raise_on_error: bool = True
) -> list[str]:
    """Check every node and edge of ``G`` against ``ontology``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
    ontology : Ontology, optional
        Default: the packaged ontology.
    raise_on_error : bool, default True
        Raise :class:`GraphValidationError` when problems are found; otherwise just return them.

    Returns
    -------
    list of str
        The problems found (empty when the graph conforms).

    Notes
    -----
    Checked: node ``type`` present and known; id prefix matching the type; required attributes;
    edge type (key and ``type`` attribute) known and equal; endpoint node types allowed; undirected
    edges stored in canonical orientation; self-loops only where allowed; numeric ``weight``.
    """
    onto = ontology or default_ontology()
    problems: list[str] = []
    if not G.is_multigraph() or not G.is_directed():
        problems.append(f"graph must be a MultiDiGraph, got {type(G).__name__}")
    types: dict[Hashable, str | None] = {}
    for n, data in G.nodes(data=True):
        t = data.get("type")
        types[n] = t if t in onto.node_types else None
        if t is None:
            problems.append(f"node {n!r}: missing 'type' attribute")
            continue
        if t not in onto.node_types:
            problems.append(f"node {n!r}: unknown node type {t!r}")
            continue
        nt = onto.node_types[t]
        if not str(n).startswith(nt.prefix + ":"):
            problems.append(f"node {n!r}: id should start with {nt.prefix + ':'!r} for type {t!r}")
        for attr in nt.required:
            if data.get(attr) in (None, ""):
                problems.append(f"node {n!r}: required attribute {attr!r} missing")
    if G.is_multigraph():
        edges = G.edges(keys=True, data=True)
    else:
        edges = ((u, v, None, d) for u, v, d in G.edges(data=True))
    for u, v, key, data in edges:
        et_name = data.get("type", key)
        where = f"edge {u!r} -> {v!r} [{et_name}]"
        if key is not None and data.get("type") != key:
            problems.append(f"{where}: multigraph key {key!r} differs from 'type' {data.get('type')!r}")
        et = onto.edge_types.get(et_name) if isinstance(et_name, str) else None
        if et is None:
            problems.append(f"{where}: unknown edge type {et_name!r}")
            continue
        tu, tv = types.get(u), types.get(v)
        if u == v and not et.self_loops:
            problems.append(f"{where}: self-loops are not allowed for {et.name!r}")
        if tu is None or tv is None:
            continue  # already reported on the node
        if not et.allows(tu, tv):
            either = "" if et.directed else ", either way"
            problems.append(
                f"{where}: {et.name!r} may not join {tu!r} to {tv!r} "
                f"(allowed: {sorted(et.source)} -> {sorted(et.target)}{either})"
            )
        elif not et.directed and et.orient(u, tu, v, tv) != (u, v):
            problems.append(f"{where}: undirected edge not stored in canonical orientation")
        w = data.get("weight")
        if w is not None and (isinstance(w, bool) or not isinstance(w, int | float)):
            problems.append(f"{where}: weight {w!r} is not a number")
    if problems and raise_on_error:
        raise GraphValidationError(f"graph does not conform to ontology {onto.name!r}:", problems)
    return problems
