"""Data resource layer: parsers for the exports analysts have, normalization, deduplication, import."""
