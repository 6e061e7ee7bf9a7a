"""Pages of the notices (通知全覆盖): the list, sending one, a notice with its counts and the
people not reached (a list with its export), and sending again to them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD, CHANGE
from fangkong.core.views.generic import ObjectActionView, ObjectDetailView, ObjectListView, ScopedView

from .. import actions
from ..choices import NOT_REACHED, NoticeStatus
from ..filtersets_care import NoticeDeliveryFilterSet, NoticeFilterSet
from ..forms_care import NoticeForm
from ..models import Notice, NoticeDelivery
from ..tables_care import NoticeDeliveryTable, NoticeTable


class NoticeListView(ObjectListView):
    model, table, filterset_class = Notice, NoticeTable, NoticeFilterSet


class NoticeAddView(ScopedView, View):
    model = Notice
    scope_action = ADD

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {
            "division": request.user.division_id,
            "audience": request.GET.get("audience", ""),
            "sweep": request.GET.get("sweep", ""),
        }
        return render(
            request,
            "grid/notice_add.html",
            {"form": NoticeForm(user=request.user, initial=initial), "title": _("发送通知")},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = NoticeForm(request.POST, user=request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                notice = call_action(
                    request,
                    actions.do_send_notice,
                    acting_user=request.user,
                    division=d["division"],
                    audience=d["audience"],
                    text=d["text"],
                    sweep=d["sweep"],
                    success=_("已提交发送，后台正在发送短信"),
                    form=form,
                )
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("grid:notice", args=[notice.pk]))
        return render(request, "grid/notice_add.html", {"form": form, "title": _("发送通知")}, status=400)


class NoticeDetailView(ObjectDetailView):
    model, table = Notice, NoticeTable
    template_name = "grid/notice_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self.get_object()
        missed = notice.deliveries.filter(status__in=NOT_REACHED).select_related("grid")[:200]
        list_url = reverse("grid:noticedelivery_list") + f"?notice={notice.pk}&reached=false"
        return render(
            request,
            self.template_name,
            {
                "object": notice,
                "cells": list(zip(self.table.headers(), self.table.cells(notice), strict=True)),
                "missed": missed,
                "missed_url": list_url,
                "may_resend": notice.status in (NoticeStatus.DONE, NoticeStatus.FAILED)
                and notice.not_reached
                and may(request.user, notice, CHANGE),
                **self.links(notice),
            },
        )


class ResendNotice(ObjectActionView):
    model = Notice
    action = actions.do_resend_notice
    success = gettext_lazy("已重新提交发送（未送达人员）")


class NoticeDeliveryListView(ObjectListView):
    """通知送达记录: `?notice=…&reached=false` is a notice's not-reached list (导出 for Excel)."""

    model, table, filterset_class = NoticeDelivery, NoticeDeliveryTable, NoticeDeliveryFilterSet

    def filter_data(self) -> Any:
        return self.request.GET
