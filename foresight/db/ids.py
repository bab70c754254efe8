"""Allocating primary keys in bulk, so large imports can use plain ``executemany`` (no RETURNING)."""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session


def allocate_ids(session: Session, table: Table, n: int) -> list[int]:
    """Reserve ``n`` new values of ``table.id`` for rows the caller is about to insert.

    PostgreSQL draws them from the column's sequence, so concurrent writers never collide. On SQLite
    the caller must already hold the database's write lock in its transaction (any earlier write in
    the same transaction does it), which serialises writers; the next ids then follow ``max(id)``.
    """
    if n <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        sequence = session.scalar(text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name})
        rows = session.scalars(
            text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": sequence, "n": n}
        )
        return [int(v) for v in rows]
    start = session.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0
    return list(range(start + 1, start + n + 1))
