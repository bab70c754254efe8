"""Alembic environment: uses the engine handed over by ``foresight.db.migrate`` or FORESIGHT settings."""

from __future__ import annotations

from alembic import context

from foresight.db import models  # noqa: F401  (registers the tables)
from foresight.db.base import Base

config = context.config
target_metadata = Base.metadata


def _engine():
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    from foresight.db.session import make_engine
    from foresight.settings import get_settings

    return make_engine(get_settings().resolved_database_url)


def run_migrations_offline() -> None:
    from foresight.settings import get_settings

    context.configure(
        url=get_settings().resolved_database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
