"""Pages of the checkpoints: the lists (with filters and Excel export), the one-screen
registration on a phone, the exit of a transit vehicle, the report by checkpoint and township,
and the import of the province's lists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.imports import upload_form
from fangkong.core.imports.views import UploadImportView
from fangkong.core.scoping import ADD
from fangkong.core.views.generic import ModelPages, ScopedView
from fangkong.metrics import catalog
from fangkong.metrics.checkpoints import cell_urls, checkpoint_figures

from .. import actions_checkpoints as actions
from ..choices import CheckpointKind, HealthCode, ItineraryCode, TestResult, VehicleType
from ..filtersets_checkpoints import (
    CheckpointFilterSet,
    CheckpointShiftFilterSet,
    PersonCheckFilterSet,
    VehicleCheckFilterSet,
)
from ..forms_checkpoints import (
    CheckpointForm,
    CheckpointShiftForm,
    ExitForm,
    destination_grids,
    read_registration,
)
from ..imports_checkpoints import BATCH_KIND, may_import
from ..models import Checkpoint, PersonCheck, VehicleCheck
from ..tables_checkpoints import CheckpointShiftTable, CheckpointTable, PersonCheckTable, VehicleCheckTable


class CheckpointPages(ModelPages):
    model = Checkpoint
    table = CheckpointTable
    filterset_class = CheckpointFilterSet
    form_class = CheckpointForm
    verbs = {"create": "create_checkpoint", "update": "update_checkpoint", "delete": "delete_checkpoint"}


class CheckpointShiftPages(ModelPages):
    model = CheckpointShiftTable.model
    table = CheckpointShiftTable
    filterset_class = CheckpointShiftFilterSet
    form_class = CheckpointShiftForm
    verbs = {"create": "create_checkpoint_shift", "update": "update_checkpoint_shift",
             "delete": "delete_checkpoint_shift"}


class VehicleCheckPages(ModelPages):
    """Registered vehicles: read-only pages (they are written by the registration and the lists)."""

    model = VehicleCheck
    table = VehicleCheckTable
    filterset_class = VehicleCheckFilterSet


class PersonCheckPages(ModelPages):
    model = PersonCheck
    table = PersonCheckTable
    filterset_class = PersonCheckFilterSet


class StaffView(ScopedView, View):
    """For who may register at a checkpoint in their scope (else 403)."""

    model = PersonCheck
    scope_action = ADD

    def checkpoint(self, pk: int) -> Checkpoint:
        return get_object_or_404(Checkpoint.objects.restrict(self.request.user).filter(active=True), pk=pk)


class RegisterPickView(StaffView):
    """`/sectors/checkpoints/register/`: the user's checkpoints; with only one, straight to it."""

    def get(self, request: HttpRequest) -> HttpResponse:
        checkpoints = list(Checkpoint.objects.restrict(request.user).filter(active=True).select_related("division"))
        if len(checkpoints) == 1:
            return HttpResponseRedirect(reverse("sectors:checkpoint_register", args=[checkpoints[0].pk]))
        return render(request, "sectors/checkpoint_pick.html", {"checkpoints": checkpoints})


class RegisterView(StaffView):
    """One screen on a phone: the vehicle, then each person (ID typed or read by a card reader)."""

    template_name = "sectors/checkpoint_register.html"

    def context(self, cp: Checkpoint, **extra: Any) -> dict[str, Any]:
        asked = str(self.request.GET.get("people", "1"))
        rows = extra.pop("rows", None) or [None] * max(1, min(int(asked) if asked.isdigit() else 1, 20))
        return {"checkpoint": cp, "grids": destination_grids(cp), "vehicle_types": VehicleType.choices,
                "health_codes": HealthCode.choices, "itineraries": ItineraryCode.choices,
                "test_results": TestResult.choices, "people": list(enumerate(rows)), "values": {}, **extra}

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, self.template_name, self.context(self.checkpoint(pk)))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cp = self.checkpoint(pk)
        grids = {g for g, _label in destination_grids(cp)}
        reg = read_registration(request.POST, grids)
        if not reg.errors:
            try:
                written = call_action(request, actions.do_register_passage, cp, vehicle=reg.vehicle,
                                      persons=reg.persons, acting_user=request.user)
            except ActionFailed:
                pass
            else:
                text = _("已登记：车辆%(v)d辆，人员%(p)d人") % {"v": len(written.vehicles), "p": len(written.persons)}
                if written.leads:
                    text += _("；其中来自风险区%(n)d人，已推送至目的地网格核查（点对点）") % {"n": written.leads}
                if written.duplicates:
                    text += _("；%(n)d条此前已登记") % {"n": written.duplicates}
                messages.success(request, text)
                return HttpResponseRedirect(reverse("sectors:checkpoint_register", args=[cp.pk]))
        for error in reg.errors:
            messages.error(request, error)
        return render(request, self.template_name, self.context(
            cp, values=reg.values, rows=reg.rows), status=400)


class ExitView(StaffView):
    """过境车辆出县: the plate of a transit vehicle leaving through this checkpoint."""

    template_name = "sectors/checkpoint_exit.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        cp = self.checkpoint(pk)
        return render(request, self.template_name, {"checkpoint": cp, "form": ExitForm()})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        cp = self.checkpoint(pk)
        form = ExitForm(request.POST)
        if form.is_valid():
            try:
                vehicle = call_action(request, actions.do_record_exit, form.cleaned_data["plate"], cp,
                                      acting_user=request.user, form=form)
            except ActionFailed:
                pass
            else:
                messages.success(request, _("%(plate)s已出县（%(at)s入县）") % {
                    "plate": vehicle.plate, "at": timezone.localtime(vehicle.registered_at).strftime("%m-%d %H:%M")})
                return HttpResponseRedirect(reverse("sectors:checkpoint_exit", args=[cp.pk]))
        return render(request, self.template_name, {"checkpoint": cp, "form": form}, status=400)


class RangeForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=gettext_lazy("卡口类型"), required=False,
                             choices=[("", gettext_lazy("全部"))] + CheckpointKind.choices)


class CheckpointReportView(ScopedView, View):
    """卡口数据: vehicles, people and arrivals from risk areas per checkpoint and per township for
    a date range; each number links to its list (which exports to Excel)."""

    model = Checkpoint

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        form = RangeForm(request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        start, end, kind = data.get("date_from") or today, data.get("date_to") or today, data.get("kind") or None
        if start > end:
            start, end = end, start
        f = checkpoint_figures(request.user, start, end, kind=kind)
        rows = [(cp, t, cell_urls(start, end, checkpoint=cp.pk, kind=kind)) for cp, t in f.by_checkpoint]
        townships = [(d, t, cell_urls(start, end, division=d.pk if d else None, kind=kind)) for d, t in f.by_township]
        return render(request, "sectors/checkpoint_report.html", {
            "form": form, "start": start, "end": end, "rows": rows, "townships": townships, "total": f.total,
            "total_urls": cell_urls(start, end, kind=kind),
            "metrics": [catalog.get(n) for n in ("checkpoints.vehicles", "checkpoints.people",
                                                   "checkpoints.risk_arrivals", "checkpoints.border")]})


ImportForm = upload_form(gettext_lazy("卡口登记名单"), gettext_lazy(
    "支持 xlsx、xls、csv；列：卡口、登记时间、姓名、身份证号、手机号、出发地、目的地、健康码、行程卡、车牌号、途经地、是否过境等"))


class CheckpointImportView(UploadImportView):
    """Upload a list from the province's checkpoint system; imported at once (or by the worker)."""

    template_name = "sectors/checkpoint_import.html"
    form_class = ImportForm
    batch_kind = BATCH_KIND
    permission_denied = gettext_lazy("您没有导入卡口登记的权限")
    permitted = staticmethod(may_import)
