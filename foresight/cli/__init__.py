"""The ``foresight`` command line (Typer)."""

from __future__ import annotations

from foresight.cli.app import app

__all__ = ["app"]
