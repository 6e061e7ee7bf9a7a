from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.core.api.base import ScopedModelSerializer
from fangkong.core.choices import Module

from ..choices import DispatchSource, DutyRole, FindingCategory, FindingSeverity
from ..models import (
    DailyReport,
    Dispatch,
    DispatchReply,
    DispatchTask,
    DutyLogEntry,
    DutyShift,
    DutySwap,
    Finding,
    SupervisionVisit,
    Unit,
    UnitMember,
)


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


class SupervisionVisitSerializer(ScopedModelSerializer):
    """A supervision group's visit; `division` defaults to the visited unit's."""

    class Meta:
        model = SupervisionVisit
        fields = ["id", "group", "unit", "division", "day", "unannounced", "members", "places", "summary", "created_by",
                  "created_at"]
        read_only_fields = ["created_by", "created_at"]
        extra_kwargs = {"division": {"required": False}}


class FindingSerializer(serializers.ModelSerializer):
    on_time = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = ["id", "visit", "unit", "division", "category", "severity", "description", "status", "task", "due_at",
                  "rectified_at", "rechecks", "recheck_failed", "rechecked_at", "recheck_note", "created_at", "on_time"]

    def get_on_time(self, obj: Finding) -> bool | None:
        return obj.on_time


class FindingInputSerializer(serializers.Serializer):
    visit = serializers.IntegerField(help_text="督导检查编号 / visit id")
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    severity = serializers.ChoiceField(choices=FindingSeverity.choices, required=False, default=FindingSeverity.MINOR)
    description = serializers.CharField()
    unit = serializers.IntegerField(required=False, allow_null=True, default=None,
                                    help_text="责任单位编号，不填为被督导单位 / responsible unit id")


class RectifyInputSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    content = serializers.CharField(required=False, default="", allow_blank=True)


class RecheckInputSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, default="", allow_blank=True)
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class DutySwapSerializer(serializers.ModelSerializer):
    class Meta:
        model = DutySwap
        fields = ["id", "role", "from_user", "to_user", "reason", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at"]


class DutyShiftSerializer(ScopedModelSerializer):
    """A shift of a unit's roster; an `end` not after `start` is on the next day (08:30–次日08:30)."""

    swaps = DutySwapSerializer(many=True, read_only=True)

    class Meta:
        model = DutyShift
        fields = ["id", "unit", "day", "start", "end", "starts_at", "ends_at", "leader", "officer", "handover",
                  "handed_over_at", "swaps"]
        read_only_fields = ["starts_at", "ends_at", "handover", "handed_over_at"]


class SwapInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=DutyRole.choices)
    to_user = serializers.IntegerField(help_text="替班人账号编号 / the account taking the place")
    reason = serializers.CharField(max_length=200)


class HandoverInputSerializer(serializers.Serializer):
    note = serializers.CharField()


class DutyLogEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = DutyLogEntry
        fields = ["id", "shift", "at", "caller", "caller_phone", "content", "handling", "handled_by"]
        read_only_fields = ["handled_by"]
