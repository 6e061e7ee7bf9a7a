"""API of the 四对一 teams and the notices: the same scoping, filtersets and actions as the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404  # 404, not a 500, for an id like "null,null"
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.errors import api_call

from .. import actions
from ..filtersets_care import (
    CareCheckFilterSet,
    CareDutyFilterSet,
    CareTeamFilterSet,
    CareTemplateFilterSet,
    NoticeDeliveryFilterSet,
    NoticeFilterSet,
)
from ..models import CareCheck, CareDuty, CareTeam, CareTemplate, Notice, NoticeDelivery
from . import serializers_care as S
from .serializers_away import FigureSerializer


class CareFiguresSerializer(serializers.Serializer):
    figures = FigureSerializer(many=True)


class CareTemplateViewSet(ScopedReadOnlyViewSet):
    queryset = CareTemplate.objects.all()
    serializer_class = S.CareTemplateSerializer
    filterset_class = CareTemplateFilterSet


class CareTeamViewSet(ScopedReadOnlyViewSet):
    queryset = CareTeam.objects.all()
    serializer_class = S.CareTeamSerializer
    filterset_class = CareTeamFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("person", "measure").prefetch_related("members__user")

    @extend_schema(responses=CareFiguresSerializer)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        """The 四对一 and notice figures in the caller's scope (`metrics.care`), each with its list's URL."""
        from fangkong.metrics.care import care_figures, notice_figures

        rows = [f.__dict__ for f in [*care_figures(request.user), *notice_figures(request.user)]]
        return Response(CareFiguresSerializer({"figures": rows}).data)


class CareDutyViewSet(ScopedReadOnlyViewSet):
    """专班职责; POST `check` records a check of it (normal, or abnormal with a note)."""

    queryset = CareDuty.objects.all()
    serializer_class = S.CareDutySerializer
    filterset_class = CareDutyFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("member__user")

    @extend_schema(request=S.CareCheckInputSerializer, responses={201: S.CareCheckSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        duty = get_object_or_404(CareDuty.objects.restrict(request.user, "change"), pk=pk)
        ser = S.CareCheckInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        c = api_call(actions.do_record_care_check, duty, acting_user=request.user, **ser.validated_data)
        return Response(S.CareCheckSerializer(c).data, status=status.HTTP_201_CREATED)


class CareCheckViewSet(ScopedReadOnlyViewSet):
    queryset = CareCheck.objects.all()
    serializer_class = S.CareCheckSerializer
    filterset_class = CareCheckFilterSet


class NoticeViewSet(ScopedReadOnlyViewSet):
    """通知; POST `resend` sends it again to those not reached."""

    queryset = Notice.objects.all()
    serializer_class = S.NoticeSerializer
    filterset_class = NoticeFilterSet

    @extend_schema(request=None, responses=S.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        notice = get_object_or_404(Notice.objects.restrict(request.user, "change"), pk=pk)
        return Response(
            S.NoticeSerializer(api_call(actions.do_resend_notice, notice, acting_user=request.user)).data
        )


class NoticeDeliveryViewSet(ScopedReadOnlyViewSet):
    queryset = NoticeDelivery.objects.all()
    serializer_class = S.NoticeDeliverySerializer
    filterset_class = NoticeDeliveryFilterSet
