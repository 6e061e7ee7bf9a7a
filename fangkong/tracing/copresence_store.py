"""Where co-presence records live: Parquet files beside the database, one folder per kind and day.

    FANGKONG_COPRESENCE_STORE/scans/day=2022-07-01/<batch>-<random>.parquet
    FANGKONG_COPRESENCE_STORE/locations/day=2022-07-01/…

A county's 21 days are 40 million rows that are written once, read whole by the co-presence
join and deleted by the day when they expire; none is ever changed or looked up one by one. In
SQL tables every row paid for a B-tree entry (≈ 1.5 µs on SQLite, 3 µs on PostgreSQL: the import
could not pass 200,000 rows a second); as files, an import writes at the speed it cleans, the
join reads only the window's days (DuckDB here, Spark from the same folders at city scale: the
layout is Hive's), and retention deletes whole days — nothing of an expired record stays behind
in a database's free pages. The day is the UTC date of the record's time (scan / entry time).

- `add` (an import's chunk) keeps only the rows not stored yet — the same record is the same
  time and digest `key` (of scan: venue code, phone; location: phone, cell, exit), in the
  chunk or in the files of its days — and writes one file per day: each written under a
  temporary name and renamed, so a reader never sees half a file.
- Readers take the store's lock shared, writers (`add`, `purge`, `compact`) exclusive (flock on
  `<kind>/.lock`: processes and threads alike), so the join never reads a day while a compaction
  swaps its files.
- Personal data: the folder belongs to the platform's user only (0700, files 0600), like the
  database; backups take it with VAR_DIR.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import shutil
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.conf import settings

DAY_PREFIX = "day="
COMPACT_FILES = 8  # a day with more files than this is rewritten as one by `compact`


def root() -> Path:
    return Path(settings.FANGKONG_COPRESENCE_STORE)


@dataclass(frozen=True)
class Store:
    """The files of one kind of record. `schema`: the stored columns (`batch_id`, `division_id`,
    the record's, `key`), times naive UTC; `time` the column that decides the day. A record is
    the same record as another when their time and `key` (a 64-bit digest of the rest of what
    identifies it) are equal."""

    kind: str
    schema: pa.Schema
    time: str

    @property
    def repeating(self) -> list[str]:
        """The columns worth a dictionary in the files (few distinct values: batch, division,
        venue, cell); phones, names and keys are nearly all different — a dictionary of them costs
        a quarter of the writing and saves nothing."""
        return [n for n in self.schema.names if n in ("batch_id", "division_id", "venue_code", "venue_name", "cell")]

    @property
    def folder(self) -> Path:
        return root() / self.kind

    # -- reading -------------------------------------------------------------------------------

    def days(self) -> list[tuple[dt.date, Path]]:
        if not self.folder.is_dir():
            return []
        out = []
        for entry in self.folder.iterdir():
            if entry.is_dir() and entry.name.startswith(DAY_PREFIX):
                try:
                    out.append((dt.date.fromisoformat(entry.name[len(DAY_PREFIX):]), entry))
                except ValueError:
                    continue  # not ours
        return sorted(out)

    def files(self, start: dt.datetime | None = None, end: dt.datetime | None = None) -> list[Path]:
        """The files of the days that can hold records timed in [start, end) (naive UTC)."""
        first = start.date() if start else dt.date.min
        last = (end - dt.timedelta(microseconds=1)).date() if end else dt.date.max
        return [f for day, folder in self.days() if first <= day <= last for f in sorted(folder.glob("*.parquet"))]

    def read(self, start: dt.datetime, end: dt.datetime, columns: Sequence[str] | None = None) -> pa.Table:
        """The records timed in [start, end) (naive UTC), as Arrow in the stored types."""
        columns = list(columns or self.schema.names)
        with self.locked(shared=True):
            files = self.files(start, end)
            if not files:
                return self.schema.empty_table().select(columns)
            with _duckdb() as con:
                names = ", ".join(f'"{c}"' for c in columns)
                table = con.sql(f"SELECT {names} FROM {_parquet(files)} WHERE \"{self.time}\" >= $start "
                                f"AND \"{self.time}\" < $end", params={"start": start, "end": end}).to_arrow_table()
                return table.cast(pa.schema([self.schema.field(c) for c in columns]))

    def count(self) -> int:
        """How many records are stored (from the files' footers, nothing read)."""
        with self.locked(shared=True):
            return _rows_in(self.files())

    # -- writing -------------------------------------------------------------------------------

    @contextmanager
    def locked(self, *, shared: bool = False) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(self.folder / ".lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def add(self, rows: pa.Table, *, label: str = "") -> int:
        """Store the rows (in `schema`) not stored yet; how many that was."""
        if not rows.num_rows:
            return 0
        rows = once(rows.select(self.schema.names).cast(self.schema), self.time)
        with self.locked():
            days = pc.unique(pc.cast(rows.column(self.time), pa.date32())).to_pylist()
            stored = [f for day in days for f in sorted((self.folder / f"{DAY_PREFIX}{day}").glob("*.parquet"))]
            if stored:
                rows = rows.filter(pc.invert(self._seen(rows, stored)))
            return self._write(rows, prefix=label)

    def _seen(self, rows: pa.Table, files: list[Path]) -> pa.Array:
        """Which rows the files hold already: a join whose hash table is the chunk, with only
        the time and key of the stored records streaming past it."""
        t = f'"{self.time}"'
        chunk = pa.table({"i": np.arange(rows.num_rows), "t": rows.column(self.time), "key": rows.column("key")})
        with _duckdb() as con:
            con.register("chunk", chunk)
            seen = con.execute(f"SELECT DISTINCT c.i FROM {_parquet(files)} s JOIN chunk c "
                               f"ON c.t = s.{t} AND c.key = s.key").fetchnumpy()["i"]
        mask = np.zeros(rows.num_rows, dtype=bool)
        mask[seen] = True
        return pa.array(mask)

    def _write(self, rows: pa.Table, *, prefix: str) -> int:
        """The rows, one new file per day, each written under a temporary name and moved into
        place; how many rows."""
        if not rows.num_rows:
            return 0
        days = pc.cast(rows.column(self.time), pa.date32())
        order = pc.sort_indices(days)  # by day only: a counting sort of small numbers, 30× cheaper
        rows, days = rows.take(order), days.take(order)
        values, counts = (pc.value_counts(days).field(n) for n in ("values", "counts"))  # in order: sorted
        starts = np.concatenate([[0], np.cumsum(counts.to_numpy())[:-1]])
        # The days' files written two at a time: Parquet's writer holds the GIL only briefly.
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda d: self._write_day(d[0], rows.slice(d[1], d[2]), prefix),
                          zip(values.to_pylist(), starts.tolist(), counts.to_pylist(), strict=True)))
        return rows.num_rows

    def _write_day(self, day: dt.date, rows: pa.Table, prefix: str) -> None:
        folder = self.folder / f"{DAY_PREFIX}{day}"
        folder.mkdir(exist_ok=True, mode=0o700)
        name = f"{prefix or 'part'}-{secrets.token_hex(6)}.parquet"
        temporary = folder / f".{name}"
        try:
            pq.write_table(rows, temporary, compression="snappy", use_dictionary=self.repeating)
            os.chmod(temporary, 0o600)
            os.replace(temporary, folder / name)
        finally:
            temporary.unlink(missing_ok=True)

    def purge(self, cutoff: dt.datetime) -> int:
        """Delete the records timed before `cutoff` (naive UTC): whole days, and the first day
        kept rewritten without its earlier rows. How many were deleted."""
        deleted = 0
        with self.locked():
            for day, folder in self.days():
                if day > cutoff.date():
                    break
                files = sorted(folder.glob("*.parquet"))
                if day < cutoff.date():
                    deleted += _rows_in(files)
                    shutil.rmtree(folder)
                    continue
                rows = _read(files)
                kept = rows.filter(pc.greater_equal(rows.column(self.time), pa.scalar(cutoff, pa.timestamp("us"))))
                if kept.num_rows < rows.num_rows:
                    self._replace(files, kept, prefix="kept")
                    deleted += rows.num_rows - kept.num_rows
        return deleted

    def compact(self, most: int = COMPACT_FILES) -> int:
        """Days of more than `most` files (many small imports) rewritten as one file each; how
        many days."""
        n = 0
        with self.locked():
            for _day, folder in self.days():
                files = sorted(folder.glob("*.parquet"))
                if len(files) > most:
                    self._replace(files, _read(files), prefix="all")
                    n += 1
        return n

    def _replace(self, files: list[Path], rows: pa.Table, *, prefix: str) -> None:
        """A day's files by the rows given (under the exclusive lock: no reader in between)."""
        self._write(rows.cast(self.schema), prefix=prefix)
        for f in files:
            f.unlink()
        folder = files[0].parent
        if not any(folder.glob("*.parquet")):
            folder.rmdir()


def _read(files: list[Path]) -> pa.Table:
    return pa.concat_tables([pq.read_table(f) for f in files])


def _rows_in(files: list[Path]) -> int:
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def once(rows: pa.Table, time: str) -> pa.Table:
    """The rows with each record (time, key) once, the first of its repeats kept."""
    t = pc.cast(rows.column(time), pa.int64()).to_numpy()
    k = rows.column("key").to_numpy()
    # One number per record, distinct when the records are: unless two coincide (a repeat, or
    # rarely a coincidence), no pair needs comparing. (A sort: numpy's `unique` is 30× slower.)
    mixed = np.sort(k ^ (t.view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)).view(np.int64))
    if not (mixed[1:] == mixed[:-1]).any():
        return rows
    order = np.lexsort((np.arange(len(t)), k, t))  # by record, then position
    first = np.ones(len(order), dtype=bool)
    first[1:] = (t[order][1:] != t[order][:-1]) | (k[order][1:] != k[order][:-1])
    return rows.take(np.sort(order[first]))


@contextmanager
def _duckdb() -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET preserve_insertion_order = false")
        yield con
    finally:
        con.close()


def _parquet(files: Sequence[Path]) -> str:
    """The files as a table (the folder names are not columns: the day is the time's)."""
    names = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
    return f"read_parquet([{names}], hive_partitioning = false)"
