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

The code lives in :mod:`knowledge_graph.ontology_model` (types and errors),
:mod:`knowledge_graph.ontology_loader` (reading files) and :mod:`knowledge_graph.conformance`
(checking graphs); this module re-exports all of it and stays the place to import from.
"""

from __future__ import annotations

from knowledge_graph.conformance import validate_graph
from knowledge_graph.ontology_loader import default_ontology, load_ontology
from knowledge_graph.ontology_model import (
    COMBINE_RULES,
    SPLIT_RULES,
    EdgeType,
    GraphValidationError,
    NodeType,
    Ontology,
    OntologyError,
)

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
