"""Persistence: typed SQLAlchemy models, Alembic migrations and session handling."""
