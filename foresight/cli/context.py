"""State shared by the commands: settings (injected once per invocation) and the store's engine."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.console import Console
from sqlalchemy import Engine

from foresight.settings import Settings, get_settings
from foresight.store import open_store


@dataclass
class CliState:
    settings: Settings
    console: Console = field(default_factory=lambda: Console(stderr=True))
    _engine: Engine | None = None

    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_store(self.settings)
        return self._engine


def state(ctx: typer.Context) -> CliState:
    """The invocation's state, created from the environment on first use."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(settings=get_settings())
    return root.obj
