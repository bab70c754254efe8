"""``foresight db``: schema migrations."""

from __future__ import annotations

import typer

from foresight.cli.context import state
from foresight.db.migrate import current_revision, upgrade
from foresight.db.session import make_engine

app = typer.Typer(help="Database schema: upgrade to the newest migration, show the current revision.")


@app.command("upgrade")
def upgrade_cmd(ctx: typer.Context) -> None:
    """Apply pending Alembic migrations to the configured database."""
    st = state(ctx)
    engine = make_engine(st.settings.resolved_database_url)
    upgrade(engine)
    typer.echo(f"schema at {current_revision(engine)} ({engine.url.render_as_string(hide_password=True)})")


@app.command("current")
def current_cmd(ctx: typer.Context) -> None:
    """Print the schema revision of the configured database."""
    engine = make_engine(state(ctx).settings.resolved_database_url)
    typer.echo(current_revision(engine) or "empty (no migrations applied)")
