"""Pages of checklists and inspections: the phone-first inspection (pick a venue or scan its
code, answer each item, the finding), the inspection and re-inspection lists, checklist versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F, Max, Q
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from fangkong.core.actions import may
from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.scoping import ADD
from fangkong.core.views.generic import ModelPages, ObjectDetailView, ScopedView

from .. import actions
from ..actions_resumption import resumption_due
from ..choices import Answer, Finding, ReinspectionStatus
from ..filtersets import ChecklistFilterSet, InspectionFilterSet, ReinspectionFilterSet
from ..forms import InspectionForm
from ..models import Checklist, Inspection, Reinspection, ResumptionApplication, Sector, Venue
from ..tables import ChecklistTable, InspectionTable, ReinspectionTable


class InspectionDetailView(ObjectDetailView):
    template_name = "sectors/inspection_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        return render(request, self.template_name, {"object": obj, "cells": cells, "answers": obj.answer_rows(),
                                                    "photos": obj.photos.all(), **self.links(obj)})


class InspectionPhotoView(ScopedView, View):
    """A photo of an inspection in the user's scope (404 outside it); photos are not public files."""

    model = Inspection

    def get(self, request: HttpRequest, pk: int, photo: int) -> HttpResponse:
        inspection = self.get_object()
        found = get_object_or_404(inspection.photos.all(), pk=photo)
        return FileResponse(found.image.open("rb"), content_type=found.content_type)


class InspectionPages(ModelPages):
    model = Inspection
    table = InspectionTable
    filterset_class = InspectionFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("InspectionPagesDetail", (InspectionDetailView,), {"model": Inspection,
                                                                                "table": InspectionTable})
        return out


class ReinspectionPages(ModelPages):
    model = Reinspection
    table = ReinspectionTable
    filterset_class = ReinspectionFilterSet


class ChecklistDetailView(ObjectDetailView):
    template_name = "sectors/checklist_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object()
        cells = list(zip(self.table.headers(), self.table.cells(obj), strict=True))
        return render(request, self.template_name, {
            "object": obj, "cells": cells, "items": obj.items.all(),
            "may_publish": may(request.user, Checklist, ADD), **self.links(obj)})


class ChecklistPages(ModelPages):
    model = Checklist
    table = ChecklistTable
    filterset_class = ChecklistFilterSet

    @classmethod
    def views(cls) -> dict[str, Any]:
        out = super().views()
        out["detail"] = type("ChecklistPagesDetail", (ChecklistDetailView,), {"model": Checklist,
                                                                              "table": ChecklistTable})
        return out


class PublishForm(forms.Form):
    sector = forms.ModelChoiceField(label=gettext_lazy("行业"), queryset=Sector.objects.all())
    items = forms.CharField(label=gettext_lazy("检查内容"), widget=forms.Textarea(attrs={"rows": 10}),
                            help_text=gettext_lazy("每行一项"))
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=200)


class ChecklistPublishView(LoginRequiredMixin, View):
    """A new version of a sector's checklist (the old versions stay with their inspections)."""

    template_name = "sectors/checklist_publish.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not may(request.user, Checklist, ADD):
            raise PermissionDenied(_("您没有发布检查表的权限"))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        initial: dict[str, Any] = {}
        sector = Sector.objects.filter(pk=request.GET.get("sector") or 0).first()
        if sector is not None:
            current = actions.current_checklist(sector)
            initial = {"sector": sector, "items": "\n".join(i.text for i in current.items.all()) if current else ""}
        return render(request, self.template_name, {"form": PublishForm(initial=initial)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PublishForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form})
        d = form.cleaned_data
        try:
            checklist = call_action(request, actions.do_publish_checklist, d["sector"], d["items"].splitlines(),
                                    note=d["note"], acting_user=request.user, form=form, success=_("已发布新版本"))
        except ActionFailed:
            return render(request, self.template_name, {"form": form})
        return HttpResponseRedirect(reverse("sectors:checklist", args=[checklist.pk]))


class InspectorMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not actions.may_inspect(request.user):
            raise PermissionDenied(_("您没有场所检查的权限"))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


ROUND_DAYS = 7  # a venue not inspected for this long is due for a routine inspection


class PickVenueView(InspectorMixin, View):
    """场所检查 on a phone: a search to pick the venue, the re-inspections due and the venues due
    for a routine inspection (none for ROUND_DAYS days), in the inspector's scope."""

    template_name = "sectors/inspect_pick.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        q = (request.GET.get("q") or "").strip()
        venues = Venue.objects.restrict(request.user).select_related("sector", "grid")
        found = list(venues.filter(name__contains=q)[:30]) if q else []
        due = (Reinspection.objects.restrict(request.user).filter(status=ReinspectionStatus.DUE)
               .select_related("venue").order_by("due_on")[:30])
        today = timezone.localdate()
        since = timezone.now() - dt.timedelta(days=ROUND_DAYS)
        stale = (venues.annotate(last=Max("inspections__inspected_at")).filter(Q(last__lt=since) | Q(last=None))
                 .order_by(F("last").asc(nulls_first=True), "id")[:30])
        resumed = resumption_due(ResumptionApplication.objects.restrict(request.user), today)
        from fangkong.grid.choices import TipOffStatus
        from fangkong.grid.models import TipOff

        tipped = (TipOff.objects.restrict(request.user).filter(status=TipOffStatus.TO_INSPECTION, venue__isnull=False)
                  .select_related("venue").order_by("handled_at")[:30])
        return render(request, self.template_name, {"tipped": tipped,
            "q": q, "venues": found, "due": due, "today": today, "stale": stale, "round_days": ROUND_DAYS,
            "resumed_due": resumed.select_related("venue").order_by("venue__name")[:30]})


class InspectView(InspectorMixin, View):
    """Answer each item of the venue's checklist (the version in force), then the finding."""

    template_name = "sectors/inspect.html"

    def venue(self, pk: int) -> Venue:
        return get_object_or_404(Venue.objects.restrict(self.request.user).select_related("sector", "grid"), pk=pk)

    def render_form(self, venue: Venue, form: InspectionForm, answers: dict[str, str]) -> HttpResponse:
        checklist = actions.current_checklist(venue.sector)
        items = list(checklist.items.all()) if checklist else []
        return render(self.request, self.template_name, {
            "venue": venue, "checklist": checklist, "form": form, "answer_choices": Answer.choices,
            "items": [(i, answers.get(str(i.pk), "")) for i in items], "finding_rectify": Finding.RECTIFY,
            "due": venue.reinspections.filter(status=ReinspectionStatus.DUE).first()})

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_form(self.venue(pk), InspectionForm(), {})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        venue = self.venue(pk)
        form = InspectionForm(request.POST)
        checklist_id = request.POST.get("checklist") or ""
        answers = {k.removeprefix("item_"): v for k, v in request.POST.items() if k.startswith("item_") and v}
        if not form.is_valid():
            return self.render_form(venue, form, answers)
        checklist = Checklist.objects.filter(pk=checklist_id, sector_id=venue.sector_id).first() if checklist_id.isdigit() else None
        d = form.cleaned_data
        try:
            inspection = call_action(
                request, actions.do_inspect, venue, acting_user=request.user, finding=d["finding"], answers=answers,
                note=d["note"], to_fix=d["to_fix"], deadline=d["deadline"], checklist=checklist, form=form,
                photos=request.FILES.getlist("photos"),
                success=_("检查已记录"))
        except ActionFailed:
            return self.render_form(venue, form, answers)
        return HttpResponseRedirect(reverse("sectors:inspection", args=[inspection.pk]))
