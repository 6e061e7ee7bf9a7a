"""Pages of family events (红白事): the list, a report with its checks, reporting (phone first),
the supervisor, the on-site check, cancelling, and the county's rules."""

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

from .. import actions_events as actions
from ..choices import EventStatus
from ..filtersets import EventCheckFilterSet, FamilyEventFilterSet
from ..forms_events import CancelEventForm, EventCheckForm, EventReportForm, EventRulesForm, SupervisorForm
from ..models import EventCheck, EventRules, FamilyEvent
from ..tables import EventCheckTable, FamilyEventTable


class EventDetailView(ObjectDetailView):
    template_name = "sectors/event_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        event = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(event), strict=True))
        open_ = event.status not in (EventStatus.CHECKED, EventStatus.CANCELLED)
        manage = open_ and may(request.user, event, CHANGE)
        checks = EventCheckTable.prepare(event.checks.restrict(request.user))
        return render(request, self.template_name, {
            "object": event, "cells": cells, "manage": manage,
            "supervisor_form": SupervisorForm(event=event) if manage else None,
            "check_form": EventCheckForm() if manage else None, "cancel_form": CancelEventForm() if manage else None,
            "check_headers": EventCheckTable.headers(), "checks": EventCheckTable.page_rows(checks),
            **self.links(event)})


class FamilyEventPages(ModelPages):
    model = FamilyEvent
    table = FamilyEventTable
    filterset_class = FamilyEventFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("FamilyEventPagesDetail", (EventDetailView,), {"model": FamilyEvent,
                                                                           "table": FamilyEventTable})
        return out


class EventCheckPages(ModelPages):
    model = EventCheck
    table = EventCheckTable
    filterset_class = EventCheckFilterSet


class ReportEventView(LoginRequiredMixin, View):
    """红白事报备 on a phone: one screen, the reporter's own village preselected."""

    template_name = "sectors/event_report.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, FamilyEvent, ADD):
            raise PermissionDenied(_("您没有报备红白事的权限"))
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request: HttpRequest, form: EventReportForm) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "rules": EventRules.current()})

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, EventReportForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EventReportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._page(request, form)
        data = dict(form.cleaned_data)
        division = data.pop("division")
        try:
            event = call_action(request, actions.do_report_event, division, acting_user=request.user, form=form,
                                success=_("已报备"), **data)
        except ActionFailed:
            return self._page(request, form)
        return HttpResponseRedirect(reverse("sectors:familyevent", args=[event.pk]))


class AssignSupervisor(ObjectActionView):
    model = FamilyEvent
    action = actions.do_assign_event_supervisor
    form_class = SupervisorForm
    success = gettext_lazy("已指派督导人")


class CheckEvent(ObjectActionView):
    model = FamilyEvent
    action = actions.do_check_event
    form_class = EventCheckForm
    success = gettext_lazy("现场检查已记录")


class CancelEvent(ObjectActionView):
    model = FamilyEvent
    action = actions.do_cancel_event
    form_class = CancelEventForm
    success = gettext_lazy("报备已取消")


class EventRulesView(LoginRequiredMixin, View):
    """The county's limits; changing them flags future reports, not those already made."""

    template_name = "sectors/event_rules.html"

    def _rules(self, request: HttpRequest) -> EventRules:
        rules = EventRules.current()
        if not may(request.user, EventRules, CHANGE):
            raise PermissionDenied(_("您没有修改红白事报备规则的权限"))
        return rules

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": EventRulesForm(instance=self._rules(request))})

    def post(self, request: HttpRequest) -> HttpResponse:
        self._rules(request)
        form = EventRulesForm(request.POST, instance=EventRules())  # the action writes the stored row
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        try:
            call_action(request, actions.do_set_event_rules, acting_user=request.user, form=form,
                        success=_("规则已保存，此后的报备按新规则提示"), **form.cleaned_data)
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        return HttpResponseRedirect(reverse("sectors:familyevent_list"))


