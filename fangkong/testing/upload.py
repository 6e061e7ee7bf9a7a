"""Reading lab result files (csv / xlsx / xls) into `ResultRow`s with the shared import framework
(`fangkong.core.imports`): header found under title rows, aliases, GBK, merged cells; every bad
row is reported with its spreadsheet row number and a Chinese reason. The whole file is then
applied set-based by `ingest.ingest_results` (one statement per step, not per row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from fangkong.core.imports import Column, as_text, bad_row, clean_row, parse_datetime, read_table

from .ingest import ResultRow, clean_ct, clean_result


def _barcode(value: Any) -> str:
    text = as_text(value).strip()
    if len(text) > 40:
        raise ValueError("条码过长(最多40位)")
    return text


COLUMNS = [
    Column("barcode", "条码", ("试管条码", "采样管条码", "样本编号", "样本条码", "管码", "barcode", "tube"), required=True,
           clean=_barcode),
    Column("result", "检测结果", ("结果", "result"), required=True, clean=clean_result),
    Column("ct_orf1ab", "ORF1ab Ct值", ("ORF1ab", "ORF1ab基因", "ct_orf1ab", "Ct1"), clean=clean_ct),
    Column("ct_n", "N基因 Ct值", ("N", "N基因", "ct_n", "Ct2"), clean=clean_ct),
    Column("resulted_at", "检测时间", ("报告时间", "结果时间", "时间", "resulted_at", "time"), clean=parse_datetime),
    Column("lab", "检测机构", ("实验室", "lab")),
]


def clean_rows(raw: Iterable[tuple[int, dict[str, Any]]], now: dt.datetime, lab: str = "",
               ) -> tuple[list[ResultRow], list[dict]]:
    """Clean raw rows (from a file or the API) into ResultRows and bad rows with reasons."""
    rows, errors = [], []
    for n, values in raw:
        clean, reasons = clean_row(values, COLUMNS)
        if reasons:
            errors.append(bad_row(n, reasons, values))
            continue
        rows.append(ResultRow(n, clean["barcode"], clean["result"], clean["ct_orf1ab"], clean["ct_n"],
                              clean["resulted_at"] or now, (clean["lab"] or lab or "")[:100]))
    return rows, errors


def parse_result_file(data: bytes, file_name: str, *, lab: str = "", now: dt.datetime | None = None,
                      ) -> tuple[list[ResultRow], list[dict]]:
    """Raises core.imports.ReadError (an InvalidValue with a Chinese message) for unreadable files."""
    table = read_table(data, file_name, COLUMNS)
    table.check()
    return clean_rows(table, now or timezone.now(), lab)
