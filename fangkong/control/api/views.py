"""API of the control area: the same scoping and the same audited actions as the pages."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404 (not Django's ValueError → 500) for "abc" ids
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.errors import api_call, body_object
from fangkong.core.models import User
from fangkong.screening.models import Person

from .. import actions
from .. import rules as R
from ..capacity import forecast
from ..filtersets import MeasureFilterSet, PolicyVersionFilterSet, RiskAreaFilterSet, TransferFilterSet
from ..jobs import overdue_tests
from ..models import Measure, PolicyVersion, QuarantineSite, RiskArea, Room, ScheduledTest, Transfer
from . import serializers as S


def _call(fn, *args, **kwargs):
    """Run an action; errors mapped once by `core.errors` (400 with the Chinese messages, 403, 404)."""
    return api_call(fn, *args, **kwargs)



class RiskAreaViewSet(ScopedReadOnlyViewSet):
    """风险区 periods; `?on=YYYY-MM-DD` lists those in force that day."""

    queryset = RiskArea.objects.all()
    serializer_class = S.RiskAreaSerializer
    filterset_class = RiskAreaFilterSet  # the list page's; `on` keeps the periods in force that day


class PolicyVersionViewSet(ScopedReadOnlyViewSet):
    queryset = PolicyVersion.objects.all()
    serializer_class = S.PolicyVersionSerializer
    filterset_class = PolicyVersionFilterSet  # the list page's

    def get_queryset(self):
        return super().get_queryset().prefetch_related("rules__steps")

    @extend_schema(responses=S.PreviewRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def preview(self, request, pk=None):
        """Persons under a measure whose measure would change under this version (paginated)."""
        version = self.get_object()
        changed = R.reevaluate(version, timezone.localdate(), Measure.objects.restrict(request.user)).order_by("id")
        page = self.paginate_queryset(changed)
        return self.get_paginated_response(S.PreviewRowSerializer(page, many=True).data)


class MeasureViewSet(ScopedReadOnlyViewSet):
    """管控措施 with their actions (each audited, each scope-checked)."""

    queryset = Measure.objects.all()
    serializer_class = S.MeasureSerializer
    select_related = ("person", "division", "policy_version")
    filterset_class = MeasureFilterSet  # the list page's: `division` is the subtree

    def _respond(self, measure, code=status.HTTP_200_OK):
        return Response(S.MeasureSerializer(measure, context=self.get_serializer_context()).data, status=code)

    def _input(self, serializer_class):
        ser = serializer_class(data=self.request.data)
        ser.is_valid(raise_exception=True)
        return ser.validated_data

    def _changeable(self):
        return get_object_or_404(Measure.objects.restrict(self.request.user, "change"), pk=self.kwargs["pk"])

    @extend_schema(request=S.StartMeasureSerializer, responses=S.MeasureSerializer)
    @action(detail=False, methods=["post"])
    def start(self, request):
        d = dict(self._input(S.StartMeasureSerializer))
        # Objects named in the body are fields of the request: one not found (or out of scope) is a 400.
        person = body_object(Person.objects.restrict(request.user, "change"), d.pop("person"), "person")
        kind, site_id = d.pop("kind", "") or None, d.pop("site", None)
        site = body_object(QuarantineSite.objects.restrict(request.user), site_id, "site") if site_id else None
        user = request.user
        with transaction.atomic():  # an exposure recorded for a measure that cannot start is undone
            exposure = _call(actions.do_record_exposure, person, acting_user=user, **d)
            measure = _call(actions.do_start_measure, person, exposure=exposure, kind=kind, site=site, acting_user=user)
        return self._respond(measure, status.HTTP_201_CREATED)

    @extend_schema(request=S.CheckInInputSerializer, responses=S.CheckInSerializer)
    @action(detail=True, methods=["post"])
    def check_in(self, request, pk=None):
        m = self._changeable()  # the measure first: a bad id is 404 whatever the body
        c = _call(actions.do_check_in, m, acting_user=request.user, **self._input(S.CheckInInputSerializer))
        return Response(S.CheckInSerializer(c).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=S.ExtendInputSerializer, responses=S.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._respond(_call(actions.do_extend_measure, self._changeable(), acting_user=request.user,
                                   **self._input(S.ExtendInputSerializer)))

    @extend_schema(request=None, responses=S.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """解除; 400 with the list of what is missing. Returns the next step's measure if one starts."""
        m = self._changeable()
        nxt = _call(actions.do_release_measure, m, acting_user=request.user)
        m.refresh_from_db()
        return self._respond(nxt or m)

    @extend_schema(request=S.ReasonInputSerializer, responses=S.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def early_release(self, request, pk=None):
        return self._respond(_call(actions.do_early_release, self._changeable(), acting_user=request.user,
                                   **self._input(S.ReasonInputSerializer)))

    @extend_schema(request=S.RoomInputSerializer, responses=S.MeasureSerializer)
    @action(detail=True, methods=["post"])
    def assign_room(self, request, pk=None):
        m = self._changeable()
        room = body_object(Room.objects.restrict(request.user), self._input(S.RoomInputSerializer)["room"], "room")
        return self._respond(_call(actions.do_assign_room, m, room, acting_user=request.user))

    @extend_schema(request=S.DoorCheckInputSerializer, responses=None)
    @action(detail=True, methods=["post"])
    def door_check(self, request, pk=None):
        check = _call(actions.do_door_check, self._changeable(), acting_user=request.user,
                      **self._input(S.DoorCheckInputSerializer))
        return Response({"id": check.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=S.TransferInputSerializer, responses=S.TransferSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        m = self._changeable()
        d = dict(self._input(S.TransferInputSerializer))
        d["site"] = body_object(QuarantineSite.objects.restrict(request.user), d["site"], "site")
        t = _call(actions.do_transfer, m, acting_user=request.user, **d)
        return Response(S.TransferSerializer(t).data, status=status.HTTP_201_CREATED)


class ScheduledTestViewSet(ScopedReadOnlyViewSet):
    """计划检测; `?overdue=1` lists pending tests past their due day."""

    queryset = ScheduledTest.objects.all()
    serializer_class = S.ScheduledTestSerializer
    filterset_fields = ["measure", "status", "due_on"]

    def get_queryset(self):
        qs = super().get_queryset()
        return overdue_tests(qs) if self.request.query_params.get("overdue") == "1" else qs

    @extend_schema(request=S.TestResultInputSerializer, responses=S.ScheduledTestSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request, pk=None):
        test = get_object_or_404(ScheduledTest.objects.restrict(request.user, "change"), pk=pk)
        ser = S.TestResultInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        test = _call(actions.do_record_test_result, test, acting_user=request.user, **ser.validated_data)
        return Response(S.ScheduledTestSerializer(test).data)


class QuarantineSiteViewSet(ScopedReadOnlyViewSet):
    queryset = QuarantineSite.objects.all()
    serializer_class = S.QuarantineSiteSerializer
    filterset_fields = ["active", "division"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("staff")

    @extend_schema(request=S.SiteStaffInputSerializer, responses=S.QuarantineSiteSerializer)
    @action(detail=True, methods=["post"])
    def staff(self, request, pk=None):
        """指定工作人员: replace the site-staff accounts that see and run this site."""
        site = get_object_or_404(QuarantineSite.objects.restrict(request.user, "change"), pk=pk)
        ser = S.SiteStaffInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        ids = set(ser.validated_data["staff"])
        staff = list(User.objects.filter(pk__in=ids))
        if len(staff) != len(ids):
            raise exceptions.ValidationError({"staff": ["账号不存在"]})
        _call(actions.do_set_site_staff, site, staff, acting_user=request.user)
        site = QuarantineSite.objects.prefetch_related("staff").get(pk=site.pk)
        return Response(S.QuarantineSiteSerializer(site).data)

    @extend_schema(responses=S.CapacitySerializer(many=True))
    @action(detail=False, methods=["get"])
    def capacity(self, request):
        """Rooms, occupancy and free rooms for each of the next 14 days, per site in scope."""
        caps = forecast(self.filter_queryset(self.get_queryset()), timezone.localdate())
        page = self.paginate_queryset(caps)
        return self.get_paginated_response(S.CapacitySerializer(page, many=True).data)


class RoomViewSet(ScopedReadOnlyViewSet):
    queryset = Room.objects.all()
    serializer_class = S.RoomSerializer
    filterset_fields = ["site", "status"]


class TransferViewSet(ScopedReadOnlyViewSet):
    queryset = Transfer.objects.all()
    serializer_class = S.TransferSerializer
    filterset_class = TransferFilterSet  # the list page's

    @extend_schema(request=None, responses=S.TransferSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Planned → en route → arrived."""
        t = get_object_or_404(Transfer.objects.restrict(request.user, "change"), pk=pk)
        return Response(S.TransferSerializer(_call(actions.do_advance_transfer, t, acting_user=request.user)).data)
