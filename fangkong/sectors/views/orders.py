"""Pages of closing orders by sector (关停令): the list, an order with its venues, issuing and lifting."""

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
from fangkong.core.scoping import ADD
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions
from ..choices import OrderStatus
from ..filtersets import SectorOrderFilterSet
from ..forms import LiftForm, OrderForm
from ..models import SectorOrder
from ..tables import SectorOrderTable, VenueTable


class OrderDetailView(ObjectDetailView):
    template_name = "sectors/order_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        order = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(order), strict=True))
        venues = VenueTable.prepare(order.venues.restrict(request.user))[:200]
        return render(request, self.template_name, {
            "object": order, "cells": cells, "venue_headers": VenueTable.headers(),
            "venues": VenueTable.page_rows(venues), "lift_form": LiftForm(),
            "may_lift": order.status == OrderStatus.ACTIVE and may(request.user, order), **self.links(order)})


class SectorOrderPages(ModelPages):
    model = SectorOrder
    table = SectorOrderTable
    filterset_class = SectorOrderFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("SectorOrderPagesDetail", (OrderDetailView,), {"model": SectorOrder,
                                                                            "table": SectorOrderTable})
        return out


class LiftOrder(ObjectActionView):
    model = SectorOrder
    action = actions.do_lift_order
    form_class = LiftForm
    success = gettext_lazy("关停令已解除")


class IssueOrderView(LoginRequiredMixin, View):
    template_name = "sectors/order_issue.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, SectorOrder, ADD):
            raise PermissionDenied(_("您没有下达关停令的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": OrderForm(user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrderForm(request.POST, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        d = form.cleaned_data
        try:
            order = call_action(request, actions.do_issue_order, d["sector"], d["division"], kind=d["kind"],
                                starts_on=d["starts_on"], limit_percent=d["limit_percent"], reason=d["reason"],
                                acting_user=request.user, form=form, success=_("关停令已下达"))
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        return HttpResponseRedirect(reverse("sectors:sectororder", args=[order.pk]))
