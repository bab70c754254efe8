"""ingest: LZ4 compression for the large text columns written by every import (PostgreSQL)

The raw source records (``document_sources.raw``, about 2.5 kB of JSON each) and the abstracts are
compressed by TOAST as they are written. PostgreSQL's default method, pglz, made compressing them the
largest server-side cost of an import (about 40 % of the ``COPY`` into ``document_sources``); LZ4
compresses about as well at a fraction of the CPU time and decompresses faster. The change applies to
values written from now on (existing ones stay readable as they are). Servers built without LZ4 keep
pglz; SQLite has no such setting. No index changes: every duplicate lookup of an import is already
served by an index (see ``foresight.ingest.service._BatchWriter._refresh_statistics``).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 21:00:00.000000
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("document_sources", "raw"), ("documents", "abstract"), ("documents", "full_text"))


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    methods = bind.scalar(text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'"))
    return bool(methods) and "lz4" in methods


def _set_compression(method: str) -> None:
    for table, column in COLUMNS:
        op.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET COMPRESSION {method}')


def upgrade() -> None:
    if _lz4_available():
        _set_compression("lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _set_compression("default")
