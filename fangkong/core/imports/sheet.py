"""The one error sheet: the bad rows of any import as xlsx, masked by role, its export audited."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from .. import audit
from ..pii import mask_id_number, mask_phone, may_see_full_pii
from .columns import Column, as_text
from .rows import BadRow, reasons_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Columns holding personal numbers, and how a role without full access sees them.
MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def error_sheet(errors: Sequence[BadRow], columns: Sequence[Column], *, masked: bool = False) -> bytes:
    """The bad rows as xlsx: 原行号, the import's columns, then 错误原因 — ready to fix and re-import.

    Empty cells stay empty; with `masked`, ID numbers and phones are shown as 1301**********1234.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误行")
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FDE2E1")
    sheet.column_dimensions["A"].width = 8
    for i, column in enumerate(columns):
        letter = get_column_letter(i + 2)
        sheet.column_dimensions[letter].width = 22 if column.key in ("id_number", "address") else 14
    sheet.column_dimensions[get_column_letter(len(columns) + 2)].width = 48
    header = []
    for title in ("原行号", *(c.label for c in columns), "错误原因"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for error in errors:
        values = error.get("values") or {}
        row: list[Any] = [error.get("row")]
        for column in columns:
            value = as_text(values.get(column.key))
            if masked and value and column.key in MASKS:
                value = MASKS[column.key](value)
            cell = WriteOnlyCell(sheet, value=value or None)
            cell.number_format = "@"  # keep ID numbers as text when the sheet is edited and saved
            row.append(cell)
        reason = WriteOnlyCell(sheet, value=";".join(reasons_of(error)))
        reason.fill, reason.alignment = fill, wrap
        row.append(reason)
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def error_sheet_response(user: Any, errors: Sequence[BadRow], columns: Sequence[Column], *, file_name: str,
                         object_type: str = "core.batch", description: str = "") -> HttpResponse:
    """The error sheet as a download for `user`: personal numbers masked unless the role may see
    them in full, and the export audited with its row count and whether it was unmasked."""
    full = may_see_full_pii(user)
    content = error_sheet(errors, columns, masked=not full)
    audit.record_export(object_type, len(errors), fields=[c.key for c in columns], full_pii=full,
                        description=description or "导入错误行")
    name = f"{Path(file_name).stem or 'import'}-错误行.xlsx"
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
