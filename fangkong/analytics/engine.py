"""The analytics engine: DuckDB (through Ibis) fed straight from the platform's database.

`feed` runs dialect-neutral SELECTs on the source database and hands the result to DuckDB as
Arrow — on PostgreSQL through ADBC (adbc-driver-postgresql) on a separate connection, on
SQLite (see `use_adbc`) and inside an open transaction (tests, or a job that must see its own
uncommitted writes) through Django's own connection. (Co-presence records, tens of millions,
are not in the database: `tracing.copresence_store` hands them over as Arrow.)
Jobs are Ibis expressions over the fed tables, so the same
job runs on Apache Spark by connecting Ibis to `ibis.pyspark` and feeding the same tables.
`land` writes result rows back into the database (roll-up tables) in one set-based statement.

Which engine runs the jobs is a setting: `FANGKONG_ANALYTICS=duckdb` (default, in this process)
or `spark` (`analytics.spark`: PySpark local or a cluster). `connect` opens the configured one;
`put`, `materialise` and `release` are the only places the two differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import ibis
import pyarrow as pa
from django.conf import settings
from django.db import connection

from fangkong.core.bulk import datetime_adapter, db_value, insert_rows

DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)


def configured() -> str:
    """The engine the settings name (FANGKONG_ANALYTICS)."""
    return settings.FANGKONG_ANALYTICS


def connect(threads: int | None = None, *, kind: str | None = None) -> ibis.BaseBackend:
    """The analytics engine through Ibis: an in-memory DuckDB, clock in UTC like the database,
    or (`kind="spark"`, or FANGKONG_ANALYTICS=spark) a session of the process's Spark."""
    kind = kind or configured()
    if kind == SPARK:
        from . import spark

        return spark.connect()
    if kind != DUCKDB:
        raise ValueError(f"FANGKONG_ANALYTICS 应为 duckdb 或 spark，而不是 {kind!r}")
    con = ibis.duckdb.connect()
    con.raw_sql("SET TimeZone = 'UTC'")
    if threads:
        con.raw_sql(f"SET threads = {int(threads)}")
    return con


def is_spark(con: ibis.BaseBackend) -> bool:
    return con.name == "pyspark"


def kind_of(con: ibis.BaseBackend | None) -> str:
    """The engine a job runs on: the caller's connection's, else the configured one."""
    if con is None:
        return configured()
    return SPARK if is_spark(con) else DUCKDB


def put(con: ibis.BaseBackend, name: str, table: pa.Table) -> ibis.Table:
    """An Arrow table as a table of the job (DuckDB: temporary table; Spark: temporary view)."""
    if is_spark(con):
        from . import spark

        return spark.put(con, name, table)
    return con.create_table(name, obj=table, temp=True, overwrite=True)


def materialise(con: ibis.BaseBackend, name: str, expr: ibis.Table) -> ibis.Table:
    """An intermediate result computed once, for the job's next steps to read."""
    if is_spark(con):
        from . import spark

        return spark.materialise(con, name, expr)
    return con.create_table(name, expr, temp=True, overwrite=True)


def release(con: ibis.BaseBackend) -> None:
    """Free what a job left in the engine (the Spark session itself stays for the next job)."""
    if is_spark(con):
        from . import spark

        spark.release(con)
    else:
        con.disconnect()


def to_arrow(con: ibis.BaseBackend, expr: ibis.Table) -> pa.Table:
    """A result as Arrow in the expression's own types, whichever engine ran it (Spark straight
    to Arrow, not through pandas as Ibis does)."""
    if is_spark(con):
        from . import spark

        return spark.to_arrow(con, expr)
    return con.to_pyarrow(expr)


@contextmanager
def opened(con: ibis.BaseBackend | None = None) -> Iterator[ibis.BaseBackend]:
    """The caller's engine, or one opened for this job and released after it."""
    if con is not None:
        yield con
        return
    con = connect()
    try:
        yield con
    finally:
        release(con)


def _adbc_connection():
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc

        return adbc.connect(str(settings["NAME"]))
    if connection.vendor == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc

        return adbc.connect(postgres_uri(settings))
    raise NotImplementedError(f"no ADBC driver for {connection.vendor}")


def postgres_uri(db: dict) -> str:
    """A libpq URI of Django's database settings (user and password quoted, a socket directory as host)."""
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "localhost"
    if host.startswith("/"):  # a socket directory
        return f"postgresql://{auth}/{quote(db['NAME'], safe='')}?host={quote(host)}" + (f"&port={db['PORT']}" if db.get("PORT") else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{host}{port}/{quote(db['NAME'], safe='')}"


def use_adbc() -> bool:
    """ADBC (PostgreSQL) sees only committed rows on its own connection: used outside transactions.

    Never on SQLite: the ADBC driver links its own copy of SQLite, and two copies of SQLite in one
    process do not share their file locks or WAL index (sqlite.org/howtocorrupt.html §2.2.1) — the
    driver read a stale database, without the rows this process had just committed (the demo's
    co-presence run found none of the records imported a moment before), and closing its file
    could drop the platform's own locks. SQLite is read through Django's connection instead."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


ARROW_TYPES = {"int64": pa.int64(), "string": pa.string(), "date": pa.date32(), "timestamp": pa.timestamp("us"),
               "boolean": pa.bool_(), "float64": pa.float64()}


def typed(table: pa.Table, schema: dict[str, str] | None) -> pa.Table:
    """Give every declared column its declared type when the source could not tell it.

    A column with no value at all (an empty result, or all NULL) carries no type of its own:
    Django's cursor hands it over as Arrow's null type, ADBC's SQLite driver as int64 — and
    `reason = 'bedridden'` on an int64 column stops the job (a county without exemptions).
    Such columns, and declared columns missing from the result, become typed nulls. Columns
    with values stay as read (SQLite hands dates over as text; the jobs cast them).
    """
    if not schema:
        return table
    for name, type_name in schema.items():
        want = ARROW_TYPES[type_name]
        if name not in table.column_names:
            table = table.append_column(pa.field(name, want), pa.nulls(table.num_rows, want))
            continue
        i = table.column_names.index(name)
        column = table.column(i)
        if column.type != want and column.null_count == len(column):
            table = table.set_column(i, pa.field(name, want), pa.nulls(table.num_rows, want))
    return table


def read_adbc(conn: Any, queries: dict[str, str], schemas: dict[str, dict[str, str]] | None = None,
              ) -> dict[str, pa.Table]:
    """Run SELECTs on an ADBC connection; each result as an Arrow table of the declared schema."""
    schemas = schemas or {}
    out: dict[str, pa.Table] = {}
    with conn.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql)
            out[name] = typed(cur.fetch_arrow_table(), schemas.get(name))
    return out


def fetch_arrow(queries: dict[str, str], schemas: dict[str, dict[str, str]] | None = None) -> dict[str, pa.Table]:
    """Run SELECTs on the platform database; each result as an Arrow table."""
    schemas = schemas or {}
    if use_adbc():
        with _adbc_connection() as conn:
            return read_adbc(conn, queries, schemas)
    out: dict[str, pa.Table] = {}
    with connection.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql)
            cols = [c[0] for c in cur.description]
            # Column by column, a batch of rows at a time: transposing every row at once
            # (zip(*rows)) cost more than the fetch itself and held all the rows twice.
            values: list[list] = [[] for _ in cols]
            while rows := cur.fetchmany(FETCH_ROWS):
                for i, column in enumerate(values):
                    column.extend([r[i] for r in rows])
            table = pa.table({c: pa.array(values[i]) for i, c in enumerate(cols)})
            out[name] = typed(table, schemas.get(name))
    return out


FETCH_ROWS = 100_000


def scratch_dir() -> str:
    """Where scratch files go (VAR_DIR/tmp): beside the database, not in a small /tmp."""
    path = Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def feed(con: ibis.BaseBackend, queries: dict[str, str], schemas: dict[str, dict[str, str]] | None = None,
         ) -> dict[str, ibis.Table]:
    """Source SELECTs → Arrow → the engine's tables (DuckDB or Spark), returned as Ibis tables."""
    return {name: put(con, name, table) for name, table in fetch_arrow(queries, schemas).items()}


def land(table: str, columns: Sequence[str], data: pa.Table, *, delete_where: str = "",
         constants: dict[str, Any] | None = None) -> int:
    """Replace rows of `table` (those matching `delete_where`) with `data` in one transaction.

    `constants` are the same for every row (e.g. round_id, computed_at). PostgreSQL gets COPY,
    SQLite a prepared executemany — both set-based, no per-row ORM objects.
    """
    from django.db import transaction

    constants = constants or {}
    cols = [*columns, *constants]
    arrays = [data.column(c).to_pylist() for c in columns]
    adapt = datetime_adapter()  # SQLite stores datetimes as Django's text form
    arrays = [[adapt(v) for v in a] if pa.types.is_timestamp(data.schema.field(c).type) else a
              for a, c in zip(arrays, columns, strict=True)]
    consts = tuple(db_value(c) for c in constants.values())
    with transaction.atomic():
        if delete_where:
            with connection.cursor() as cur:
                cur.execute(f"DELETE FROM {table} WHERE {delete_where}")
        if not data.num_rows:
            return 0
        insert_rows(table, cols, [tuple(a[i] for a in arrays) + consts for i in range(data.num_rows)])
    return data.num_rows


def local_midnight(day: dt.date) -> dt.datetime:
    """00:00 of `day` where the county is (TIME_ZONE), as a naive UTC datetime: the bound of a local
    day or week for the stored (UTC) timestamps a job's SELECT filters on."""
    return dt.datetime.combine(day, dt.time(), ZoneInfo(settings.TIME_ZONE)).astimezone(dt.UTC).replace(tzinfo=None)


def timestamp_literal(value: dt.datetime) -> str:
    """A naive UTC datetime as a literal the platform's database compares with its stored values."""
    if connection.vendor == "postgresql":
        return f"'{value:%Y-%m-%d %H:%M:%S}+00:00'"
    return f"'{value:%Y-%m-%d %H:%M:%S}'"  # SQLite: Django's text form, compared as text
