"""The shared import framework: spreadsheets and CSV files in, bad rows out with Chinese reasons.

Every import of the platform (registry, leads, contact lists, test results …) is built from
the same pieces:

- `Column` declares one field: its key, its Chinese label, the header aliases users write,
  whether it is required and the function that cleans it (raising `InvalidValue`).
- `read_table` opens xlsx / xls / csv (UTF-8, UTF-8 with BOM, GBK, UTF-16 "Unicode text"),
  finds the header row below any title rows, maps headers to columns through their aliases
  (full-width tolerant), fills merged cells with the value of their range and yields
  `(row number as the user sees it, raw values by key)`.
- `clean_row` turns raw values into clean ones plus a list of Chinese reasons.
- `run_import` feeds cleaned rows in chunks to a handler, one transaction per chunk, and
  records counts, bad rows and progress on `core.Batch`; `start_batch` runs a stored batch
  now or, for large files, in the django-tasks worker.
- `error_sheet` writes the bad rows back as xlsx with a 错误原因 column, so users fix them
  in the file they know and import just those rows again.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from . import audit
from .choices import AuditSource, BatchStatus
from .identity import InvalidValue
from .models import Batch

log = logging.getLogger(__name__)

HEADER_SCAN_ROWS = 30  # title rows, notes and blank lines users put above the header
MAX_STORED_ERRORS = 50_000  # bad rows kept on the batch (and in the error sheet)
BACKGROUND_BYTES = 2 * 1024 * 1024  # files larger than this are imported by the worker
CHUNK_ROWS = 1000

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
ACCEPTED_SUFFIXES = (*SPREADSHEET_SUFFIXES, ".xls", ".csv", ".txt", ".tsv")

Cleaner = Callable[[Any], Any]


class ReadError(InvalidValue):
    """The file as a whole cannot be read (wrong type, damaged, no header row)."""


# --------------------------------------------------------------------------------------------
# Columns and header matching


def normalize_header(text: object) -> str:
    """A header as compared with aliases: half-width, no spaces, no required-marks, lower case."""
    value = unicodedata.normalize("NFKC", str(text or ""))
    value = re.sub(r"[\s*※:_]", "", value)
    return value.lower()


def _header_forms(text: object) -> tuple[str, ...]:
    """The header itself and, if it has a bracketed note (身份证号(18位)), the header without it."""
    full = normalize_header(text)
    bare = re.sub(r"[(\[【{<《].*?[)\]】}>》]", "", full)
    return (full, bare) if bare and bare != full else (full,)


@dataclass(frozen=True)
class Column:
    """One field of an import: `key` in code, `label` in the UI, `aliases` as users write it."""

    key: str
    label: str
    aliases: Sequence[str] = ()
    required: bool = False
    clean: Cleaner | None = None

    def names(self) -> set[str]:
        return {normalize_header(n) for n in (self.label, self.key, *self.aliases)}


def match_headers(headers: Sequence[object], columns: Sequence[Column]) -> dict[str, int]:
    """Column key → index of the first header that names it (exact, after normalising)."""
    lookup: dict[str, str] = {}
    for column in columns:
        for name in column.names():
            lookup.setdefault(name, column.key)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        if header is None or header == "":
            continue
        for form in _header_forms(header):
            key = lookup.get(form)
            if key is not None and key not in mapping:
                mapping[key] = index
                break
    return mapping


# --------------------------------------------------------------------------------------------
# Cell values


def normalize_text(value: str) -> str | None:
    """Trimmed, full-width folded text; None when empty. CSV exports' ="0123" and '0123 unwrapped."""
    value = value.strip()
    if not value:
        return None
    if value[0] in "'=":
        if value.startswith('="') and value.endswith('"'):
            value = value[2:-1].strip()
        elif value[0] == "'":
            value = value[1:].strip()
        if not value:
            return None
    if not value.isascii() and not unicodedata.is_normalized("NFKC", value):
        value = unicodedata.normalize("NFKC", value).strip()
    return value or None


def _cell(value: Any) -> Any:
    if value.__class__ is str:
        return normalize_text(value)
    return value


def as_text(value: Any) -> str:
    """Any cell as text: 12.0 → "12", dates as 2022-07-01, None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return normalize_text(value) or ""
    return str(value)


def text(max_length: int | None = None, label: str = "") -> Cleaner:
    """Cleaner for free text, with a Chinese message when it is too long."""

    def clean(value: Any) -> str:
        result = as_text(value)
        if max_length is not None and len(result) > max_length:
            raise InvalidValue(f"{label}过长(最多{max_length}个字)")
        return result

    return clean


def choice(options: dict[str, str], label: str, hint: Sequence[str] = ()) -> Cleaner:
    """Cleaner mapping the words users write (在家, 外出 …) to stored values.

    `hint` names the words the error message suggests (default: every Chinese option).
    """
    table = {normalize_header(k): v for k, v in options.items()}

    def clean(value: Any) -> str:
        key = normalize_header(as_text(value))
        if key not in table:
            allowed = "、".join(hint or dict.fromkeys(k for k in options if not k.isascii()))
            raise InvalidValue(f"{label}“{as_text(value)}”无法识别,应为{allowed}之一")
        return table[key]

    return clean


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------------------------
# Dates and times

_CN_DIGITS = {"〇": 0, "零": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[〇零一二两三四五六七八九十]+")
_DATE_YMD = re.compile(r"^(\d{4}|\d{2})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*[日号]?")
_DATE_MD = re.compile(r"^(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*[日号]?")
_TIME = re.compile(
    r"^[T\s]*(凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜间|夜里)?\s*(\d{1,2})\s*[:时点](?:\s*(\d{1,2}|半)\s*分?)?"
    r"(?:\s*[:]?\s*(\d{1,2})\s*秒?)?(?:\.\d+)?\s*$"
)
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 — a wall-clock value, made aware later; serial 1 = 1900-01-01 (Lotus' phantom 1900-02-29 folded in)


def _cn_numerals(value: str) -> str:
    """二〇二二年七月十一日 → 2022年7月11日 (digit runs and 十 as in dates)."""

    def convert(match: re.Match) -> str:
        s = match.group(0)
        if "十" not in s:
            return "".join(str(_CN_DIGITS[c]) for c in s)
        tens, _, ones = s.partition("十")
        return str((_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0))

    return _CN_NUMBER.sub(convert, value)


def _two_digit_year(yy: int) -> int:
    this = timezone.localdate().year % 100
    return 2000 + yy if yy <= this else 1900 + yy


def _from_serial(number: float) -> dt.datetime:
    if not 1 <= number < 2958466:
        raise InvalidValue(f"日期“{as_text(number)}”不是有效的日期")
    return _EXCEL_EPOCH + dt.timedelta(days=number)


def _split_date(value: str, year: int | None) -> tuple[dt.date, str]:
    """The date at the start of `value` and what follows it."""
    original = value
    value = _cn_numerals(normalize_text(value) or "")
    if not value:
        raise InvalidValue("日期为空")
    if re.fullmatch(r"\d{8}", value[:8]) and (len(value) == 8 or not value[8].isdigit()):
        y, m, d, rest = int(value[:4]), int(value[4:6]), int(value[6:8]), value[8:]
    elif re.fullmatch(r"\d{5}(\.\d+)?", value) and 10000 <= float(value) < 80000:
        serial = _from_serial(float(value))  # a serial that went through a CSV export
        return serial.date(), serial.strftime("%H:%M:%S") if serial.time() != dt.time() else ""
    elif match := _DATE_YMD.match(value):
        y, m, d = (int(g) for g in match.groups())
        y = _two_digit_year(y) if len(match.group(1)) == 2 else y
        rest = value[match.end():]
    elif match := _DATE_MD.match(value):
        y = year or timezone.localdate().year
        m, d = int(match.group(1)), int(match.group(2))
        rest = value[match.end():]
    else:
        raise InvalidValue(f"日期“{original}”无法识别,请写成2022-07-01或2022年7月1日")
    try:
        return dt.date(y, m, d), rest
    except ValueError:
        raise InvalidValue(f"日期“{original}”不存在") from None


def parse_date(value: Any, *, year: int | None = None) -> dt.date:
    """A date from an Excel date cell, an Excel serial or the usual Chinese written forms.

    2022年7月1日, 2022/7/1, 2022.07.01, 2022-07-01, 20220701, 22.7.1, 二〇二二年七月一日, and
    7月1日 (the year from `year`, else this year). A time after the date is ignored.
    """
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            return _split_date(str(int(value)), year)[0]
        return _from_serial(float(value)).date()
    if is_blank(value):
        raise InvalidValue("日期为空")
    return _split_date(str(value), year)[0]


def _parse_time(rest: str, original: object) -> dt.time:
    rest = rest.strip()
    if not rest:
        return dt.time()
    match = _TIME.match(rest)
    if not match:
        raise InvalidValue(f"时间“{original}”无法识别,请写成2022-07-01 14:30")
    period, hour, minute, second = match.groups()
    hour = int(hour)
    minute = 30 if minute == "半" else int(minute or 0)
    second = int(second or 0)
    if period in ("下午", "傍晚", "晚上", "夜间", "夜里") and hour < 12:
        hour += 12
    elif period == "中午" and hour < 11:
        hour += 12
    elif period == "凌晨" and hour == 12:
        hour = 0
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise InvalidValue(f"时间“{original}”不存在") from None


def parse_datetime(value: Any, *, year: int | None = None) -> dt.datetime:
    """An aware datetime (current time zone) from a cell: Excel date/serial or Chinese text.

    2022-07-01 14:30, 2022年7月1日14时30分, 2022/7/1 下午3点, 7月1日 15:00, ISO 8601 with offset.
    A bare date means midnight.
    """
    if isinstance(value, dt.datetime):
        naive = value
    elif isinstance(value, dt.date):
        naive = dt.datetime.combine(value, dt.time())
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:
            naive = dt.datetime.combine(parse_date(value), dt.time())
        else:
            naive = _from_serial(float(value)).replace(microsecond=0)
    elif is_blank(value):
        raise InvalidValue("时间为空")
    else:
        from django.utils.dateparse import parse_datetime as iso

        try:
            parsed = iso(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is not None:
            naive = parsed
        else:
            day, rest = _split_date(str(value), year)
            naive = dt.datetime.combine(day, _parse_time(rest, value))
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())


# --------------------------------------------------------------------------------------------
# Reading files

Source = str | Path | bytes | IO[bytes]


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


def read_table(source: Source, file_name: str, columns: Sequence[Column], *,
               mapping: dict[str, int | None] | None = None) -> Table:
    """Open a file and locate its header; see `Table`. Raises ReadError with a Chinese message.

    The sheet chosen is the first visible one whose header names the most columns.
    """
    kind = _kind(file_name, _peek(source))
    if kind == "csv":
        sheets: Iterable[_Sheet] = [_csv_sheet(source)]
    elif kind == "xls":
        sheets = _xls_sheets(_read_bytes(source))
    else:
        sheets = _calamine_sheets(_read_bytes(source))
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


# --------------------------------------------------------------------------------------------
# Cleaning rows


def clean_row(raw: dict[str, Any], columns: Sequence[Column]) -> tuple[dict[str, Any], list[str]]:
    """Clean each column's raw value: (values, reasons). Blank optional values become None."""
    values: dict[str, Any] = {}
    reasons: list[str] = []
    for column in columns:
        value = raw.get(column.key)
        if is_blank(value):
            if column.required:
                reasons.append(f"{column.label}为空")
            values[column.key] = None
            continue
        if column.clean is None:
            values[column.key] = as_text(value)
            continue
        try:
            values[column.key] = column.clean(value)
        except (InvalidValue, ValueError) as exc:
            message = str(exc)
            reasons.append(message if column.label in message else f"{column.label}:{message}")
            values[column.key] = None
    return values, reasons


# --------------------------------------------------------------------------------------------
# Running an import on a Batch


class ImportRow(NamedTuple):
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]


@dataclass
class ChunkResult:
    """What a handler did with one chunk of rows."""

    imported: int = 0
    updated: int = 0
    duplicates: int = 0  # rows that changed nothing (already there, identical)
    errors: list[tuple[int, list[str], dict[str, Any]]] = field(default_factory=list)

    def reject(self, row: ImportRow, *reasons: str) -> None:
        self.errors.append((row.number, list(reasons), row.raw))


Handler = Callable[[list[ImportRow]], ChunkResult]


def _jsonable_raw(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v if v is None or isinstance(v, str | int | bool) else as_text(v) for k, v in raw.items()}


def run_import(batch: Batch, rows: Iterable[tuple[int, dict[str, Any]]], handler: Handler, *,
               columns: Sequence[Column] | None = None, chunk_size: int = CHUNK_ROWS) -> Batch:
    """Feed rows to `handler` in chunks, one transaction each; record everything on `batch`.

    With `columns`, rows are cleaned first and rows with reasons never reach the handler.
    Changes are audited as the batch's creator from source "import". A chunk that raises
    is rolled back and fails the batch; the chunks before it stay imported.
    """
    errors: list[dict[str, Any]] = []
    batch.status = BatchStatus.RUNNING
    batch.rows = getattr(rows, "total", 0) or batch.rows
    batch.processed = batch.imported = batch.updated = batch.duplicates = batch.rejected = 0
    batch.save(update_fields=["status", "rows", "processed", "imported", "updated", "duplicates", "rejected"])

    def add_error(number: int, reasons: list[str], raw: dict[str, Any]) -> None:
        batch.rejected += 1
        if len(errors) < MAX_STORED_ERRORS:
            errors.append({"row": number, "reasons": reasons, "values": _jsonable_raw(raw)})

    def flush(chunk: list[ImportRow]) -> None:
        if chunk:
            with transaction.atomic():
                result = handler(chunk)
            batch.imported += result.imported
            batch.updated += result.updated
            batch.duplicates += result.duplicates
            for number, reasons, raw in result.errors:
                add_error(number, reasons, raw)
        Batch.objects.filter(pk=batch.pk).update(
            processed=batch.processed, imported=batch.imported, updated=batch.updated,
            duplicates=batch.duplicates, rejected=batch.rejected, rows=max(batch.rows, batch.processed),
        )

    chunk: list[ImportRow] = []
    with audit.audit_context(actor=batch.created_by, source=AuditSource.IMPORT):
        try:
            for number, raw in rows:
                batch.processed += 1
                if columns is not None:
                    values, reasons = clean_row(raw, columns)
                    if reasons:
                        add_error(number, reasons, raw)
                        continue
                else:
                    values = raw
                chunk.append(ImportRow(number, values, raw))
                if len(chunk) >= chunk_size:
                    flush(chunk)
                    chunk = []
            flush(chunk)
            batch.status = BatchStatus.DONE
        except Exception as exc:
            log.exception("import batch %s failed", batch.pk)
            batch.status = BatchStatus.FAILED
            where = f"第{chunk[0].number}至{chunk[-1].number}行" if chunk else ""
            batch.message = f"导入中断:{where}处理出错({exc}),此前的行已导入,可修正后重新导入整个文件"
            batch.processed -= len(chunk)
    errors.sort(key=lambda e: e["row"])
    batch.errors = errors
    batch.rows = max(batch.processed, 0) if batch.status == BatchStatus.DONE else max(batch.rows, batch.processed)
    if batch.rejected > len(errors):
        batch.message = (batch.message + f" 错误行过多,仅保存前{MAX_STORED_ERRORS}条。").strip()
    batch.finished_at = timezone.now()
    batch.save()
    return batch


def create_batch(*, kind: str, file_name: str, content: Source, division: Any, created_by: Any = None,
                 store: bool = True, **fields: Any) -> Batch:
    """A pending Batch for a file, with its SHA-256; `store` keeps the file for the worker."""
    batch = Batch(kind=kind, file_name=Path(file_name).name[:255], file_sha256=file_sha256(content),
                  division=division, created_by=created_by, **fields)
    if store:
        batch.file.save(Path(file_name).name, ContentFile(_read_bytes(content)), save=False)
    batch.save()
    return batch


def previous_batch(batch: Batch) -> Batch | None:
    """The last finished batch of the same kind with the same file contents, if any."""
    if not batch.file_sha256:
        return None
    return (Batch.objects.filter(kind=batch.kind, file_sha256=batch.file_sha256, status=BatchStatus.DONE)
            .exclude(pk=batch.pk).order_by("-created_at").first())


@task()
def run_batch_task(batch_id: int, runner: str) -> None:
    """Worker entry point: run the stored batch with the import's runner (a dotted path)."""
    batch = Batch.objects.select_related("created_by", "division").get(pk=batch_id)
    if batch.status not in (BatchStatus.PENDING, BatchStatus.RUNNING):
        return  # already run (a retried task must not import twice)
    import_string(runner)(batch)


def start_batch(batch: Batch, runner: str, *, background: bool | None = None) -> Batch:
    """Run the batch now, or enqueue it for the worker when the file is large.

    `runner` is the dotted path of a function `(batch) -> Batch` that reads `batch.file`
    with `batch.options` and calls `run_import`. Enqueued after commit so the worker finds
    the batch.
    """
    if background is None:
        background = bool(batch.file) and batch.file.size > BACKGROUND_BYTES
    if background:
        batch_id = batch.pk
        transaction.on_commit(lambda: run_batch_task.enqueue(batch_id, runner))
        return batch
    import_string(runner)(batch)
    batch.refresh_from_db()
    return batch


# --------------------------------------------------------------------------------------------
# The error sheet


def error_sheet(errors: Sequence[dict[str, Any]], columns: Sequence[Column]) -> bytes:
    """The bad rows as xlsx: 原行号, the import's columns, then 错误原因 — ready to fix and re-import."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误行")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    sheet.column_dimensions["A"].width = 8
    for i, column in enumerate(columns):
        letter = _column_letter(i + 1)
        sheet.column_dimensions[letter].width = 22 if column.key in ("id_number", "address") else 14
    sheet.column_dimensions[_column_letter(len(columns) + 1)].width = 48
    header = []
    for title in ("原行号", *(c.label for c in columns), "错误原因"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for error in errors:
        values = error.get("values", {})
        row: list[Any] = [error.get("row")]
        for column in columns:
            cell = WriteOnlyCell(sheet, value=as_text(values.get(column.key)) or None)
            cell.number_format = "@"  # keep ID numbers as text when the sheet is edited and saved
            row.append(cell)
        reason = WriteOnlyCell(sheet, value=";".join(error.get("reasons", [])))
        reason.fill, reason.alignment = fill, wrap
        row.append(reason)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)

