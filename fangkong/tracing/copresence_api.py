"""API of co-presence: record intake (a file of venue scans or location records, one batch) and
runs (list, detail with matches, start one). Scoped and audited like the pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as DrfPermissionDenied
from rest_framework.exceptions import ValidationError as DrfValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.analytics import engine
from fangkong.analytics.runs import AnalyticsFailed
from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.errors import api_call
from fangkong.core.identity import InvalidValue
from fangkong.core.imports import batch_result, do_create_batch, start_batch

from .copresence import run_copresence
from .copresence_choices import LOCATION_BATCH_KIND, SCAN_BATCH_KIND
from .copresence_tables import CoPresenceMatchFilterSet, CoPresenceRunFilterSet
from .copresence_views import may_run
from .models import CoPresenceMatch, CoPresenceRun


class CoPresenceMatchSerializer(serializers.ModelSerializer):
    explanation = serializers.CharField(read_only=True)

    class Meta:
        model = CoPresenceMatch
        fields = ["id", "run", "phone", "name", "kind", "index_phone", "place", "place_name", "at", "overlap_minutes",
                  "index_start", "index_end", "record_start", "record_end", "lead", "tested_positive", "explanation"]


class CoPresenceRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoPresenceRun
        fields = ["id", "division", "created_by", "created_at", "finished_at", "index_phones", "starts_on", "ends_on",
                  "min_overlap", "scan_window", "engine", "status", "seconds", "matches_count", "people",
                  "leads_created", "positives", "yield_checked_at", "message"]
        read_only_fields = fields


class RunInputSerializer(serializers.Serializer):
    phones = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=10000)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    min_overlap = serializers.IntegerField(min_value=0, max_value=1440, required=False)
    scan_window = serializers.IntegerField(min_value=0, max_value=1440, required=False)
    engine = serializers.ChoiceField(choices=list(engine.ENGINES), required=False)


class RecordFileSerializer(serializers.Serializer):
    file = serializers.FileField()


class CoPresenceRunViewSet(ScopedReadOnlyViewSet):
    """时空伴随研判: the runs in the user's scope; `POST …/runs/start/` runs one (matches stored,
    co-present people → co_presence leads) and returns it."""

    queryset = CoPresenceRun.objects.all()
    serializer_class = CoPresenceRunSerializer
    filterset_class = CoPresenceRunFilterSet

    @extend_schema(request=RunInputSerializer, responses={201: CoPresenceRunSerializer})
    @action(detail=False, methods=["post"])
    def start(self, request):
        ser = RunInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        try:
            run = api_call(run_copresence, acting_user=request.user, phones=d["phones"], starts_on=d["starts_on"],
                           ends_on=d["ends_on"], min_overlap=d.get("min_overlap"), scan_window=d.get("scan_window"),
                           kind=d.get("engine"))
        except InvalidValue as exc:
            raise DrfValidationError({"detail": [str(exc)]}) from exc
        except AnalyticsFailed as exc:
            raise DrfValidationError({"detail": [exc.reason]}) from exc
        return Response(CoPresenceRunSerializer(run).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CoPresenceMatchSerializer(many=True))
    @action(detail=True, methods=["get"])
    def matches(self, request, pk=None):
        run = self.get_object()
        return Response(CoPresenceMatchSerializer(run.matches.order_by("phone", "at"), many=True).data)


class CoPresenceMatchViewSet(ScopedReadOnlyViewSet):
    """时空伴随记录: each match with what explains it."""

    queryset = CoPresenceMatch.objects.all()
    serializer_class = CoPresenceMatchSerializer
    filterset_class = CoPresenceMatchFilterSet


class RecordIntakeViewSet(viewsets.ViewSet):
    """Record intake: `POST /api/tracing/records/scans/` or `…/locations/` with a file (csv, xlsx,
    parquet); the JSON result of `fangkong import-scans --json`."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def _intake(self, request, kind: str):
        if not may_run(request.user):
            raise DrfPermissionDenied("您没有导入时空伴随记录的权限")
        ser = RecordFileSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        upload = ser.validated_data["file"]
        batch = api_call(do_create_batch, kind=kind, file_name=upload.name, content=upload.read(),
                         acting_user=request.user)
        batch = start_batch(batch)
        return Response(batch_result(batch), status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": RecordFileSerializer}, responses={201: dict})
    @action(detail=False, methods=["post"])
    def scans(self, request):
        return self._intake(request, SCAN_BATCH_KIND)

    @extend_schema(request={"multipart/form-data": RecordFileSerializer}, responses={201: dict})
    @action(detail=False, methods=["post"])
    def locations(self, request):
        return self._intake(request, LOCATION_BATCH_KIND)
