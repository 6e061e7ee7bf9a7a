"""Pages of the 24-hour duty (24小时值班): the roster (shifts), a shift with its swaps, log and
handover, the duty log, and 今日值班 — who is on duty now in each unit, a phone number one tap away."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.models import Division
from fangkong.core.scoping import CHANGE, VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ScopedView

from .. import actions
from ..choices import CENTRE_KINDS, SwapStatus
from ..filtersets import DutyLogEntryFilterSet, DutyShiftFilterSet
from ..forms import DutyLogForm, DutyShiftForm, HandoverForm, SwapForm
from ..models import DutyLogEntry, DutyShift
from ..models.duty import on_duty_at
from ..tables import DutyLogEntryTable, DutyShiftTable

KEEP = "keep"


def may_see_duty(user: Any) -> bool:
    return user_may(DutyShift, user, VIEW)


class ShiftDetailView(ObjectDetailView):
    template_name = "command/shift_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = self.get_object()
        user = request.user
        planner, keeper = may(user, shift, CHANGE), may(user, shift, KEEP)
        ended = shift.ends_at <= timezone.now()
        mine = user.pk in (shift.leader_id, shift.officer_id)
        return render(request, self.template_name, {
            "object": shift, "cells": list(zip(self.table.headers(), self.table.cells(shift, full=True), strict=True)),
            "on_now": shift.is_on(timezone.now()), "swaps": shift.swaps.select_related("from_user", "to_user"),
            "log": shift.log.select_related("handled_by"), "planner": planner,
            "swap_form": SwapForm(user=user) if not ended and (planner or mine) else None,
            "log_form": DutyLogForm() if keeper else None,
            "handover_form": HandoverForm(initial={"note": shift.handover}) if keeper else None,
            **self.links(shift)})


class DutyShiftPages(ModelPages):
    model = DutyShift
    table = DutyShiftTable
    filterset_class = DutyShiftFilterSet
    form_class = DutyShiftForm
    verbs = {"create": "create_duty_shift", "update": "update_duty_shift", "delete": "delete_duty_shift"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("DutyShiftPagesDetail", (ShiftDetailView,), {"model": DutyShift, "table": DutyShiftTable})
        return out


class DutyLogEntryPages(ModelPages):
    model = DutyLogEntry
    table = DutyLogEntryTable
    filterset_class = DutyLogEntryFilterSet


class ShiftPostView(ScopedView, View):
    """A POST on one shift in scope for `scope_action` (404 outside it), back to the shift."""

    model = DutyShift
    http_method_names = ["post"]

    def back(self, shift: DutyShift) -> HttpResponseRedirect:
        nxt = self.request.POST.get("next") or ""
        if nxt.startswith("/") and not nxt.startswith("//"):
            return HttpResponseRedirect(nxt)
        return HttpResponseRedirect(reverse("command:dutyshift", args=[shift.pk]))

    def run(self, shift: DutyShift, form, fn, success: str, *args: Any, **extra: Any) -> HttpResponse:
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(self.request, error)
            return self.back(shift)
        try:
            call_action(self.request, fn, *args, acting_user=self.request.user, success=success,
                        **form.cleaned_data, **extra)
        except ActionFailed:
            pass
        return self.back(shift)


class SwapView(ShiftPostView):
    """调班: made directly by the roster's planner, asked for by the person on duty otherwise."""

    scope_action = VIEW

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = self.get_object()
        form = SwapForm(request.POST, user=request.user)
        if may(request.user, shift, CHANGE):
            return self.run(shift, form, actions.do_swap_duty, _("已调班"), shift)
        return self.run(shift, form, actions.do_request_swap, _("已提交调班申请，等待批准"), shift)


class DecideSwapView(ShiftPostView):
    scope_action = CHANGE

    def post(self, request: HttpRequest, pk: int, swap: int) -> HttpResponse:
        shift = self.get_object(CHANGE)
        found = get_object_or_404(shift.swaps.filter(status=SwapStatus.PENDING), pk=swap)
        approve = request.POST.get("approve") == "1"
        try:
            call_action(request, actions.do_decide_swap, found, acting_user=request.user, approve=approve,
                        success=_("已批准调班") if approve else _("已不批准调班"))
        except ActionFailed:
            pass
        return self.back(shift)


class LogView(ShiftPostView):
    scope_action = KEEP

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = self.get_object(KEEP)
        return self.run(shift, DutyLogForm(request.POST), actions.do_log_duty, _("已记录"), shift)


class HandoverView(ShiftPostView):
    scope_action = KEEP

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        shift = self.get_object(KEEP)
        return self.run(shift, HandoverForm(request.POST), actions.do_hand_over, _("已交班"), shift)


def visible_now(user: Any, when=None):
    """The shifts running at `when` that the user may see, and — so that anyone can call the command
    centre — those of the command centre's units above the user's own division."""
    when = when or timezone.now()
    mine = DutyShift.objects.restrict(user).values("pk")
    above = []
    if user.division_id:
        paths = [*user.division.ancestor_paths, user.division.path]
        above = Division.objects.filter(path__in=paths)
    return (on_duty_at(when).filter(Q(pk__in=mine) | Q(unit__kind__in=CENTRE_KINDS, unit__division__in=above))
            .select_related("unit__division", "leader", "officer").order_by("unit__division__path", "unit__order", "unit_id"))


class OnDutyView(LoginRequiredMixin, View):
    """今日值班 (phone first): per unit, who is on duty now — 带班领导 and 值班员 — each with a tel: link,
    the command centre first; and the shifts the user is on today."""

    template_name = "command/on_duty.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may_see_duty(request.user):
            raise PermissionDenied(_("您没有查看值班安排的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        now = timezone.now()
        shifts = list(visible_now(request.user, now))
        shifts.sort(key=lambda s: (s.unit.kind not in CENTRE_KINDS, s.unit.division.path, s.unit.order, s.unit_id))
        mine = (DutyShift.objects.filter(Q(leader=request.user) | Q(officer=request.user), ends_at__gt=now)
                .select_related("unit").order_by("starts_at")[:5])
        # The command centre's shifts are shown to everyone (anyone may need to call it), but a
        # shift's page only to those whose scope holds it: link only those.
        openable = set(DutyShift.objects.restrict(request.user).filter(pk__in=[s.pk for s in shifts])
                       .values_list("pk", flat=True))
        return render(request, self.template_name, {"shifts": shifts, "mine": mine, "now": now,
                                                    "openable": openable})
