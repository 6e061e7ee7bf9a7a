from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.core.api.base import ScopedModelSerializer
from fangkong.core.choices import Module

from ..choices import DispatchSource
from ..models import DailyReport, Dispatch, DispatchReply, DispatchTask, Unit, UnitMember


class UnitMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitMember
        fields = ["id", "name", "title", "position", "seconded_from", "user"]


class UnitSerializer(ScopedModelSerializer):
    """A unit of the headquarters; its members (phones left out: ask the unit's page) are read-only."""

    members = UnitMemberSerializer(many=True, read_only=True)
    modules = serializers.ListField(child=serializers.ChoiceField(choices=Module.choices), required=False)

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "division", "parent", "duties", "modules", "reports_daily",
                  "report_time", "reports_since", "order", "covers", "sectors", "members"]
        read_only_fields = ["covers", "sectors"]


class DispatchSerializer(serializers.ModelSerializer):
    units = serializers.SerializerMethodField()

    class Meta:
        model = Dispatch
        fields = ["id", "code", "title", "content", "evidence", "needs_attachment", "source", "source_note", "division",
                  "sender_unit", "created_by", "created_at", "due_at", "status", "closed_at", "units"]

    def get_units(self, obj: Dispatch) -> list[int]:
        return [t.unit_id for t in obj.tasks.all()]


class DispatchInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    content = serializers.CharField()
    units = serializers.ListField(child=serializers.IntegerField(), min_length=1, help_text="承办单位编号 / unit ids")
    due_at = serializers.DateTimeField()
    evidence = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    needs_attachment = serializers.BooleanField(required=False, default=False)
    source = serializers.ChoiceField(choices=DispatchSource.choices, required=False, default=DispatchSource.LEADER)
    source_note = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    sender_unit = serializers.IntegerField(required=False, allow_null=True, default=None)


class DispatchReplySerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = DispatchReply
        fields = ["id", "kind", "text", "by", "at", "attachments"]

    def get_attachments(self, obj: DispatchReply) -> list[str]:
        return [a.name for a in obj.attachments.all()]


class DispatchTaskSerializer(serializers.ModelSerializer):
    replies = DispatchReplySerializer(many=True, read_only=True)

    class Meta:
        model = DispatchTask
        fields = ["id", "dispatch", "unit", "status", "due_at", "acknowledged_at", "acknowledged_by", "done_at",
                  "signed_off_at", "returned", "escalation_level", "escalated_at", "replies"]


class TextInputSerializer(serializers.Serializer):
    text = serializers.CharField(required=False, default="", allow_blank=True)


class ReturnInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DailyReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = DailyReport
        fields = ["id", "unit", "day", "due_at", "filed_at", "late", "nothing_to_report", "figures", "content",
                  "filed_by"]
        read_only_fields = ["due_at", "filed_at", "late", "filed_by"]


class ReportInputSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    day = serializers.DateField()
    nothing_to_report = serializers.BooleanField(help_text="零报告须明确为 true / a zero report must be explicit")
    content = serializers.CharField(required=False, default="", allow_blank=True)
    figures = serializers.ListField(child=serializers.ListField(child=serializers.CharField(), min_length=2,
                                                                max_length=2), required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "nothing_to_report" not in self.initial_data:
            raise serializers.ValidationError({"nothing_to_report": "请明确是否为零报告"})
        return attrs
