"""Reading files: xlsx / xls / csv (UTF-8, BOM, GBK, UTF-16), the header found below title rows."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from .columns import Column, ReadError, _cell, as_text, match_headers
from .spans import csv_span, rows_span

HEADER_SCAN_ROWS = 30  # title rows, notes and blank lines users put above the header
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
ACCEPTED_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".xls", ".csv", ".txt", ".tsv")
# An xlsx is a zip: its sheets may unpack to far more than the file (a 1 MB file can hold
# gigabytes of repeated XML). Its members' sizes are checked before anything is unpacked.
MAX_RATIO = 100  # a real list compresses 10–20 : 1; a member over RATIO_FROM bytes beyond this is refused
RATIO_FROM = 16 * 1024 * 1024
# Sheets whose XML is larger than this are read streaming (openpyxl read_only, row by row)
# instead of as one table in memory (calamine).
STREAM_SHEET_BYTES = 32 * 1024 * 1024
SPAN = 256  # CSV rows checked for the fast path at once (`Table.blocks`)


Source = str | Path | bytes | IO[bytes]


def max_file_bytes() -> int:
    """The largest file an import accepts (setting FANGKONG_IMPORT_MAX_MB)."""
    return settings.FANGKONG_IMPORT_MAX_MB * 1024 * 1024


def max_unpacked_bytes() -> int:
    """The most an xlsx may unpack to, all members together (setting FANGKONG_IMPORT_MAX_UNPACKED_MB)."""
    return settings.FANGKONG_IMPORT_MAX_UNPACKED_MB * 1024 * 1024


def source_size(source: Source) -> int:
    if isinstance(source, bytes):
        return len(source)
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    size = getattr(source, "size", None)
    if size is None and hasattr(source, "seek"):
        position = source.tell()
        size = source.seek(0, io.SEEK_END)
        source.seek(position)
    return int(size or 0)


def check_size(source: Source) -> None:
    """Refuse a file larger than the import limit, before it is read (ReadError, Chinese)."""
    limit = max_file_bytes()
    if source_size(source) > limit:
        raise ReadError(f"文件过大(超过{limit // (1024 * 1024)}MB),请拆分后分批导入")


def zip_members(data: bytes | IO[bytes]) -> list[zipfile.ZipInfo]:
    """The members of an xlsx, refused (ReadError) when they would unpack to more than the limit
    or far more than their packed size: read from the zip's directory, nothing is unpacked."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data).infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ReadError("无法读取Excel文件,文件可能已损坏或不是Excel格式") from exc
    limit = max_unpacked_bytes()
    if sum(m.file_size for m in members) > limit:
        raise ReadError(f"Excel文件解压后超过{limit // (1024 * 1024)}MB,拒绝读取;请拆分文件或另存为CSV后导入")
    for m in members:
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise ReadError(f"Excel文件的“{m.filename}”解压后是压缩前的{m.file_size // max(m.compress_size, 1)}倍,"
                            "不像正常的表格,拒绝读取;请用Excel打开后另存为xlsx或CSV再导入")
    return members


def _read_bytes(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data if isinstance(data, bytes) else data.encode()


def file_sha256(source: Source) -> str:
    """SHA-256 of a file's bytes, read in blocks (files may be large)."""
    digest = hashlib.sha256()
    if isinstance(source, bytes):
        digest.update(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
        if hasattr(source, "seek"):
            source.seek(0)
    return digest.hexdigest()


@dataclass
class _Sheet:
    """Rows of one sheet: an iterator of lists plus where they start and the merged ranges."""

    name: str
    rows: Iterator[list[Any]]
    first_row: int = 1  # 1-based number of the first yielded row
    first_col: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # absolute, 0-based, inclusive
    total: int = 0  # rows in the sheet (progress estimate)


def _fill_merged(sheet: _Sheet) -> Iterator[list[Any]]:
    """Every cell of a merged range carries the range's top-left value (户编号 over a household)."""
    if not sheet.merged:
        return sheet.rows
    return _filled(sheet.rows, sheet)


def _filled(rows: Iterator[list[Any]], sheet: _Sheet) -> Iterator[list[Any]]:
    r0, c0 = sheet.first_row - 1, sheet.first_col
    fills: dict[int, list[tuple[int, int, int]]] = {}  # relative row → [(col, top-left row, top-left col)]
    for top, left, bottom, right in sheet.merged:
        for r in range(max(top, r0) - r0, bottom - r0 + 1):
            for c in range(left - c0, right - c0 + 1):
                if (r, c) != (top - r0, left - c0) and c >= 0:
                    fills.setdefault(r, []).append((c, top - r0, left - c0))
    seen: dict[tuple[int, int], Any] = {}
    sources: dict[int, set[int]] = {}  # row → columns holding a merged range's value
    for cells in fills.values():
        for _, t, left in cells:
            sources.setdefault(t, set()).add(left)
    for r, row in enumerate(rows):
        for c in sources.get(r, ()):
            seen[(r, c)] = row[c] if c < len(row) else None
        if r in fills:
            row = list(row)
            for c, t, left in fills[r]:
                if c >= len(row):
                    row.extend([None] * (c + 1 - len(row)))
                row[c] = seen.get((t, left))
        yield row


def check_file(source: Source) -> None:
    """What is refused before reading: a file over the size limit, an xlsx that would unpack to
    too much. Cheap (the zip's directory only); raises ReadError with a Chinese message."""
    check_size(source)
    if _peek(source).startswith(b"PK\x03\x04"):
        if isinstance(source, str | Path):
            with open(source, "rb") as fh:
                zip_members(fh)
        else:
            zip_members(source if isinstance(source, bytes) else _open_binary(source))
            if hasattr(source, "seek"):
                source.seek(0)


def _xlsx_sheets(data: bytes) -> Iterator[_Sheet]:
    """The sheets of an xlsx (or ods): checked first, large ones streamed."""
    members = zip_members(data)
    sheet_bytes = sum(m.file_size for m in members if m.filename.startswith("xl/worksheets/"))
    if sheet_bytes > STREAM_SHEET_BYTES:
        return _streamed_sheets(data)
    return _calamine_sheets(data)


def _streamed_sheets(data: bytes) -> Iterator[_Sheet]:
    """Large sheets row by row (openpyxl read_only): memory stays that of a few rows.
    Merged cells are not filled here (read_only mode does not see them)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(f"无法读取Excel文件,文件可能已损坏或不是Excel格式({exc})") from exc
    for sheet in book.worksheets:
        if sheet.sheet_state != "visible":
            continue
        rows = ([_streamed_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
        yield _Sheet(name=sheet.title, rows=rows, total=sheet.max_row or 0)


def _streamed_cell(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()  # as calamine reads a date without a time
    return value


def _calamine_sheets(data: bytes) -> Iterator[_Sheet]:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:
        raise ReadError(f"无法读取Excel文件,文件可能已损坏或不是Excel格式({exc})") from exc
    for meta in book.sheets_metadata:
        if str(getattr(meta, "visible", "")).lower().endswith(("hidden", "veryhidden")):
            continue
        sheet = book.get_sheet_by_name(meta.name)
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
        # Not skipping the empty area keeps rows and columns at their sheet positions
        # (iter_rows starts its columns at the first used one), so row numbers are the user's.
        rows = sheet.to_python(skip_empty_area=False)
        yield _Sheet(name=meta.name, rows=iter(rows), merged=merged, total=len(rows))


def _xls_sheets(data: bytes) -> Iterator[_Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:
        raise ReadError(f"无法读取xls文件,文件可能已损坏或实际不是xls格式({exc})") from exc

    def cell(c: Any) -> Any:
        if c.ctype == xlrd.XL_CELL_DATE:
            try:
                value = xlrd.xldate_as_datetime(c.value, book.datemode)
            except Exception:
                return c.value
            return value.date() if value.time() == dt.time() else value
        if c.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        if c.ctype == xlrd.XL_CELL_BOOLEAN:
            return bool(c.value)
        return c.value

    for index in range(book.nsheets):
        sheet = book.sheet_by_index(index)
        if getattr(sheet, "visibility", 0):
            continue
        merged = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sheet.merged_cells]
        rows = ([cell(c) for c in sheet.row(r)] for r in range(sheet.nrows))
        yield _Sheet(name=sheet.name, rows=rows, merged=merged, total=sheet.nrows)


def _open_binary(source: Source) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return open(source, "rb")  # closed when the reader is dropped
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def _detect_encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gb18030"  # superset of GBK and GB2312, what Chinese Excel writes by default


def _detect_delimiter(sample: str) -> str:
    lines = sample.splitlines()[:HEADER_SCAN_ROWS]
    counts = {d: sum(line.count(d) for line in lines) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_sheet(source: Source) -> _Sheet:
    binary = _open_binary(source)
    head = binary.read(1 << 16)
    binary.seek(0)
    if b"\x00" in head[:4096] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ReadError("文件不是文本格式的CSV,请另存为CSV或直接上传Excel文件")
    encoding = _detect_encoding(head)
    total = _count_lines(binary)
    textio = io.TextIOWrapper(binary, encoding=encoding, errors="replace", newline="")
    sample = head.decode(encoding, errors="ignore")
    reader = csv.reader(textio, delimiter=_detect_delimiter(sample))
    return _Sheet(name="", rows=reader, total=total)


def _count_lines(binary: IO[bytes]) -> int:
    count = 0
    for block in iter(lambda: binary.read(1 << 20), b""):
        count += block.count(b"\n")
    binary.seek(0)
    return count


def _kind(file_name: str, head: bytes) -> str:
    suffix = Path(file_name).suffix.lower()
    # Trust the content over the name: a ".xls" that is really xlsx (or HTML) is common.
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if suffix in (".xlsx", ".xlsm", ".xlsb", ".ods", ".xls"):
        raise ReadError(f"文件“{file_name}”不是有效的Excel文件,请用Excel打开后另存为xlsx再上传")
    if suffix in (".csv", ".txt", ".tsv", ""):
        return "csv"
    raise ReadError(f"不支持的文件类型“{suffix}”,请上传xlsx、xls或csv文件")


def _peek(source: Source) -> bytes:
    if isinstance(source, bytes):
        return source[:8]
    if isinstance(source, str | Path):
        with open(source, "rb") as fh:
            return fh.read(8)
    if hasattr(source, "seek"):
        source.seek(0)
    head = source.read(8)
    if hasattr(source, "seek"):
        source.seek(0)
    return head


class Table:
    """A readable table: where its header is, how headers map to columns, and its data rows.

    Iterate it for `(row_number, raw)` pairs; raw maps each mapped column key to the cell's
    value (text normalised, numbers and dates as the file holds them, None when empty).
    Entirely empty rows are skipped.
    """

    def __init__(self, sheet: _Sheet, head_rows: list[list[Any]], header_index: int, columns: Sequence[Column],
                 kind: str, file_name: str) -> None:
        self.kind, self.file_name, self.sheet_name = kind, file_name, sheet.name
        self.columns = list(columns)
        self._sheet = sheet
        self._after_header = head_rows[header_index + 1:]
        self.header_row = sheet.first_row + header_index  # as the user sees it
        raw_headers = head_rows[header_index]
        self.headers = [as_text(h) for h in raw_headers]
        while self.headers and not self.headers[-1]:
            self.headers.pop()
        self.mapping = match_headers(self.headers, self.columns)
        self.total = max(0, sheet.total - header_index - 1)
        self._consumed = False

    def remap(self, mapping: dict[str, int | None]) -> None:
        """Override the automatic mapping: key → header index, or None to leave a column out."""
        for key, index in mapping.items():
            if index is None or index < 0:
                self.mapping.pop(key, None)
            elif index < len(self.headers):
                self.mapping[key] = index

    @property
    def missing(self) -> list[Column]:
        """Required columns that no header maps to."""
        return [c for c in self.columns if c.required and c.key not in self.mapping]

    @property
    def unmapped_headers(self) -> list[str]:
        used = set(self.mapping.values())
        return [h for i, h in enumerate(self.headers) if h and i not in used]

    def mapping_labels(self) -> dict[str, str]:
        return {key: self.headers[index] for key, index in self.mapping.items()}

    def check(self) -> None:
        """Raise ReadError with a Chinese message if a required column is not mapped."""
        if self.missing:
            names = "、".join(c.label for c in self.missing)
            raise ReadError(f"表头第{self.header_row}行缺少必填列:{names}(可在列对应中手动指定)")

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self._consumed:
            raise RuntimeError("a Table can be iterated once")
        self._consumed = True
        items = list(self.mapping.items())
        need = max(self.mapping.values(), default=-1) + 1
        number = self.header_row
        is_normalized = unicodedata.is_normalized
        pad = "" if self.kind == "csv" else None
        for row in itertools.chain(self._after_header, self._sheet.rows):
            number += 1
            if len(row) < need:
                row = [*row, *([pad] * (need - len(row)))]
            if self.kind == "csv":
                # Fast path for the common CSV row (no full-width text, no ="…" wrappers): one
                # check per line instead of one per cell keeps a million rows quick.
                line = "\x1f".join(row)
                if is_normalized("NFKC", line) and "'" not in line and "=" not in line:
                    raw = {key: row[index].strip() or None for key, index in items}
                    if any(raw.values()):
                        yield number, raw
                    continue
            raw = {key: _cell(row[index]) for key, index in items}
            if any(v is not None for v in raw.values()):
                yield number, raw

    def blocks(self, size: int, first: int = 0) -> Iterator[tuple[list[int], dict[str, list[Any]]]]:
        """The data rows `size` at a time (the first block `first`, if given, so that a writer
        process gets work sooner), column-wise: (row numbers, column key → its values).
        The same rows and values as iterating, without a dict per row: CSV rows are checked for
        the fast path `SPAN` at a time (one NFKC check over the span's text) and their columns
        built with one comprehension each; a span with an odd row goes row by row."""
        if self._consumed:
            raise RuntimeError("a Table can be iterated once")
        self._consumed = True
        keys = list(self.mapping)
        indexes = [self.mapping[k] for k in keys]
        need = max(indexes, default=-1) + 1
        rows = itertools.chain(self._after_header, self._sheet.rows)
        numbers: list[int] = []
        columns: list[list[Any]] = [[] for _ in keys]
        number = self.header_row + 1  # of the span's first row
        while span := list(itertools.islice(rows, SPAN)):
            if self.kind == "csv":
                csv_span(span, number, need, indexes, numbers, columns)
            else:
                rows_span(span, number, need, indexes, numbers, columns, None)
            number += len(span)
            while len(numbers) >= (n := first or size):
                yield numbers[:n], {k: c[:n] for k, c in zip(keys, columns, strict=True)}
                numbers, columns, first = numbers[n:], [c[n:] for c in columns], 0
        if numbers:
            yield numbers, dict(zip(keys, columns, strict=True))


def read_table(source: Source, file_name: str, columns: Sequence[Column], *,
               mapping: dict[str, int | None] | None = None) -> Table:
    """Open a file and locate its header; see `Table`. Raises ReadError with a Chinese message.

    The sheet chosen is the first visible one whose header names the most columns.
    """
    check_size(source)
    kind = _kind(file_name, _peek(source))
    if kind == "csv":
        sheets: Iterable[_Sheet] = [_csv_sheet(source)]
    elif kind == "xls":
        sheets = _xls_sheets(_read_bytes(source))
    else:
        sheets = _xlsx_sheets(_read_bytes(source))
    best: tuple[int, _Sheet, list[list[Any]], int] | None = None
    for sheet in sheets:
        sheet.rows = _fill_merged(sheet)
        head_rows = list(itertools.islice(sheet.rows, HEADER_SCAN_ROWS))
        for index, row in enumerate(head_rows):
            score = len(match_headers([as_text(v) for v in row], columns))
            if score and (best is None or score > best[0]):
                best = (score, sheet, head_rows, index)
        if best and best[0] == len(columns):
            break
    if best is None:
        expected = "、".join(c.label for c in columns if c.required) or "、".join(c.label for c in columns[:4])
        raise ReadError(f"未找到表头:文件前{HEADER_SCAN_ROWS}行中没有可识别的列名(应包含{expected}等)")
    _, sheet, head_rows, index = best
    table = Table(sheet, head_rows, index, columns, kind, file_name)
    if mapping:
        table.remap(mapping)
    return table
