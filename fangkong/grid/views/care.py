"""Pages of the 四对一 teams: the member's phone page (我的居家人员) with one tap for a normal
check and a form for an abnormal one; the teams, duties (overdue first) and checks for the
township and the command centre; the duty templates."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.control.choices import MeasureStatus
from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import CHANGE, VIEW
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ObjectListView, ScopedView

from .. import actions
from ..choices import CheckResult
from ..filtersets_care import CareCheckFilterSet, CareDutyFilterSet, CareTeamFilterSet, CareTemplateFilterSet
from ..forms_care import AssignMemberForm, CareCheckForm, CareTemplateForm
from ..models import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate
from ..tables_care import CareCheckTable, CareDutyTable, CareTeamTable, CareTemplateTable


class MyCareView(ScopedView, View):
    """我的居家人员: the people whose team I sit on, each with what I check and when it is due,
    overdue first."""

    model = CareDuty
    scope_action = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        duties = (
            CareDuty.objects.restrict(request.user)
            .filter(member__user=request.user, team__measure__status=MeasureStatus.ACTIVE)
            .select_related("team__person", "team__measure", "member")
            .order_by("due_at", "id")[:300]
        )
        people: OrderedDict[int, dict[str, Any]] = OrderedDict()
        now = timezone.now()
        for d in duties:
            d.overdue = d.due_at < now
            entry = people.setdefault(d.team_id, {"team": d.team, "duties": [], "overdue": False})
            entry["duties"].append(d)
            entry["overdue"] |= d.overdue
        return render(
            request,
            "grid/my_care.html",
            {"people": list(people.values()), "now": now, "title": _("我的居家人员")},
        )


class CareCheckView(ScopedView, View):
    """One duty: GET the form (abnormal, or normal with a note), POST records the check; a POST
    with `result=normal` and no note is the phone page's one tap."""

    model = CareDuty
    scope_action = CHANGE

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        duty = self.get_object()
        return render(
            request,
            "grid/care_check.html",
            {"duty": duty, "form": CareCheckForm(), "title": _("登记查看情况")},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        duty = self.get_object()
        form = CareCheckForm(request.POST)
        if not form.is_valid():
            return render(request, "grid/care_check.html", {"duty": duty, "form": form}, status=400)
        d = form.cleaned_data
        ok = (
            _("已登记：%(name)s %(item)s正常")
            if d["result"] == CheckResult.NORMAL
            else _("已登记异常并上报：%(name)s %(item)s")
        ) % {"name": duty.team.person.name, "item": duty.get_item_display()}
        try:
            call_action(
                request,
                actions.do_record_care_check,
                duty,
                acting_user=request.user,
                result=d["result"],
                note=d["note"],
                success=ok,
                form=form,
            )
        except ActionFailed:
            return render(request, "grid/care_check.html", {"duty": duty, "form": form}, status=400)
        return HttpResponseRedirect(request.POST.get("next") or reverse("grid:my_care"))


class CareTeamListView(ObjectListView):
    """四对一专班: teams of people under a home measure now, unless asked otherwise."""

    model, table, filterset_class = CareTeam, CareTeamTable, CareTeamFilterSet

    def filter_data(self) -> Any:
        data = self.request.GET.copy()
        if "active" not in data:
            data["active"] = "true"
        return data


class CareTeamDetailView(ObjectDetailView):
    model, table = CareTeam, CareTeamTable
    template_name = "grid/careteam_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = self.get_object()
        members = list(team.members.select_related("user").order_by("role"))
        may_assign = may(request.user, team, CHANGE)
        for m in members:
            m.form = (
                AssignMemberForm(
                    division=team.division,
                    prefix=f"m{m.pk}",
                    initial={"user": m.user_id, "name": m.name, "phone": m.phone},
                )
                if may_assign
                else None
            )
        now = timezone.now()
        duties = list(team.duties.select_related("member__user").order_by("due_at"))
        for d in duties:
            d.overdue = d.due_at < now
        return render(
            request,
            self.template_name,
            {
                "object": team,
                "cells": list(zip(self.table.headers(), self.table.cells(team), strict=True)),
                "members": members,
                "duties": duties,
                "may_assign": may_assign,
                "checks": team.checks.select_related("member", "by")[:50],
                **self.links(team),
            },
        )


class AssignCareMemberView(ScopedView, View):
    model = CareMember
    scope_action = CHANGE
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        member = self.get_object()
        back = HttpResponseRedirect(reverse("grid:careteam", args=[member.team_id]))
        form = AssignMemberForm(request.POST, division=member.team.division, prefix=f"m{member.pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for e in errors:
                    messages.error(request, e)
            return back
        d = form.cleaned_data
        try:
            call_action(
                request,
                actions.do_assign_care_member,
                member,
                acting_user=request.user,
                user=d["user"],
                name=d["name"],
                phone=d["phone"],
                success=_("已指派"),
            )
        except ActionFailed:
            pass
        return back


class CareDutyListView(ObjectListView):
    """专班职责: what is due, the earliest first; `?due=overdue` is the township's overdue list."""

    model, table, filterset_class = CareDuty, CareDutyTable, CareDutyFilterSet

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(team__measure__status=MeasureStatus.ACTIVE)


class CareCheckPages(ModelPages):
    model = CareCheck
    table = CareCheckTable
    filterset_class = CareCheckFilterSet


class CareTemplatePages(ModelPages):
    model = CareTemplate
    table = CareTemplateTable
    filterset_class = CareTemplateFilterSet
    form_class = CareTemplateForm
    deletable = False  # retired (active off), never deleted: teams formed from it keep their duties
    verbs = {
        "create": "create_care_template",
        "update": "update_care_template",
    }


class CareTemplateListView(ScopedView, View):
    """四对一职责模板: per home measure kind, each seat's checks and their frequency (active first)."""

    model = CareTemplate
    scope_action = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = list(self.restricted().order_by("-active", "measure_kind", "role", "item"))
        return render(
            request,
            "grid/caretemplate_list.html",
            {"rows": rows, "may_add": may(request.user, CareTemplate, "add"), "title": _("四对一职责模板")},
        )


class CareTemplateDetailView(ScopedView, View):
    """One template (reference data: everyone on the grid line may read it)."""

    model = CareTemplate
    scope_action = VIEW

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(CareTemplateTable.headers(), CareTemplateTable.cells(obj), strict=True))
        return render(request, "core/generic/detail.html", {"object": obj, "cells": cells, **self.links(obj)})


class CareBoardView(ScopedView, View):
    """居家管控专班与通知: the figures of `metrics.care`, each a link to the list it counts."""

    model = CareTeam
    scope_action = VIEW

    def get(self, request: HttpRequest) -> HttpResponse:
        from fangkong.metrics.care import care_figures, notice_figures

        return render(
            request,
            "grid/care_board.html",
            {"care": care_figures(request.user), "notices": notice_figures(request.user),
             "title": _("居家管控专班与通知")},
        )
