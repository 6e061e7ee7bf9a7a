"""API of the command area: the same scoping, filtersets and audited actions as the pages."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.core.actions import may
from fangkong.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from fangkong.core.errors import api_call, body_object
from fangkong.core.models import User
from fangkong.core.scoping import CHANGE

from .. import actions
from ..filtersets import (
    DailyReportFilterSet,
    DispatchFilterSet,
    DispatchTaskFilterSet,
    DutyLogEntryFilterSet,
    DutyShiftFilterSet,
    FindingFilterSet,
    SupervisionVisitFilterSet,
    UnitFilterSet,
)
from ..models import (
    DailyReport,
    Dispatch,
    DispatchReply,
    DispatchTask,
    DutyLogEntry,
    DutyShift,
    Finding,
    SupervisionVisit,
    Unit,
)
from . import serializers as S

SIGN_OFF = "sign_off"


def _input(request, serializer_class):
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)



class UnitViewSet(ScopedModelViewSet):
    """指挥部单位 (一办六组六专班, member departments, townships) with their members."""

    queryset = Unit.objects.all()
    serializer_class = S.UnitSerializer
    filterset_class = UnitFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("members", "covers", "sectors")


class DispatchViewSet(ScopedReadOnlyViewSet):
    """交办单; POST sends one to units (one task each)."""

    queryset = Dispatch.objects.all()
    serializer_class = S.DispatchSerializer
    filterset_class = DispatchFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("tasks")

    @extend_schema(request=S.DispatchInputSerializer, responses={201: S.DispatchSerializer})
    def create(self, request):
        d = _input(request, S.DispatchInputSerializer)
        units = list(Unit.objects.restrict(request.user).filter(pk__in=d.pop("units")))
        sender = d.pop("sender_unit")
        sender_unit = body_object(Unit.objects.restrict(request.user), sender, "sender_unit") if sender else None
        if not units:
            raise ValidationError({"units": "承办单位不存在或超出您的管辖范围"})
        dispatch = api_call(actions.do_dispatch, acting_user=request.user, units=units, sender_unit=sender_unit, **d)
        return Response(S.DispatchSerializer(dispatch).data, status=status.HTTP_201_CREATED)


class DispatchTaskViewSet(ScopedReadOnlyViewSet):
    """交办事项 with their record; its unit's members `acknowledge`, report `progress` and `done`, its
    sender `sign-off` or `return` it."""

    queryset = DispatchTask.objects.all()
    serializer_class = S.DispatchTaskSerializer
    filterset_class = DispatchTaskFilterSet

    def get_queryset(self):
        replies = DispatchReply.objects.prefetch_related("attachments")
        return super().get_queryset().prefetch_related(Prefetch("replies", queryset=replies))

    def _task(self, request, pk, scope: str) -> DispatchTask:
        return get_object_or_404(DispatchTask.objects.restrict(request.user, scope), pk=pk)

    def _done(self, task: DispatchTask) -> Response:
        task = DispatchTask.objects.prefetch_related("replies__attachments").get(pk=task.pk)
        return Response(S.DispatchTaskSerializer(task).data)

    @extend_schema(request=None, responses=S.DispatchTaskSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        task = self._task(request, pk, CHANGE)
        api_call(actions.do_acknowledge, task, acting_user=request.user)
        return self._done(task)

    @extend_schema(request=S.TextInputSerializer, responses=S.DispatchTaskSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        task = self._task(request, pk, CHANGE)
        d = _input(request, S.TextInputSerializer)
        api_call(actions.do_report_progress, task, acting_user=request.user, files=request.FILES.getlist("files"), **d)
        return self._done(task)

    @extend_schema(request=S.TextInputSerializer, responses=S.DispatchTaskSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        task = self._task(request, pk, CHANGE)
        d = _input(request, S.TextInputSerializer)
        api_call(actions.do_report_done, task, acting_user=request.user, files=request.FILES.getlist("files"), **d)
        return self._done(task)

    @extend_schema(request=S.TextInputSerializer, responses=S.DispatchTaskSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off", url_name="sign-off")
    def sign_off(self, request, pk=None):
        task = self._task(request, pk, SIGN_OFF)
        api_call(actions.do_sign_off, task, acting_user=request.user, **_input(request, S.TextInputSerializer))
        return self._done(task)

    @extend_schema(request=S.ReturnInputSerializer, responses=S.DispatchTaskSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        task = self._task(request, pk, SIGN_OFF)
        api_call(actions.do_return, task, acting_user=request.user, **_input(request, S.ReturnInputSerializer))
        return self._done(task)


class DailyReportViewSet(ScopedReadOnlyViewSet):
    """日报; POST files a unit's report of a day (`nothing_to_report: true` for 零报告, stated explicitly)."""

    queryset = DailyReport.objects.all()
    serializer_class = S.DailyReportSerializer
    filterset_class = DailyReportFilterSet

    @extend_schema(request=S.ReportInputSerializer, responses={201: S.DailyReportSerializer})
    def create(self, request):
        d = _input(request, S.ReportInputSerializer)
        unit = body_object(Unit.objects.restrict(request.user), d.pop("unit"), "unit")
        report = api_call(actions.do_file_report, unit, d.pop("day"), acting_user=request.user, **d)
        return Response(S.DailyReportSerializer(report).data, status=status.HTTP_201_CREATED)


class SupervisionVisitViewSet(ScopedModelViewSet):
    """督导检查 (暗访 when `unannounced`), recorded by a supervision group's members or the command centre."""

    queryset = SupervisionVisit.objects.all()
    serializer_class = S.SupervisionVisitSerializer
    filterset_class = SupervisionVisitFilterSet


class FindingViewSet(ScopedReadOnlyViewSet):
    """督导发现问题; POST records one on a visit; `rectify` dispatches its rectification, `recheck`
    records the re-check once the unit reported it done (failed: sent back)."""

    queryset = Finding.objects.all()
    serializer_class = S.FindingSerializer
    filterset_class = FindingFilterSet

    @extend_schema(request=S.FindingInputSerializer, responses={201: S.FindingSerializer})
    def create(self, request):
        d = _input(request, S.FindingInputSerializer)
        visit = body_object(SupervisionVisit.objects.restrict(request.user, CHANGE), d.pop("visit"), "visit")
        unit_id = d.pop("unit")
        unit = body_object(Unit.objects.restrict(request.user), unit_id, "unit") if unit_id else None
        finding = api_call(actions.do_record_finding, visit, acting_user=request.user, unit=unit, **d)
        return Response(S.FindingSerializer(finding).data, status=status.HTTP_201_CREATED)

    def _finding(self, request, pk) -> Finding:
        return get_object_or_404(Finding.objects.restrict(request.user, CHANGE), pk=pk)

    @extend_schema(request=S.RectifyInputSerializer, responses=S.FindingSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        finding = self._finding(request, pk)
        api_call(actions.do_dispatch_rectification, finding, acting_user=request.user,
                 **_input(request, S.RectifyInputSerializer))
        return Response(S.FindingSerializer(Finding.objects.get(pk=finding.pk)).data)

    @extend_schema(request=S.RecheckInputSerializer, responses=S.FindingSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request, pk=None):
        finding = self._finding(request, pk)
        api_call(actions.do_recheck, finding, acting_user=request.user, **_input(request, S.RecheckInputSerializer))
        return Response(S.FindingSerializer(Finding.objects.get(pk=finding.pk)).data)


class DutyShiftViewSet(ScopedModelViewSet):
    """值班安排 of the units' rosters (`on_duty_at` lists the shifts running at an instant); `swap`
    changes a place (directly for the roster's planner, as a request for the person on duty),
    `handover` records the handover note."""

    queryset = DutyShift.objects.all()
    serializer_class = S.DutyShiftSerializer
    filterset_class = DutyShiftFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("swaps")

    def _shift(self, request, pk, scope: str) -> DutyShift:
        return get_object_or_404(DutyShift.objects.restrict(request.user, scope), pk=pk)

    def _done(self, shift: DutyShift) -> Response:
        return Response(S.DutyShiftSerializer(DutyShift.objects.prefetch_related("swaps").get(pk=shift.pk)).data)

    @extend_schema(request=S.SwapInputSerializer, responses=S.DutyShiftSerializer)
    @action(detail=True, methods=["post"])
    def swap(self, request, pk=None):
        shift = self._shift(request, pk, "view")
        d = _input(request, S.SwapInputSerializer)
        to_user = body_object(User.objects.filter(is_active=True), d.pop("to_user"), "to_user")
        fn = actions.do_swap_duty if may(request.user, shift, CHANGE) else actions.do_request_swap
        api_call(fn, shift, acting_user=request.user, to_user=to_user, **d)
        return self._done(shift)

    @extend_schema(request=S.HandoverInputSerializer, responses=S.DutyShiftSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        shift = self._shift(request, pk, "keep")
        api_call(actions.do_hand_over, shift, acting_user=request.user, **_input(request, S.HandoverInputSerializer))
        return self._done(shift)


class DutyLogEntryViewSet(ScopedReadOnlyViewSet):
    """值班记录; POST records a call received on a shift the caller keeps."""

    queryset = DutyLogEntry.objects.all()
    serializer_class = S.DutyLogEntrySerializer
    filterset_class = DutyLogEntryFilterSet

    @extend_schema(request=S.DutyLogEntrySerializer, responses={201: S.DutyLogEntrySerializer})
    def create(self, request):
        d = _input(request, S.DutyLogEntrySerializer)
        shift = d.pop("shift")
        shift = body_object(DutyShift.objects.restrict(request.user, "keep"), shift.pk, "shift")
        entry = api_call(actions.do_log_duty, shift, acting_user=request.user, **d)
        return Response(S.DutyLogEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
