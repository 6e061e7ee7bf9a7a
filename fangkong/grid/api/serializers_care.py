"""Serializers of the 四对一 teams and the notices (phones masked)."""

from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin

from ..choices import CheckResult
from ..models import CareCheck, CareDuty, CareMember, CareTeam, CareTemplate, Notice, NoticeDelivery


class CareTemplateSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTemplate
        fields = ["id", "measure_kind", "role", "item", "every_hours", "active"]


class CareMemberSerializer(serializers.ModelSerializer):
    holder = serializers.CharField(read_only=True)
    vacant = serializers.BooleanField(read_only=True)

    class Meta:
        model = CareMember
        fields = ["id", "role", "user", "holder", "vacant", "assigned_at"]


class CareTeamSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    kind = serializers.CharField(source="measure.kind", read_only=True)
    measure_status = serializers.CharField(source="measure.status", read_only=True)
    members = CareMemberSerializer(many=True, read_only=True)

    class Meta:
        model = CareTeam
        fields = [
            "id",
            "person",
            "person_name",
            "measure",
            "kind",
            "measure_status",
            "division",
            "formed_at",
            "members",
        ]


class CareDutySerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="member.role", read_only=True)
    holder = serializers.CharField(source="member.holder", read_only=True)

    class Meta:
        model = CareDuty
        fields = [
            "id",
            "team",
            "member",
            "role",
            "holder",
            "item",
            "every_hours",
            "due_at",
            "last_at",
            "escalated_at",
        ]


class CareCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareCheck
        fields = ["id", "team", "duty", "member", "item", "at", "result", "note", "by", "late"]


class CareCheckInputSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=CheckResult.choices, default=CheckResult.NORMAL)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = [
            "id",
            "division",
            "audience",
            "sweep",
            "text",
            "status",
            "recipients",
            "sent",
            "delivered",
            "failed",
            "no_phone",
            "message",
            "created_by",
            "created_at",
            "finished_at",
        ]


class NoticeDeliverySerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = NoticeDelivery
        fields = ["id", "notice", "name", "phone", "grid", "status", "error", "attempts", "sent_at"]

