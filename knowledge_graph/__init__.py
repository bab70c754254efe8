"""Pure NetworkX library for the knowledge graph of themes: building, curation operations, exports.

The graph is a :class:`networkx.MultiDiGraph` with typed nodes (field, theme, keyword, organization,
scenario, technology) and typed weighted edges keyed by their edge type; the types are configuration
(:mod:`knowledge_graph.ontology`, ``ontology.yaml``). This package knows nothing of databases or the web.

Modules
-------
ontology     node and edge types, loading, validation of a graph
schema       plain input records for the builder
build        ``build_theme_graph`` and k-NN similarity edges
curation     relabel, hide, delete, link, unlink, annotate, flag
restructure  merge, split, move documents
records      ``CurationRecord``, ``apply_record``, ``invert_record`` (redo / undo)
analytics    degree, strength, betweenness, communities, theme projection
exports      GraphML, GEXF, node-link JSON, Neo4j CSV, VOSviewer
"""

from knowledge_graph.analytics import (
    betweenness,
    bridging_fields,
    communities,
    community_backend,
    degree,
    edge_type_counts,
    node_type_counts,
    strength,
    theme_projection,
    undirected_view,
)
from knowledge_graph.build import BuildError, build_theme_graph, knn_similarity_edges
from knowledge_graph.curation import annotate, delete, flag, hide, link, relabel, unlink
from knowledge_graph.errors import (
    CurationError,
    DocumentNotFoundError,
    ForbiddenEdgeError,
    IdConflictError,
    InvalidRequestError,
    NodeTypeMismatchError,
    NotAPartitionError,
    RecordConflictError,
    SelfMergeError,
    SplitError,
    TooFewDocumentsError,
    TooFewNodesError,
    TooFewPartsError,
    UnknownEdgeError,
    UnknownNodeError,
)
from knowledge_graph.exports import (
    export_graph,
    read_node_link,
    write_gexf,
    write_graphml,
    write_neo4j_csv,
    write_node_link,
)
from knowledge_graph.graph import find_edge
from knowledge_graph.ontology import (
    EdgeType,
    GraphValidationError,
    NodeType,
    Ontology,
    OntologyError,
    default_ontology,
    load_ontology,
    validate_graph,
)
from knowledge_graph.records import CurationRecord, apply_record, apply_records, invert_record
from knowledge_graph.restructure import merge, move_documents, split
from knowledge_graph.vosviewer import write_vosviewer

__all__ = [
    "BuildError",
    "CurationError",
    "CurationRecord",
    "DocumentNotFoundError",
    "EdgeType",
    "ForbiddenEdgeError",
    "GraphValidationError",
    "IdConflictError",
    "InvalidRequestError",
    "NodeType",
    "NodeTypeMismatchError",
    "NotAPartitionError",
    "Ontology",
    "OntologyError",
    "RecordConflictError",
    "SelfMergeError",
    "SplitError",
    "TooFewDocumentsError",
    "TooFewNodesError",
    "TooFewPartsError",
    "UnknownEdgeError",
    "UnknownNodeError",
    "annotate",
    "apply_record",
    "apply_records",
    "betweenness",
    "bridging_fields",
    "build_theme_graph",
    "communities",
    "community_backend",
    "default_ontology",
    "degree",
    "delete",
    "edge_type_counts",
    "export_graph",
    "find_edge",
    "flag",
    "hide",
    "invert_record",
    "knn_similarity_edges",
    "link",
    "load_ontology",
    "merge",
    "move_documents",
    "node_type_counts",
    "read_node_link",
    "relabel",
    "split",
    "strength",
    "theme_projection",
    "undirected_view",
    "unlink",
    "validate_graph",
    "write_gexf",
    "write_graphml",
    "write_neo4j_csv",
    "write_node_link",
    "write_vosviewer",
]
