"""The pages every import shares: the upload page of a kind of list, and the error sheet of a batch
of any kind (linked from every import page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from ..errors import ActionFailed, call_action
from ..models import Batch
from .batches import batch_result, do_create_batch, kind_of, start_batch
from .sheet import error_sheet_response


class BatchErrorSheetView(LoginRequiredMixin, View):
    """`/core/batches/<pk>/errors.xlsx`: the batch's bad rows, masked by role, the export audited."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        batch = get_object_or_404(Batch.objects.restrict(request.user), pk=pk)
        kind = kind_of(batch.kind)
        if kind is None or not batch.errors:
            raise Http404(_("该批次没有错误行"))
        return batch_error_sheet(request, batch)


def batch_error_sheet(request: HttpRequest, batch: Batch) -> HttpResponse:
    """The error sheet of a batch the caller has already found in the user's scope."""
    kind = kind_of(batch.kind)
    if kind is None or not batch.errors:
        raise Http404(_("该批次没有错误行"))
    return error_sheet_response(
        request.user,
        batch.errors,
        kind.columns,
        file_name=batch.file_name or f"batch-{batch.pk}",
        object_type=kind.object_type or "core.batch",
        description=f"{kind.label}错误行 批次{batch.pk} {batch.file_name}".strip(),
    )


class UploadImportView(LoginRequiredMixin, View):
    """The upload page of one kind of list: the file becomes a batch (one audited action), imported
    at once or by the worker when large, and the page shows the batch's result. A kind declares
    its template, form, batch kind and who may import; the page's form may also choose the kind
    (`batch_kind_of`)."""

    template_name: str = ""
    form_class: type[forms.Form]
    batch_kind: str = ""
    permission_denied: str = gettext_lazy("您没有导入该名单的权限")

    def permitted(self, user: Any) -> bool:
        raise NotImplementedError

    def batch_kind_of(self, form: forms.Form) -> str:
        return self.batch_kind

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not self.permitted(request.user):
            raise PermissionDenied(str(self.permission_denied))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": self.form_class()})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        upload = form.cleaned_data["file"]
        try:
            batch = call_action(
                request,
                do_create_batch,
                kind=self.batch_kind_of(form),
                file_name=upload.name,
                content=upload.read(),
                acting_user=request.user,
                form=form,
            )
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        batch = start_batch(batch)
        return render(
            request,
            self.template_name,
            {
                "form": self.form_class(),
                "batch": batch,
                "result": batch_result(batch),
                "warnings": batch.options.get("warnings", []),
            },
        )
