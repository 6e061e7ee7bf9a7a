"""API of the sectors area: the same scoping, filtersets and audited actions as the pages."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from fangkong.core.errors import api_call, body_object
from fangkong.core.models import User

from .. import actions, actions_events, actions_resumption
from ..filtersets import (
    ChecklistFilterSet,
    EventCheckFilterSet,
    FamilyEventFilterSet,
    InspectionFilterSet,
    ReinspectionFilterSet,
    ResumptionFilterSet,
    ResumptionStaffFilterSet,
    SectorFilterSet,
    SectorOrderFilterSet,
    VenueFilterSet,
)
from ..models import (
    Checklist,
    EventCheck,
    FamilyEvent,
    Inspection,
    Reinspection,
    ResumptionApplication,
    ResumptionStaff,
    Sector,
    SectorOrder,
    Venue,
)
from . import serializers as S


def _input(request, serializer_class):
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return dict(ser.validated_data)


class SectorViewSet(ScopedModelViewSet):
    """行业 (the list is data); `publish_checklist` makes a new version of its checklist."""

    queryset = Sector.objects.all()
    serializer_class = S.SectorSerializer
    filterset_class = SectorFilterSet

    @extend_schema(request=S.PublishChecklistSerializer, responses=S.ChecklistSerializer)
    @action(detail=True, methods=["post"])
    def publish_checklist(self, request, pk=None):
        sector = self.get_object()
        d = _input(request, S.PublishChecklistSerializer)
        checklist = api_call(actions.do_publish_checklist, sector, d["items"], note=d["note"], acting_user=request.user)
        return Response(S.ChecklistSerializer(checklist).data, status=status.HTTP_201_CREATED)


class VenueViewSet(ScopedModelViewSet):
    """重点场所 in the user's scope; `inspect` records an inspection, `reopen` ends 停业整顿."""

    queryset = Venue.objects.all()
    serializer_class = S.VenueSerializer
    filterset_class = VenueFilterSet
    select_related = ("sector", "grid")

    @extend_schema(request=S.InspectInputSerializer, responses=S.InspectionSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        venue = get_object_or_404(Venue.objects.restrict(request.user), pk=pk)
        d = _input(request, S.InspectInputSerializer)
        checklist_id = d.pop("checklist")
        checklist = body_object(Checklist.objects.all(), checklist_id, "checklist") if checklist_id else None
        inspection = api_call(actions.do_inspect, venue, checklist=checklist, acting_user=request.user, **d)
        return Response(S.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=S.VenueSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        venue = get_object_or_404(Venue.objects.restrict(request.user, "change"), pk=pk)
        venue = api_call(actions.do_reopen_venue, venue, acting_user=request.user)
        return Response(S.VenueSerializer(venue, context=self.get_serializer_context()).data)


class ChecklistViewSet(ScopedReadOnlyViewSet):
    queryset = Checklist.objects.all()
    serializer_class = S.ChecklistSerializer
    filterset_class = ChecklistFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related("items")


class InspectionViewSet(ScopedReadOnlyViewSet):
    queryset = Inspection.objects.all()
    serializer_class = S.InspectionSerializer
    filterset_class = InspectionFilterSet


class ReinspectionViewSet(ScopedReadOnlyViewSet):
    """复查任务; `?overdue=true` keeps those past their deadline."""

    queryset = Reinspection.objects.all()
    serializer_class = S.ReinspectionSerializer
    filterset_class = ReinspectionFilterSet


class SectorOrderViewSet(ScopedReadOnlyViewSet):
    """关停令; POST issues one (applied at once when its day has come), `lift` lifts it."""

    queryset = SectorOrder.objects.all()
    serializer_class = S.SectorOrderSerializer
    filterset_class = SectorOrderFilterSet
    select_related = ("sector", "division")

    def create(self, request):
        ser = S.SectorOrderSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        order = api_call(actions.do_issue_order, d.pop("sector"), d.pop("division"), acting_user=request.user, **d)
        return Response(S.SectorOrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=S.LiftInputSerializer, responses=S.SectorOrderSerializer)
    @action(detail=True, methods=["post"])
    def lift(self, request, pk=None):
        order = get_object_or_404(SectorOrder.objects.restrict(request.user, "change"), pk=pk)
        api_call(actions.do_lift_order, order, acting_user=request.user, **_input(request, S.LiftInputSerializer))
        order.refresh_from_db()
        return Response(S.SectorOrderSerializer(order).data)


class FamilyEventViewSet(ScopedReadOnlyViewSet):
    """红白事: POST reports one (flagged by the rules in force); `supervisor`, `check`, `cancel`."""

    queryset = FamilyEvent.objects.all()
    serializer_class = S.FamilyEventSerializer
    filterset_class = FamilyEventFilterSet
    select_related = ("division", "supervisor")

    def create(self, request):
        ser = S.FamilyEventSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        event = api_call(actions_events.do_report_event, d.pop("division"), acting_user=request.user, **d)
        return Response(S.FamilyEventSerializer(event, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    def _changeable(self, pk) -> FamilyEvent:
        return get_object_or_404(FamilyEvent.objects.restrict(self.request.user, "change"), pk=pk)

    @extend_schema(request=S.EventSupervisorInputSerializer, responses=S.FamilyEventSerializer)
    @action(detail=True, methods=["post"])
    def supervisor(self, request, pk=None):
        event = self._changeable(pk)
        d = _input(request, S.EventSupervisorInputSerializer)
        user = User.objects.filter(pk=d["supervisor"], is_active=True).first()
        if user is None:
            raise ValidationError({"supervisor": ["督导人不存在或已停用"]})
        api_call(actions_events.do_assign_event_supervisor, event, user, acting_user=request.user)
        return Response(S.FamilyEventSerializer(event, context=self.get_serializer_context()).data)

    @extend_schema(request=S.EventCheckInputSerializer, responses=S.EventCheckSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        event = self._changeable(pk)
        check = api_call(actions_events.do_check_event, event, acting_user=request.user,
                         **_input(request, S.EventCheckInputSerializer))
        return Response(S.EventCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=S.EventCancelInputSerializer, responses=S.FamilyEventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self._changeable(pk)
        api_call(actions_events.do_cancel_event, event, acting_user=request.user,
                 **_input(request, S.EventCancelInputSerializer))
        return Response(S.FamilyEventSerializer(event, context=self.get_serializer_context()).data)


class EventCheckViewSet(ScopedReadOnlyViewSet):
    queryset = EventCheck.objects.all()
    serializer_class = S.EventCheckSerializer
    filterset_class = EventCheckFilterSet
    select_related = ("event",)


class ResumptionViewSet(ScopedReadOnlyViewSet):
    """复工复产申请: POST applies (with the staff list); `decide` records the verdict after the on-site
    inspection; `?due=true` lists resumed businesses due for their periodic inspection."""

    queryset = ResumptionApplication.objects.all()
    serializer_class = S.ResumptionSerializer
    filterset_class = ResumptionFilterSet
    select_related = ("venue",)

    def get_queryset(self):
        return super().get_queryset().annotate(staff_n=Count("staff"))  # staff_count without a query per row

    def create(self, request):
        ser = S.ResumptionSerializer(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        venue = d.pop("venue")
        d["staff"] = [dict(row) for row in d["staff"]]
        app = api_call(actions_resumption.do_apply_resumption, venue, acting_user=request.user, **d)
        return Response(S.ResumptionSerializer(app, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=S.DecideResumptionInputSerializer, responses=S.ResumptionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        app = get_object_or_404(ResumptionApplication.objects.restrict(request.user, "change"), pk=pk)
        d = _input(request, S.DecideResumptionInputSerializer)
        inspection_id = d.pop("inspection")
        inspection = None
        if inspection_id is not None:
            inspection = Inspection.objects.restrict(request.user).filter(pk=inspection_id).first()
            if inspection is None:
                raise ValidationError({"inspection": ["检查记录不存在，或不在您的管辖范围内"]})
        api_call(actions_resumption.do_decide_resumption, app, inspection=inspection, acting_user=request.user, **d)
        return Response(S.ResumptionSerializer(app, context=self.get_serializer_context()).data)


class ResumptionStaffViewSet(ScopedReadOnlyViewSet):
    queryset = ResumptionStaff.objects.all()
    serializer_class = S.ResumptionStaffSerializer
    filterset_class = ResumptionStaffFilterSet
