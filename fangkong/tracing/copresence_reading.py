"""Reading venue-scan and location files in chunks of Arrow text columns, with the row numbers
the user sees (the header is row 1).

- xlsx / xls, and CSV files up to `SMALL_CSV_BYTES`, go through the platform's reader
  (`core.imports.read_table`): title rows above the header, merged cells, GBK / UTF-16, blank
  lines — the row number is the row in the sheet.
- Larger CSV files stream through `pyarrow.csv` (UTF-8 or GB18030, the delimiter detected),
  parquet files through `pyarrow.parquet`: the header is the first line, and the row number is
  the record's position + 1 (blank lines are skipped and not counted, as a spreadsheet would not
  show them either).
Every chunk is a table of strings: `_row` (int64) and one column per mapped field.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from fangkong.core.imports import Column, ReadError, as_text, match_headers, read_table
from fangkong.core.imports.reading import _detect_delimiter, _detect_encoding, check_file

SMALL_CSV_BYTES = 8 * 1024 * 1024
CHUNK_ROWS = 2_000_000
PARQUET = b"PAR1"


def kind_of_file(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(PARQUET) or path.suffix.lower() == ".parquet":
        if not head.startswith(PARQUET):
            raise ReadError(f"文件“{path.name}”不是有效的parquet文件")
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or path.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
        return "sheet"
    if path.suffix.lower() not in (".csv", ".txt", ".tsv", ""):
        raise ReadError(f"不支持的文件类型“{path.suffix}”，请上传xlsx、xls、csv或parquet文件")
    return "csv" if path.stat().st_size > SMALL_CSV_BYTES else "sheet"


def _missing(columns: Sequence[Column], mapping: dict[str, int]) -> None:
    missing = [c.label for c in columns if c.required and c.key not in mapping]
    if missing:
        raise ReadError(f"表头缺少必填列：{'、'.join(missing)}")


def _as_text(array: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A column as text: timestamps in the county's local time, integers as digits."""
    kind = array.type
    if pa.types.is_timestamp(kind):
        if kind.tz is not None:
            array = pc.local_timestamp(array.cast(pa.timestamp(kind.unit, tz=settings.TIME_ZONE)))
        return pc.strftime(array.cast(pa.timestamp("s"), safe=False), format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_floating(kind):  # 13812345678.0 from a spreadsheet tool
        whole = pc.equal(pc.floor(array), array)
        return pc.if_else(whole, array.cast(pa.int64(), safe=False).cast(pa.string()), array.cast(pa.string()))
    return array.cast(pa.string())


def _arrow_chunk(table: pa.Table, mapping: dict[str, int], columns: Sequence[Column], first_row: int) -> pa.Table:
    n = table.num_rows
    out = {"_row": pa.array(np.arange(first_row, first_row + n, dtype=np.int64))}
    for c in columns:
        out[c.key] = _as_text(table.column(mapping[c.key])) if c.key in mapping else pa.nulls(n, pa.string())
    return pa.table(out)


def _sheet_chunks(path: Path, columns: Sequence[Column]) -> Iterator[pa.Table]:
    check_file(path)  # too large, or a zip bomb: refused unread
    table = read_table(path, path.name, columns)
    table.check()
    keys = [c.key for c in columns]
    rows: list[int] = []
    values: dict[str, list] = {k: [] for k in keys}
    for number, raw in table:
        rows.append(number)
        for k in keys:
            v = raw.get(k)
            values[k].append(None if v is None else as_text(v))
        if len(rows) >= CHUNK_ROWS:
            yield pa.table({"_row": pa.array(rows, pa.int64()), **{k: pa.array(values[k], pa.string()) for k in keys}})
            rows, values = [], {k: [] for k in keys}
    if rows:
        yield pa.table({"_row": pa.array(rows, pa.int64()), **{k: pa.array(values[k], pa.string()) for k in keys}})


def _csv_chunks(path: Path, columns: Sequence[Column]) -> Iterator[pa.Table]:
    import pyarrow.csv as pcsv

    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    encoding = _detect_encoding(head)
    if encoding == "utf-16":
        raise ReadError("大文件请使用UTF-8或GBK编码的CSV，或parquet文件")
    sample = head.decode(encoding.replace("-sig", ""), errors="ignore")
    headers = next(iter(sample.splitlines()), "")
    delimiter = _detect_delimiter(sample)
    names = [h.strip().strip('"') for h in headers.lstrip("\ufeff").split(delimiter)]
    mapping = match_headers(names, columns)
    _missing(columns, mapping)
    reader = pcsv.open_csv(
        path, read_options=pcsv.ReadOptions(encoding="utf8" if encoding.startswith("utf-8") else encoding,
                                            block_size=16 << 20),
        parse_options=pcsv.ParseOptions(delimiter=delimiter),
        convert_options=pcsv.ConvertOptions(column_types={n: pa.string() for n in names}, strings_can_be_null=True))
    yield from _batched(reader, mapping, columns)


def _batched(batches, mapping: dict[str, int], columns: Sequence[Column]) -> Iterator[pa.Table]:
    row = 2
    pending: list[pa.RecordBatch] = []
    size = 0
    for batch in batches:
        pending.append(batch)
        size += batch.num_rows
        if size >= CHUNK_ROWS:
            table = pa.Table.from_batches(pending)
            yield _arrow_chunk(table, mapping, columns, row)
            row += table.num_rows
            pending, size = [], 0
    if pending:
        yield _arrow_chunk(pa.Table.from_batches(pending), mapping, columns, row)


def _parquet_chunks(path: Path, columns: Sequence[Column]) -> Iterator[pa.Table]:
    import pyarrow.parquet as pq

    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise ReadError(f"无法读取parquet文件：{exc}") from exc
    mapping = match_headers(file.schema_arrow.names, columns)
    _missing(columns, mapping)
    yield from _batched(file.iter_batches(batch_size=256_000), mapping, columns)


def read_chunks(path: Path, columns: Sequence[Column]) -> Iterator[pa.Table]:
    """The file's data rows as Arrow chunks of text (see the module docstring); ReadError when
    the file cannot be read or lacks a required column."""
    kind = kind_of_file(path)
    if kind == "parquet":
        return _parquet_chunks(path, columns)
    if kind == "csv":
        return _csv_chunks(path, columns)
    return _sheet_chunks(path, columns)


def ahead(items: Iterator, depth: int = 1) -> Iterator:
    """`items` produced in a thread of their own, up to `depth` ahead of the consumer: DuckDB and
    Arrow let go of the GIL, so reading and cleaning the next chunk overlaps writing this one.
    An exception in the producer is raised in the consumer; leaving early stops the producer."""
    done = object()
    box: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                box.put(entry, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer((item, None)):
                    return
            offer((done, None))
        except BaseException as exc:  # handed over, raised where the items are used
            offer((done, exc))
        finally:
            if stop.is_set() and hasattr(items, "close"):
                items.close()  # a generator's own clean-up (its DuckDB connection)

    worker = threading.Thread(target=produce, name="fangkong-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, exc = box.get()
            if item is done:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()
        worker.join()
