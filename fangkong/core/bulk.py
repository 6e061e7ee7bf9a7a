"""Set-based reads and writes for the bulk paths (imports, the generator, analytics roll-ups).

Django's `bulk_create` prepares every field of every object in Python and `__in` lookups
prepare every parameter, which dominates a million-row import. These helpers move rows that
are already in database form: COPY on PostgreSQL, executemany on SQLite; lookups by key
through one array parameter (PostgreSQL) or plain `IN` lists (SQLite). Callers still write
their audit rows through `core.audit`.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from django.db import connection, models

SQLITE_IN_CHUNK = 30_000  # below SQLite's 32,766 host-parameter limit
# Page cache for a big import's connection (SQLite): a million-row list touches index pages all
# over the file; with the default 2 MB every transaction re-reads and re-writes the same pages.
IMPORT_CACHE_KIB = 512_000
# Pages the WAL may grow to before SQLite copies it back (default 1,000): an import rewrites the
# same index pages every transaction, and a checkpoint copies each page once however often.
IMPORT_WAL_PAGES = 100_000
# Reads through the operating system's cache instead of copying pages: a reader's own page
# cache is dropped whenever another connection commits, as a writer process does every chunk.
IMPORT_MMAP_BYTES = 2**31
IMPORT_PRAGMAS = {"cache_size": -IMPORT_CACHE_KIB, "wal_autocheckpoint": IMPORT_WAL_PAGES,
                  "mmap_size": IMPORT_MMAP_BYTES}


def table_name(table: str | type[models.Model]) -> str:
    return table if isinstance(table, str) else table._meta.db_table


def reserve_ids(model: type[models.Model], n: int) -> range | list[int]:
    """`n` primary keys for `model` that no other writer will take, for this transaction or a
    later one (or another process). Call inside a transaction. Unused ones stay gaps.

    PostgreSQL draws them from the sequence; SQLite moves the table's AUTOINCREMENT counter
    past them, which every later insert respects.
    """
    if n <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The sequence by its oid, a constant: `pg_get_serial_sequence` or a `::regclass` cast
            # in the query would be evaluated per key (a catalog lookup: 150 ms per 50,000).
            cur.execute(f"SELECT nextval({_pg_sequence(cur, table)}::oid) FROM generate_series(1, %s)", [n])
            return [r[0] for r in cur.fetchall()]
        cur.execute(f'SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), '
                    f'COALESCE((SELECT MAX(id) FROM "{table}"), 0))', [table])
        top = cur.fetchone()[0]
        cur.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [top + n, table])
        if not cur.rowcount:
            cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, top + n])
    return range(top + 1, top + n + 1)


_PG_SEQUENCES: dict[tuple[str, str], int] = {}


def _pg_sequence(cursor, table: str) -> int:
    """The oid of the sequence behind `table`'s id column, read once per database."""
    key = (connection.settings_dict["NAME"], table)
    if key not in _PG_SEQUENCES:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')::regclass::oid", [connection.ops.quote_name(table)])
        _PG_SEQUENCES[key] = int(cursor.fetchone()[0])
    return _PG_SEQUENCES[key]


@lru_cache(maxsize=200_000)
def _sqlite_dt(value: dt.datetime) -> str:
    return connection.ops.adapt_datetimefield_value(value)


def db_value(value: object) -> object:
    """A Python value in the form the database driver takes: datetimes as text on SQLite, and
    aware on PostgreSQL (binary COPY refuses a naive one; Django's connections run in UTC)."""
    if isinstance(value, dt.datetime):
        return _sqlite_dt(value) if connection.vendor == "sqlite" else _aware(value)
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def datetime_adapter() -> Callable[[dt.datetime | None], object]:
    """`db_value` for a column of datetimes: the vendor is looked up once (the connection proxy
    costs microseconds a call) and each distinct value is converted once."""
    adapt = connection.ops.adapt_datetimefield_value if connection.vendor == "sqlite" else _aware
    memo: dict[dt.datetime | None, object] = {None: None}

    def convert(value: dt.datetime | None) -> object:
        out = memo.get(value, memo)
        if out is memo:
            out = memo[value] = adapt(value)
        return out

    return convert


def insert_rows(table: str | type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT plain tuples (in `columns` order, values in database form, see `db_value`)."""
    ops = connection.ops
    qt = ops.quote_name(table_name(table))
    names = ", ".join(ops.quote_name(c) for c in columns)
    n = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Binary COPY where every column allows it: psycopg then dumps each value in C by the
            # column's type, three times faster than formatting text.
            types = _binary_copy_types(cur, table_name(table), columns)
            with cur.cursor.copy(f"COPY {qt} ({names}) FROM STDIN" + (" (FORMAT BINARY)" if types else "")) as copy:
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
                    n += 1
        else:
            rows = rows if isinstance(rows, list) else list(rows)
            if rows:
                marks = ", ".join(["%s"] * len(columns))
                cur.executemany(f"INSERT INTO {qt} ({names}) VALUES ({marks})", rows)
            n = len(rows)
    return n


def update_rows(table: str | type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]],
                key: str = "id") -> None:
    """UPDATE `columns` of the rows whose `key` is each row's last value.

    PostgreSQL: one UPDATE … FROM (VALUES …) per 1,000 rows; SQLite: executemany.
    """
    if not rows:
        return
    ops = connection.ops
    table = table_name(table)
    qt = ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Column types of the VALUES list come from the table, so text, integers and
            # timestamps need no casts in the SQL.
            names = [*columns, key]
            alias = ", ".join(ops.quote_name(f"v{i}") for i in range(len(names)))
            sets = ", ".join(f"{ops.quote_name(c)} = v.{ops.quote_name(f'v{i}')}" for i, c in enumerate(columns))
            types = [_pg_column_types(cursor, table)[c] for c in names]
            for start in range(0, len(rows), 1000):
                chunk = rows[start:start + 1000]
                values = ", ".join("(" + ", ".join(f"%s::{t}" for t in types) + ")" for _ in chunk)
                cursor.execute(
                    f"UPDATE {qt} AS t SET {sets} FROM (VALUES {values}) AS v({alias}) "
                    f"WHERE t.{ops.quote_name(key)} = v.{ops.quote_name(f'v{len(columns)}')}",
                    [v for row in chunk for v in row],
                )
        else:
            assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
            cursor.executemany(f"UPDATE {qt} SET {assignments} WHERE {ops.quote_name(key)} = %s", rows)


# numeric takes a Decimal or an int (not a float), as a DecimalField's value is.
BINARY_COPY_TYPES = {"character varying", "text", "bigint", "integer", "smallint", "boolean",
                     "timestamp with time zone", "date", "double precision", "numeric"}
_PG_TYPES: dict[tuple[str, str], dict[str, str]] = {}


def _pg_column_types(cursor, table: str) -> dict[str, str]:
    """Column name → type name (e.g. `character varying`) of a PostgreSQL table, read once."""
    key = (connection.settings_dict["NAME"], table)
    if key not in _PG_TYPES:
        cursor.execute("SELECT attname, atttypid::regtype::text FROM pg_attribute "
                       "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
                       [connection.ops.quote_name(table)])
        _PG_TYPES[key] = dict(cursor.fetchall())
    return _PG_TYPES[key]


def _binary_copy_types(cursor, table: str, columns: Sequence[str]) -> list[str] | None:
    """The columns' type names when all of them can be copied in binary, else None."""
    types = _pg_column_types(cursor, table)
    out = [types.get(c) for c in columns]
    return out if all(t in BINARY_COPY_TYPES for t in out) else None


def fetch_in(sql: str, column: str, values: Iterable[Any], params: Sequence[Any] = ()) -> Iterator[tuple]:
    """Rows of `sql` (a SELECT … WHERE … ending where a condition may follow) with `column` in `values`.

    `sql` holds `{in}` where the condition goes, e.g.
    ``fetch_in("SELECT id, phone FROM screening_person WHERE {in}", "phone", phones)``.
    One query with an array on PostgreSQL; `IN` lists of 30,000 on SQLite.
    """
    values = list(values)
    if not values:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            condition, value = _pg_any(column, values)
            cur.execute(sql.format(**{"in": condition}), [*params, value])
            yield from cur.fetchall()
            return
        for start in range(0, len(values), SQLITE_IN_CHUNK):
            part = values[start:start + SQLITE_IN_CHUNK]
            cur.execute(sql.format(**{"in": f"{column} IN ({', '.join(['%s'] * len(part))})"}), [*params, *part])
            yield from cur.fetchall()


def _pg_any(column: str, values: list) -> tuple[str, object]:
    """`column = ANY(…)` and its one parameter. Texts and integers travel as one delimited string
    that the server splits: psycopg dumps a list parameter element by element in Python, which
    for 50,000 keys costs more than the lookup itself."""
    first = values[0]
    if isinstance(first, str):
        joined = "\x1f".join(values)
        if joined and joined.count("\x1f") == len(values) - 1:  # no value holds the delimiter itself
            return f"{column} = ANY(string_to_array(%s, chr(31)))", joined
    elif isinstance(first, int) and not isinstance(first, bool):
        return f"{column} = ANY(string_to_array(%s, ',')::bigint[])", ",".join(map(str, values))
    return f"{column} = ANY(%s)", values


def execute_in(sql: str, column: str, values: Iterable[Any], params: Sequence[Any] = ()) -> int:
    """Run an UPDATE / DELETE with `{in}` (see `fetch_in`); returns the rows changed."""
    values = list(values)
    changed = 0
    with connection.cursor() as cur:
        if connection.vendor == "postgresql" and values:
            condition, value = _pg_any(column, values)
            cur.execute(sql.format(**{"in": condition}), [*params, value])
            return cur.rowcount
        for start in range(0, len(values), SQLITE_IN_CHUNK):
            part = values[start:start + SQLITE_IN_CHUNK]
            cur.execute(sql.format(**{"in": f"{column} IN ({', '.join(['%s'] * len(part))})"}), [*params, *part])
            changed += cur.rowcount
    return changed


@contextmanager
def import_session() -> Iterator[None]:
    """A big import: Python's cyclic garbage collector paused (see `collector_paused`) and, on
    SQLite, this connection tuned (see `tune_for_import`); both put back after."""
    with collector_paused():
        if connection.vendor != "sqlite":
            yield
            return
        before = tune_for_import()
        try:
            yield
        finally:
            with connection.cursor() as cur:
                for name, value in before.items():
                    cur.execute(f"PRAGMA {name} = {int(value)}")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off (this process, all threads) until the block ends.

    A million-row import keeps hundreds of thousands of objects alive (every person it met),
    and the collector walks all of them again each time enough new ones have survived: 15 s of
    a 38 s import's CPU, measured. Reference counting still frees everything at once; the
    import makes few reference cycles (its peak memory is the same either way), and those are
    collected once the collector runs again.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def tune_for_import() -> dict[str, int]:
    """A large page cache, memory-mapped reads and rarer checkpoints for this SQLite connection
    (call again after reconnecting); returns the settings it replaced."""
    if connection.vendor != "sqlite":
        return {}
    before = {}
    with connection.cursor() as cur:
        for name, value in IMPORT_PRAGMAS.items():
            cur.execute(f"PRAGMA {name}")
            row = cur.fetchone()
            if row is not None:  # an in-memory database has no mmap_size
                before[name] = row[0]
                cur.execute(f"PRAGMA {name} = {value}")
    return before


def analyze(*tables: str | type[models.Model], added: int | None = None) -> None:
    """Refresh the planner's statistics of `tables` after a bulk load, on either database.

    Without them PostgreSQL plans for the table sizes it saw before (nested loops over a
    million rows; autovacuum may be off or late), and SQLite joins a table it has statistics
    for to one it has none for in the wrong order. `PRAGMA optimize` is not enough: it skips
    tables that were never analysed. Exact statistics (no `analysis_limit`): sampled ones
    misled SQLite's planner on the boards; a million-row table takes under a second.

    With `added` (rows the load added to each table), only the tables it grew by more than
    autovacuum's threshold (50 rows and a tenth of the rows their statistics counted) are
    analysed: a county's daily list barely moves a table of millions, whose sampling costs seconds.
    """
    names = [table_name(t) for t in tables]
    if added is not None:
        names = [n for n, counted in zip(names, _counted_rows(names), strict=True)
                 if counted is None or added > 50 + 0.1 * counted]
    if not names:
        return
    quoted = [connection.ops.quote_name(n) for n in names]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ANALYZE " + ", ".join(quoted))
            return
        for name in quoted:
            cur.execute(f"ANALYZE {name}")


def _counted_rows(names: list[str]) -> list[int | None]:
    """Rows of each table as its last statistics counted them; None where it has none."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # reltuples is -1 until a table's first ANALYZE (or VACUUM).
            cur.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r' "
                        "AND relnamespace = current_schema()::regnamespace", [names])
            counted = {name: n for name, n in cur.fetchall() if n >= 0}
        else:
            # sqlite_stat1 exists once anything was analysed; each row's stat starts with the rows.
            cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cur.fetchone() is None:
                return [None] * len(names)
            cur.execute("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
            counted = dict(cur.fetchall())
    return [counted.get(n) for n in names]


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent(parent_pid: int) -> None:
    """Make this (forked) helper process end when the process that started it dies, even by
    kill -9: on Linux the kernel sends it SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere, and if the
    parent is already gone, a thread watching the parent's pid ends it."""
    import ctypes
    import os
    import signal
    import sys
    import threading
    import time

    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    if os.getppid() != parent_pid:
        os._exit(1)  # it died before the signal was armed
    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
