"""Plain-row writes for the registry's bulk paths (the generator and imports).

Django's bulk_create spends most of its time preparing values field by field and
bulk_update builds a CASE WHEN per row; for hundreds of thousands of residents that is
minutes. These helpers write rows already in database form: PostgreSQL through COPY,
SQLite through executemany. Callers still write the audit rows through core.audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT rows (values in database form, see `connection.ops.adapt_*`) into `table`."""
    if not rows:
        return
    ops = connection.ops
    names = ", ".join(ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {ops.quote_name(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES ({marks})", rows)


def update_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], key: str = "id") -> None:
    """UPDATE `columns` of the rows whose `key` is each row's last value.

    PostgreSQL: one UPDATE … FROM (VALUES …) per 1,000 rows; SQLite: executemany.
    """
    if not rows:
        return
    ops = connection.ops
    qt = ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Column types of the VALUES list come from the table, so text, integers and
            # timestamps need no casts in the SQL.
            names = [*columns, key]
            alias = ", ".join(ops.quote_name(f"v{i}") for i in range(len(names)))
            sets = ", ".join(f"{ops.quote_name(c)} = v.{ops.quote_name(f'v{i}')}" for i, c in enumerate(columns))
            types = _column_types(cursor, table, names)
            for start in range(0, len(rows), 1000):
                chunk = rows[start:start + 1000]
                values = ", ".join(
                    "(" + ", ".join(f"%s::{t}" for t in types) + ")" for _ in chunk
                )
                params = [v for row in chunk for v in row]
                cursor.execute(
                    f"UPDATE {qt} AS t SET {sets} FROM (VALUES {values}) AS v({alias}) "
                    f"WHERE t.{ops.quote_name(key)} = v.{ops.quote_name(f'v{len(columns)}')}",
                    params,
                )
        else:
            assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
            cursor.executemany(f"UPDATE {qt} SET {assignments} WHERE {ops.quote_name(key)} = %s", rows)


def _column_types(cursor, table: str, columns: Sequence[str]) -> list[str]:
    cursor.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        [connection.ops.quote_name(table)],
    )
    types = dict(cursor.fetchall())
    return [types[c] for c in columns]
