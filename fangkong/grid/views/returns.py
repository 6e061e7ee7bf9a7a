"""Pages of the return reports (返县报备): the list and a report with its receipt, filing one as a
liaison, confirming an arrival, an employer's list (返岗人员), and the public page with its
receipt — rate-limited and bot-protected exactly like the public self-report page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.csrf import csrf_protect

from fangkong.core import audit, ratelimit
from fangkong.core.actions import OUT_OF_SCOPE, SYSTEM, may
from fangkong.core.choices import AuditSource
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.imports import upload_form
from fangkong.core.imports.views import UploadImportView
from fangkong.core.middleware import client_ip
from fangkong.core.scoping import user_may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions
from ..choices import ReturnStatus
from ..filtersets_away import ReturnReportFilterSet
from ..forms_away import PublicReturnForm, ReturnReportForm
from ..imports import BATCH_KIND, may_import
from ..models import ReturnReport
from ..tables_away import ReturnReportTable

# The self-report page's quota (screening.views.public): the same limits for the same public.
RATE_LIMIT = 5
RATE_WINDOW = 3600


class ReturnReportDetailView(ObjectDetailView):
    template_name = "grid/returnreport_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        report = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(report), strict=True))
        open_ = report.status == ReturnStatus.EXPECTED and may(request.user, report)
        return render(request, self.template_name, {
            "object": report, "cells": cells, "may_confirm": open_, "tasks": report.tasks.select_related("assignee"),
            **self.links(report)})


class ReturnReportPages(ModelPages):
    model = ReturnReport
    table = ReturnReportTable
    filterset_class = ReturnReportFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("ReturnReportPagesDetail", (ReturnReportDetailView,),
                             {"model": ReturnReport, "table": ReturnReportTable})
        return out


class ReturnReportAddView(LoginRequiredMixin, View):
    """A liaison, a village cadre or a family member's call: the report filed for them."""

    template_name = "grid/returnreport_add.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not user_may(ReturnReport, request.user, "add"):
            raise PermissionDenied(OUT_OF_SCOPE)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ReturnReportForm(user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReturnReportForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report, _created = call_action(request, actions.do_file_return_report, form.item(),
                                               acting_user=request.user, form=form, success=_("已报备"))
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("grid:returnreport", args=[report.pk]))
        return render(request, self.template_name, {"form": form})


class ConfirmArrival(ObjectActionView):
    model = ReturnReport
    action = actions.do_confirm_arrival
    success = gettext_lazy("已确认到达")


class CancelReturnReport(ObjectActionView):
    model = ReturnReport
    action = actions.do_cancel_return_report
    success = gettext_lazy("已取消报备")


ReturnImportForm = upload_form(gettext_lazy("返岗人员名单"), gettext_lazy(
    "支持 xlsx、xls、csv；列：姓名、身份证号、手机号、出发省、出发市、预计到达时间、目的地、目的地地址、用工单位"))


class ReturnImportView(UploadImportView):
    """An employer's list of returning staff (返岗人员), uploaded by a cadre: one report per row."""

    template_name = "grid/returnreport_import.html"
    form_class = ReturnImportForm
    batch_kind = BATCH_KIND
    permission_denied = gettext_lazy("您没有导入返岗人员报备的权限")
    permitted = staticmethod(may_import)


def _rate_key(request: HttpRequest) -> str:
    return f"grid:returnreport:{client_ip(request) or 'unknown'}"


@csrf_protect
def public_return(request: HttpRequest) -> HttpResponse:
    """返县报备 by the public (no login): phone first; the notice must be accepted; the receipt
    tells them what to do on arrival under the policy in force."""
    key = _rate_key(request)
    limited = ratelimit.exceeded(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    form = PublicReturnForm(request.POST or None)
    if request.method == "POST" and not limited and form.is_valid():
        limited = not ratelimit.allow(key, limit=RATE_LIMIT, window=RATE_WINDOW)
    if request.method == "POST" and not limited and form.is_valid():
        try:
            with audit.audit_context(source=AuditSource.WEB, ip=client_ip(request)):
                report, _created = call_action(request, actions.do_file_return_report, form.item(),
                                               acting_user=SYSTEM, form=form, success="")
        except ActionFailed:
            pass
        else:
            request.session["last_return_receipt"] = report.code  # the code stays out of the URL
            return redirect("grid:public_return_done")
    status = 429 if limited and request.method == "POST" else 200
    return render(request, "grid/public_return.html", {"form": form, "limited": limited}, status=status)


def public_return_done(request: HttpRequest) -> HttpResponse:
    """The receipt of the report this browser just filed (kept in its session only)."""
    code = request.session.get("last_return_receipt", "")
    report = ReturnReport.objects.filter(code=code).first() if code else None
    return render(request, "grid/public_return_done.html", {"report": report})
