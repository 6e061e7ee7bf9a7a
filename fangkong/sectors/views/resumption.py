"""Pages of work resumption (复工复产): applications with their staff lists, applying, and the
decision after the on-site inspection with the sector's checklist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions_resumption as actions
from ..actions import may_inspect
from ..choices import ResumptionStatus
from ..filtersets import ResumptionFilterSet, ResumptionStaffFilterSet
from ..forms_events import DecideResumptionForm, ResumptionForm
from ..models import Inspection, ResumptionApplication, ResumptionStaff
from ..tables import InspectionTable, ResumptionStaffTable, ResumptionTable


class ResumptionDetailView(ObjectDetailView):
    template_name = "sectors/resumption_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        app = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(app), strict=True))
        deciding = app.status == ResumptionStatus.APPLIED and may(request.user, app, CHANGE)
        staff = ResumptionStaffTable.prepare(app.staff.restrict(request.user))[:500]
        checks = InspectionTable.prepare(Inspection.objects.restrict(request.user).filter(
            venue=app.venue, inspected_at__gte=app.applied_at))[:20]
        return render(request, self.template_name, {
            "object": app, "cells": cells, "deciding": deciding,
            "decide_form": DecideResumptionForm() if deciding else None,
            "may_inspect": deciding and may_inspect(request.user),
            "staff_headers": ResumptionStaffTable.headers(), "staff": ResumptionStaffTable.page_rows(staff),
            "check_headers": InspectionTable.headers(), "checks": InspectionTable.page_rows(checks),
            **self.links(app)})


class ResumptionPages(ModelPages):
    model = ResumptionApplication
    table = ResumptionTable
    filterset_class = ResumptionFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("ResumptionPagesDetail", (ResumptionDetailView,),
                             {"model": ResumptionApplication, "table": ResumptionTable})
        return out


class ResumptionStaffPages(ModelPages):
    model = ResumptionStaff
    table = ResumptionStaffTable
    filterset_class = ResumptionStaffFilterSet


class ApplyResumptionView(LoginRequiredMixin, View):
    template_name = "sectors/resumption_apply.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, ResumptionApplication, ADD):
            raise PermissionDenied(_("您没有录入复工复产申请的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": ResumptionForm(user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ResumptionForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        data = dict(form.cleaned_data)
        try:
            app = call_action(request, actions.do_apply_resumption, data.pop("venue"), acting_user=request.user,
                              form=form, success=_("已受理，待现场验收"), **data)
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        return HttpResponseRedirect(reverse("sectors:resumptionapplication", args=[app.pk]))


class DecideResumption(ObjectActionView):
    model = ResumptionApplication
    action = actions.do_decide_resumption
    form_class = DecideResumptionForm
    success = gettext_lazy("验收结论已记录")
