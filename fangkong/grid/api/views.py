"""API of the grid line: the same scoping, filtersets and figures as the pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet

from ..choices import CoverageLevel
from ..coverage import coverage
from ..filtersets import MemberAnswerFilterSet, QuestionnaireFilterSet, SweepFilterSet, VisitFilterSet
from ..models import MemberAnswer, Questionnaire, Sweep, Visit
from . import serializers as S


class QuestionnaireViewSet(ScopedReadOnlyViewSet):
    queryset = Questionnaire.objects.all()
    serializer_class = S.QuestionnaireSerializer
    filterset_class = QuestionnaireFilterSet


class SweepViewSet(ScopedReadOnlyViewSet):
    """地毯式排摸; `coverage` gives its figures by township / village / grid, scoped to the caller."""

    queryset = Sweep.objects.all()
    serializer_class = S.SweepSerializer
    filterset_class = SweepFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("division").prefetch_related("areas")

    @extend_schema(parameters=[OpenApiParameter("level", OpenApiTypes.STR, enum=CoverageLevel.values)],
                   responses=S.CoverageRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def coverage(self, request, pk=None):
        sweep = self.get_object()
        level = request.query_params.get("level", CoverageLevel.TOWNSHIP)
        if level not in CoverageLevel.values:
            level = CoverageLevel.TOWNSHIP
        rows, _total = coverage(Visit.objects.restrict(request.user).filter(sweep=sweep), level)
        data = [{"division": r.division.pk, "division_name": r.division.name, **r.figures} for r in rows]
        return Response(S.CoverageRowSerializer(data, many=True).data)


class VisitViewSet(ScopedReadOnlyViewSet):
    queryset = Visit.objects.all()
    serializer_class = S.VisitSerializer
    filterset_class = VisitFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("grid")


class MemberAnswerViewSet(ScopedReadOnlyViewSet):
    queryset = MemberAnswer.objects.all()
    serializer_class = S.MemberAnswerSerializer
    filterset_class = MemberAnswerFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("visit")  # the audit of a full view reads its grid
