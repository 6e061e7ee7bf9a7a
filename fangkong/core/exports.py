"""The one export helper: every list the platform hands out as a spreadsheet goes through here.

It
- masks personal data unless the export is an unmasked one (the caller's rows function, or the
  table's masked columns, receive `full`);
- limits an unmasked bulk export to the roles whose work needs it (`UNMASKED_EXPORT_ROLES`:
  a grid worker or a village cadre may reveal one person, never download a village's ID numbers
  and phones) and asks for a stated reason first (`core/export_reason.html`), kept in the audit row;
- neutralises spreadsheet formulas: a text cell starting with = + - @ (or a tab / carriage
  return) gets a leading apostrophe, so a name like "=HYPERLINK(…)" stays text in Excel;
- writes one audit row with the row count, the filter, the columns, whether full values left
  and the reason (`core.audit.record_export`).

A list's export is one call::

    return export_table(request, ResidentTable, qs, name=_("常住人口"), object_type="registry.resident")

or, for rows that are not a table's, `export_rows(request, name=…, object_type=…, header=[…],
rows=lambda full: …)`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import quote

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import audit
from .choices import Role
from .pii import may_see_full_pii
from .scoping import roles
from .tables import Table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 100_000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Who may take a whole list with full ID numbers and phones out of the platform: those who send
# lists on (to other regions, the CDC, the command centre's own reports). Field roles reveal one
# person at a time on the page, audited, but never download a village at once.
UNMASKED_EXPORT_ROLES = roles(Role.COMMAND_CENTER, Role.MODULE_LEAD, Role.MODULE_ADMIN, Role.CDC)
# GET parameters that ask for an unmasked export, and those that are not part of the filter.
UNMASKED_PARAMS = ("full_pii", "full")
NOT_FILTER = frozenset({*UNMASKED_PARAMS, "export", "format", "reason", "page", "csrfmiddlewaretoken"})


class ExportReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("导出原因"), min_length=4, max_length=200,
        help_text=gettext_lazy("导出完整身份证号和手机号须说明用途(如:报送市疾控流调),记入审计日志"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def neutralise(value: Any) -> Any:
    """A cell value that a spreadsheet will not run as a formula."""
    if isinstance(value, Promise):  # a lazy translation (a choice label)
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def may_export_unmasked(user: Any) -> bool:
    """Whether `user` may download a list with full ID numbers and phones (with a reason)."""
    return bool(may_see_full_pii(user) and user.role_names & UNMASKED_EXPORT_ROLES)


def wants_unmasked(request: HttpRequest) -> bool:
    return any(request.GET.get(p) == "1" for p in UNMASKED_PARAMS)


def filter_of(request: HttpRequest) -> dict[str, str]:
    """The list's filter as the request gave it (for the audit row)."""
    return {k: v for k, v in request.GET.items() if v and k not in NOT_FILTER}


def _reason_page(request: HttpRequest, form: ExportReasonForm, name: str) -> HttpResponse:
    hidden = [(k, v) for k, v in request.GET.items() if k != "reason"]
    return render(request, "core/export_reason.html", {"form": form, "hidden": hidden, "name": name})


def export_rows(
    request: HttpRequest, *, name: str, object_type: str, header: Sequence[str],
    rows: Callable[[bool], Iterable[Sequence[Any]]], has_pii: bool = True, fmt: str | None = None,
) -> HttpResponse:
    """Answer an export request: the reason form, a 403, or the file (audited).

    `rows(full)` yields the cells of each row, masked unless `full`. Without personal data
    (`has_pii=False`) an unmasked request is simply a masked one. `fmt` is "xlsx" (default) or
    "csv"; without it the request's `format` parameter decides.
    """
    full, reason = False, ""
    if has_pii and wants_unmasked(request):
        if not may_export_unmasked(request.user):
            raise PermissionDenied(_("您的角色不能批量导出完整身份证号和手机号,请导出脱敏名单"))
        form = ExportReasonForm(request.GET if "reason" in request.GET else None)
        if not form.is_valid():
            return _reason_page(request, form, name)
        full, reason = True, form.cleaned_data["reason"]
    fmt = fmt or request.GET.get("format") or "xlsx"
    count = 0

    def counted() -> Iterable[list[Any]]:
        nonlocal count
        for row in rows(full):
            if count >= EXPORT_LIMIT:
                break
            count += 1
            yield [neutralise(v) for v in row]

    content, ext, content_type = (_csv(header, counted()), "csv", "text/csv; charset=utf-8") if fmt == "csv" \
        else (_xlsx(name, header, counted()), "xlsx", XLSX)
    # The count is in the row's text too, so the audit list says how many rows left at a glance.
    label = _("%(name)s(共%(count)s条,完整信息)") if full else _("%(name)s(共%(count)s条)")
    audit.record_export(object_type, count, fields=[str(h) for h in header], full_pii=full,
                        description=label % {"name": name, "count": count}, filters=filter_of(request), reason=reason)
    response = HttpResponse(content, content_type=content_type)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{name}-{stamp}.{ext}')}"
    return response


def export_table(request: HttpRequest, table: type[Table], queryset: models.QuerySet, *, name: str,
                 object_type: str = "", fmt: str | None = None) -> HttpResponse:
    """Export `queryset` (already restricted and filtered) through `table`'s columns."""
    qs = table.prepare(queryset)

    def rows(full: bool) -> Iterable[list[Any]]:
        return table.rows(qs[:EXPORT_LIMIT].iterator(chunk_size=2000), full)

    return export_rows(request, name=name, object_type=object_type or qs.model._meta.label_lower,
                       header=table.headers(), rows=rows, has_pii=table.has_pii(), fmt=fmt)


def _xlsx(name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(name)[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([str(h) for h in header])
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode()  # the BOM: Excel opens UTF-8 CSV as such
