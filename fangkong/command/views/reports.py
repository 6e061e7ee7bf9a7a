"""Pages of daily reports (日报、零报告): the list and a report, filing the day's report, and the
command centre's overview of who has not filed and each unit's on-time and completeness rates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectDetailView
from fangkong.metrics import catalog
from fangkong.metrics.command import day_states, percent, prefill, rates, reporting_units, total_rates

from .. import actions
from ..choices import ReportState
from ..filtersets import DailyReportFilterSet
from ..forms import ReportForm
from ..models import DailyReport, Unit
from ..tables import DailyReportTable

RATE_DAYS = 7


class ReportDetailView(ObjectDetailView):
    template_name = "command/report_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        return render(request, self.template_name, {"object": obj, "cells": cells, **self.links(obj)})


class DailyReportPages(ModelPages):
    model = DailyReport
    table = DailyReportTable
    filterset_class = DailyReportFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("DailyReportPagesDetail", (ReportDetailView,), {"model": DailyReport,
                                                                             "table": DailyReportTable})
        return out


def may_file(user: Any) -> bool:
    return user_may(DailyReport, user, ADD) and Unit.of_member(user).filter(reports_daily=True).exists()


def may_oversee(user: Any) -> bool:
    return user_may(Unit, user, VIEW) and user_may(DailyReport, user, VIEW)


def _day(request: HttpRequest) -> dt.date:
    today = timezone.localdate()
    day = parse_date(request.GET.get("day") or request.POST.get("day") or "") or today
    return min(day, today)


class FileReportView(LoginRequiredMixin, View):
    """报送日报: the day's figures prefilled from live data for the unit's division, the unit's own
    lines, or 零报告 chosen explicitly."""

    template_name = "command/report_file.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_file(request.user):
            raise PermissionDenied(_("您所在单位不需报送日报"))
        return super().dispatch(request, *args, **kwargs)

    def units(self):
        return Unit.of_member(self.request.user).filter(reports_daily=True).order_by("order", "id")

    def unit(self) -> Unit:
        units = self.units()
        pk = self.request.GET.get("unit") or self.request.POST.get("unit")
        return get_object_or_404(units, pk=pk) if pk and str(pk).isdigit() else units.first()

    def render_form(self, unit: Unit, day: dt.date, form: ReportForm, figures: list) -> HttpResponse:
        filed = DailyReport.objects.filter(unit=unit, day=day).first()
        return render(self.request, self.template_name, {
            "unit": unit, "units": self.units(), "day": day, "form": form, "figures": figures, "filed": filed,
            "deadline": actions.deadline(unit, day), "late_now": timezone.now() > actions.deadline(unit, day)})

    def get(self, request: HttpRequest) -> HttpResponse:
        unit, day = self.unit(), _day(request)
        return self.render_form(unit, day, ReportForm(), prefill(request.user, unit, day))

    def post(self, request: HttpRequest) -> HttpResponse:
        unit, day = self.unit(), _day(request)
        labels, values = request.POST.getlist("figure_label"), request.POST.getlist("figure_value")
        figures = [[label, value] for label, value in zip(labels, values, strict=False) if label]
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.render_form(unit, day, form, figures)
        d = form.cleaned_data
        try:
            report = call_action(request, actions.do_file_report, unit, day, acting_user=request.user, form=form,
                                 nothing_to_report=d["kind"] == "zero", content=d["content"], figures=figures,
                                 success=_("日报已报送"))
        except ActionFailed:
            return self.render_form(unit, day, form, figures)
        return HttpResponseRedirect(reverse("command:dailyreport", args=[report.pk]))


class ReportOverviewView(LoginRequiredMixin, View):
    """日报报送情况: each reporting unit's state on a day (who has not filed), and over the last
    RATE_DAYS days its days due, filed and on time, with the completeness and on-time rates."""

    template_name = "command/report_overview.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_oversee(request.user):
            raise PermissionDenied(_("您没有查看日报报送情况的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        from .briefing import may_brief  # briefing imports this module

        day, now = _day(request), timezone.now()
        states = day_states(request.user, day, now)
        units = list(reporting_units(request.user))
        per_unit = rates(units, day - dt.timedelta(days=RATE_DAYS - 1), day, now)
        counts = {s: sum(1 for r in states if r.state == s) for s in ReportState.values}
        return render(request, self.template_name, {
            "day": day, "prev": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1) if day < timezone.localdate() else None,
            "states": states, "missing": [r for r in states if r.state == ReportState.MISSING],
            "pending": [r for r in states if r.state == ReportState.PENDING], "counts": counts,
            "state_labels": dict(ReportState.choices), "rate_days": RATE_DAYS,
            "rate_rows": [(r, percent(r.completeness), percent(r.timeliness)) for r in per_unit],
            "total_row": (lambda t: (t, percent(t.completeness), percent(t.timeliness)) if t else None)(total_rates(per_unit)),
            "m_missing": catalog.get("command.reports_missing"), "m_complete": catalog.get("command.report_completeness"),
            "m_on_time": catalog.get("command.report_on_time"), "may_brief": may_brief(request.user)})
