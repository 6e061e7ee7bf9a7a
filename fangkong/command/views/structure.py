"""Pages of the headquarters' structure: the units (一办六组六专班, departments, townships), each
with its members (组长, 成员, 抽调人员), what it covers, its open tasks and recent reports."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.models import Division, User
from fangkong.core.pii import mask_phone, may_see_full_pii
from fangkong.core.scoping import CHANGE, VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ScopedView

from .. import actions
from ..choices import OPEN_TASK_STATUSES, UnitKind
from ..filtersets import UnitFilterSet
from ..forms import CoverageForm, MemberForm, UnitForm
from ..models import DutyShift, Unit
from ..tables import UnitTable


def seconded_summary(members) -> str:
    """抽调卫健、旅文等专职人员N人: the departments members are seconded from, and how many."""
    counts = Counter(m.seconded_from for m in members if m.seconded_from)
    if not counts:
        return ""
    return _("抽调%(from)s专职人员%(n)d人") % {"from": "、".join(counts), "n": sum(counts.values())}


class UnitDetailView(ObjectDetailView):
    template_name = "command/unit_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(unit), strict=True))
        members = list(unit.members.select_related("user"))
        full = may_see_full_pii(request.user)
        rows = [(m, m.phone if full else mask_phone(m.phone)) for m in members]
        editable = may(request.user, unit, CHANGE)
        return render(request, self.template_name, {
            "object": unit, "cells": cells, "members": rows, "seconded": seconded_summary(members),
            "children": Unit.objects.restrict(request.user).filter(parent=unit),
            "covers": unit.covers.all(), "sectors": unit.sectors.all(), "modules": unit.module_labels(),
            "tasks": unit.tasks.restrict(request.user).filter(status__in=OPEN_TASK_STATUSES).select_related("dispatch")[:20],
            "reports": unit.reports.restrict(request.user)[:7], "editable": editable,
            "member_form": MemberForm() if editable else None,
            "coverage_form": CoverageForm(user=request.user, initial={"covers": list(unit.covers.all()),
                                                                      "sectors": list(unit.sectors.all())})
            if editable else None,
            "may_add_townships": editable and unit.kind == UnitKind.HEADQUARTERS,
            "may_see_roster": user_may(DutyShift, request.user, VIEW), **self.links(unit)})


class UnitPages(ModelPages):
    model = Unit
    table = UnitTable
    filterset_class = UnitFilterSet
    form_class = UnitForm
    verbs = {"create": "create_unit", "update": "update_unit", "delete": "delete_unit"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("UnitPagesDetail", (UnitDetailView,), {"model": Unit, "table": UnitTable})
        return out


class UnitChangeView(ScopedView, View):
    """A POST that changes a unit in scope (404 outside it), back to its page."""

    model = Unit
    scope_action = CHANGE
    http_method_names = ["post"]

    def back(self, unit: Unit) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("command:unit", args=[unit.pk]))


class AddMemberView(UnitChangeView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(CHANGE)
        form = MemberForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            account = None
            if d["username"]:
                account = User.objects.filter(username=d["username"].strip(),
                                              division__in=Division.objects.subtree(request.user.division)).first()
                if account is None:
                    from django.contrib import messages

                    messages.error(request, _("找不到该账号，或不在您的管辖范围内"))
                    return self.back(unit)
            try:
                call_action(request, actions.do_add_member, unit, acting_user=request.user, name=d["name"],
                            position=d["position"], title=d["title"], seconded_from=d["seconded_from"],
                            phone=d["phone"], user=account, success=_("已增加成员"))
            except ActionFailed:
                pass
        return self.back(unit)


class RemoveMemberView(UnitChangeView):
    def post(self, request: HttpRequest, pk: int, member: int) -> HttpResponse:
        unit = self.get_object(CHANGE)
        found = get_object_or_404(unit.members.all(), pk=member)
        try:
            call_action(request, actions.do_remove_member, found, acting_user=request.user, success=_("已移除成员"))
        except ActionFailed:
            pass
        return self.back(unit)


class CoverageView(UnitChangeView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(CHANGE)
        form = CoverageForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                call_action(request, actions.do_set_coverage, unit, acting_user=request.user,
                            covers=form.cleaned_data["covers"], sectors=form.cleaned_data["sectors"],
                            success=_("已保存包联区划和负责行业"))
            except ActionFailed:
                pass
        return self.back(unit)


class AddTownshipsView(UnitChangeView):
    success = gettext_lazy("已为各乡镇（街道）建立报送单位")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        unit = self.get_object(CHANGE)
        try:
            call_action(request, actions.do_add_township_units, unit, acting_user=request.user, success=str(self.success))
        except ActionFailed:
            pass
        return self.back(unit)
