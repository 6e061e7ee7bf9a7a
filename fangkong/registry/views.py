"""Registry pages: person search, resident detail with an audited reveal, export, division browser.

Every queryset starts from `Resident.objects.restrict(user)`: a resident outside the user's
division subtree is not found (404), whatever page, filter or export asks for it.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from fangkong.core import audit
from fangkong.core.audit import record_export
from fangkong.core.choices import AuditAction, BatchStatus, DivisionLevel
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import as_text, create_batch, error_sheet, previous_batch
from fangkong.core.models import Batch, Division
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

from .choices import ResidentStatus
from .forms import ColumnMappingForm, ImportUploadForm
from .imports import BATCH_KIND, COLUMNS, may_import, open_table, start_upload
from .models import Household, Resident
from .search import search_residents

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PII_FIELDS = ("id_number", "phone")
EXPORT_LIMIT = 100_000


_BELOW_COUNTY = (DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE, DivisionLevel.GRID)


def within(qs: QuerySet, division: Division | None) -> QuerySet:
    """Rows of `qs` whose grid lies in `division`'s subtree.

    Below the county the subtree is given as an indexed `grid IN (…)`, so the database reads only
    that subtree's rows through the grid index instead of scanning the county (300,000 residents:
    ~300 ms → ~2 ms for a grid worker's search); for the whole county the scan is cheaper.
    """
    if division is None:
        return qs
    if division.level in _BELOW_COUNTY:
        return qs.filter(grid__in=Division.objects.subtree(division).values("pk"))
    return qs.filter(grid__path__startswith=division.path)


def scoped(model: type[Resident] | type[Household], user) -> QuerySet:
    """`model.objects.restrict(user)` (the only scoping rule), narrowed the index-friendly way too."""
    return within(model.objects.restrict(user), user.division)


def _division_param(request: HttpRequest) -> Division | None:
    """The `division` filter, only inside the user's own subtree (else 404)."""
    pk = request.GET.get("division")
    if not pk or request.user.division is None:
        return None
    return get_object_or_404(Division.objects.subtree(request.user.division), pk=pk)


def filtered_residents(request: HttpRequest) -> QuerySet[Resident]:
    """The user's residents narrowed by `q`, `division` and `status`; none without any of them."""
    qs = scoped(Resident, request.user).select_related("grid")
    q = request.GET.get("q", "").strip()
    division = _division_param(request)
    status = request.GET.get("status", "")
    if not (q or division):
        return qs.none()
    if q:
        qs = search_residents(qs, q)
    qs = within(qs, division)
    if status in ResidentStatus.values:
        qs = qs.filter(status=status)
    return qs


class ResidentSearchView(LoginRequiredMixin, ListView):
    """人员查询: partial ID numbers, last digits, phones, names, pinyin initials; results masked."""

    template_name = "registry/search.html"
    paginate_by = 50

    def get_queryset(self):
        return filtered_residents(self.request)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx.update(
            q=self.request.GET.get("q", ""), status=self.request.GET.get("status", ""),
            division=_division_param(self.request), statuses=ResidentStatus.choices, query=params.urlencode(),
            searched=bool(self.request.GET.get("q") or self.request.GET.get("division")),
            may_reveal=may_see_full_pii(self.request.user),
        )
        return ctx


class ResidentDetailView(LoginRequiredMixin, View):
    """One resident, masked; opening the page is itself logged (who looked at whom)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(Resident.objects.restrict(request.user).select_related("grid", "household"), pk=pk)
        audit.record(AuditAction.VIEW, resident)
        members = []
        if resident.household_id:
            members = list(
                scoped(Resident, request.user).filter(household_id=resident.household_id).exclude(pk=pk)
            )
        return render(request, "registry/resident.html", {
            "resident": resident, "members": members, "may_reveal": may_see_full_pii(request.user),
            "grid_path": resident.grid.ancestors(),
        })


class ResidentRevealView(LoginRequiredMixin, View):
    """显示完整: the full ID number and phone, for roles that may; each reveal is an audit row."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        resident = get_object_or_404(Resident.objects.restrict(request.user), pk=pk)
        if not may_see_full_pii(request.user):
            raise PermissionDenied(_("您的角色不能查看完整身份证号和手机号"))
        audit.record_pii_view(resident, [f for f in PII_FIELDS if getattr(resident, f)])
        return render(request, "registry/_pii.html", {"resident": resident, "full": True})


class ResidentExportView(LoginRequiredMixin, View):
    """The search result as xlsx: masked, or full (`full=1`) for roles that may; always audited."""

    columns = ("name", "id_number", "sex", "birth_date", "phone", "address", "relation_to_head", "status")

    def get(self, request: HttpRequest) -> HttpResponse:
        from openpyxl import Workbook

        full = request.GET.get("full") == "1"
        if full and not may_see_full_pii(request.user):
            raise PermissionDenied(_("您的角色不能导出完整身份证号和手机号"))
        rows = filtered_residents(request)[:EXPORT_LIMIT]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(_("常住人口"))
        ws.append([str(Resident._meta.get_field(c).verbose_name) for c in self.columns] + [_("所属网格")])
        count = 0
        for r in rows.iterator(chunk_size=2000):
            ws.append([
                r.name, r.id_number if full else mask_id_number(r.id_number), r.get_sex_display(),
                r.birth_date, r.phone if full else mask_phone(r.phone), r.address, r.relation_to_head,
                r.get_status_display(), r.grid.name,
            ])
            count += 1
        buf = io.BytesIO()
        wb.save(buf)
        params = {k: v for k, v in request.GET.items() if v}
        audit.record_export("registry.resident", count, fields=self.columns, full_pii=full,
                            description=str(params)[:200])
        response = HttpResponse(
            buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="residents-{timezone.localtime():%Y%m%d-%H%M}.xlsx"'
        return response


class DivisionBrowserView(LoginRequiredMixin, TemplateView):
    """A division's children with resident, away and household counts, inside the user's scope."""

    template_name = "registry/divisions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        current = _division_param(self.request) or user.division
        ctx["current"] = current
        if current is None:
            return ctx
        kids = list(current.children.all()) if current.level != DivisionLevel.GRID else []
        width = len(kids[0].path) if kids else len(current.path)
        # One grouped pass per table by grid id (index-only), rolled up to the children here.
        grid_prefix = {pk: path[:width] for pk, path in Division.objects.subtree(current).values_list("pk", "path")}
        zero = {"residents": 0, "away": 0, "households": 0}
        counts: dict[str, dict[str, int]] = {k.path: dict(zero) for k in kids}
        totals = dict(zero)
        per_grid = (within(scoped(Resident, user), current).values("grid_id").order_by()
                    .annotate(n=Count("id"), away=Count("id", filter=Q(status=ResidentStatus.AWAY))))
        for row in per_grid:
            bucket = counts.setdefault(grid_prefix.get(row["grid_id"], ""), dict(zero))
            bucket["residents"] += row["n"]
            bucket["away"] += row["away"]
            totals["residents"] += row["n"]
            totals["away"] += row["away"]
        for row in within(scoped(Household, user), current).values("grid_id").order_by().annotate(n=Count("id")):
            counts.setdefault(grid_prefix.get(row["grid_id"], ""), dict(zero))["households"] += row["n"]
            totals["households"] += row["n"]
        ctx.update(
            children=[(k, counts[k.path]) for k in kids],
            totals=totals,
            ancestors=[a for a in current.ancestors() if user.division and a.path.startswith(user.division.path)],
        )
        return ctx


class ImportView(LoginRequiredMixin, FormView):
    """台账导入, step 1: upload a file; its header is found and the columns mapped automatically."""

    template_name = "registry/import.html"
    form_class = ImportUploadForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_import(request.user):
            raise PermissionDenied(_("您没有导入常住人口台账的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["batches"] = Batch.objects.restrict(self.request.user).filter(kind=BATCH_KIND).select_related(
            "created_by")[:20]
        ctx["columns"] = COLUMNS
        return ctx

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            table = open_table(upload, upload.name)
        except InvalidValue as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        user = self.request.user
        batch = create_batch(kind=BATCH_KIND, file_name=upload.name, content=upload, division=user.division,
                             created_by=user, rows=table.total,
                             options={"mapping": table.mapping, "headers": table.headers,
                                      "header_row": table.header_row, "sheet": table.sheet_name})
        return redirect("registry:import_map", pk=batch.pk)


def _own_batch(request, pk: int) -> Batch:
    return get_object_or_404(
        Batch.objects.restrict(request.user).filter(kind=BATCH_KIND, created_by=request.user), pk=pk
    )


class ImportMapView(LoginRequiredMixin, FormView):
    """Step 2: the user checks and adjusts which header feeds which column, then imports."""

    template_name = "registry/import_map.html"
    form_class = ColumnMappingForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.batch = _own_batch(request, kwargs["pk"])
        if self.batch.status != BatchStatus.PENDING or "started" in self.batch.options:
            return redirect("registry:import_result", pk=self.batch.pk)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        options = self.batch.options
        kwargs.update(columns=COLUMNS, headers=options.get("headers", []),
                      initial_mapping={k: int(v) for k, v in options.get("mapping", {}).items() if v is not None})
        return kwargs

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(batch=self.batch, preview=self._preview(), previous=previous_batch(self.batch))
        return ctx

    def _preview(self) -> dict:
        """The first rows as the automatic mapping reads them, ID numbers and phones masked."""
        with self.batch.file.open("rb") as fh:
            table = open_table(fh.read(), self.batch.file_name, self.batch.options.get("mapping"))
        rows = []
        for number, raw in itertools.islice(table, 5):
            cells = [as_text(raw.get(c.key)) for c in COLUMNS]
            for i, c in enumerate(COLUMNS):
                if c.key == "id_number":
                    cells[i] = mask_id_number(cells[i])
                elif c.key == "phone":
                    cells[i] = mask_phone(cells[i])
            rows.append((number, cells))
        return {"rows": rows, "header_row": table.header_row, "total": table.total}

    def form_valid(self, form):
        self.batch.options = {**self.batch.options, "mapping": form.mapping(), "started": True}
        self.batch.save(update_fields=["options"])
        try:
            start_upload(self.batch)
        except (InvalidValue, PermissionDenied) as exc:
            Batch.objects.filter(pk=self.batch.pk).update(status=BatchStatus.FAILED, message=str(exc))
        return redirect("registry:import_result", pk=self.batch.pk)


class ImportResultView(LoginRequiredMixin, TemplateView):
    """Step 3: counts, progress while the worker runs, and every bad row with its reason."""

    template_name = "registry/import_result.html"
    shown_errors = 500

    def get_template_names(self):
        if self.request.htmx:
            return ["registry/_import_progress.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        batch = get_object_or_404(Batch.objects.restrict(self.request.user).filter(kind=BATCH_KIND), pk=kwargs["pk"])
        full = may_see_full_pii(self.request.user)
        errors = []
        for error in batch.errors[: self.shown_errors]:
            values = error.get("values", {})
            number = as_text(values.get("id_number"))
            errors.append({"row": error["row"], "name": as_text(values.get("name")),
                           "id_number": number if full else mask_id_number(number),
                           "reasons": error.get("reasons", [])})
        ctx.update(batch=batch, errors=errors, more_errors=max(0, len(batch.errors) - self.shown_errors),
                   running=batch.status in (BatchStatus.PENDING, BatchStatus.RUNNING))
        return ctx


class ImportErrorSheetView(LoginRequiredMixin, View):
    """The bad rows as xlsx, to fix and import again (an export of personal data: audited)."""

    def get(self, request, pk: int):
        batch = get_object_or_404(Batch.objects.restrict(request.user).filter(kind=BATCH_KIND), pk=pk)
        if not batch.errors:
            raise Http404(_("该批次没有错误行"))
        if not may_see_full_pii(request.user):
            raise PermissionDenied(_("错误行含完整身份证号,您的角色不能导出"))
        content = error_sheet(batch.errors, COLUMNS)
        record_export("registry.resident", len(batch.errors), fields=[c.key for c in COLUMNS], full_pii=True,
                      description=f"台账导入错误行 批次{batch.pk} {batch.file_name}")
        name = f"{Path(batch.file_name).stem}-错误行.xlsx"
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response
