"""Reading lead lists: csv (UTF-8 / GBK), xlsx and xls, title rows above the header, header aliases.

A small reader of its own so screening does not wait for the shared import framework; it
yields the same `(row number as the user sees it, raw values by key)` pairs.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from fangkong.core.identity import InvalidValue


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    aliases: tuple[str, ...] = ()


LEAD_COLUMNS = (
    Column("name", "姓名", ("姓名", "名字", "人员姓名")),
    Column("id_number", "身份证号", ("身份证号", "身份证号码", "证件号码", "证件号", "身份证")),
    Column("phone", "手机号", ("手机号", "手机号码", "联系电话", "电话", "手机", "联系方式")),
    Column("origin", "来源地", ("来源地", "途经地", "风险地区", "来源地区", "来自", "出发地")),
    Column("arrived_at", "到达时间", ("到达时间", "抵达日期", "到达日期", "抵达时间", "返回时间", "返乡时间")),
    Column("address", "现住址", ("现住址", "居住地址", "住址", "现居住地址", "现居住地", "详细地址")),
    Column("pushed_at", "推送时间", ("推送时间", "推送日期", "下发时间")),
    Column("source", "数据来源", ("数据来源", "来源", "线索来源")),
    Column("kind", "人员类别", ("人员类别", "是否境外", "境外返回")),
    Column("note", "备注", ("备注", "说明")),
)


def _norm(header: object) -> str:
    text = unicodedata.normalize("NFKC", str(header or ""))
    return re.sub(r"[\s*::()()]", "", text)


def _alias_map(columns: tuple[Column, ...]) -> dict[str, str]:
    out = {}
    for c in columns:
        for alias in (c.label, c.key, *c.aliases):
            out[_norm(alias)] = c.key
    return out


def _rows_of(data: bytes, file_name: str) -> Iterator[list]:
    suffix = Path(file_name).suffix.lower()
    if suffix in (".xlsx", ".xls", ".xlsm", ".ods"):
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = book.get_sheet_by_index(0)
        yield from sheet.to_python(skip_empty_area=False)
        return
    if suffix not in (".csv", ".txt", ""):
        raise InvalidValue(f"不支持的文件类型“{suffix}”,请上传 xlsx、xls 或 csv 文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidValue("无法识别文件编码,请另存为 UTF-8 或 GBK 编码的 csv")
    yield from csv.reader(io.StringIO(text))


def read_table(data: bytes, file_name: str, columns: tuple[Column, ...] = LEAD_COLUMNS) -> Iterator[tuple[int, dict]]:
    """Yield (spreadsheet row number, {key: raw value}) for every non-empty data row.

    The header is the first of the top 10 rows that names at least two known columns; rows
    above it (titles, merged banners) are skipped.
    """
    aliases = _alias_map(columns)
    rows = _rows_of(data, file_name)
    header: list[str | None] | None = None
    for number, row in enumerate(rows, start=1):
        if header is None:
            keys = [aliases.get(_norm(h)) for h in row]
            if sum(1 for k in keys if k) >= 2:
                header = keys
            elif number >= 10:
                raise InvalidValue("没有找到表头:前10行中没有“姓名”“身份证号”“手机号”等列名")
            continue
        values = {k: v for k, v in zip(header, row, strict=False) if k and v not in (None, "")}
        if values:
            yield number, values
    if header is None:
        raise InvalidValue("没有找到表头:文件中没有“姓名”“身份证号”“手机号”等列名")


_DATE_RE = re.compile(
    r"^(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?(?:[ T日]*(\d{1,2})[:时](\d{1,2})?(?:[:分](\d{1,2}))?秒?)?$"
)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 — Excel serials are wall-clock times


def parse_datetime(raw: object, *, today: dt.date | None = None) -> dt.datetime | None:
    """Datetimes from cells: datetime/date objects, Excel serials, 2022-07-01 08:30, 2022/7/1,
    2022.07.01, 2022年7月1日, 7月1日 (this year). Naive values are local (county) time."""
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.datetime):
        value = raw
    elif isinstance(raw, dt.date):
        value = dt.datetime(raw.year, raw.month, raw.day)  # noqa: DTZ001 — made aware below
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        if not 20000 < raw < 80000:
            raise InvalidValue(f"日期“{raw}”无法识别")
        value = EXCEL_EPOCH + dt.timedelta(days=float(raw))
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        m = _DATE_RE.match(text)
        if not m:
            raise InvalidValue(f"日期“{text}”无法识别,请写成 2022-07-01 或 2022年7月1日")
        year = int(m[1]) if m[1] else (today or timezone.localdate()).year
        try:
            value = dt.datetime(year, int(m[2]), int(m[3]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0))  # noqa: DTZ001
        except ValueError as exc:
            raise InvalidValue(f"日期“{text}”不存在") from exc
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value
