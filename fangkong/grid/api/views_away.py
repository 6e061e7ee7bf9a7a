"""API of the people-away ledger and the return reports: the same scoping, filtersets and
figures as the pages (`metrics.away`)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.metrics.away import away_figures

from ..filtersets_away import (
    AwayTaskFilterSet,
    ContactLogFilterSet,
    PersonAwayFilterSet,
    ReturnReportFilterSet,
)
from ..models import AwayTask, ContactLog, PersonAway, ReturnReport
from . import serializers_away as S


class PersonAwayViewSet(ScopedReadOnlyViewSet):
    """县外人员; `figures` gives the away board's numbers in the caller's scope, each with its list's URL."""

    queryset = PersonAway.objects.all()
    serializer_class = S.PersonAwaySerializer
    filterset_class = PersonAwayFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("grid")

    @extend_schema(responses=S.AwayFiguresSerializer)
    @action(detail=False, methods=["get"])
    def figures(self, request):
        return Response(S.AwayFiguresSerializer(away_figures(request.user).as_dict()).data)


class ContactLogViewSet(ScopedReadOnlyViewSet):
    queryset = ContactLog.objects.all()
    serializer_class = S.ContactLogSerializer
    filterset_class = ContactLogFilterSet


class ReturnReportViewSet(ScopedReadOnlyViewSet):
    queryset = ReturnReport.objects.all()
    serializer_class = S.ReturnReportSerializer
    filterset_class = ReturnReportFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("division")


class AwayTaskViewSet(ScopedReadOnlyViewSet):
    queryset = AwayTask.objects.all()
    serializer_class = S.AwayTaskSerializer
    filterset_class = AwayTaskFilterSet
