from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin, ScopedModelSerializer
from fangkong.core.identity import InvalidValue, clean_phone
from fangkong.core.pii import mask_phone

from ..choices import DECISIONS, Answer, Finding, OrderKind
from ..models import (
    Checklist,
    ChecklistItem,
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


class SectorSerializer(ScopedModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "code", "name", "aliases", "order"]


class VenueSerializer(PiiSerializerMixin, ScopedModelSerializer):
    """A venue; the internal manager's phone is masked unless `?full_pii=1` and the role may."""

    pii_fields = {"manager_phone": mask_phone}
    sector_name = serializers.CharField(source="sector.name", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Venue
        fields = ["id", "name", "credit_code", "sector", "sector_name", "address", "grid", "grid_name",
                  "manager_name", "manager_phone", "regulator_unit", "regulator_name", "regulator_phone",
                  "capacity", "status", "limit_percent", "status_since"]
        read_only_fields = ["status_since"]

    def validate_credit_code(self, value: str) -> str:
        return value.strip().upper()

    def _phone(self, value: str) -> str:
        try:
            return clean_phone(value) if value else ""
        except InvalidValue as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate_manager_phone(self, value: str) -> str:
        return self._phone(value)

    def validate_regulator_phone(self, value: str) -> str:
        return self._phone(value)


class ChecklistItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChecklistItem
        fields = ["id", "order", "text"]


class ChecklistSerializer(serializers.ModelSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta:
        model = Checklist
        fields = ["id", "sector", "version", "published_at", "note", "items"]


class PublishChecklistSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1)
    note = serializers.CharField(max_length=200, required=False, default="")


class InspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "venue", "checklist", "inspector", "inspected_at", "answers", "note", "finding", "to_fix",
                  "deadline", "answers_task"]


class InspectInputSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    answers = serializers.DictField(child=serializers.ChoiceField(choices=Answer.choices),
                                    help_text="检查项编号 → 结果 / item id → answer")
    note = serializers.CharField(required=False, default="", allow_blank=True)
    to_fix = serializers.CharField(required=False, default="", allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    checklist = serializers.IntegerField(required=False, allow_null=True, default=None,
                                         help_text="检查表版本编号，缺省为现行版本 / checklist id, default the current one")


class ReinspectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Reinspection
        fields = ["id", "venue", "ordered_by", "due_on", "status", "assignee", "done_by", "escalated_at"]


class SectorOrderSerializer(ScopedModelSerializer):
    class Meta:
        model = SectorOrder
        fields = ["id", "sector", "division", "kind", "limit_percent", "starts_on", "reason", "status", "applied_at",
                  "lifted_on", "created_by", "created_at"]
        read_only_fields = ["status", "applied_at", "lifted_on", "created_by", "created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("kind") == OrderKind.RESTRICT and not attrs.get("limit_percent"):
            raise serializers.ValidationError({"limit_percent": "限流须填写1至99之间的比例"})
        return attrs


class LiftInputSerializer(serializers.Serializer):
    lifted_on = serializers.DateField(required=False, allow_null=True, default=None)


class FamilyEventSerializer(PiiSerializerMixin, ScopedModelSerializer):
    """红白事; the host's phone is masked unless `?full_pii=1` and the role may. `flags`: the rules
    the report broke when it was made."""

    pii_fields = {"host_phone": mask_phone}

    class Meta:
        model = FamilyEvent
        fields = ["id", "kind", "host_name", "host_phone", "division", "place", "event_date", "tables", "guests",
                  "outside_guests", "outside_origins", "measures", "status", "flags", "supervisor", "reported_by",
                  "reported_at"]
        read_only_fields = ["status", "flags", "supervisor", "reported_by", "reported_at"]


class EventCheckSerializer(ScopedModelSerializer):
    class Meta:
        model = EventCheck
        fields = ["id", "event", "checked_at", "checker", "actual_people", "compliant", "note"]
        read_only_fields = fields


class EventCheckInputSerializer(serializers.Serializer):
    actual_people = serializers.IntegerField(min_value=0)
    compliant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class EventSupervisorInputSerializer(serializers.Serializer):
    supervisor = serializers.IntegerField()


class EventCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ResumptionStaffSerializer(PiiSerializerMixin, ScopedModelSerializer):
    class Meta:
        model = ResumptionStaff
        fields = ["id", "application", "name", "id_number", "phone", "whereabouts", "closed_loop"]
        read_only_fields = fields


class StaffInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    id_number = serializers.CharField(max_length=18)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    whereabouts = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    closed_loop = serializers.BooleanField(required=False, default=False)


class ResumptionSerializer(PiiSerializerMixin, ScopedModelSerializer):
    """复工复产申请; POST takes the staff list in `staff` (written once, read through
    /api/sectors/resumption-staff/?application=<id>)."""

    pii_fields = {"applicant_phone": mask_phone}
    staff = StaffInputSerializer(many=True, write_only=True)
    staff_count = serializers.SerializerMethodField()

    class Meta:
        model = ResumptionApplication
        fields = ["id", "venue", "applicant_name", "applicant_phone", "plan", "closed_loop", "every_days", "staff",
                  "staff_count", "applied_at", "status", "inspection", "conditions", "decided_by", "decided_at"]
        read_only_fields = ["applied_at", "status", "inspection", "conditions", "decided_by", "decided_at"]

    def get_staff_count(self, obj: ResumptionApplication) -> int:
        annotated = getattr(obj, "staff_n", None)  # the list's annotation: no query per row
        return obj.staff.count() if annotated is None else annotated


class DecideResumptionInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[(d.value, d.label) for d in DECISIONS])
    conditions = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    inspection = serializers.IntegerField(required=False, allow_null=True, default=None)
