"""Fast set-based writes for large imports: ids allocated up front, rows inserted without model
instances (executemany on SQLite, COPY on PostgreSQL).

Django's `bulk_create` prepares every field of every object in Python, which dominates a
million-row import; here each row is a plain tuple already in database form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import lru_cache

from django.db import connection, models


def allocate_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` fresh primary keys for `model`. Call inside the transaction that inserts them."""
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
            return [r[0] for r in cur.fetchall()]
        # SQLite: the transaction holds the write lock (IMMEDIATE), so max(id) cannot move under us.
        cur.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        start = cur.fetchone()[0] + 1
    return list(range(start, start + n))


@lru_cache(maxsize=200_000)
def _sqlite_dt(value: dt.datetime) -> str:
    return connection.ops.adapt_datetimefield_value(value)


def db_value(value: object) -> object:
    """A Python value in the form the database driver takes (datetimes as text on SQLite)."""
    if isinstance(value, dt.datetime) and connection.vendor == "sqlite":
        return _sqlite_dt(value)
    return value


def insert_rows(model: type[models.Model], columns: Sequence[str], rows: list[tuple]) -> int:
    """Insert plain tuples (in `columns` order, already converted with `db_value`)."""
    if not rows:
        return 0
    table = model._meta.db_table
    cols = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("%s" for _ in columns)
            cur.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)
    return len(rows)
