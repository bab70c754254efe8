"""Reading an ontology: the YAML layout of ``knowledge_graph/ontology.yaml`` (or the same layout as a
mapping), checked in full so that one :class:`~knowledge_graph.ontology_model.OntologyError` lists every
problem; and the packaged default, read once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from knowledge_graph.ontology_model import (
    COMBINE_RULES,
    SPLIT_RULES,
    EdgeType,
    NodeType,
    Ontology,
    OntologyError,
)

__all__ = ["default_ontology", "load_ontology"]

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
