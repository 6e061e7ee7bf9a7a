from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import quote

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from fangkong.core.audit import record_export
from fangkong.core.choices import BatchStatus
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import as_text, create_batch, error_sheet, previous_batch
from fangkong.core.models import Batch, Division
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

from .forms import ColumnMappingForm, ImportUploadForm
from .imports import BATCH_KIND, COLUMNS, may_import, open_table, start_upload
from .models import Resident
from .search import search_residents

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ResidentSearchView(LoginRequiredMixin, ListView):
    template_name = "registry/search.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Resident.objects.restrict(self.request.user).select_related("grid")
        return search_residents(qs, self.request.GET.get("q", ""))

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["q"] = self.request.GET.get("q", "")
        return ctx


class DivisionBrowserView(LoginRequiredMixin, TemplateView):
    """A division's children with their resident and household counts, inside the user's scope."""

    template_name = "registry/divisions.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        root = user.division
        current = root
        if root is not None and self.request.GET.get("division"):
            current = get_object_or_404(Division.objects.subtree(root), pk=self.request.GET["division"])
        children = []
        if current is not None:
            residents = Resident.objects.restrict(user).filter(grid__path__startswith=current.path)
            depth = len(current.path)
            kids = list(current.children.all()) if current.level != "grid" else []
            counts: dict[str, int] = {}
            for kid in kids:
                counts[kid.path] = 0
            if kids:
                klen = len(kids[0].path)
                from django.db.models.functions import Substr

                for row in (
                    residents.annotate(prefix=Substr("grid__path", 1, klen)).values("prefix").annotate(n=Count("id"))
                ):
                    counts[row["prefix"]] = row["n"]
            children = [(k, counts.get(k.path, 0)) for k in kids]
            ctx["total"] = residents.count()
            ctx["depth"] = depth
        ctx.update(current=current, children=children, ancestors=current.ancestors() if current else [])
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
