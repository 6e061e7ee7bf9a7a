from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.testing.ingest import do_import_results, new_batch
from fangkong.testing.models import (
    CoverageGap,
    CoverageRollup,
    ResamplingTask,
    Sample,
    SamplingRound,
    SamplingSite,
)
from fangkong.testing.models.common import RESULT_WRITERS
from fangkong.testing.planning import plan_round
from fangkong.testing.upload import clean_rows

from .serializers import (
    CoverageGapSerializer,
    CoverageRollupSerializer,
    PlanningSerializer,
    ResamplingTaskSerializer,
    ResultUploadSerializer,
    SampleSerializer,
    SamplingRoundSerializer,
    SamplingSiteSerializer,
)


class SamplingSiteViewSet(ScopedReadOnlyViewSet):
    queryset = SamplingSite.objects.all()
    serializer_class = SamplingSiteSerializer
    filterset_fields = ["division", "active"]


class SamplingRoundViewSet(ScopedReadOnlyViewSet):
    queryset = SamplingRound.objects.all()
    serializer_class = SamplingRoundSerializer


class SampleViewSet(ScopedReadOnlyViewSet):
    queryset = Sample.objects.all()
    serializer_class = SampleSerializer
    filterset_fields = ["round", "site", "barcode", "result", "status"]


class CoverageViewSet(ScopedReadOnlyViewSet):
    """应检尽检 roll-ups per round and division (filled by the analytics job)."""

    queryset = CoverageRollup.objects.all()
    serializer_class = CoverageRollupSerializer
    select_related = ("division",)
    filterset_fields = ["round", "level", "division"]


class CoverageGapViewSet(ScopedReadOnlyViewSet):
    """未检人员 of a round; `?full_pii=1` reveals ID numbers and phones (audited)."""

    queryset = CoverageGap.objects.all()
    serializer_class = CoverageGapSerializer
    select_related = ("resident",)
    filterset_fields = ["round", "division", "home_sampling"]


class ResamplingTaskViewSet(ScopedReadOnlyViewSet):
    queryset = ResamplingTask.objects.all()
    serializer_class = ResamplingTaskSerializer
    filterset_fields = ["status", "division", "round", "assignee"]


class ResultUploadViewSet(viewsets.ViewSet):
    """POST lab results as JSON; returns the batch outcome (counts and bad rows by index)."""

    @extend_schema(request=ResultUploadSerializer, responses={201: dict})
    def create(self, request: Request) -> Response:
        if not request.user.role_names & RESULT_WRITERS:
            raise PermissionDenied("只有检测机构、疾控和指挥部可以上传检测结果")
        ser = ResultUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        from django.utils import timezone

        raw = ((i, dict(r)) for i, r in enumerate(ser.validated_data["results"], start=1))
        rows, errors = clean_rows(raw, timezone.now(), ser.validated_data["lab"])
        batch = new_batch(request.user, file_name="api", source=ser.validated_data["lab"])
        do_import_results(rows, errors, batch)
        return Response({**batch.outcome(), "changed": batch.options.get("changed"),
                         "unknown": batch.options.get("unknown"),
                         "resampling_tasks": batch.options.get("resampling_tasks")}, status=status.HTTP_201_CREATED)


class PlanningViewSet(viewsets.ViewSet):
    """Dorfman planning for a round: GET ?population=&prevalence=&pool_size=."""

    @extend_schema(parameters=[PlanningSerializer], responses={200: dict})
    def list(self, request: Request) -> Response:
        ser = PlanningSerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        return Response(plan_round(d["population"], d["prevalence"], int(d["pool_size"])).as_dict())
