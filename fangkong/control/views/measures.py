from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView, TemplateView

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource, MeasureKind
from fangkong.core.views.generic import ObjectListView
from fangkong.metrics import catalog
from fangkong.metrics.control import control_figures

from .. import actions
from ..capacity import forecast
from ..choices import CheckInSource, MeasureStatus, RoomStatus
from ..exports import id_col, phone_col, plain, xlsx_response
from ..filtersets import MeasureFilterSet
from ..forms import (
    AssignRoomForm,
    CheckInForm,
    DoorCheckForm,
    EarlyReleaseForm,
    ExtendForm,
    SelfCheckInForm,
    StartMeasureForm,
    TestResultForm,
    TransferForm,
)
from ..jobs import overdue_tests
from ..models import Measure, QuarantineSite, Room, ScheduledTest, Transfer
from ..tables import MeasureTable
from .base import ControlMixin, run_action

SELF_CHECKIN_SALT = "control.self_checkin"


def checkin_token(measure: Measure) -> str:
    return signing.dumps(measure.pk, salt=SELF_CHECKIN_SALT)


class DashboardView(ControlMixin, TemplateView):
    """管控总览: persons under each measure by township and site, releases due, overdue, capacity."""

    template_name = "control/dashboard.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        figures = control_figures(user, today)
        ctx["figures"] = figures
        ctx["kind_totals"] = [(k.label, figures.by_kind[k.value]) for k in MeasureKind]
        ctx["kinds"] = [k.label for k in MeasureKind]
        # Each cell carries its column's name: the table stacks into cards on a phone.
        ctx["township_rows"] = [(name, list(zip(ctx["kinds"], counts, strict=True)), total)
                                for name, counts, total in figures.by_township]
        ctx["definition"] = catalog.get("control.in_force")
        caps = forecast(QuarantineSite.objects.restrict(user).filter(active=True), today)
        ctx["near_capacity"] = [c for c in caps if c.near_capacity]
        ctx["today"] = today
        return ctx


class MeasureListView(ControlMixin, ObjectListView):
    """管控人员: the measures in force by default; filters by kind, township, site, status and
    release day (MeasureFilterSet, shared with the API); `?export=xlsx` through MeasureTable."""

    model = Measure
    table = MeasureTable
    filterset_class = MeasureFilterSet
    template_name = "control/measure_list.html"

    def filter_data(self):
        data = self.request.GET.copy()
        if not data.get("status"):
            data["status"] = MeasureStatus.ACTIVE
        return data

    def get_queryset(self):
        return super().get_queryset().order_by("ends_on", "id")


class OverdueTestsView(ControlMixin, ListView):
    """逾期未检: scheduled tests past their due day without a result."""

    template_name = "control/overdue.html"
    paginate_by = 100

    def get_queryset(self):
        return overdue_tests(ScheduledTest.objects.restrict(self.request.user)).select_related(
            "person", "measure", "measure__division", "measure__site").order_by("due_on", "id")

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            cols = [("姓名", plain(lambda t: t.person.name)), ("身份证号", id_col(lambda t: t.person.id_number or "")),
                    ("联系电话", phone_col(lambda t: t.person.phone)), ("管控措施", plain(lambda t: t.measure.get_kind_display())),
                    ("管理区划", plain(lambda t: t.measure.division.name)),
                    ("隔离点", plain(lambda t: t.measure.site.name if t.measure.site else "")),
                    ("第几天", plain(lambda t: t.day)), ("应检日期", plain(lambda t: t.due_on))]
            return xlsx_response(request, "逾期未检", "control.scheduledtest", cols, self.get_queryset().iterator())
        return super().get(request, *args, **kwargs)


def free_rooms(rooms):
    """Available rooms with a free bed (occupants counted in the same query)."""
    return rooms.filter(status=RoomStatus.AVAILABLE).annotate(
        occupants=Count("measures", filter=Q(measures__status=MeasureStatus.ACTIVE))).filter(occupants__lt=F("beds"))


def scoped_measure(user, pk, action="view") -> Measure:
    return get_object_or_404(Measure.objects.restrict(user, action).select_related(
        "person", "division", "site", "room", "rule", "policy_version", "responsible", "household"), pk=pk)


class MeasureDetailView(ControlMixin, TemplateView):
    template_name = "control/measure_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        m = scoped_measure(user, kwargs["pk"])
        sites = QuarantineSite.objects.restrict(user).filter(active=True)
        rooms = free_rooms(Room.objects.restrict(user).filter(site=m.site)) if m.site_id else Room.objects.none()
        ctx.update(
            m=m, tests=m.tests.order_by("day"), checkins=m.checkins.all()[:30], door_checks=m.door_checks.all()[:30],
            transfers=m.transfers.select_related("site"), missing=actions.missing_for_release(m) if m.is_active else [],
            chain=self._chain(m), checkin_form=CheckInForm(), extend_form=ExtendForm(),
            early_form=EarlyReleaseForm(), room_form=AssignRoomForm(rooms=rooms), door_form=DoorCheckForm(),
            transfer_form=TransferForm(sites=sites), result_choices=TestResultForm.base_fields["result"].choices,
            self_link=self.request.build_absolute_uri(reverse("control:self_checkin", args=[checkin_token(m)])),
            central=m.kind == MeasureKind.CENTRAL_QUARANTINE, home=m.kind in actions.HOME_KINDS,
        )
        return ctx

    @staticmethod
    def _chain(m: Measure) -> list[Measure]:
        out, cur = [], m.previous
        while cur is not None and len(out) < 10:
            out.append(cur)
            cur = cur.previous
        return list(reversed(out))


class MeasureActionView(ControlMixin, View):
    """POST endpoints of the measure page; each calls one audited action."""

    def post(self, request, pk: int, action: str):
        m = scoped_measure(request.user, pk, "change")
        back = reverse("control:measure", args=[m.pk])
        handler = getattr(self, f"act_{action}", None)
        if handler is None:
            raise Http404
        return handler(request, m, back)

    def _invalid(self, request, form, back):
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect(back)

    def act_checkin(self, request, m, back):
        form = CheckInForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, form, back)
        d = form.cleaned_data
        return run_action(request, actions.do_check_in, m, source=d["source"], temperature=d["temperature"],
                          symptoms=d["symptoms"], note=d["note"], acting_user=request.user, success="已打卡", back=back)[1]

    def act_extend(self, request, m, back):
        form = ExtendForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, form, back)
        d = form.cleaned_data
        return run_action(request, actions.do_extend_measure, m, days=d["days"], reason=d["reason"],
                          add_test=d["add_test"], acting_user=request.user, success="已延长", back=back)[1]

    def act_release(self, request, m, back):
        nxt, resp = run_action(request, actions.do_release_measure, m, acting_user=request.user, success="已解除", back=back)
        if nxt is not None:
            messages.info(request, f"已转为{nxt.get_kind_display()},至{nxt.ends_on:%Y-%m-%d}")
            return redirect("control:measure", nxt.pk)
        return resp

    def act_early_release(self, request, m, back):
        form = EarlyReleaseForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, form, back)
        return run_action(request, actions.do_early_release, m, reason=form.cleaned_data["reason"],
                          acting_user=request.user, success="已提前解除", back=back)[1]

    def act_assign_room(self, request, m, back):
        rooms = Room.objects.restrict(request.user).filter(site=m.site) if m.site_id else Room.objects.restrict(request.user)
        form = AssignRoomForm(request.POST, rooms=rooms)
        if not form.is_valid():
            return self._invalid(request, form, back)
        return run_action(request, actions.do_assign_room, m, form.cleaned_data["room"], acting_user=request.user, success="已分配房间",
                          back=request.POST.get("next") or back)[1]

    def act_door_check(self, request, m, back):
        form = DoorCheckForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, form, back)
        return run_action(request, actions.do_door_check, m, outcome=form.cleaned_data["outcome"],
                          note=form.cleaned_data["note"], acting_user=request.user, success="已登记上门查看", back=back)[1]

    def act_transfer(self, request, m, back):
        form = TransferForm(request.POST, sites=QuarantineSite.objects.restrict(request.user).filter(active=True))
        if not form.is_valid():
            return self._invalid(request, form, back)
        d = form.cleaned_data
        return run_action(request, actions.do_transfer, m, site=d["site"], vehicle=d["vehicle"], escort=d["escort"],
                          planned_at=d["planned_at"], from_place=d["from_place"], driver=d["driver"],
                          acting_user=request.user, success="已安排转运", back=back)[1]

    def act_test_result(self, request, m, back):
        form = TestResultForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, form, back)
        test = get_object_or_404(ScheduledTest.objects.restrict(request.user, "change"), pk=form.cleaned_data["test"],
                                 measure=m)
        return run_action(request, actions.do_record_test_result, test, result=form.cleaned_data["result"],
                          acting_user=request.user, success="已录入检测结果", back=back)[1]


class TransferAdvanceView(ControlMixin, View):
    def post(self, request, pk: int):
        transfer = get_object_or_404(Transfer.objects.restrict(request.user, "change"), pk=pk)
        back = reverse("control:measure", args=[transfer.measure_id])
        return run_action(request, actions.do_advance_transfer, transfer, acting_user=request.user, success="转运状态已更新", back=back)[1]


class StartMeasureView(ControlMixin, View):
    """开始管控 by hand: find or create the person, record the exposure, start from the policy."""

    template_name = "control/measure_start.html"

    def _form(self, data=None):
        return StartMeasureForm(data, sites=QuarantineSite.objects.restrict(self.request.user).filter(active=True))

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                measure = self._start(form)
            except ValidationError as exc:
                form.add_error(None, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已开始管控:{measure.get_kind_display()}至{measure.ends_on:%Y-%m-%d}")
                return redirect("control:measure", measure.pk)
        return render(request, self.template_name, {"form": form})

    def _start(self, form) -> Measure:
        d, user = form.cleaned_data, self.request.user
        # One transaction: a person or exposure recorded for a measure that cannot start is undone.
        with transaction.atomic():
            person = actions.do_find_or_create_person(d["id_number"], name=d["name"], acting_user=user)
            fields = {k: d[k] for k in form.Meta.fields}
            exposure = actions.do_record_exposure(person, acting_user=user, **fields)
            return actions.do_start_measure(person, exposure=exposure, kind=d["kind"] or None, site=d["site"],
                                            acting_user=user)


class SelfCheckInView(View):
    """健康打卡 by the person through a signed link, without an account."""

    template_name = "control/self_checkin.html"

    def _measure(self, token: str) -> Measure:
        try:
            pk = signing.loads(token, salt=SELF_CHECKIN_SALT, max_age=60 * 60 * 24 * 60)
        except signing.BadSignature:
            raise Http404 from None
        m = Measure.objects.select_related("person").filter(pk=pk).first()
        if m is None:
            raise Http404
        while not m.is_active and hasattr(m, "next_measure"):
            m = m.next_measure  # the link stays valid across the steps of one plan
        return m

    def get(self, request, token: str):
        m = self._measure(token)
        return render(request, self.template_name, {"m": m, "form": SelfCheckInForm(), "done": False})

    def post(self, request, token: str):
        m = self._measure(token)
        form = SelfCheckInForm(request.POST)
        done = False
        if form.is_valid():
            d = form.cleaned_data
            try:
                # The person has no account: the platform records it on their behalf.
                with audit.audit_context(source=AuditSource.WEB):
                    actions.do_check_in(m, source=CheckInSource.SELF, temperature=d["temperature"],
                                        symptoms=d["symptoms"], note=d["note"], acting_user=SYSTEM)
                done = True
            except ValidationError as exc:
                form.add_error(None, exc)
        return render(request, self.template_name, {"m": m, "form": form, "done": done})

