"""Pages of the people-away ledger (县外人员底数): the ledger, a person with their contact log and
tasks, the tasks, and the board whose every number opens its list (`metrics.away`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import OUT_OF_SCOPE, may
from fangkong.core.scoping import user_may
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView, ObjectListView
from fangkong.metrics.away import away_figures

from .. import actions
from ..choices import AwayTaskStatus
from ..filtersets_away import AwayTaskFilterSet, ContactLogFilterSet, PersonAwayFilterSet
from ..forms_away import CloseTaskForm, ContactForm, PersonAwayForm
from ..models import AwayTask, ContactLog, PersonAway
from ..tables_away import AwayTaskTable, ContactLogTable, PersonAwayTable, ReturnReportTable


class PersonAwayDetailView(ObjectDetailView):
    template_name = "grid/personaway_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(person), strict=True))
        reports = person.reports.select_related("division")
        return render(request, self.template_name, {
            "object": person, "cells": cells, "contacts": person.contacts.select_related("by")[:50],
            "tasks": person.tasks.select_related("assignee")[:50],
            "reports": zip(reports, [ReturnReportTable.cells(r) for r in reports], strict=False),
            "report_headers": ReturnReportTable.headers(),
            "contact_form": ContactForm(initial={"watch": person.watch, "plan": person.plan}),
            "may_contact": may(request.user, person) and may(request.user, ContactLog, "add"),
            **self.links(person)})


class PersonAwayPages(ModelPages):
    model = PersonAway
    table = PersonAwayTable
    filterset_class = PersonAwayFilterSet
    form_class = PersonAwayForm
    deletable = False
    verbs = {"create": "create_person_away", "update": "update_person_away"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("PersonAwayPagesDetail", (PersonAwayDetailView,),
                             {"model": PersonAway, "table": PersonAwayTable})
        return out


class LogContact(ObjectActionView):
    model = PersonAway
    action = actions.do_log_contact
    form_class = ContactForm
    success = gettext_lazy("已记录联系情况")


class ContactLogPages(ModelPages):
    model = ContactLog
    table = ContactLogTable
    filterset_class = ContactLogFilterSet


class AwayTaskListView(ObjectListView):
    """The ledger's tasks; open ones unless a status is asked for (the API lists all)."""

    model, table, filterset_class = AwayTask, AwayTaskTable, AwayTaskFilterSet

    def filter_data(self) -> Any:
        data = self.request.GET.copy()
        if "status" not in data:
            data["status"] = AwayTaskStatus.OPEN
        return data


class AwayTaskDetailView(ObjectDetailView):
    model, table = AwayTask, AwayTaskTable
    template_name = "grid/awaytask_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(task), strict=True))
        return render(request, self.template_name, {
            "object": task, "cells": cells, "form": CloseTaskForm(),
            "may_close": task.status == AwayTaskStatus.OPEN and may(request.user, task), **self.links(task)})


class CloseAwayTask(ObjectActionView):
    model = AwayTask
    action = actions.do_close_away_task
    form_class = CloseTaskForm
    success = gettext_lazy("已办结")


class AwayBoardView(LoginRequiredMixin, View):
    """县外人员与返县报备: people away by origin province and risk level, return reports due
    today and tomorrow, arrivals confirmed — each number a link to its list."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not user_may(PersonAway, request.user, "view"):
            raise PermissionDenied(OUT_OF_SCOPE)
        return render(request, "grid/away_board.html", {"f": away_figures(request.user), "title": _("县外人员与返县报备")})
