"""The one error-sheet page for a batch of any kind (linked from every import page)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views import View

from ..models import Batch
from .batches import kind_of
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
        request.user, batch.errors, kind.columns, file_name=batch.file_name or f"batch-{batch.pk}",
        object_type=kind.object_type or "core.batch",
        description=f"{kind.label}错误行 批次{batch.pk} {batch.file_name}".strip(),
    )
