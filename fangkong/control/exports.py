"""Excel exports of control lists: masked unless the role may see full values; always audited."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Column = tuple[str, Callable[[Any], Any]]


def xlsx_response(request, name: str, object_type: str, columns: list[Column], rows: Iterable[Any],
                  description: str = "") -> HttpResponse:
    """Write `rows` through `columns` (header, getter(row, full_pii)) into a workbook."""
    import openpyxl

    full = request.GET.get("full_pii") == "1" and may_see_full_pii(request.user)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(name[:31])
    ws.append([h for h, _ in columns])
    count = 0
    for row in rows:
        ws.append([getter(row, full) for _, getter in columns])
        count += 1
    buf = io.BytesIO()
    wb.save(buf)
    audit.record_export(object_type, count, fields=[h for h, _ in columns], full_pii=full, description=description)
    resp = HttpResponse(buf.getvalue(), content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(name)}-{stamp}.xlsx"
    return resp


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text)


def id_col(getter: Callable[[Any], str]) -> Callable[[Any, bool], str]:
    return lambda row, full: getter(row) if full else mask_id_number(getter(row))


def phone_col(getter: Callable[[Any], str]) -> Callable[[Any, bool], str]:
    return lambda row, full: getter(row) if full else mask_phone(getter(row))


def plain(getter: Callable[[Any], Any]) -> Callable[[Any, bool], Any]:
    return lambda row, full: getter(row)
