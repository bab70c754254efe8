"""The ontology's value types: node types, edge types (with the orientation rule of undirected edges),
the :class:`Ontology` that holds them, and the errors raised for invalid ontologies and graphs.

Import them from :mod:`knowledge_graph.ontology`, which re-exports everything here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COMBINE_RULES",
    "SPLIT_RULES",
    "EdgeType",
    "GraphValidationError",
    "NodeType",
    "Ontology",
    "OntologyError",
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
