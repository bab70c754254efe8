"""Foresight: intelligent technology foresight with human-in-the-loop review."""

__version__ = "0.1.0"
