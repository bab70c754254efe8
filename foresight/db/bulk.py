"""Fast bulk inserts: PostgreSQL ``COPY`` where available, ``executemany`` elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Column, Connection, Table, insert
from sqlalchemy.orm import Session

from foresight.db.session import json_dumps


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` within the session's transaction.

    Python-side column defaults are filled in first, so both paths store the same values. On PostgreSQL
    the rows travel by ``COPY … FROM STDIN`` (an order of magnitude faster than row-by-row inserts).
    """
    if not rows:
        return
    columns = [c for c in table.columns if c.name in rows[0] or c.default is not None]
    prepared: list[dict[str, Any]] = []
    for row in rows:
        full = dict(row)
        for column in columns:
            if column.name not in full and column.default is not None:
                arg = column.default.arg  # type: ignore[attr-defined]
                full[column.name] = arg(None) if callable(arg) else arg
        prepared.append(full)
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _sqlite_executemany(connection, table, columns, prepared)
        return
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), prepared)
        return
    json_columns = {c.name for c in columns if isinstance(c.type, JSON) or "JSON" in type(c.type).__name__}
    names = [c.name for c in columns]
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        quoted = ", ".join(f'"{n}"' for n in names)
        with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in prepared:
                copy.write_row(
                    [
                        json_dumps(row[n]) if n in json_columns and row[n] is not None else row[n]
                        for n in names
                    ]
                )


def _sqlite_executemany(
    connection: Connection, table: Table, columns: list[Column[Any]], rows: list[dict[str, Any]]
) -> None:
    """``executemany`` on the DB-API cursor with SQLAlchemy's own bind processors (same stored values,
    a fraction of the per-row overhead of a Core ``insert``)."""
    dialect = connection.dialect
    processors = [c.type.bind_processor(dialect) for c in columns]
    names = [c.name for c in columns]
    sql = f'INSERT INTO "{table.name}" ({", ".join(chr(34) + n + chr(34) for n in names)}) ' + (
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    params = [
        tuple(
            value if (proc is None or value is None) else proc(value)
            for value, proc in zip((row[n] for n in names), processors, strict=True)
        )
        for row in rows
    ]
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()
