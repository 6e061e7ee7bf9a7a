"""API of sentinel surveillance: pharmacy systems post sales (one, or a list as one batch), the
records, signals and their responses, the drug catalogue and the rules — the same scoping,
filtersets and audited actions as the pages. Errors: 400 with the Chinese reasons, 404 outside
the user's scope (documented in the schema by `core.api.schema`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from fangkong.core.api.base import (
    PiiSerializerMixin,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
    ScopedViewSetMixin,
)
from fangkong.core.errors import api_call, body_object
from fangkong.core.imports import batch_result, do_create_batch, execute_batch

from ..choices import DrugClass, SentinelKind, SignalResponse
from ..models import SENTINEL_SECTORS, Drug, SentinelRecord, Signal, SignalRule, Venue
from ..roles import SIGNAL_RESPONDERS
from ..sentinel import actions
from ..sentinel.filtersets import DrugFilterSet, SentinelRecordFilterSet, SignalFilterSet, SignalRuleFilterSet
from ..sentinel.imports import BATCH_KIND, run_sentinel_batch
from ..sentinel.signals import do_raise_signals

MAX_ROWS = 50_000


class DrugSerializer(ScopedModelSerializer):
    class Meta:
        model = Drug
        fields = ["id", "name", "drug_class", "aliases"]


class SignalRuleSerializer(ScopedModelSerializer):
    class Meta:
        model = SignalRule
        fields = ["id", "name", "sector", "threshold", "percentile", "weeks", "min_count", "response_hours", "active"]


class SentinelRecordSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)

    class Meta:
        model = SentinelRecord
        fields = ["id", "venue", "venue_name", "division", "kind", "drug_class", "drug", "drug_name", "quantity", "name",
                  "id_number", "phone", "address", "temperature", "symptoms", "occurred_at", "day", "person",
                  "verification", "batch", "created_at"]


class SaleInSerializer(serializers.Serializer):
    """One sale or visit as a pharmacy's or clinic's system sends it (raw values, cleaned by the
    platform: drug names mapped to the catalogue's classes, ID numbers checked)."""

    venue = serializers.IntegerField(help_text="哨点（场所）编号 / the sentinel venue's id")
    kind = serializers.ChoiceField(choices=SentinelKind.choices, default=SentinelKind.SALE)
    drug = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
    drug_class = serializers.ChoiceField(choices=DrugClass.choices, required=False, default="", allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=999, default=1)
    name = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, default="", allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    temperature = serializers.DecimalField(max_digits=3, decimal_places=1, required=False, allow_null=True,
                                           default=None)
    symptoms = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class SalesRowSerializer(serializers.Serializer):
    """One row of a list: the sentinel by credit code or name, the rest as in a file's columns."""

    sentinel = serializers.CharField(help_text="药店或医疗机构的统一社会信用代码或名称")
    kind = serializers.CharField(required=False, allow_blank=True)
    drug = serializers.CharField(required=False, allow_blank=True)
    drug_class = serializers.CharField(required=False, allow_blank=True)
    quantity = serializers.CharField(required=False, allow_blank=True)
    name = serializers.CharField(required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    occurred_at = serializers.CharField(help_text="购药/就诊时间，如 2022-07-01 09:30")
    temperature = serializers.CharField(required=False, allow_blank=True)
    symptoms = serializers.CharField(required=False, allow_blank=True)


class SalesInSerializer(serializers.Serializer):
    rows = SalesRowSerializer(many=True, allow_empty=False)

    def validate_rows(self, rows: list) -> list:
        if len(rows) > MAX_ROWS:
            raise serializers.ValidationError(f"一次最多{MAX_ROWS}行，请分批提交")
        return rows


class SentinelBatchOutcomeSerializer(serializers.Serializer):
    """The one JSON result of an import (`core.imports.batch_result`)."""

    batch = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    file = serializers.CharField()
    rows = serializers.IntegerField()
    updated = serializers.IntegerField()
    imported = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    message = serializers.CharField()
    errors = serializers.ListField(child=serializers.DictField())


class SignalSerializer(serializers.ModelSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Signal
        fields = ["id", "venue", "venue_name", "division", "day", "count", "baseline", "threshold", "method", "rule",
                  "raised_at", "due_at", "status", "response", "response_note", "responded_by", "responded_at",
                  "escalated_at", "overdue"]


class RespondInSerializer(serializers.Serializer):
    response = serializers.ChoiceField(choices=SignalResponse.choices)
    note = serializers.CharField()


class RunInSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False, allow_null=True, default=None)
    date_to = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        end = attrs.get("date_to") or timezone.localdate()
        start = attrs.get("date_from") or end - dt.timedelta(days=1)
        if start > end:
            raise serializers.ValidationError("起始日期不能晚于截止日期")
        if (end - start).days > 366:
            raise serializers.ValidationError("一次最多研判366天")
        return {"date_from": start, "date_to": end}


class DrugViewSet(ScopedModelViewSet):
    """药品目录 (四类药品, data): names and aliases map written drug names to their class."""

    queryset = Drug.objects.all()
    serializer_class = DrugSerializer
    filterset_class = DrugFilterSet


class SignalRuleViewSet(ScopedModelViewSet):
    """预警规则: a sector's threshold / percentile rule, else the default one."""

    queryset = SignalRule.objects.all()
    serializer_class = SignalRuleSerializer
    filterset_class = SignalRuleFilterSet
    select_related = ("sector",)


class SentinelRecordViewSet(ScopedReadOnlyViewSet):
    """哨点登记; POST records one sale or visit (the buyer becomes a sentinel lead)."""

    queryset = SentinelRecord.objects.all()
    serializer_class = SentinelRecordSerializer
    filterset_class = SentinelRecordFilterSet
    select_related = ("venue",)

    @extend_schema(request=SaleInSerializer, responses={
        201: SentinelRecordSerializer, 404: OpenApiResponse(description="哨点不存在，或不在您的管辖范围内")})
    def create(self, request):
        body = SaleInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = dict(body.validated_data)
        venues = Venue.objects.restrict(request.user).filter(sector__code__in=SENTINEL_SECTORS)
        venue = body_object(venues.select_related("sector"), d.pop("venue"), "venue")
        record = api_call(actions.do_record_sentinel, venue, values=d, acting_user=request.user)
        return Response(SentinelRecordSerializer(record, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class SentinelSalesViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """`POST /sectors/sentinel-sales/`: a list of sales or visits from a pharmacy's or a clinic's
    system, imported as one batch (the file import's route and its one JSON result)."""

    @extend_schema(request=SalesInSerializer, responses={201: SentinelBatchOutcomeSerializer})
    def create(self, request):
        body = SalesInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        batch = api_call(do_create_batch, kind=BATCH_KIND, file_name="api", acting_user=request.user)
        rows = list(enumerate(({k: v for k, v in r.items() if v not in ("", None)} for r in body.validated_data["rows"]),
                              start=1))
        execute_batch(batch, runner=lambda b, _data: run_sentinel_batch(b, rows=rows))
        batch.refresh_from_db()
        return Response(batch_result(batch), status=status.HTTP_201_CREATED)


class SignalViewSet(ScopedReadOnlyViewSet):
    """预警信号; `respond` records the response (command centre, CDC)."""

    queryset = Signal.objects.all()
    serializer_class = SignalSerializer
    filterset_class = SignalFilterSet
    select_related = ("venue",)

    @extend_schema(request=RespondInSerializer, responses=SignalSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        signal = get_object_or_404(Signal.objects.restrict(request.user, "change"), pk=pk)
        body = RespondInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        api_call(actions.do_respond_signal, signal, acting_user=request.user, **body.validated_data)
        signal.refresh_from_db()
        return Response(SignalSerializer(signal).data)


class SignalRunViewSet(ScopedViewSetMixin, viewsets.ViewSet):
    """`POST /sectors/signal-runs/`: compute the signals of a date range now (default yesterday and
    today); returns the signals newly raised."""

    @extend_schema(request=RunInSerializer, responses={201: SignalSerializer(many=True)})
    def create(self, request):
        if not (request.user.role_names & SIGNAL_RESPONDERS):
            raise PermissionDenied("您没有研判哨点预警的权限")
        body = RunInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        d = body.validated_data
        new = api_call(do_raise_signals, d["date_from"], d["date_to"], acting_user=request.user)
        return Response(SignalSerializer(new, many=True).data, status=status.HTTP_201_CREATED)
