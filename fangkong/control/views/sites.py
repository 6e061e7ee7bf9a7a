from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.core import audit
from fangkong.core.actions import do_create
from fangkong.core.choices import AuditAction, DivisionLevel, MeasureKind
from fangkong.core.models import Division

from ..capacity import FORECAST_DAYS, forecast, readiness
from ..choices import MeasureStatus, TransferStatus
from ..forms import RoomsForm, SiteForm
from ..models import Measure, QuarantineSite, Room, Transfer
from ..roles import SITE_MANAGERS
from .base import ControlMixin


class SiteListView(ControlMixin, TemplateView):
    """隔离点: rooms, occupancy now and for 14 days, and readiness (每万人XX间)."""

    template_name = "control/site_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        sites = QuarantineSite.objects.restrict(user)
        ctx["caps"] = forecast(sites, today)
        ctx["days"] = [today + timezone.timedelta(days=d) for d in range(FORECAST_DAYS)]
        root = user.division
        counties = Division.objects.filter(level=DivisionLevel.COUNTY)
        if root is not None and root.level != DivisionLevel.COUNTY and len(root.path) > 6:
            counties = counties.filter(path=root.path[:6])
        ctx["readiness"] = readiness(counties)
        ctx["may_manage"] = bool(user.role_names & SITE_MANAGERS)
        ctx["form"] = SiteForm()
        return ctx


class SiteCreateView(ControlMixin, View):
    allowed_roles = SITE_MANAGERS

    def post(self, request):
        form = SiteForm(request.POST)
        if form.is_valid():
            site = do_create(QuarantineSite, acting_user=request.user, verb="create_site", **form.cleaned_data)
            messages.success(request, f"已新增隔离点:{site.name}")
            return redirect("control:site", site.pk)
        return render(request, "control/site_form.html", {"form": form})


class SiteDetailView(ControlMixin, TemplateView):
    template_name = "control/site_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        site = get_object_or_404(QuarantineSite.objects.restrict(user), pk=kwargs["pk"])
        active = Measure.objects.filter(site=site, status=MeasureStatus.ACTIVE).select_related("person", "room")
        occupants: dict[int, list[Measure]] = {}
        for m in active:
            if m.room_id:
                occupants.setdefault(m.room_id, []).append(m)
        rooms = [(r, occupants.get(r.pk, [])) for r in site.rooms.all()]
        free = [r for r, occ in rooms if r.status == "available" and len(occ) < r.beds]
        ctx.update(site=site, rooms=rooms, free_rooms=free, cap=forecast(QuarantineSite.objects.filter(pk=site.pk),
                                                                          timezone.localdate())[0],
                   waiting=[m for m in active if m.room_id is None and m.kind == MeasureKind.CENTRAL_QUARANTINE],
                   rooms_form=RoomsForm(), may_manage=bool(user.role_names & SITE_MANAGERS))
        return ctx


class RoomsAddView(ControlMixin, View):
    """Add a run of rooms; existing numbers are left as they are (re-submitting changes nothing)."""

    allowed_roles = SITE_MANAGERS

    def post(self, request, pk: int):
        site = get_object_or_404(QuarantineSite.objects.restrict(request.user, "change"), pk=pk)
        form = RoomsForm(request.POST)
        if not form.is_valid():
            for errs in form.errors.values():
                for e in errs:
                    messages.error(request, e)
            return redirect("control:site", site.pk)
        d = form.cleaned_data
        existing = set(site.rooms.values_list("number", flat=True))
        new = [Room(site=site, number=str(n), floor=d["floor"], beds=d["beds"])
               for n in range(d["first"], d["last"] + 1) if str(n) not in existing]
        with transaction.atomic():
            Room.objects.bulk_create(new)
            audit.record_many(AuditAction.CREATE, Room.objects.filter(site=site, number__in=[r.number for r in new]),
                              verb="add_rooms")
        messages.success(request, f"新增房间{len(new)}间")
        return redirect("control:site", site.pk)


class TransferListView(ControlMixin, ListView):
    """转运: trips not yet closed first, then the latest; each closes the loop on arrival."""

    template_name = "control/transfer_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = Transfer.objects.restrict(self.request.user).select_related("measure__person", "site")
        status = self.request.GET.get("status")
        if status:
            qs = qs.filter(status=status)
        else:
            qs = qs.filter(status__in=[TransferStatus.PLANNED, TransferStatus.EN_ROUTE])
        return qs.order_by("planned_at", "id")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["statuses"] = TransferStatus.choices
        return ctx
