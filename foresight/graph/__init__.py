"""The knowledge graph of an analysis run: built from the store with the curation applied, analysed
and exported through :mod:`knowledge_graph` (which stays free of any database code)."""

from foresight.graph.service import GraphOptions, build_run_graph, export_run_graph, graph_stats

__all__ = ["GraphOptions", "build_run_graph", "export_run_graph", "graph_stats"]
