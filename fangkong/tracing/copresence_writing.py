"""Writing cleaned co-presence records into the platform's database, set-based.

A chunk arrives as Arrow (columns `key`, `batch_id`, `division_id`, then the kind's stored
columns; times naive UTC on PostgreSQL, Django's text form on SQLite) in two steps: `stage` (outside
the chunk's transaction) and `insert` (inside it), which adds the rows whose record (time, key) is
not there yet and returns how many were new.

- PostgreSQL: the chunk goes through ADBC's binary COPY into an unlogged staging table, then one
  INSERT … SELECT of the rows not yet in the table (an anti-join under a lock that keeps two
  imports of one kind from racing; ON CONFLICT costs half as much again per row).
- SQLite: the chunk goes through ADBC into a scratch database file beside the platform's,
  attached to the platform's connection, then one INSERT OR IGNORE … SELECT — the rows never
  pass through Python objects. ADBC links its own copy of SQLite, which must never open the
  platform's file (`analytics.engine.use_adbc`: two copies in one process do not share POSIX
  locks); it opens only the scratch file, and it writes or closes that file only while the
  platform's connection holds no lock on it (between its statements, outside any transaction).
Both need a connection that is not inside a transaction block (staging is committed by another
connection, and SQLite cannot ATTACH within a transaction); inside one (a test case, a caller's
atomic block) the chunk is written through the platform's own connection: a CSV COPY into a
temporary table on PostgreSQL, an executemany on SQLite. Same rows, same counts, slower.
"""

from __future__ import annotations

import io
import itertools
import secrets
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import connection

from fangkong.analytics.engine import postgres_uri


def _names(stored: tuple[str, ...]) -> list[str]:
    return ["key", "batch_id", "division_id", *stored]


class Writer:
    """The slow, always-possible path through the platform's own connection."""

    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        self.table, self.names, self.times = table, _names(stored), times

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def stage(self, rows: pa.Table) -> None:
        self.rows = rows

    def insert(self) -> int:
        rows, self.rows = self.rows, None
        if not rows.num_rows:
            return 0
        if connection.vendor == "postgresql":
            return self._copy_csv(rows)
        return self._executemany(rows)

    def _copy_csv(self, rows: pa.Table) -> int:
        import pyarrow.csv as pcsv

        stage = f"fk_stage_{self.table}"
        # Naive UTC times are written with their zone, so the session's time zone never matters.
        for t in self.times:
            i = rows.column_names.index(t)
            rows = rows.set_column(i, t, rows.column(i).cast(pa.timestamp("us", tz="UTC")))
        buf = io.BytesIO()
        pcsv.write_csv(rows.select(self.names), buf, pcsv.WriteOptions(include_header=False))
        columns = ", ".join(self.names)
        with connection.cursor() as cur:
            cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS "
                        f"AS SELECT {columns} FROM {self.table} WITH NO DATA")
            cur.execute(f"TRUNCATE {stage}")
            with cur.cursor.copy(f"COPY {stage} ({columns}) FROM STDIN (FORMAT csv)") as copy:
                view = buf.getbuffer()
                for start in range(0, len(view), 8 << 20):
                    copy.write(view[start:start + (8 << 20)])
            cur.execute(f"INSERT INTO {self.table} ({columns}) SELECT {columns} FROM {stage} "
                        f"ON CONFLICT ({self.times[0]}, key) DO NOTHING")
            return cur.rowcount

    def _executemany(self, rows: pa.Table) -> int:
        columns: list[Any] = []
        for n in self.names:
            col = rows.column(n)
            if n in ("batch_id", "division_id"):  # one value for the chunk
                columns.append(itertools.repeat(col[0].as_py()))
            else:
                columns.append(col.to_pylist())
        connection.ensure_connection()
        raw = connection.connection  # sqlite3 itself: Django's wrapper would look at every row
        before = raw.total_changes
        raw.executemany(f"INSERT OR IGNORE INTO {self.table} ({', '.join(self.names)}) VALUES "
                        f"({', '.join(['?'] * len(self.names))})", zip(*columns))  # noqa: B905 — two are endless
        return raw.total_changes - before


class PostgresStage(Writer):
    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        super().__init__(table, stored, times)
        import adbc_driver_postgresql.dbapi as adbc

        self.staged = f"fk_stage_{table}_{secrets.token_hex(4)}"  # one per import: several may run
        with connection.cursor() as cur:
            cur.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {self.staged} "
                        f"AS SELECT {', '.join(self.names)} FROM {table} WITH NO DATA")
        self.adbc = adbc.connect(postgres_uri(connection.settings_dict))

    def stage(self, rows: pa.Table) -> None:
        rows = once(rows, self.times[0])
        for t in self.times:
            i = rows.column_names.index(t)
            rows = rows.set_column(i, t, rows.column(i).cast(pa.timestamp("us", tz="UTC")))
        with self.adbc.cursor() as cur:
            cur.execute(f"TRUNCATE {self.staged}")
            if rows.num_rows:
                cur.adbc_ingest(self.staged, rows.select(self.names), mode="append")
            cur.execute(f"ANALYZE {self.staged}")  # autovacuum may be off: the anti-join needs its size
        self.adbc.commit()

    def insert(self) -> int:
        columns = ", ".join(self.names)
        on = " AND ".join(f"t.{c} = s.{c}" for c in (self.times[0], "key"))
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
            cur.execute(f"INSERT INTO {self.table} ({columns}) SELECT {columns} "
                        f"FROM {self.staged} s WHERE NOT EXISTS "
                        f"(SELECT 1 FROM {self.table} t WHERE {on})")
            return cur.rowcount

    def close(self) -> None:
        self.adbc.close()
        with connection.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {self.staged}")


SQLITE_CACHE_KIB = 256 * 1024


class SqliteStage(Writer):
    ALIAS = "fk_stage"

    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        super().__init__(table, stored, times)
        import adbc_driver_sqlite.dbapi as adbc

        self.folder = Path(tempfile.mkdtemp(prefix="fk-stage-", dir=tmp_dir()))
        path = str(self.folder / "stage.sqlite3")
        self.adbc = adbc.connect(path, autocommit=True)
        with self.adbc.cursor() as cur:  # scratch: nothing to recover after a crash
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
        self.adbc.adbc_connection.set_options(**{"adbc.connection.autocommit": "false"})
        self.path, self.attached = path, False

    def stage(self, rows: pa.Table) -> None:
        with self.adbc.cursor() as cur:
            if self.attached:
                cur.execute("DELETE FROM chunk")
            cur.adbc_ingest("chunk", rows.select(self.names), mode="append" if self.attached else "create")
        self.adbc.adbc_connection.commit()  # the DB-API wrapper still believes it autocommits
        if not self.attached:
            # Attached once the table exists: a connection does not see tables another one
            # creates in a database it has attached already.
            connection.ensure_connection()
            raw = connection.connection
            raw.execute(f"ATTACH DATABASE ? AS {self.ALIAS}", (self.path,))
            self.attached = True
            # A chunk's rows land all over the table's index (a county's file is not in time
            # order): SQLite's 2 MB page cache would read most pages back from disk again.
            self.cache = raw.execute("PRAGMA main.cache_size").fetchone()[0]
            raw.execute(f"PRAGMA main.cache_size = {-SQLITE_CACHE_KIB}")

    def insert(self) -> int:
        raw = connection.connection
        before = raw.total_changes
        columns = ", ".join(self.names)
        raw.execute(f"INSERT OR IGNORE INTO {self.table} ({columns}) SELECT {columns} FROM {self.ALIAS}.chunk")
        return raw.total_changes - before

    def close(self) -> None:
        try:
            self.adbc.close()
            if self.attached and connection.connection is not None:
                connection.connection.execute(f"DETACH DATABASE {self.ALIAS}")
                connection.connection.execute(f"PRAGMA main.cache_size = {int(self.cache)}")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def once(rows: pa.Table, time: str) -> pa.Table:
    """The rows without a record given twice: they come ordered by (time, key), so a repeat
    follows its first."""
    if rows.num_rows < 2:
        return rows
    t, k = rows.column(time), rows.column("key")
    repeat = pc.and_(pc.equal(t.slice(1), t.slice(0, rows.num_rows - 1)),
                     pc.equal(k.slice(1), k.slice(0, rows.num_rows - 1)))
    if not pc.any(repeat).as_py():
        return rows
    return rows.filter(pa.concat_arrays([pa.array([True]), pc.invert(repeat).combine_chunks()]))


def tmp_dir() -> str:
    path = Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def writer(table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> Writer:
    """The fastest writer this connection allows (see the module docstring)."""
    if connection.in_atomic_block:
        return Writer(table, stored, times)
    if connection.vendor == "postgresql":
        return PostgresStage(table, stored, times)
    return SqliteStage(table, stored, times)
