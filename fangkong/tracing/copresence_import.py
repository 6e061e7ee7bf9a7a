"""Bulk import of venue scans (场所码) and location records for co-presence:
`fangkong import-scans FILE [--json]`, `fangkong import-locations FILE [--json]`, the API and
the upload form, all through the platform's one batch lifecycle (`core.imports`).

Streamed, never row by row in Python: chunks of a million rows are read as Arrow text
(`copresence_reading`), cleaned and checked in one DuckDB statement each (phones normalised:
+86 / 0086, spaces, dashes, full-width digits; times in the county's local time, in the forms
people write, stored in UTC to the second), and added to the record store (`copresence_store`:
Parquet files by day) while the next chunks are read and cleaned. A record already stored —
the same venue code, phone and time; the same phone, cell, entry and exit — from this file or
an earlier one is a duplicate: importing a file again adds nothing. Bad rows are rejected with the row number the user sees
and Chinese reasons; the batch is audited once, not per row.
"""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.utils import timezone

from fangkong.analytics.engine import scratch_dir
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
from .copresence_reading import ahead, read_chunks
from .copresence_store import Store

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
    """The first format alone before the list: trying 19 formats costs twice as much, and nearly
    every time is written the first way."""
    return f"coalesce(try_strptime({col}, '{TIME_FORMATS[0]}'), try_strptime({_fold(col)}, {_sql_list(TIME_FORMATS)}))"


def _utc(col: str) -> str:
    """A local wall-clock time → naive UTC (to the second). Within the years the zone keeps one
    offset (China's since 1992), subtracting it is exact and costs a fifth of the time-zone
    conversion, which is left for the times outside them."""
    tz = settings.TIME_ZONE.replace("'", "")
    exact = f"timezone('UTC', timezone('{tz}', {col}))"
    steady = steady_offset(settings.TIME_ZONE)
    if steady is not None:
        offset, since, until = steady
        exact = (f"CASE WHEN {col} >= TIMESTAMP '{since:%Y-%m-%d}' AND {col} < TIMESTAMP '{until:%Y-%m-%d}' "
                 f"THEN {col} - INTERVAL {offset} SECOND ELSE {exact} END")
    return f"date_trunc('second', {exact})"


@functools.cache
def steady_offset(zone: str, first: int = 1970, last: int = 2100) -> tuple[int, dt.date, dt.date] | None:
    """(UTC offset in seconds, from, until): the run of whole local days up to `last` over which
    `zone` keeps today's offset (looked at every six hours: zones change at most twice a year),
    when it takes in today; the day after a change is left out too, so no change is inside."""
    tz = ZoneInfo(zone)
    day, end = dt.date(last, 1, 1), dt.date(last, 1, 1)

    def offsets(d: dt.date) -> set:
        return {dt.datetime.combine(d, dt.time(h), tz).utcoffset() for h in range(0, 24, 6)}

    today = dt.datetime.now(tz).date()
    now = offsets(today)
    if len(now) != 1:
        return None
    (offset,) = now
    if offsets(day) != now:
        return None
    while day.year > first and offsets(day - dt.timedelta(days=1)) == now:
        day -= dt.timedelta(days=1)
    since = day + dt.timedelta(days=1)  # a day clear of the last change
    if (end - since).days < 366 or since > today:
        return None
    return int(offset.total_seconds()), since, end


@dataclass(frozen=True)
class RecordKind:
    """What differs between the two kinds of record."""

    name: str
    batch_kind: str
    label: str
    object_type: str
    columns: list[Column]
    times: tuple[str, ...]
    identity: tuple[str, ...]
    verb: str

    @property
    def store(self) -> Store:
        """Where the records are kept (`copresence_store`): the batch and division they came
        with, the kind's columns (times naive UTC) and the digest `key` (`_key_sql`)."""
        schema = pa.schema([("batch_id", pa.int64()), ("division_id", pa.int64())] + [
            (c.key, pa.timestamp("us") if c.key in self.times else pa.string()) for c in self.columns]
            + [("key", pa.int64())])
        return Store(self.name, schema, self.times[0])


SCANS = RecordKind("scans", SCAN_BATCH_KIND, "场所码扫码记录", "tracing.scanrecord", SCAN_COLUMNS, ("scanned_at",),
                   ("venue_code", "phone", "scanned_at"), "import_scans")
LOCATIONS = RecordKind("locations", LOCATION_BATCH_KIND, "位置记录", "tracing.locationrecord", LOCATION_COLUMNS,
                       ("entered_at", "left_at"), ("phone", "cell", "entered_at", "left_at"), "import_locations")


def _written(key: str) -> str:
    return f'"w_{key}"'


def _checks(kind: RecordKind) -> list[tuple[str, str]]:
    """(condition, Chinese reason) pairs over a cleaned chunk: a row is bad when any holds."""
    checks = []
    for c in kind.columns:
        written = _written(c.key)  # the text as written, trimmed, NULL when empty
        if c.key == "phone":  # `phone_plain`: already 11 plain digits (nearly all), no second look
            checks.append((f"{written} IS NOT NULL AND NOT (phone_plain OR regexp_full_match(phone, "
                           f"'1[3-9][0-9]{{9}}|0[0-9]{{9,11}}'))",
                           f"'手机号“' || {written} || '”格式不正确，应为11位手机号或带区号的固定电话'"))
        elif c.key in kind.times:
            checks.append((f"{written} IS NOT NULL AND \"{c.key}\" IS NULL",
                           f"'{c.label}“' || {written} || '”无法识别，应为“2022-07-01 08:30:00”这样的时间'"))
        if c.required:
            checks.append((f"{written} IS NULL", f"'{c.label}为空'"))
        if c.key in LIMITS:
            checks.append((f"length({written}) > {LIMITS[c.key]}", f"'{c.label}过长（最多{LIMITS[c.key]}个字）'"))
    if kind is LOCATIONS:
        checks.append(("left_at < entered_at", "'离开时间早于进入时间'"))
    return checks


def _trimmed(col: str) -> str:
    """`nullif(trim(col), '')`, trimming only what needs it: trim itself costs four times a test."""
    return f"nullif(CASE WHEN {col} LIKE ' %' OR {col} LIKE '% ' THEN trim({col}) ELSE {col} END, '')"


def cleaning_sql(kind: RecordKind) -> str:
    """One statement over the chunk `raw`: every column cleaned, the text as written beside it
    (`raw_…`, and trimmed: `w_…`, each computed once), and `ok` when nothing is wrong."""
    written = ", ".join(f'{_trimmed(chr(34) + c.key + chr(34))} AS {_written(c.key)}, "{c.key}" AS "raw_{c.key}"'
                        for c in kind.columns)
    selects = ["*"]
    for c in kind.columns:
        w = _written(c.key)
        if c.key == "phone":
            selects.append(f"regexp_full_match({w}, '1[3-9][0-9]{{9}}') AS phone_plain")
            selects.append(f"CASE WHEN phone_plain THEN {w} ELSE {phone_sql(w)} END AS phone")
        elif c.key in kind.times:
            selects.append(f"{_time(w)} AS \"{c.key}\"")
        elif c.key == "id_number":
            selects.append(f"upper(replace({w}, ' ', '')) AS id_number")
        else:
            selects.append(f"{w} AS \"{c.key}\"")
    ok = "NOT (" + " OR ".join(f"coalesce({cond}, false)" for cond, _ in _checks(kind)) + ")"
    return (f"SELECT *, {ok} AS ok FROM (SELECT {', '.join(selects)} FROM (SELECT _row, {written} FROM raw))")


def bad_sql(kind: RecordKind) -> str:
    """The chunk's bad rows, with `reasons` listing what is wrong."""
    reasons = ", ".join(f"CASE WHEN {cond} THEN {why} END" for cond, why in _checks(kind))
    return (f"SELECT *, list_filter([{reasons}], lambda x: x IS NOT NULL) AS reasons FROM ({cleaning_sql(kind)}) "
            "WHERE NOT ok ORDER BY _row")


def _key_sql(kind: RecordKind) -> str:
    """A 63-bit digest (of MD5: the same in every DuckDB version) of what makes a record the
    same besides its time; with the time it is the record's identity in the store."""
    parts = ", ".join(f'CAST(epoch("{c}") AS BIGINT)::VARCHAR' if c in kind.times else f'"{c}"'
                      for c in kind.identity if c != kind.times[0])
    return f"CAST(md5_number(concat_ws(chr(31), {parts})) >> 65 AS BIGINT)"


def good_sql(kind: RecordKind, batch: Batch) -> str:
    """The chunk's rows as stored (`batch_id`, `division_id`, the kind's columns, `key`): times
    naive UTC to the second, text never NULL; and `ok` (False: a bad row, to be left out)."""
    names = ", ".join(f'"{c.key}"' for c in kind.columns)
    replaced = ", ".join(f'{_utc(c.key)} AS "{c.key}"' if c.key in kind.times
                         else f"coalesce(\"{c.key}\", '') AS \"{c.key}\"" for c in kind.columns)
    return (f"SELECT {int(batch.pk)}::BIGINT AS batch_id, {int(batch.division_id)}::BIGINT AS division_id, {names}, "
            f"{_key_sql(kind)} AS key, ok FROM (SELECT * REPLACE ({replaced}) FROM ({cleaning_sql(kind)}))")


def _prepared(path: Path, kind: RecordKind, batch: Batch) -> Iterator[tuple[int, pa.Table, pa.Table]]:
    """(rows read, good rows, bad rows with reasons) chunk by chunk."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for chunk in ahead(read_chunks(path, kind.columns)):  # the next chunk read meanwhile
            con.register("raw", chunk)
            # Every row cleaned once and split in Arrow: a filter on `ok` in the statement would
            # compute the cleaning twice (DuckDB pushes the filter's expressions down).
            rows = con.sql(good_sql(kind, batch)).to_arrow_table()
            ok = rows.column("ok")
            good, bad = rows.drop_columns(["ok"]), None
            if ok.null_count or not pc.all(ok).as_py():
                good = good.filter(ok)
                bad = con.sql(bad_sql(kind)).to_arrow_table()
            con.unregister("raw")
            yield chunk.num_rows, good, bad
    finally:
        con.close()


def _errors_of(bad: pa.Table, kind: RecordKind) -> list[dict[str, Any]]:
    out = []
    raws = [f"raw_{c.key}" for c in kind.columns]
    for row in bad.select(["_row", "reasons", *raws]).to_pylist():
        out.append(bad_row(row["_row"], row["reasons"], {c.key: row[f"raw_{c.key}"] for c in kind.columns}))
    return out


def run_records(batch: Batch, path: Path, kind: RecordKind) -> Batch:
    """Import the file at `path` into `batch` (pending), chunk by chunk into the store: three
    steps at once, each in a thread of its own — reading a chunk, cleaning the one before,
    storing the one before that (here)."""
    mark_running(batch)
    errors: list[dict[str, Any]] = []
    store = kind.store
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
        cleaned = ahead(_prepared(path, kind, batch))
        try:
            for read, good, bad in cleaned:
                new = store.add(good, label=f"b{batch.pk}")
                _count(batch, errors, kind, read, good.num_rows, new, bad)
        finally:
            # Stopped here: a failure's traceback keeps the generators alive, so their own
            # clean-up (their threads, a DuckDB connection) would come late, or never.
            cleaned.close()
    batch.errors, batch.status, batch.finished_at = errors, BatchStatus.DONE, timezone.now()
    if batch.rejected > len(errors):
        batch.message = f"错误行过多，仅保存前{MAX_STORED_ERRORS}条。"
    batch.save()
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
        audit.record(AuditAction.IMPORT, batch, verb=kind.verb, changes={
            "rows": batch.rows, "new": batch.imported, "duplicates": batch.duplicates, "rejected": batch.rejected})
    return batch


def _count(batch: Batch, errors: list, kind: RecordKind, read: int, good: int, new: int, bad: pa.Table | None) -> None:
    """A chunk's counts added to the batch (saved, with a heartbeat) and its first errors kept."""
    rejected = bad.num_rows if bad is not None else 0
    batch.rows += read
    batch.processed += read
    batch.imported += new
    batch.duplicates += good - new
    batch.rejected += rejected
    if rejected and len(errors) < MAX_STORED_ERRORS:
        errors.extend(_errors_of(bad.slice(0, MAX_STORED_ERRORS - len(errors)), kind))
    Batch.objects.filter(pk=batch.pk).update(
        rows=batch.rows, processed=batch.processed, imported=batch.imported, duplicates=batch.duplicates,
        rejected=batch.rejected, heartbeat_at=timezone.now())


def _runner(kind: RecordKind):
    def run(batch: Batch, data: bytes | None = None) -> Batch:
        """A batch from a form or the API: the stored file (or the bytes given) through a temporary file."""
        if data is None:
            with batch.file.open("rb") as fh:
                data = fh.read()
        suffix = Path(batch.file_name or "upload.csv").suffix or ".csv"
        with tempfile.NamedTemporaryFile(suffix=suffix, dir=scratch_dir()) as fh:
            fh.write(data)
            fh.flush()
            return run_records(batch, Path(fh.name), kind)

    return run


def import_path(kind: RecordKind, path: Path, *, user: Any = None) -> Batch:
    """The command line's route: the file read where it lies (not copied, however large)."""
    batch = do_create_batch(kind=kind.batch_kind, file_name=path.name, content=path, store=False,
                            roles=tuple(COPRESENCE_RUNNERS), acting_user=user or SYSTEM)
    return execute_batch(batch, runner=lambda b, _data: run_records(b, path, kind))


RECORD_KINDS = {k.name: k for k in (SCANS, LOCATIONS)}
IMPORT_KINDS = {
    k.name: register_kind(ImportKind(
        name=k.name, batch_kind=k.batch_kind, label=k.label, columns=k.columns, run=_runner(k),
        roles=tuple(COPRESENCE_RUNNERS), object_type=k.object_type,
        aliases=(f"import_{k.name}",)))
    for k in (SCANS, LOCATIONS)
}
