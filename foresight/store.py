"""Opening the document store named by the settings, migrated to the current schema."""

from __future__ import annotations

from sqlalchemy import Engine

from foresight.db.migrate import upgrade
from foresight.db.session import make_engine
from foresight.settings import Settings


def open_store(settings: Settings, *, migrate: bool = True) -> Engine:
    """Engine for ``settings.resolved_database_url``; applies pending migrations unless told not to."""
    engine = make_engine(settings.resolved_database_url, echo=settings.echo_sql)
    if migrate:
        upgrade(engine)
    return engine
