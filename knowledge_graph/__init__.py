"""Pure NetworkX library for the knowledge graph of themes: building, curation operations, exports."""
