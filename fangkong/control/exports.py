"""Excel exports of control lists, through the one export helper (`core.exports`): masked unless an
allowed role asks for full values with a reason; always audited with the count and the filter."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import HttpResponse

from fangkong.core.exports import XLSX, export_rows  # noqa: F401 — XLSX re-exported for the area error sheet
from fangkong.core.pii import mask_id_number, mask_phone

Column = tuple[str, Callable[[Any, bool], Any]]


def xlsx_response(request, name: str, object_type: str, columns: list[Column], rows: Iterable[Any],
                  description: str = "") -> HttpResponse:
    """Write `rows` through `columns` (header, getter(row, full_pii)) into a workbook."""
    return export_rows(request, name=name, object_type=object_type, header=[h for h, _ in columns],
                       rows=lambda full: ([getter(row, full) for _, getter in columns] for row in rows), fmt="xlsx")


def id_col(getter: Callable[[Any], str]) -> Callable[[Any, bool], str]:
    return lambda row, full: getter(row) if full else mask_id_number(getter(row))


def phone_col(getter: Callable[[Any], str]) -> Callable[[Any, bool], str]:
    return lambda row, full: getter(row) if full else mask_phone(getter(row))


def plain(getter: Callable[[Any], Any]) -> Callable[[Any, bool], Any]:
    return lambda row, full: getter(row)
