"""API of the checkpoints: checkpoints and shifts (read and write), the registered vehicles and
people (read, filtered like the pages), the exit of a transit vehicle, and the registration
intake other systems post to (`POST /api/sectors/checkpoint-registrations/`). Same scoping,
filtersets and audited actions as the pages."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from fangkong.core.api.base import (
    PiiSerializerMixin,
    ScopedModelSerializer,
    ScopedModelViewSet,
    ScopedReadOnlyViewSet,
)
from fangkong.core.choices import DivisionLevel
from fangkong.core.errors import api_call, body_object
from fangkong.core.identity import InvalidValue, clean_name, clean_phone
from fangkong.core.models import Division
from fangkong.core.pii import mask_id_number, mask_phone

from .. import actions_checkpoints as actions
from ..checkpoint_cleaning import clean_id, clean_plate
from ..checkpoint_intake import PersonIn, VehicleIn
from ..choices import HealthCode, ItineraryCode, TestResult, VehicleType
from ..filtersets_checkpoints import (
    CheckpointFilterSet,
    CheckpointShiftFilterSet,
    PersonCheckFilterSet,
    VehicleCheckFilterSet,
)
from ..models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck


def _cleaned(clean, value: str) -> str:
    try:
        return clean(value) if value else ""
    except InvalidValue as exc:
        raise serializers.ValidationError(str(exc)) from exc


class CheckpointSerializer(ScopedModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["id", "code", "name", "kind", "division", "road", "active", "opened_on", "note"]


class CheckpointShiftSerializer(ScopedModelSerializer):
    class Meta:
        model = CheckpointShift
        fields = ["id", "checkpoint", "starts_at", "ends_at", "leader", "leader_phone", "staff"]

    def validate_leader_phone(self, value: str) -> str:
        return _cleaned(clean_phone, value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        starts, ends = attrs.get("starts_at"), attrs.get("ends_at")
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": "结束时间必须晚于开始时间"})
        return attrs


class VehicleCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = VehicleCheck
        fields = ["id", "checkpoint", "registered_at", "plate", "vehicle_type", "occupants", "cargo", "origin",
                  "stopovers", "transit", "exit_checkpoint", "exited_at", "from_risk", "risk_area", "batch"]


class PersonCheckSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    """A person registered at a checkpoint; ID number and phone masked unless `?full_pii=1` and the role may."""

    pii_fields = {"id_number": mask_id_number, "phone": mask_phone}

    class Meta:
        model = PersonCheck
        fields = ["id", "checkpoint", "vehicle", "registered_at", "name", "id_number", "phone", "origin",
                  "destination", "destination_division", "health_code", "itinerary", "test_result", "tested_on",
                  "from_risk", "risk_area", "lead", "batch"]


class ExitInputSerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=16, help_text="过境车辆车牌号 / plate of the transit vehicle")
    exited_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_plate(self, value: str) -> str:
        return _cleaned(clean_plate, value)


class VehicleInSerializer(serializers.Serializer):
    plate = serializers.CharField(max_length=16)
    vehicle_type = serializers.ChoiceField(choices=VehicleType.choices, default=VehicleType.CAR)
    occupants = serializers.IntegerField(min_value=0, max_value=200, required=False, allow_null=True, default=None)
    cargo = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    origin = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    stopovers = serializers.CharField(max_length=255, required=False, default="", allow_blank=True,
                                      help_text="14天内途经地，顿号分隔 / stopovers in the last 14 days")
    transit = serializers.BooleanField(default=False, help_text="过境车辆 / passing through the county")

    def validate_plate(self, value: str) -> str:
        return _cleaned(clean_plate, value)


class PersonInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40, required=False, default="", allow_blank=True)
    id_number = serializers.CharField(max_length=32, required=False, default="", allow_blank=True,
                                      help_text="身份证号（15位自动升为18位）/ ID number (15 digits upgraded)")
    phone = serializers.CharField(max_length=20, required=False, default="", allow_blank=True)
    origin = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    destination = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
    destination_grid = serializers.IntegerField(required=False, allow_null=True, default=None,
                                                help_text="目的地网格编号 / id of the destination grid")
    health_code = serializers.ChoiceField(choices=HealthCode.choices, default=HealthCode.GREEN)
    itinerary = serializers.ChoiceField(choices=ItineraryCode.choices, default=ItineraryCode.NORMAL)
    test_result = serializers.ChoiceField(choices=TestResult.choices, default=TestResult.NONE)
    tested_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_id_number(self, value: str) -> str:
        return _cleaned(clean_id, value)

    def validate_phone(self, value: str) -> str:
        return _cleaned(clean_phone, value)

    def validate_name(self, value: str) -> str:
        return _cleaned(clean_name, value)

    def validate_destination_grid(self, value: int | None) -> int | None:
        if value is not None and not Division.objects.filter(pk=value, level=DivisionLevel.GRID).exists():
            raise serializers.ValidationError("目的地网格不存在")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs["id_number"] or attrs["phone"]):
            raise serializers.ValidationError("身份证号和手机号至少填写一项")
        return attrs


class RegistrationInSerializer(serializers.Serializer):
    checkpoint = serializers.IntegerField(help_text="卡口编号（id）/ checkpoint id")
    registered_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    vehicle = VehicleInSerializer(required=False, allow_null=True, default=None)
    persons = PersonInSerializer(many=True, required=False, default=list)


class RegistrationOutSerializer(serializers.Serializer):
    vehicles = serializers.ListField(child=serializers.IntegerField(), help_text="新登记车辆的编号")
    persons = serializers.ListField(child=serializers.IntegerField(), help_text="新登记人员的编号")
    leads = serializers.IntegerField(help_text="来自风险区、已推送核查的人数")
    duplicates = serializers.IntegerField(help_text="此前已登记、未重复写入的条数")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CheckpointViewSet(ScopedModelViewSet):
    """卡口 in the user's scope; `exit` records a transit vehicle leaving through it."""

    queryset = Checkpoint.objects.all()
    serializer_class = CheckpointSerializer
    filterset_class = CheckpointFilterSet
    select_related = ("division",)

    @extend_schema(request=ExitInputSerializer, responses={
        200: VehicleCheckSerializer, 400: OpenApiResponse(description="车牌号不正确，或没有该车牌的过境未出车辆"),
        404: OpenApiResponse(ErrorSerializer, description="卡口不存在或不在您的管辖范围内")})
    @action(detail=True, methods=["post"])
    def exit(self, request, pk=None):
        checkpoint = get_object_or_404(Checkpoint.objects.restrict(request.user), pk=pk)
        ser = ExitInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        vehicle = api_call(actions.do_record_exit, ser.validated_data["plate"], checkpoint,
                           at=ser.validated_data["exited_at"], acting_user=request.user)
        return Response(VehicleCheckSerializer(vehicle).data)


class CheckpointShiftViewSet(ScopedModelViewSet):
    queryset = CheckpointShift.objects.all()
    serializer_class = CheckpointShiftSerializer
    filterset_class = CheckpointShiftFilterSet
    select_related = ("checkpoint",)


class VehicleCheckViewSet(ScopedReadOnlyViewSet):
    """Registered vehicles; `?transit=in_transit&overdue=6` lists transit vehicles six hours in without an exit."""

    queryset = VehicleCheck.objects.all()
    serializer_class = VehicleCheckSerializer
    filterset_class = VehicleCheckFilterSet


class PersonCheckViewSet(ScopedReadOnlyViewSet):
    """Registered people; `?from_risk=true` lists the arrivals from risk areas (each with its lead)."""

    queryset = PersonCheck.objects.all()
    serializer_class = PersonCheckSerializer
    filterset_class = PersonCheckFilterSet


class CheckpointIntakeViewSet(viewsets.ViewSet):
    """`POST /api/sectors/checkpoint-registrations/`: one registration from another system (a
    vehicle and its people, or people on foot), through the same action as the phone screen."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=RegistrationInSerializer, responses={
        201: RegistrationOutSerializer,
        400: OpenApiResponse(description="数据不正确（如身份证号校验位错误），原因以中文写在对应字段"),
        403: OpenApiResponse(ErrorSerializer, description="没有卡口登记的权限"),
        404: OpenApiResponse(ErrorSerializer, description="卡口不存在或不在您的管辖范围内")})
    def create(self, request):
        ser = RegistrationInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        checkpoint = body_object(Checkpoint.objects.restrict(request.user), d["checkpoint"], "checkpoint")
        vehicle = VehicleIn(**d["vehicle"]) if d["vehicle"] else None
        persons = [PersonIn(p["name"], p["id_number"], p["phone"], p["origin"], p["destination"],
                            p["destination_grid"], p["health_code"], p["itinerary"], p["test_result"], p["tested_on"])
                   for p in d["persons"]]
        written = api_call(actions.do_register_passage, checkpoint, vehicle=vehicle, persons=persons,
                           at=d["registered_at"], acting_user=request.user)
        return Response({"vehicles": written.vehicles, "persons": written.persons, "leads": written.leads,
                         "duplicates": written.duplicates}, status=status.HTTP_201_CREATED)
