"""Serializers of the people-away ledger and the return reports (personal data masked)."""

from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin
from fangkong.core.pii import mask_phone

from ..models import AwayTask, ContactLog, PersonAway, ReturnReport


class PersonAwaySerializer(PiiSerializerMixin, serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = PersonAway
        fields = ["id", "resident", "name", "id_number", "phone", "grid", "grid_name", "province", "city", "county",
                  "township", "address", "since", "plan", "plan_return_on", "watch", "liaison", "risk_level", "status",
                  "note", "created_at", "updated_at"]


class ContactLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactLog
        fields = ["id", "person", "method", "advice", "note", "at", "by"]


class ReturnReportSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    pii_fields = {**PiiSerializerMixin.pii_fields, "reporter_phone": mask_phone}
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = ReturnReport
        fields = ["id", "code", "filed_by", "reporter_name", "reporter_phone", "employer", "person", "name",
                  "id_number", "phone", "province", "city", "county", "township", "route", "arrive_at", "arrive_on",
                  "division", "division_name", "address", "risk_level", "policy", "instructions", "status",
                  "arrived_at", "created_at"]


class AwayTaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwayTask
        fields = ["id", "kind", "person", "report", "division", "assignee", "reason", "due_on", "status", "result",
                  "opened_at", "closed_at"]


class FigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    url = serializers.CharField()


class AwayFiguresSerializer(serializers.Serializer):
    today = serializers.DateField()
    people = FigureSerializer()
    watch = FigureSerializer()
    by_province = FigureSerializer(many=True)
    by_risk = FigureSerializer(many=True)
    returns = FigureSerializer(many=True)
