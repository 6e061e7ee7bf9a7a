"""Pages of dispatch (督办 / 交办单): the lists, a dispatch with its units' tasks, a task with its
record and the forms its unit and its sender use, sending a dispatch, and "my dispatches" on a
township cadre's phone."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE, VIEW, user_may
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ScopedView

from .. import actions
from ..choices import OPEN_TASK_STATUSES, TaskStatus
from ..filtersets import DispatchFilterSet, DispatchTaskFilterSet
from ..forms import DispatchForm, ReplyForm, ReturnForm, SignOffForm
from ..models import Dispatch, DispatchAttachment, DispatchTask, Unit
from ..tables import DispatchTable, DispatchTaskTable

SIGN_OFF = "sign_off"


def may_see_tasks(user: Any) -> bool:
    return user_may(DispatchTask, user, VIEW)


class DispatchDetailView(ObjectDetailView):
    template_name = "command/dispatch_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        tasks = DispatchTaskTable.prepare(obj.tasks.restrict(request.user))
        return render(request, self.template_name, {
            "object": obj, "cells": cells, "task_headers": DispatchTaskTable.headers(),
            "tasks": DispatchTaskTable.page_rows(tasks), **self.links(obj)})


class DispatchPages(ModelPages):
    model = Dispatch
    table = DispatchTable
    filterset_class = DispatchFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("DispatchPagesDetail", (DispatchDetailView,), {"model": Dispatch, "table": DispatchTable})
        return out


class TaskDetailView(ObjectDetailView):
    template_name = "command/task_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(task), strict=True))
        user = request.user
        handler = task.status in OPEN_TASK_STATUSES and may(user, task, CHANGE)
        sender = task.status == TaskStatus.DONE and may(user, task, SIGN_OFF)
        return render(request, self.template_name, {
            "object": task, "dispatch": task.dispatch, "cells": cells,
            "replies": task.replies.select_related("by").prefetch_related("attachments"),
            "may_acknowledge": handler and task.status == TaskStatus.ISSUED, "may_reply": handler,
            "may_sign_off": sender, "reply_form": ReplyForm(), "return_form": ReturnForm(), "sign_off_form": SignOffForm(),
            "may_see_dispatch": may(user, task.dispatch, VIEW), **self.links(task)})


class DispatchTaskPages(ModelPages):
    model = DispatchTask
    table = DispatchTaskTable
    filterset_class = DispatchTaskFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("DispatchTaskPagesDetail", (TaskDetailView,), {"model": DispatchTask,
                                                                            "table": DispatchTaskTable})
        return out


class TaskActionView(ScopedView, View):
    """A POST on one task in scope for `scope_action` (404 outside it), back to the task's page."""

    model = DispatchTask
    http_method_names = ["post"]

    def back(self, task: DispatchTask) -> HttpResponseRedirect:
        nxt = self.request.POST.get("next") or ""
        if nxt.startswith("/") and not nxt.startswith("//"):
            return HttpResponseRedirect(nxt)
        return HttpResponseRedirect(reverse("command:dispatchtask", args=[task.pk]))

    def run(self, task: DispatchTask, fn, success: str, **kwargs: Any) -> HttpResponse:
        try:
            call_action(self.request, fn, task, acting_user=self.request.user, success=success, **kwargs)
        except ActionFailed:
            pass
        return self.back(task)

    def form_errors(self, form) -> None:
        from django.contrib import messages

        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)


class AcknowledgeView(TaskActionView):
    scope_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.run(self.get_object(), actions.do_acknowledge, _("已签收"))


class ReplyView(TaskActionView):
    """进展反馈 or 办结反馈 (`done=1`), with files."""

    scope_action = CHANGE

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_object()
        form = ReplyForm(request.POST)
        if not form.is_valid():
            self.form_errors(form)
            return self.back(task)
        files = request.FILES.getlist("files")
        if request.POST.get("done"):
            return self.run(task, actions.do_report_done, _("已办结反馈，等待销号"), text=form.cleaned_data["text"],
                            files=files)
        return self.run(task, actions.do_report_progress, _("已反馈进展"), text=form.cleaned_data["text"], files=files)


class SignOffView(TaskActionView):
    scope_action = SIGN_OFF

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = SignOffForm(request.POST)
        text = form.cleaned_data["text"] if form.is_valid() else ""
        return self.run(self.get_object(), actions.do_sign_off, _("已销号"), text=text)


class ReturnView(TaskActionView):
    scope_action = SIGN_OFF

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = self.get_object()
        form = ReturnForm(request.POST)
        if not form.is_valid():
            self.form_errors(form)
            return self.back(task)
        return self.run(task, actions.do_return, _("已退回重办"), **form.cleaned_data)


class AttachmentView(ScopedView, View):
    """A file sent back with a task's reply, only within the task's scope (404 outside it)."""

    model = DispatchTask

    def get(self, request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
        task = self.get_object()
        found = get_object_or_404(DispatchAttachment.objects.filter(reply__task=task), pk=attachment)
        return FileResponse(found.file.open("rb"), content_type=found.content_type, filename=found.name)


class DispatchCreateView(LoginRequiredMixin, View):
    """交办: the command centre, or a group's leader in its name, sends an instruction to units."""

    template_name = "command/dispatch_create.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, Dispatch, ADD):
            raise PermissionDenied(_("您没有交办的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        # A link from an alert or a supervision finding prefills what it knows (?source=…&title=…&units=…).
        initial: dict[str, Any] = {k: request.GET[k] for k in ("title", "content", "source", "source_note", "evidence")
                                   if request.GET.get(k)}
        initial["units"] = [u for u in request.GET.getlist("units") if u.isdigit()]
        initial["due_at"] = (timezone.localtime() + timezone.timedelta(days=1)).replace(second=0, microsecond=0)
        return render(request, self.template_name, {"form": DispatchForm(user=request.user, initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = DispatchForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        try:
            dispatch = call_action(request, actions.do_dispatch, acting_user=request.user, form=form,
                                   success=_("已交办"), **form.cleaned_data)
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        return HttpResponseRedirect(reverse("command:dispatch", args=[dispatch.pk]))


class MyTasksView(LoginRequiredMixin, View):
    """我的交办 (phone): the open tasks of the units the user belongs to, overdue first, and the
    ones waiting for the user's sign-off."""

    template_name = "command/my_tasks.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not may_see_tasks(user):
            raise PermissionDenied(_("您没有查看交办事项的权限"))
        mine = (DispatchTask.objects.restrict(user, CHANGE).filter(unit__in=Unit.of_member(user),
                                                                    status__in=OPEN_TASK_STATUSES)
                .select_related("dispatch", "unit").order_by("due_at"))
        to_sign = (DispatchTask.objects.restrict(user, SIGN_OFF).filter(status=TaskStatus.DONE)
                   .select_related("dispatch", "unit").order_by("done_at")[:50])
        return render(request, self.template_name, {"tasks": mine[:100], "to_sign": to_sign, "now": timezone.now()})
