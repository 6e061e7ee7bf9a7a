"""Reading lab result files (csv / xlsx) into `ResultRow`s, with every bad row reported.

Uses the shared import framework (`fangkong.core.imports`) when it is present; until then a
small reader handles csv (UTF-8 / GBK) and xlsx with a header row under optional title rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

from django.utils import timezone

from .ingest import ResultRow, clean_ct, clean_result

COLUMNS = {
    "barcode": ("条码", "试管条码", "采样管条码", "样本编号", "管码", "barcode", "tube"),
    "result": ("结果", "检测结果", "result"),
    "ct_orf1ab": ("ORF1ab", "ORF1ab Ct值", "ct_orf1ab", "ORF1ab基因", "Ct1"),
    "ct_n": ("N", "N基因", "N基因 Ct值", "ct_n", "Ct2"),
    "resulted_at": ("检测时间", "报告时间", "结果时间", "时间", "resulted_at", "time"),
    "lab": ("检测机构", "实验室", "lab"),
}
REQUIRED = ("barcode", "result")


def _norm(text: object) -> str:
    text = str(text or "").strip()
    text = text.translate({0xFF08: "(", 0xFF09: ")", 0x3000: " "})
    return re.sub(r"\s+", "", text).lower()


ALIAS_TO_KEY = {_norm(a): k for k, aliases in COLUMNS.items() for a in aliases}


def _raw_rows(data: bytes, file_name: str) -> Iterator[list[Any]]:
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        yield from (list(r) for r in wb.active.iter_rows(values_only=True))
        return
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError("文件编码无法识别,请保存为 UTF-8 或 GBK 编码的 CSV")
    yield from csv.reader(io.StringIO(text))


def read_rows(data: bytes, file_name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number as the user sees it, {key: raw value}); the header is the first row naming the barcode."""
    header: dict[int, str] | None = None
    for n, row in enumerate(_raw_rows(data, file_name), start=1):
        if header is None:
            found = {i: ALIAS_TO_KEY[_norm(c)] for i, c in enumerate(row) if _norm(c) in ALIAS_TO_KEY}
            if "barcode" in found.values() and "result" in found.values():
                header = found
            continue
        if not any(str(c or "").strip() for c in row):
            continue
        yield n, {key: row[i] if i < len(row) else None for i, key in header.items()}
    if header is None:
        raise ValueError("没有找到表头:需要“条码”和“结果”两列")


def parse_datetime(value: Any, default: dt.datetime) -> dt.datetime:
    if value in (None, ""):
        return default
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, int | float):  # Excel serial day
        return dt.datetime(1899, 12, 30, tzinfo=timezone.get_current_timezone()) + dt.timedelta(days=float(value))
    text = str(value).strip().replace("年", "-").replace("月", "-").replace("日", " ").replace("/", "-").replace(".", "-")
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).replace(tzinfo=timezone.get_current_timezone())
        except ValueError:
            continue
    raise ValueError(f"无法识别的时间“{value}”")


def clean_rows(raw: Iterator[tuple[int, dict[str, Any]]], now: dt.datetime, lab: str = "",
               ) -> tuple[list[ResultRow], list[dict]]:
    rows, errors = [], []
    for n, values in raw:
        try:
            barcode = str(values.get("barcode") or "").strip()
            if not barcode:
                raise ValueError("缺少条码")
            if len(barcode) > 40:
                raise ValueError("条码过长")
            rows.append(ResultRow(
                n, barcode, clean_result(values.get("result")), clean_ct(values.get("ct_orf1ab")),
                clean_ct(values.get("ct_n")), parse_datetime(values.get("resulted_at"), now),
                str(values.get("lab") or lab).strip()[:100],
            ))
        except ValueError as exc:
            errors.append({"row": n, "reason": str(exc), "values": {k: str(v or "") for k, v in values.items()}})
    return rows, errors


def parse_result_file(data: bytes, file_name: str, *, lab: str = "", now: dt.datetime | None = None,
                      ) -> tuple[list[ResultRow], list[dict]]:
    return clean_rows(read_rows(data, file_name), now or timezone.now(), lab)
