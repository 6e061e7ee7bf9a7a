from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.testing.filtersets import KeyGroupFilterSet, ResamplingTaskFilterSet, SamplingSiteFilterSet
from fangkong.testing.ingest import do_import_results, new_batch
from fangkong.testing.models import (
    CoverageGap,
    CoverageRollup,
    Exemption,
    HouseholdWeekRollup,
    KeyGroup,
    KeyGroupMember,
    MissRecord,
    ResamplingTask,
    Sample,
    Sampling,
    SamplingRound,
    SamplingSite,
    UnmatchedResult,
)
from fangkong.testing.models.common import RESULT_WRITERS
from fangkong.testing.planning import plan_round
from fangkong.testing.upload import clean_rows

from . import serializers as s


class SamplingSiteViewSet(ScopedReadOnlyViewSet):
    queryset = SamplingSite.objects.all()
    filterset_class = SamplingSiteFilterSet  # the list page's: `division` is the subtree
    serializer_class = s.SamplingSiteSerializer


class SamplingRoundViewSet(ScopedReadOnlyViewSet):
    queryset = SamplingRound.objects.all()
    serializer_class = s.SamplingRoundSerializer


class SampleViewSet(ScopedReadOnlyViewSet):
    queryset = Sample.objects.all()
    serializer_class = s.SampleSerializer
    filterset_fields = ["round", "site", "barcode", "result", "status"]


class SamplingViewSet(ScopedReadOnlyViewSet):
    """采样记录: who went into which tube; `?full_pii=1` reveals (audited)."""

    queryset = Sampling.objects.all()
    serializer_class = s.SamplingSerializer
    filterset_fields = ["sample", "round", "resident", "division", "id_number"]


class CoverageViewSet(ScopedReadOnlyViewSet):
    """应检尽检 roll-ups per round and division (filled by the analytics job)."""

    queryset = CoverageRollup.objects.all()
    serializer_class = s.CoverageRollupSerializer
    select_related = ("division",)
    filterset_fields = ["round", "level", "division"]


class CoverageGapViewSet(ScopedReadOnlyViewSet):
    """未检人员 of a round; `?full_pii=1` reveals ID numbers and phones (audited)."""

    queryset = CoverageGap.objects.all()
    serializer_class = s.CoverageGapSerializer
    select_related = ("resident",)
    filterset_fields = ["round", "division", "home_sampling"]


class ResamplingTaskViewSet(ScopedReadOnlyViewSet):
    queryset = ResamplingTask.objects.all()
    serializer_class = s.ResamplingTaskSerializer
    filterset_class = ResamplingTaskFilterSet  # the list page's


class ExemptionViewSet(ScopedReadOnlyViewSet):
    queryset = Exemption.objects.all()
    serializer_class = s.ExemptionSerializer
    filterset_fields = ["resident", "round", "reason"]


class MissRecordViewSet(ScopedReadOnlyViewSet):
    queryset = MissRecord.objects.all()
    serializer_class = s.MissRecordSerializer
    filterset_fields = ["round", "resident", "reason"]


class UnmatchedResultViewSet(ScopedReadOnlyViewSet):
    """Results for tubes the platform does not know — kept for the lab and the CDC to resolve."""

    queryset = UnmatchedResult.objects.all()
    serializer_class = s.UnmatchedResultSerializer
    filterset_fields = ["batch", "barcode", "result"]


class KeyGroupViewSet(ScopedReadOnlyViewSet):
    queryset = KeyGroup.objects.all()
    serializer_class = s.KeyGroupSerializer
    filterset_class = KeyGroupFilterSet  # the list page's


class KeyGroupMemberViewSet(ScopedReadOnlyViewSet):
    queryset = KeyGroupMember.objects.all()
    serializer_class = s.KeyGroupMemberSerializer
    filterset_fields = ["group", "division"]


class HouseholdWeekViewSet(ScopedReadOnlyViewSet):
    """全县N户,本周落实了N户N人的检测要求 — per division and week."""

    queryset = HouseholdWeekRollup.objects.all()
    serializer_class = s.HouseholdWeekSerializer
    filterset_fields = ["division", "week_start"]


class ResultUploadView(APIView):
    """POST lab results as JSON; the same cleaning and set-based ingest as a file upload."""

    @extend_schema(request=s.ResultUploadSerializer, responses={201: dict})
    def post(self, request: Request) -> Response:
        if not request.user.role_names & RESULT_WRITERS:
            raise PermissionDenied("只有检测机构、疾控和指挥部可以上传检测结果")
        ser = s.ResultUploadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        raw = ((i, dict(r)) for i, r in enumerate(ser.validated_data["results"], start=1))
        rows, errors = clean_rows(raw, timezone.now(), ser.validated_data["lab"])
        batch = new_batch(request.user, file_name="api", source=ser.validated_data["lab"])
        do_import_results(rows, errors, batch)
        return Response({**batch.outcome(), "changed": batch.options.get("changed"),
                         "unknown": batch.options.get("unknown"),
                         "resampling_tasks": batch.options.get("resampling_tasks")}, status=status.HTTP_201_CREATED)


class PlanningView(APIView):
    """Dorfman planning for a round: GET ?population=&prevalence=&pool_size=."""

    @extend_schema(parameters=[s.PlanningSerializer], responses={200: dict})
    def get(self, request: Request) -> Response:
        ser = s.PlanningSerializer(data=request.query_params)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        return Response(plan_round(d["population"], d["prevalence"], int(d["pool_size"])).as_dict())
