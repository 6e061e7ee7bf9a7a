from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin
from fangkong.core.choices import MeasureKind

from ..choices import CheckInSource, DoorCheckOutcome, Symptom, TestStatus
from ..models import (
    CheckIn,
    Measure,
    PolicyVersion,
    QuarantineSite,
    RiskArea,
    Room,
    Rule,
    ScheduledTest,
    Transfer,
)


class RiskAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskArea
        fields = ["id", "level", "province", "city", "county", "township", "community", "code", "effective_from",
                  "lifted_on", "source"]


class RuleSerializer(serializers.ModelSerializer):
    plan = serializers.SerializerMethodField()
    description = serializers.CharField(source="describe", read_only=True)

    class Meta:
        model = Rule
        fields = ["id", "priority", "name", "channel", "contact_type", "origin_level", "max_days_since_leaving",
                  "from_abroad", "vaccinated", "test_days", "test_kind", "plan", "description"]

    def get_plan(self, obj: Rule) -> list[dict]:
        return [{"kind": k, "days": d} for k, d in obj.plan()]


class PolicyVersionSerializer(serializers.ModelSerializer):
    rules = RuleSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyVersion
        fields = ["id", "number", "title", "note", "status", "published_at", "rules"]


class PreviewRowSerializer(serializers.Serializer):
    measure = serializers.IntegerField(source="pk")
    person = serializers.IntegerField(source="person_id")
    kind = serializers.CharField()
    new_kind = serializers.CharField()
    plan_days = serializers.IntegerField()
    new_plan_days = serializers.IntegerField()
    new_rule = serializers.IntegerField(allow_null=True)


class ScheduledTestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduledTest
        fields = ["id", "measure", "day", "due_on", "kind", "status", "sampled_at"]


class CheckInSerializer(serializers.ModelSerializer):
    class Meta:
        model = CheckIn
        fields = ["id", "on", "at", "temperature", "symptoms", "note", "source", "abnormal"]


class MeasureSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    name = serializers.CharField(source="person.name", read_only=True)
    id_number = serializers.CharField(source="person.id_number", read_only=True)
    phone = serializers.CharField(source="person.phone", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    policy_version_number = serializers.IntegerField(source="policy_version.number", read_only=True, allow_null=True)

    class Meta:
        model = Measure
        fields = ["id", "person", "name", "id_number", "phone", "kind", "status", "plan_start_on", "plan_days",
                  "extended_days", "step", "starts_on", "ends_on", "policy_version", "policy_version_number", "rule",
                  "division", "division_name", "site", "room", "household", "responsible", "released_at",
                  "release_reason"]


class StartMeasureSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False, allow_blank=True)
    site = serializers.IntegerField(required=False, allow_null=True)
    channel = serializers.CharField(required=False, allow_blank=True)
    contact_type = serializers.CharField(required=False, allow_blank=True)
    origin_province = serializers.CharField(required=False, allow_blank=True)
    origin_city = serializers.CharField(required=False, allow_blank=True)
    origin_county = serializers.CharField(required=False, allow_blank=True)
    origin_township = serializers.CharField(required=False, allow_blank=True)
    origin_community = serializers.CharField(required=False, allow_blank=True)
    left_on = serializers.DateField(required=False, allow_null=True)
    from_abroad = serializers.BooleanField(required=False, default=False)
    vaccinated = serializers.BooleanField(required=False, allow_null=True, default=None)


class CheckInInputSerializer(serializers.Serializer):
    temperature = serializers.DecimalField(max_digits=3, decimal_places=1, required=False, allow_null=True)
    symptoms = serializers.ListField(child=serializers.ChoiceField(choices=Symptom.choices), required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=CheckInSource.choices)


class ExtendInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=30)
    reason = serializers.CharField()
    add_test = serializers.BooleanField(default=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField()


class RoomInputSerializer(serializers.Serializer):
    room = serializers.IntegerField()


class DoorCheckInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DoorCheckOutcome.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TransferInputSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    vehicle = serializers.CharField()
    escort = serializers.CharField()
    planned_at = serializers.DateTimeField()
    from_place = serializers.CharField(required=False, allow_blank=True, default="")
    driver = serializers.CharField(required=False, allow_blank=True, default="")


class TestResultInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[c for c in TestStatus.choices if c[0] != TestStatus.PENDING])
    sampled_at = serializers.DateTimeField(required=False, allow_null=True)


class QuarantineSiteSerializer(serializers.ModelSerializer):
    staff = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = QuarantineSite
        fields = ["id", "name", "division", "address", "manager_name", "phone", "active", "staff"]


class SiteStaffInputSerializer(serializers.Serializer):
    staff = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class CapacitySerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site_id")
    name = serializers.CharField()
    rooms = serializers.IntegerField()
    beds = serializers.IntegerField()
    persons = serializers.IntegerField()
    waiting = serializers.IntegerField()
    occupied = serializers.ListField(child=serializers.IntegerField())
    free = serializers.ListField(child=serializers.IntegerField())
    near_capacity = serializers.BooleanField()


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "site", "number", "floor", "beds", "status"]


class TransferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Transfer
        fields = ["id", "measure", "from_place", "site", "vehicle", "driver", "escort", "planned_at", "departed_at",
                  "arrived_at", "status"]
