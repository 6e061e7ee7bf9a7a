"""Writing cleaned co-presence records into the platform's database, set-based.

A chunk arrives as Arrow (columns `key`, `batch_id`, `division_id`, then the kind's stored
columns; times naive UTC on PostgreSQL, Django's text form on SQLite) in two steps: `stage` (outside
the chunk's transaction, and in the thread that reads and cleans the chunks, so staging the next
chunk overlaps inserting this one) returns a token, and `insert(token)` (inside the transaction, in
the thread of Django's connection) adds the rows whose record (time, key) is not there yet and
returns how many were new. The staged writers keep two staging buffers: a chunk is staged into a
buffer only once the insert of the chunk staged there before has finished.

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
import queue
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from fangkong.analytics.engine import postgres_uri, scratch_dir


def _names(stored: tuple[str, ...]) -> list[str]:
    return ["key", "batch_id", "division_id", *stored]


class Writer:
    """The slow, always-possible path through the platform's own connection: `stage` only hands
    the rows on (it may run in another thread; Django's connection is the inserting thread's)."""

    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        self.table, self.names, self.times = table, _names(stored), times

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    def abandon(self) -> None:
        """Wake a `stage` waiting for a buffer: the import is stopping."""

    def stage(self, rows: pa.Table) -> Any:
        return rows

    @contextmanager
    def using(self, token: Any) -> Iterator[None]:
        """Around the transaction that inserts a staged chunk (SQLite attaches its buffer)."""
        yield

    def insert(self, rows: pa.Table) -> int:
        if not rows.num_rows:
            return 0
        if connection.vendor == "postgresql":
            return self._copy_csv(rows)
        return self._executemany(rows)

    def _copy_csv(self, rows: pa.Table) -> int:
        import pyarrow.csv as pcsv

        stage = f"fk_stage_{self.table}"
        # Naive UTC times are written with their zone, so the session's time zone never matters.
        rows = _with_zone(rows, self.times)
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


class Buffers:
    """Two staging buffers handed back and forth: `take` (the staging thread) waits until the
    insert from the buffer has finished and `give` returned it."""

    def __init__(self, names: list[str]) -> None:
        self.free: queue.Queue = queue.Queue()
        for name in names:
            self.free.put(name)

    def take(self) -> str:
        name = self.free.get()
        if name is None:
            self.free.put(None)  # for any other waiter
            raise RuntimeError("import stopped")
        return name

    def give(self, name: str) -> None:
        self.free.put(name)

    def stop(self) -> None:
        self.free.put(None)


class PostgresStage(Writer):
    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        super().__init__(table, stored, times)
        import adbc_driver_postgresql.dbapi as adbc

        mark = secrets.token_hex(4)  # one pair per import: several may run
        self.staged = [f"fk_stage_{table}_{mark}_{i}" for i in (0, 1)]
        with connection.cursor() as cur:
            for name in self.staged:
                cur.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {name} "
                            f"AS SELECT {', '.join(self.names)} FROM {table} WITH NO DATA")
        self.buffers = Buffers(self.staged)
        self.adbc = adbc.connect(postgres_uri(connection.settings_dict))

    def abandon(self) -> None:
        self.buffers.stop()

    def stage(self, rows: pa.Table) -> str:
        rows = _with_zone(once(rows, self.times[0]), self.times)
        name = self.buffers.take()
        with self.adbc.cursor() as cur:
            cur.execute(f"TRUNCATE {name}")
            if rows.num_rows:
                cur.adbc_ingest(name, rows.select(self.names), mode="append")
            cur.execute(f"ANALYZE {name}")  # autovacuum may be off: the anti-join needs its size
        self.adbc.commit()
        return name

    @contextmanager
    def using(self, name: str) -> Iterator[None]:
        try:
            yield
        finally:
            self.buffers.give(name)

    def insert(self, name: str) -> int:
        columns = ", ".join(self.names)
        on = " AND ".join(f"t.{c} = s.{c}" for c in (self.times[0], "key"))
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {self.table} IN SHARE ROW EXCLUSIVE MODE")
            cur.execute(f"INSERT INTO {self.table} ({columns}) SELECT {columns} "
                        f"FROM {name} s WHERE NOT EXISTS "
                        f"(SELECT 1 FROM {self.table} t WHERE {on})")
            return cur.rowcount

    def close(self) -> None:
        self.adbc.close()
        with connection.cursor() as cur:
            for name in self.staged:
                cur.execute(f"DROP TABLE IF EXISTS {name}")


SQLITE_CACHE_KIB = 256 * 1024


class SqliteStage(Writer):
    """Two scratch files; the one holding the chunk being inserted is attached to Django's
    connection (as `fk_stage_0` or `fk_stage_1`) for that chunk only, so the platform's
    connection never reads, nor even opens a transaction on, a file ADBC is writing."""

    def __init__(self, table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> None:
        super().__init__(table, stored, times)
        import adbc_driver_sqlite.dbapi as adbc

        self.folder = Path(tempfile.mkdtemp(prefix="fk-stage-", dir=tmp_dir()))
        self.paths = {f"fk_stage_{i}": str(self.folder / f"stage{i}.sqlite3") for i in (0, 1)}
        self.adbc = {}
        for alias, path in self.paths.items():
            con = self.adbc[alias] = adbc.connect(path, autocommit=True)
            with con.cursor() as cur:  # scratch: nothing to recover after a crash
                cur.execute("PRAGMA journal_mode=OFF")
                cur.execute("PRAGMA synchronous=OFF")
            con.adbc_connection.set_options(**{"adbc.connection.autocommit": "false"})
        self.created: set[str] = set()  # buffers whose table `chunk` exists
        self.attached: str | None = None
        self.buffers = Buffers(list(self.paths))
        self.cache: int | None = None

    def abandon(self) -> None:
        self.buffers.stop()

    def stage(self, rows: pa.Table) -> str:
        alias = self.buffers.take()
        con = self.adbc[alias]
        with con.cursor() as cur:
            if alias in self.created:
                cur.execute("DELETE FROM chunk")
            cur.adbc_ingest("chunk", rows.select(self.names), mode="append" if alias in self.created else "create")
        con.adbc_connection.commit()  # the DB-API wrapper still believes it autocommits
        self.created.add(alias)
        return alias

    @contextmanager
    def using(self, alias: str) -> Iterator[None]:
        """The buffer attached around the chunk's transaction (SQLite cannot ATTACH within one),
        and handed back to the staging thread once detached."""
        try:
            connection.ensure_connection()
            raw = connection.connection
            raw.execute(f"ATTACH DATABASE ? AS {alias}", (self.paths[alias],))
            self.attached = alias
            self._large_cache(raw)
            yield
            raw.execute(f"DETACH DATABASE {alias}")
            self.attached = None
        finally:
            if self.attached is None:
                self.buffers.give(alias)

    def _large_cache(self, raw: Any) -> None:
        if self.cache is None:
            # A chunk's rows land all over the table's index (a county's file is not in time
            # order): SQLite's 2 MB page cache would read most pages back from disk again.
            self.cache = raw.execute("PRAGMA main.cache_size").fetchone()[0]
            raw.execute(f"PRAGMA main.cache_size = {-SQLITE_CACHE_KIB}")

    def insert(self, alias: str) -> int:
        raw = connection.connection
        before = raw.total_changes
        columns = ", ".join(self.names)
        raw.execute(f"INSERT OR IGNORE INTO {self.table} ({columns}) SELECT {columns} FROM {alias}.chunk")
        return raw.total_changes - before

    def close(self) -> None:
        try:
            if connection.connection is not None:
                if self.attached is not None:  # an insert failed: its transaction is over by now
                    connection.connection.execute(f"DETACH DATABASE {self.attached}")
                if self.cache is not None:
                    connection.connection.execute(f"PRAGMA main.cache_size = {int(self.cache)}")
            for con in self.adbc.values():  # once no file is attached
                con.close()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _with_zone(rows: pa.Table, times: tuple[str, ...]) -> pa.Table:
    for t in times:
        i = rows.column_names.index(t)
        rows = rows.set_column(i, t, rows.column(i).cast(pa.timestamp("us", tz="UTC")))
    return rows


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
    return scratch_dir()


def writer(table: str, stored: tuple[str, ...], times: tuple[str, ...]) -> Writer:
    """The fastest writer this connection allows (see the module docstring)."""
    if connection.in_atomic_block:
        return Writer(table, stored, times)
    if connection.vendor == "postgresql":
        return PostgresStage(table, stored, times)
    return SqliteStage(table, stored, times)
