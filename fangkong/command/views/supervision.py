"""Pages of supervision (督导): the visits (a visit with its findings and the form to add one), the
findings (a finding with its rectification and re-check), and a unit's record over time."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import CHANGE
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ScopedView
from fangkong.metrics.command import by_month, percent, rectification_rate

from .. import actions
from ..actions.files import file_kind
from ..choices import FindingStatus
from ..filtersets import FindingFilterSet, SupervisionVisitFilterSet
from ..forms import FindingForm, RecheckForm, RectifyForm, SupervisionVisitForm
from ..models import Finding, SupervisionVisit, Unit
from ..tables import FindingTable, SupervisionVisitTable


def _cells(view: ObjectDetailView, obj: Any) -> list:
    return list(zip(view.table.headers(), view.table.cells(obj), strict=True))


class VisitDetailView(ObjectDetailView):
    template_name = "command/visit_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self.get_object()
        findings = FindingTable.prepare(visit.findings.restrict(request.user))
        return render(request, self.template_name, {
            "object": visit, "cells": _cells(self, visit), "finding_headers": FindingTable.headers(),
            "findings": FindingTable.page_rows(findings),
            "finding_form": FindingForm() if may(request.user, visit, CHANGE) else None, **self.links(visit)})


class SupervisionVisitPages(ModelPages):
    model = SupervisionVisit
    table = SupervisionVisitTable
    filterset_class = SupervisionVisitFilterSet
    form_class = SupervisionVisitForm
    verbs = {"create": "record_supervision_visit", "update": "update_supervision_visit",
             "delete": "delete_supervision_visit"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("SupervisionVisitPagesDetail", (VisitDetailView,),
                             {"model": SupervisionVisit, "table": SupervisionVisitTable})
        return out


class AddFindingView(ScopedView, View):
    """登记问题 on a visit (with an optional photo), back to the visit."""

    model = SupervisionVisit
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = self.get_object(CHANGE)
        form = FindingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                call_action(request, actions.do_record_finding, visit, acting_user=request.user,
                            success=_("已登记问题"), **form.cleaned_data)
            except ActionFailed:
                pass
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(reverse("command:supervisionvisit", args=[visit.pk]))


class FindingDetailView(ObjectDetailView):
    template_name = "command/finding_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = self.get_object()
        editable = may(request.user, finding, CHANGE)
        due = (timezone.localtime() + timezone.timedelta(days=3)).replace(second=0, microsecond=0)
        return render(request, self.template_name, {
            "object": finding, "cells": _cells(self, finding),
            "rectify_form": RectifyForm(initial={"due_at": due})
            if editable and finding.status == FindingStatus.OPEN else None,
            "recheck_form": RecheckForm() if editable and finding.status == FindingStatus.RECHECK else None,
            "task": finding.task if finding.task_id and finding.task.is_in_scope(request.user) else None,
            **self.links(finding)})


class FindingPages(ModelPages):
    model = Finding
    table = FindingTable
    filterset_class = FindingFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("FindingPagesDetail", (FindingDetailView,), {"model": Finding, "table": FindingTable})
        return out


class FindingActionView(ScopedView, View):
    model = Finding
    scope_action = CHANGE
    http_method_names = ["post"]
    form_class: Any = None
    action: Any = None
    success = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = self.get_object(CHANGE)
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                call_action(request, type(self).action, finding, acting_user=request.user, success=str(self.success),
                            **form.cleaned_data)
            except ActionFailed:
                pass
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return HttpResponseRedirect(reverse("command:finding", args=[finding.pk]))


class RectifyView(FindingActionView):
    form_class = RectifyForm
    action = actions.do_dispatch_rectification
    success = gettext_lazy("已交办整改")


class RecheckView(FindingActionView):
    form_class = RecheckForm
    action = actions.do_recheck
    success = gettext_lazy("已登记复查结果")


class FindingPhotoView(ScopedView, View):
    """A finding's photo, only within the finding's scope (404 outside it)."""

    model = Finding

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        finding = self.get_object()
        if not finding.photo:
            raise Http404
        with finding.photo.open("rb") as f:
            head = f.read(16)
        return FileResponse(finding.photo.open("rb"), content_type=file_kind(head) or "application/octet-stream")


class UnitRecordView(ScopedView, View):
    """督导档案: a unit's visits, its findings by category and month, and its rectification on-time rate."""

    model = Unit
    template_name = "command/unit_record.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object()
        visits = SupervisionVisit.objects.restrict(request.user).filter(unit=unit).select_related("group")
        findings = Finding.objects.restrict(request.user).filter(unit=unit)
        months, rows = by_month(findings)
        rate = rectification_rate(findings)
        return render(request, self.template_name, {
            "object": unit, "visits": visits[:100], "visit_count": visits.count(),
            "unannounced": visits.filter(unannounced=True).count(), "finding_count": findings.count(),
            "open_count": findings.exclude(status=FindingStatus.PASSED).count(), "months": months, "rows": rows,
            "rate": rate, "rate_text": percent(rate.rate),
            "findings": FindingTable.page_rows(FindingTable.prepare(findings)[:100]),
            "finding_headers": FindingTable.headers()})
