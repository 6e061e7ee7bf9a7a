from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from fangkong.core.actions import may
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division
from fangkong.core.scoping import CHANGE
from fangkong.core.views.generic import ObjectListView

from .. import actions
from ..capacity import FORECAST_DAYS, forecast, persons_at, readiness, room_state
from ..choices import RoomStatus
from ..filtersets import TransferFilterSet
from ..forms import RoomsForm, SiteForm, SiteStaffForm
from ..models import Measure, QuarantineSite, Transfer
from ..roles import BROAD_ROLES, SITE_MANAGERS
from ..tables import TransferTable
from .base import ControlMixin


def _errors_to_messages(request, form) -> None:
    for errs in form.errors.values():
        for e in errs:
            messages.error(request, e)


class SiteListView(ControlMixin, TemplateView):
    """隔离点: rooms, occupancy now and for 14 days, and readiness (每万人XX间 against the target)."""

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
        # Site staff see only the sites they work at: say why the list is empty.
        ctx["own_sites_only"] = Role.SITE_STAFF in user.role_names and not (user.role_names & BROAD_ROLES)
        ctx["form"] = SiteForm(staff=actions.staff_candidates(user))
        return ctx


class SiteCreateView(ControlMixin, View):
    allowed_roles = SITE_MANAGERS

    def post(self, request):
        form = SiteForm(request.POST, staff=actions.staff_candidates(request.user))
        if form.is_valid():
            try:
                site = actions.do_create_quarantine_site(acting_user=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                messages.success(request, f"已新增隔离点:{site.name}")
                return redirect("control:site", site.pk)
        return render(request, "control/site_form.html", {"form": form})


class SiteDetailView(ControlMixin, TemplateView):
    """One site: its counters (one definition, see capacity), rooms with who is in them, staff."""

    template_name = "control/site_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        site = get_object_or_404(QuarantineSite.objects.restrict(user), pk=kwargs["pk"])
        # Counters stay site-wide; the names are only those of persons in the user's own scope
        # (a township cadre opening a county site sees their township's people, not the county's).
        present = list(persons_at([site.pk]).restrict(user).select_related("person", "room"))
        occupants: dict[int, list[Measure]] = {}
        for m in present:
            if m.room_id:
                occupants.setdefault(m.room_id, []).append(m)
        rooms = [(r, occupants.get(r.pk, []), room_state(r, len(occupants.get(r.pk, [])))) for r in site.rooms.all()]
        free = [r for r, occ, _state in rooms if r.status == RoomStatus.AVAILABLE and len(occ) < r.beds]
        may_manage = may(user, site, CHANGE)
        ctx.update(site=site, rooms=rooms, free_rooms=free,
                   cap=forecast(QuarantineSite.objects.filter(pk=site.pk), timezone.localdate())[0],
                   waiting=[m for m in present if m.room_id is None], staff=site.staff.order_by("username"),
                   rooms_form=RoomsForm(), may_manage=may_manage,
                   staff_form=SiteStaffForm(staff=actions.staff_candidates(user),
                                            initial={"staff": list(site.staff.all())}) if may_manage else None)
        return ctx


class SiteStaffView(ControlMixin, View):
    """指定隔离点工作人员: the site-staff accounts that see and run this site."""

    allowed_roles = SITE_MANAGERS

    def post(self, request, pk: int):
        site = get_object_or_404(QuarantineSite.objects.restrict(request.user, CHANGE), pk=pk)
        form = SiteStaffForm(request.POST, staff=actions.staff_candidates(request.user))
        if not form.is_valid():
            _errors_to_messages(request, form)
            return redirect("control:site", site.pk)
        try:
            actions.do_set_site_staff(site, form.cleaned_data["staff"], acting_user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            for m in exc.messages if isinstance(exc, ValidationError) else [str(exc)]:
                messages.error(request, m)
        else:
            messages.success(request, "已更新隔离点工作人员")
        if not QuarantineSite.objects.restrict(request.user).filter(pk=site.pk).exists():
            return redirect("control:sites")  # site staff who removed themselves no longer see it
        return redirect("control:site", site.pk)


class RoomsAddView(ControlMixin, View):
    """Add a run of rooms; existing numbers are left as they are (re-submitting changes nothing)."""

    allowed_roles = SITE_MANAGERS

    def post(self, request, pk: int):
        site = get_object_or_404(QuarantineSite.objects.restrict(request.user, CHANGE), pk=pk)
        form = RoomsForm(request.POST)
        if not form.is_valid():
            _errors_to_messages(request, form)
            return redirect("control:site", site.pk)
        d = form.cleaned_data
        new = actions.do_add_rooms(site, range(d["first"], d["last"] + 1), floor=d["floor"], beds=d["beds"],
                                   acting_user=request.user)
        messages.success(request, f"新增房间{len(new)}间")
        return redirect("control:site", site.pk)


class TransferListView(ControlMixin, ObjectListView):
    """转运: trips not yet closed by default, in planned order; each closes the loop on arrival
    (TransferFilterSet shared with the API; `?export=xlsx` through TransferTable)."""

    model = Transfer
    table = TransferTable
    filterset_class = TransferFilterSet
    template_name = "control/transfer_list.html"

    def filter_data(self):
        data = self.request.GET.copy()
        if not data.get("status"):
            data["open"] = "1"
        return data

    def get_queryset(self):
        return super().get_queryset().order_by("planned_at", "id")
