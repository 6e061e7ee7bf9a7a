"""Pages of cases: the list, a case with its history and buttons, 立案 (from a positive or by
hand), and the positives waiting for a case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ObjectListView

from .. import actions
from ..filtersets import CaseFilterSet, PositiveFindingFilterSet
from ..forms import CaseUpdateForm, ClassifyForm, OpenCaseForm
from ..models import Case, PositiveFinding
from ..tables import CaseTable, PositiveFindingTable
from .chains import case_chain_context


class CaseDetailView(ObjectDetailView):
    template_name = "tracing/case_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(case), strict=True))
        editable = may(request.user, case, CHANGE)
        return render(request, self.template_name, {
            "object": case, "cells": cells, "history": case.classifications.select_related("by"),
            "investigation": getattr(case, "investigation", None),
            "contacts": case.contacts.select_related("plan__protocol").order_by("category", "id"),
            "classify_form": ClassifyForm() if editable else None,
            "update_form": CaseUpdateForm(initial={"hospital": case.hospital, "outcome": case.outcome})
            if editable else None, **case_chain_context(request, case), **self.links(case)})


class CaseListView(ObjectListView):
    """The case list, with the button to open a case and the figure of the last seven days."""

    template_name = "tracing/case_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from fangkong.metrics import catalog
        from fangkong.metrics.tracing import contacts_controlled_figures

        ctx = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ctx.update(may_open=may(self.request.user, Case, ADD), metric=catalog.get("tracing.contacts_controlled_24h"),
                   figure=contacts_controlled_figures(self.request.user, today - dt.timedelta(days=6), today))
        return ctx


class CasePages(ModelPages):
    model = Case
    table = CaseTable
    filterset_class = CaseFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        base = {"model": Case, "table": CaseTable}
        out["list"] = type("CasePagesList", (CaseListView,), {**base, "filterset_class": CaseFilterSet})
        out["detail"] = type("CasePagesDetail", (CaseDetailView,), base)
        return out


class ClassifyCase(ObjectActionView):
    model = Case
    action = actions.do_classify_case
    form_class = ClassifyForm
    success = gettext_lazy("已订正分类")


class UpdateCase(ObjectActionView):
    model = Case
    action = actions.do_update_case
    form_class = CaseUpdateForm
    success = gettext_lazy("已保存")


class OpenCaseView(LoginRequiredMixin, View):
    """立案: `?finding=<pk>` fills the form from a positive result."""

    template_name = "tracing/case_open.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, Case, ADD):
            raise PermissionDenied(_("您没有立案的权限"))
        return super().dispatch(request, *args, **kwargs)

    def finding(self) -> PositiveFinding | None:
        pk = self.request.GET.get("finding") or self.request.POST.get("finding")
        if not pk or not str(pk).isdigit():
            return None
        return get_object_or_404(PositiveFinding.objects.restrict(self.request.user, CHANGE), pk=pk)

    def get(self, request: HttpRequest) -> HttpResponse:
        finding = self.finding()
        initial = {}
        if finding is not None:
            initial = {"name": finding.name, "id_number": finding.id_number, "phone": finding.phone,
                       "division": finding.division_id, "found_note": finding.source,
                       "sampled_on": timezone.localdate(finding.sampled_at) if finding.sampled_at else None}
        return render(request, self.template_name, {"form": OpenCaseForm(initial=initial, user=request.user),
                                                    "finding": finding})

    def post(self, request: HttpRequest) -> HttpResponse:
        finding = self.finding()
        form = OpenCaseForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "finding": finding})
        try:
            case = call_action(request, actions.do_open_case, finding=finding, acting_user=request.user, form=form,
                               success=_("已立案，流调已开始计时"), **form.cleaned_data)
        except ActionFailed:
            return render(request, self.template_name, {"form": form, "finding": finding})
        return HttpResponseRedirect(reverse("tracing:investigation", args=[case.investigation.pk]))


class FindingDetailView(ObjectDetailView):
    template_name = "tracing/finding_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(finding), strict=True))
        return render(request, self.template_name, {
            "object": finding, "cells": cells,
            "may_open": finding.case_id is None and may(request.user, Case, ADD) and may(request.user, finding),
            **self.links(finding)})


class PositiveFindingPages(ModelPages):
    model = PositiveFinding
    table = PositiveFindingTable
    filterset_class = PositiveFindingFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("PositiveFindingPagesDetail", (FindingDetailView,),
                             {"model": PositiveFinding, "table": PositiveFindingTable})
        return out
