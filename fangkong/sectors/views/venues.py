"""Pages of sectors and venues: `ModelPages` declarations, the venue page with its scan code,
the scan code's landing URL and the venue import."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.imports import upload_form
from fangkong.core.imports.views import UploadImportView
from fangkong.core.views.generic import ModelPages, ObjectActionView, ObjectDetailView

from .. import actions
from ..choices import ReinspectionStatus, VenueStatus
from ..filtersets import SectorFilterSet, VenueFilterSet
from ..forms import SectorForm, VenueForm
from ..imports import BATCH_KIND, may_import
from ..models import Venue
from ..qr import qr_svg, scan_url, venue_id_from_token
from ..tables import SectorTable, VenueTable


class SectorPages(ModelPages):
    model = SectorTable.model
    table = SectorTable
    filterset_class = SectorFilterSet
    form_class = SectorForm
    verbs = {"create": "create_sector", "update": "update_sector", "delete": "delete_sector"}


class VenueDetailView(ObjectDetailView):
    """A venue: its fields, its scan code, its inspections and open re-inspection, the buttons."""

    template_name = "sectors/venue_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        venue = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(venue), strict=True))
        url = scan_url(request, venue.pk)
        return render(request, self.template_name, {
            "object": venue, "cells": cells, "scan_url": url, "qr": qr_svg(url),
            "inspections": venue.inspections.select_related("checklist", "inspector")[:20],
            "due": venue.reinspections.filter(status=ReinspectionStatus.DUE).order_by("due_on").first(),
            "may_inspect": actions.may_inspect(request.user),
            "may_reopen": venue.status == VenueStatus.SUSPENDED and may(request.user, venue),
            **self.links(venue)})


class VenuePages(ModelPages):
    model = Venue
    table = VenueTable
    filterset_class = VenueFilterSet
    form_class = VenueForm
    verbs = {"create": "create_venue", "update": "update_venue", "delete": "delete_venue"}

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("VenuePagesDetail", (VenueDetailView,), {"model": Venue, "table": VenueTable})
        return out


class ReopenVenue(ObjectActionView):
    model = Venue
    action = actions.do_reopen_venue
    success = gettext_lazy("已恢复营业")


class ScanView(LoginRequiredMixin, View):
    """`/sectors/v/<token>/`: the URL in a venue's scan code; opens its inspection page."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        venue_id = venue_id_from_token(token)
        if venue_id is None:
            raise Http404(_("场所码无效，请在场所列表中查找该场所"))
        if not Venue.objects.restrict(request.user).filter(pk=venue_id).exists():
            raise Http404(_("该场所不在您的管辖范围内"))
        if actions.may_inspect(request.user):
            return HttpResponseRedirect(reverse("sectors:inspect", args=[venue_id]))
        return HttpResponseRedirect(reverse("sectors:venue", args=[venue_id]))


VenueImportForm = upload_form(gettext_lazy("重点场所名单"),
                              gettext_lazy("支持 xlsx、xls、csv；列：场所名称、统一社会信用代码、行业、地址、所属网格等"))


class VenueImportView(UploadImportView):
    """Upload a venue list; it is imported at once (or by the worker when large), the result shown."""

    template_name = "sectors/venue_import.html"
    form_class = VenueImportForm
    batch_kind = BATCH_KIND
    permission_denied = gettext_lazy("您没有导入重点场所的权限")
    permitted = staticmethod(may_import)
