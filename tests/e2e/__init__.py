"""End-to-end tests: the whole foresight loop (import, themes, curation, re-run, Delphi, priorities)."""
