"""Pages of sentinel surveillance (哨点监测): the counter entry on a phone, the records, the
signals and their response, the drug catalogue and the rules, the list import, and the report
by township for any date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.imports import upload_form
from fangkong.core.imports.views import UploadImportView
from fangkong.core.scoping import VIEW
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ScopedView
from fangkong.metrics import catalog
from fangkong.metrics.sentinels import COLUMNS, METRIC_NAMES, sentinel_table

from ..choices import SignalStatus
from ..models import SENTINEL_SECTORS, Drug, SentinelRecord, Signal, SignalRule, Venue
from ..roles import SIGNAL_RESPONDERS
from ..sentinel import actions
from ..sentinel.actions import may_enter
from ..sentinel.filtersets import DrugFilterSet, SentinelRecordFilterSet, SignalFilterSet, SignalRuleFilterSet
from ..sentinel.forms import CounterForm, DrugForm, RangeForm, RespondForm, SignalRuleForm
from ..sentinel.imports import BATCH_KIND, may_import_sentinels
from ..sentinel.signals import do_raise_signals
from ..sentinel.tables import DrugTable, SentinelRecordTable, SignalRuleTable, SignalTable


class DrugPages(ModelPages):
    model = Drug
    table = DrugTable
    filterset_class = DrugFilterSet
    form_class = DrugForm
    verbs = {"create": "create_drug", "update": "update_drug", "delete": "delete_drug"}


class SignalRulePages(ModelPages):
    model = SignalRule
    table = SignalRuleTable
    filterset_class = SignalRuleFilterSet
    form_class = SignalRuleForm
    verbs = {"create": "create_signal_rule", "update": "update_signal_rule", "delete": "delete_signal_rule"}


class RecordDetailView(ObjectDetailView):
    template_name = "sectors/sentinel_record_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        task = obj.verification if obj.verification_id else None
        return render(request, self.template_name, {
            "object": obj, "cells": cells, "task": task if task and may(request.user, task, VIEW) else None,
            "person": obj.person if obj.person_id and may(request.user, obj.person, VIEW) else None,
            **self.links(obj)})


class SentinelRecordPages(ModelPages):
    model = SentinelRecord
    table = SentinelRecordTable
    filterset_class = SentinelRecordFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("SentinelRecordPagesDetail", (RecordDetailView,), {"model": SentinelRecord,
                                                                                "table": SentinelRecordTable})
        return out


class SignalDetailView(ObjectDetailView):
    template_name = "sectors/signal_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        signal = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(signal), strict=True))
        records = SentinelRecord.objects.restrict(request.user).filter(venue_id=signal.venue_id, day=signal.day)
        return render(request, self.template_name, {
            "object": signal, "cells": cells, "form": RespondForm(),
            "may_respond": signal.status == SignalStatus.OPEN and may(request.user, signal),
            "records_url": reverse("sectors:sentinelrecord_list") + f"?venue={signal.venue_id}&date_from={signal.day}"
                                                                    f"&date_to={signal.day}",
            "records": records.count(), **self.links(signal)})


class SignalPages(ModelPages):
    model = Signal
    table = SignalTable
    filterset_class = SignalFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("SignalPagesDetail", (SignalDetailView,), {"model": Signal, "table": SignalTable})
        return out


class RespondSignal(ObjectActionView):
    model = Signal
    action = actions.do_respond_signal
    form_class = RespondForm
    success = gettext_lazy("响应已记录")


class CounterView(LoginRequiredMixin, View):
    """哨点登记 on one phone screen: the sentinel, the drug (or the visit), the buyer."""

    template_name = "sectors/sentinel_counter.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_enter(request.user):
            raise PermissionDenied(_("您没有哨点登记的权限"))
        return super().dispatch(request, *args, **kwargs)

    def venues(self):
        return (Venue.objects.restrict(self.request.user).filter(sector__code__in=SENTINEL_SECTORS)
                .select_related("sector").order_by("name"))

    def render_form(self, form: CounterForm) -> HttpResponse:
        return render(self.request, self.template_name, {
            "form": form, "drugs": Drug.objects.values_list("name", flat=True)})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(CounterForm(venues=self.venues(), initial={"venue": request.GET.get("venue")}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CounterForm(request.POST, venues=self.venues())
        if not form.is_valid():
            return self.render_form(form)
        d = dict(form.cleaned_data)
        venue = d.pop("venue")
        try:
            record = call_action(request, actions.do_record_sentinel, venue, values=d, acting_user=request.user,
                                 form=form, success=_("已登记，已生成哨点线索，将按时限落地核查并检测"))
        except ActionFailed:
            return self.render_form(form)
        return HttpResponseRedirect(reverse("sectors:sentinelrecord", args=[record.pk]))


class RunSignalsView(LoginRequiredMixin, View):
    """研判 on demand: compute the signals of a date range now (the job does yesterday and today)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.role_names & SIGNAL_RESPONDERS):
            raise PermissionDenied(_("您没有研判哨点预警的权限"))
        form = RangeForm(request.POST)
        today = timezone.localdate()
        d = form.cleaned_data if form.is_valid() else {}
        end = d.get("date_to") or today
        start = d.get("date_from") or end - dt.timedelta(days=1)
        if start > end or (end - start).days > 366:
            start, end = end - dt.timedelta(days=1), end
        try:
            new = call_action(request, do_raise_signals, start, end, acting_user=request.user)
        except ActionFailed:
            new = []
        else:
            from django.contrib import messages

            messages.success(request, _("研判完成：新增预警%(n)d条") % {"n": len(new)})
        return HttpResponseRedirect(reverse("sectors:signal_list") + f"?date_from={start}&date_to={end}")


SentinelImportForm = upload_form(gettext_lazy("哨点登记名单"), gettext_lazy("支持 xlsx、xls、csv"))


class SentinelImportView(UploadImportView):
    """Upload a sales or visits list; imported at once (by the worker when large), the result shown."""

    template_name = "sectors/sentinel_import.html"
    form_class = SentinelImportForm
    batch_kind = BATCH_KIND
    permission_denied = gettext_lazy("您没有导入哨点登记的权限")
    permitted = staticmethod(may_import_sentinels)


class SentinelReportView(ScopedView, View):
    """哨点监测数据: per township (and sector) for a date range, each number a link to its list."""

    model = SentinelRecord
    template_name = "sectors/sentinel_report.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = RangeForm(request.GET or None)
        d = form.cleaned_data if form.is_valid() else {}
        end = d.get("date_to") or today
        start = d.get("date_from") or end - dt.timedelta(days=6)
        if start > end:
            start = end
        sector = d.get("sector")
        table = sentinel_table(request.user, start, end, sector)
        return render(request, self.template_name, {
            "form": RangeForm(initial={"date_from": start, "date_to": end, "sector": sector}), "start": start, "end": end,
            "table": table, "columns": COLUMNS, "metrics": [catalog.get(n) for n in METRIC_NAMES],
            "may_run": bool(request.user.role_names & SIGNAL_RESPONDERS),
            "may_enter": may_enter(request.user)})
