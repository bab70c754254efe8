"""Cached embedding vectors, keyed by the model that made them and the exact text embedded.

The schema is created only by the Alembic migrations (``0002_embeddings``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from foresight.db.base import Base, utcnow


class Embedding(Base):
    """One vector: ``model_id`` × sha256 of the text → float32 bytes (``dim`` values, little-endian)."""

    __tablename__ = "embeddings"
    __table_args__ = (UniqueConstraint("model_id", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[str] = mapped_column(String(255))
    text_hash: Mapped[str] = mapped_column(String(64), doc="sha256 hex digest of the UTF-8 text embedded.")
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
