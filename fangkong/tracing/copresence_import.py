"""Bulk import of venue scans (场所码) and location records for co-presence:
`fangkong import-scans FILE [--json]`, `fangkong import-locations FILE [--json]`, the API and
the upload form, all through the platform's one batch lifecycle (`core.imports`).

Streamed, never row by row in Python: chunks of a million rows are read as Arrow text
(`copresence_reading`), cleaned and checked in one DuckDB statement each (phones normalised:
+86 / 0086, spaces, dashes, full-width digits; times in the county's local time, in the forms
people write, stored in UTC to the second), and written set-based — PostgreSQL: binary-free
CSV COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING; SQLite: one
executemany of INSERT OR IGNORE. Each record's `key` is a 64-bit digest of what makes it the
same record (scan: venue code, phone, time; location: phone, cell, entry, exit), unique in the
table, so a row already imported — from this file or an earlier one — is a duplicate and
importing a file again adds nothing. Bad rows are rejected with the row number the user sees
and Chinese reasons; the batch is audited once, not per row.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, AuditSource, BatchStatus
from fangkong.core.imports import (
    MAX_STORED_ERRORS,
    Column,
    ImportKind,
    bad_row,
    do_create_batch,
    execute_batch,
    mark_running,
    register_kind,
)
from fangkong.core.models import Batch

from .copresence_choices import COPRESENCE_RUNNERS, LOCATION_BATCH_KIND, SCAN_BATCH_KIND
from .copresence_reading import read_chunks
from .models import LocationRecord, ScanRecord

PHONE_ALIASES = ("手机号码", "手机", "联系电话", "电话", "电话号码", "phone")
SCAN_COLUMNS = [
    Column("venue_code", "场所码编号", ("场所码", "场所编号", "场所编码", "场所码编码", "场所ID", "venue_code"), required=True),
    Column("venue_name", "场所名称", ("场所", "地点名称", "venue_name")),
    Column("name", "姓名", ("人员姓名", "扫码人姓名", "name")),
    Column("id_number", "证件号码", ("身份证号", "身份证号码", "证件号", "id_number")),
    Column("phone", "手机号", PHONE_ALIASES, required=True),
    Column("scanned_at", "扫码时间", ("扫码日期", "扫码日期时间", "时间", "scanned_at"), required=True),
]
LOCATION_COLUMNS = [
    Column("phone", "手机号", PHONE_ALIASES, required=True),
    Column("cell", "网格编号", ("网格", "网格编码", "栅格编号", "基站编号", "基站小区", "小区编号", "位置编号", "cell",
                              "cell_id"), required=True),
    Column("entered_at", "进入时间", ("到达时间", "开始时间", "entered_at"), required=True),
    Column("left_at", "离开时间", ("结束时间", "left_at"), required=True),
]
TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S.%f", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
                "%Y.%m.%d %H:%M:%S", "%Y.%m.%d %H:%M", "%Y%m%d%H%M%S", "%Y%m%d %H:%M:%S",
                "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日%H:%M:%S", "%Y年%m月%d日%H:%M",
                "%Y年%m月%d日%H时%M分%S秒", "%Y年%m月%d日%H时%M分", "%Y-%m-%d"]
LIMITS = {"venue_code": 64, "venue_name": 100, "name": 40, "id_number": 32, "cell": 64}


def _sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


FULL_WIDTH, HALF_WIDTH = "０１２３４５６７８９＋－（）：／　", "0123456789+-():/ "


def _fold(col: str) -> str:
    """Full-width digits and signs folded to ASCII; ASCII text (nearly all) passes untouched, as
    `translate` over multi-byte characters costs more than the rest of the cleaning."""
    return f"CASE WHEN strlen({col}) = length({col}) THEN {col} ELSE translate({col}, '{FULL_WIDTH}', '{HALF_WIDTH}') END"


def phone_sql(col: str) -> str:
    """The phone normalised as `core.identity.clean_phone` does (NULL stays NULL): spaces, dashes
    and brackets out, a spreadsheet's ".0" and a leading "+" off, 86 / 0086 before 11 digits off."""
    bare = rf"regexp_replace(regexp_replace({_fold(col)}, '[\s\-()]', '', 'g'), '(\.0+)$|^\+', '', 'g')"
    return rf"regexp_replace({bare}, '^(?:0086|86)([0-9]{{11}})$', '\1')"


def _time(col: str) -> str:
    return f"try_strptime({_fold(col)}, {_sql_list(TIME_FORMATS)})"


def _utc(col: str) -> str:
    """A local wall-clock time → naive UTC (to the second)."""
    tz = settings.TIME_ZONE.replace("'", "")
    return f"date_trunc('second', timezone('UTC', timezone('{tz}', {col})))"


@dataclass(frozen=True)
class RecordKind:
    """What differs between the two kinds of record."""

    name: str
    batch_kind: str
    label: str
    model: type
    columns: list[Column]
    times: tuple[str, ...]
    key_of: tuple[str, ...]
    verb: str

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def stored(self) -> tuple[str, ...]:
        """The table's columns that an import writes (after key, batch_id, division_id)."""
        return tuple(c.key for c in self.columns)


SCANS = RecordKind("scans", SCAN_BATCH_KIND, "场所码扫码记录", ScanRecord, SCAN_COLUMNS, ("scanned_at",),
                   ("venue_code", "phone", "scanned_at"), "import_scans")
LOCATIONS = RecordKind("locations", LOCATION_BATCH_KIND, "位置记录", LocationRecord, LOCATION_COLUMNS,
                       ("entered_at", "left_at"), ("phone", "cell", "entered_at", "left_at"), "import_locations")


def cleaning_sql(kind: RecordKind) -> str:
    """One statement over the chunk `raw`: every column cleaned, `reasons` listing what is wrong."""
    selects, checks = ["_row"], []
    for c in kind.columns:
        raw = f"nullif(trim(\"{c.key}\"), '')"
        written = f"nullif(trim(\"raw_{c.key}\"), '')"  # in the outer query: the text as written
        if c.key == "phone":
            selects.append(f"{phone_sql(raw)} AS phone")
            checks.append(f"CASE WHEN {written} IS NOT NULL AND NOT regexp_full_match(phone, '1[3-9][0-9]{{9}}|0[0-9]{{9,11}}') "
                          f"THEN '手机号“' || {written} || '”格式不正确，应为11位手机号或带区号的固定电话' END")
        elif c.key in kind.times:
            selects.append(f"{_time(raw)} AS \"{c.key}\"")
            checks.append(f"CASE WHEN {written} IS NOT NULL AND \"{c.key}\" IS NULL "
                          f"THEN '{c.label}“' || {written} || '”无法识别，应为“2022-07-01 08:30:00”这样的时间' END")
        elif c.key == "id_number":
            selects.append(f"upper(replace({raw}, ' ', '')) AS id_number")
        else:
            selects.append(f"{raw} AS \"{c.key}\"")
        if c.required:
            checks.append(f"CASE WHEN {written} IS NULL THEN '{c.label}为空' END")
        if c.key in LIMITS:
            checks.append(f"CASE WHEN length({written}) > {LIMITS[c.key]} THEN '{c.label}过长（最多{LIMITS[c.key]}个字）' END")
    if kind is LOCATIONS:
        checks.append("CASE WHEN left_at < entered_at THEN '离开时间早于进入时间' END")
    raw_cols = ", ".join(f"\"{c.key}\" AS \"raw_{c.key}\"" for c in kind.columns)
    return (f"SELECT *, list_filter([{', '.join(checks)}], lambda x: x IS NOT NULL) AS reasons "
            f"FROM (SELECT {', '.join(selects)}, {raw_cols} FROM raw)")


def _key_sql(kind: RecordKind) -> str:
    parts = ", ".join(f"CAST(\"{k}\" AS VARCHAR)" for k in kind.key_of)
    return (f"CAST(CAST(CAST('0x' || substr(md5(concat_ws(chr(31), {parts})), 1, 16) AS UBIGINT) AS HUGEINT)"
            " - 9223372036854775808 AS BIGINT)")


def good_sql(kind: RecordKind, batch: Batch) -> str:
    """The chunk's good rows in the table's column order, times in UTC, text never NULL."""
    replaced = ", ".join(_utc(c.key) + f' AS "{c.key}"' if c.key in kind.times
                         else f"coalesce(\"{c.key}\", '') AS \"{c.key}\"" for c in kind.columns)
    names = ", ".join(f'"{c.key}"' for c in kind.columns)
    return (f"SELECT {_key_sql(kind)} AS key, {int(batch.pk)} AS batch_id, {int(batch.division_id)} AS division_id, "
            f"{names} FROM (SELECT * REPLACE ({replaced}) FROM cleaned WHERE len(reasons) = 0) "
            f"ORDER BY \"{kind.times[0]}\", key")  # in index order: the inserts append


def _write_postgresql(kind: RecordKind, rows: pa.Table) -> int:
    import pyarrow.csv as pcsv

    names = ["key", "batch_id", "division_id", *kind.stored]
    stage = f"fk_stage_{kind.name}"
    types = {"key": "bigint", "batch_id": "bigint", "division_id": "bigint"}
    types.update({c: ("timestamptz" if c in kind.times else "text") for c in kind.stored})
    # Naive UTC times are written with their zone, so the session's time zone never matters.
    for t in kind.times:
        i = rows.column_names.index(t)
        rows = rows.set_column(i, t, rows.column(i).cast(pa.timestamp("us", tz="UTC")))
    buf = io.BytesIO()
    pcsv.write_csv(rows.select(names), buf, pcsv.WriteOptions(include_header=False))
    with connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ("
                    + ", ".join(f"{n} {types[n]}" for n in names) + ") ON COMMIT DELETE ROWS")
        cur.execute(f"TRUNCATE {stage}")
        with cur.cursor.copy(f"COPY {stage} ({', '.join(names)}) FROM STDIN (FORMAT csv)") as copy:
            view = buf.getbuffer()
            for start in range(0, len(view), 8 << 20):
                copy.write(view[start:start + (8 << 20)])
        cur.execute(f"INSERT INTO {kind.table} ({', '.join(names)}) SELECT {', '.join(names)} FROM {stage} "
                    f"ON CONFLICT ({kind.times[0]}, key) DO NOTHING")
        return cur.rowcount


def _write_sqlite(kind: RecordKind, rows: pa.Table, batch: Batch) -> int:
    import itertools

    import pyarrow.compute as pc

    names = ["key", "batch_id", "division_id", *kind.stored]
    columns: list[Any] = []
    for n in names:
        if n == "batch_id":
            columns.append(itertools.repeat(batch.pk))
        elif n == "division_id":
            columns.append(itertools.repeat(batch.division_id))
        elif n in kind.times:  # Django's SQLite form of a UTC datetime
            columns.append(pc.strftime(rows.column(n).cast(pa.timestamp("s")), format="%Y-%m-%d %H:%M:%S").to_pylist())
        else:
            columns.append(rows.column(n).to_pylist())
    connection.ensure_connection()
    raw = connection.connection  # sqlite3 itself: Django's wrapper would look at every row
    before = raw.total_changes
    raw.executemany(f"INSERT OR IGNORE INTO {kind.table} ({', '.join(names)}) VALUES "
                    f"({', '.join(['?'] * len(names))})", zip(*columns))  # noqa: B905 — two are endless
    return raw.total_changes - before


def write_rows(kind: RecordKind, rows: pa.Table, batch: Batch) -> int:
    """Insert the good rows; returns how many were new (the rest were already there)."""
    if not rows.num_rows:
        return 0
    if connection.vendor == "postgresql":
        return _write_postgresql(kind, rows)
    return _write_sqlite(kind, rows, batch)


def _errors_of(bad: pa.Table, kind: RecordKind) -> list[dict[str, Any]]:
    out = []
    raws = [f"raw_{c.key}" for c in kind.columns]
    for row in bad.select(["_row", "reasons", *raws]).to_pylist():
        out.append(bad_row(row["_row"], row["reasons"], {c.key: row[f"raw_{c.key}"] for c in kind.columns}))
    return out


def run_records(batch: Batch, path: Path, kind: RecordKind) -> Batch:
    """Import the file at `path` into `batch` (pending): chunk by chunk, one transaction each."""
    mark_running(batch)
    errors: list[dict[str, Any]] = []
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    try:
        with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
            for chunk in read_chunks(path, kind.columns):
                con.register("raw", chunk)
                cleaned = con.sql(cleaning_sql(kind)).to_arrow_table()
                con.unregister("raw")
                con.register("cleaned", cleaned)
                good = con.sql(good_sql(kind, batch)).to_arrow_table()
                bad = con.sql("SELECT * FROM cleaned WHERE len(reasons) > 0 ORDER BY _row").to_arrow_table()
                con.unregister("cleaned")
                with transaction.atomic():
                    new = write_rows(kind, good, batch)
                batch.rows += chunk.num_rows
                batch.processed += chunk.num_rows
                batch.imported += new
                batch.duplicates += good.num_rows - new
                batch.rejected += bad.num_rows
                if bad.num_rows and len(errors) < MAX_STORED_ERRORS:
                    errors.extend(_errors_of(bad.slice(0, MAX_STORED_ERRORS - len(errors)), kind))
                Batch.objects.filter(pk=batch.pk).update(
                    rows=batch.rows, processed=batch.processed, imported=batch.imported, duplicates=batch.duplicates,
                    rejected=batch.rejected, heartbeat_at=timezone.now())
    finally:
        con.close()
    batch.errors, batch.status, batch.finished_at = errors, BatchStatus.DONE, timezone.now()
    if batch.rejected > len(errors):
        batch.message = f"错误行过多，仅保存前{MAX_STORED_ERRORS}条。"
    batch.save()
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
        audit.record(AuditAction.IMPORT, batch, verb=kind.verb, changes={
            "rows": batch.rows, "new": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected})
    return batch


def _runner(kind: RecordKind):
    def run(batch: Batch, data: bytes | None = None) -> Batch:
        """A batch from a form or the API: the stored file (or the bytes given) through a temporary file."""
        if data is None:
            with batch.file.open("rb") as fh:
                data = fh.read()
        suffix = Path(batch.file_name or "upload.csv").suffix or ".csv"
        with tempfile.NamedTemporaryFile(suffix=suffix, dir=_tmp_dir()) as fh:
            fh.write(data)
            fh.flush()
            return run_records(batch, Path(fh.name), kind)

    return run


def _tmp_dir() -> str:
    path = Path(settings.VAR_DIR) / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def import_path(kind: RecordKind, path: Path, *, user: Any = None) -> Batch:
    """The command line's route: the file read where it lies (not copied, however large)."""
    batch = do_create_batch(kind=kind.batch_kind, file_name=path.name, content=path, store=False,
                            roles=tuple(COPRESENCE_RUNNERS), acting_user=user or SYSTEM)
    return execute_batch(batch, runner=lambda b, _data: run_records(b, path, kind))


RECORD_KINDS = {k.name: k for k in (SCANS, LOCATIONS)}
IMPORT_KINDS = {
    k.name: register_kind(ImportKind(
        name=k.name, batch_kind=k.batch_kind, label=k.label, columns=k.columns, run=_runner(k),
        roles=tuple(COPRESENCE_RUNNERS), object_type=f"tracing.{k.model._meta.model_name}",
        aliases=(f"import_{k.name}",)))
    for k in (SCANS, LOCATIONS)
}
