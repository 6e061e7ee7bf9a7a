from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin, ScopedModelSerializer

from ..choices import CaseClass, ContactCategory, EvidenceSource, ReportKind
from ..models import (
    Case,
    CaseClassification,
    Contact,
    ContactPlan,
    Investigation,
    Milestone,
    PositiveFinding,
    ProtocolCategory,
    ProtocolVersion,
    Segment,
)


class ProtocolCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProtocolCategory
        fields = ["id", "category", "central_days", "home_days", "home_kind", "test_days", "test_kind"]


class ProtocolVersionSerializer(ScopedModelSerializer):
    categories = ProtocolCategorySerializer(many=True, read_only=True)

    class Meta:
        model = ProtocolVersion
        fields = ["id", "code", "title", "look_back_days", "on_site_hours", "core_facts_hours", "contacts_hours",
                  "report_hours", "copresence_overlap_minutes", "copresence_scan_window_minutes", "copresence_days",
                  "status", "note", "activated_at", "categories"]
        read_only_fields = ["status", "activated_at"]


class CategoryInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ContactCategory.choices)
    central_days = serializers.IntegerField(min_value=0, max_value=60, default=0)
    home_days = serializers.IntegerField(min_value=0, max_value=60, default=0)
    home_kind = serializers.CharField(required=False, default="")
    test_days = serializers.CharField(required=False, allow_blank=True, default="")
    test_kind = serializers.CharField(required=False, default="")


class ClassificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseClassification
        fields = ["classification", "previous", "at", "note"]


class CaseSerializer(PiiSerializerMixin, ScopedModelSerializer):
    """A case; created through 立案 (its investigation and milestones with it)."""

    classifications = ClassificationSerializer(many=True, read_only=True)
    investigation = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "code", "name", "id_number", "phone", "sex", "age", "address", "employer", "division",
                  "classification", "onset_on", "sampled_on", "found_by", "found_note", "reported_at", "hospital",
                  "outcome", "protocol", "look_back_from", "investigation", "classifications"]
        read_only_fields = ["code", "protocol", "look_back_from"]


class ClassifyInputSerializer(serializers.Serializer):
    classification = serializers.ChoiceField(choices=CaseClass.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PositiveFindingSerializer(PiiSerializerMixin, ScopedModelSerializer):
    class Meta:
        model = PositiveFinding
        fields = ["id", "name", "id_number", "phone", "sampled_at", "source", "division", "case", "created_at"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "kind", "due_at", "done_at", "escalated_at", "protocol"]


class SegmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Segment
        fields = ["id", "on", "start", "end", "venue", "place", "activity", "transport", "transport_detail",
                  "companions", "evidence", "public"]


class InvestigationSerializer(ScopedModelSerializer):
    milestones = MilestoneSerializer(many=True, read_only=True)
    segments = SegmentSerializer(many=True, read_only=True)
    case_code = serializers.CharField(source="case.code", read_only=True)

    class Meta:
        model = Investigation
        fields = ["id", "case", "case_code", "status", "opened_at", "closed_at", "core_facts", "summary",
                  "milestones", "segments"]


class MilestoneInputSerializer(serializers.Serializer):
    kind = serializers.CharField()


class ContactInputSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=ContactCategory.choices)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="")
    last_exposure_at = serializers.DateTimeField()
    evidence = serializers.ChoiceField(choices=EvidenceSource.choices, default=EvidenceSource.SELF)
    segment = serializers.IntegerField(required=False, allow_null=True, default=None)
    via = serializers.IntegerField(required=False, allow_null=True, default=None)


class PublishInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class ReportInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReportKind.choices)


class ContactPlanSerializer(serializers.ModelSerializer):
    protocol_code = serializers.CharField(source="protocol.code", read_only=True)

    class Meta:
        model = ContactPlan
        fields = ["id", "protocol", "protocol_code", "category", "exposed_on", "plan_start_on", "central_until",
                  "ends_on", "test_dates", "described", "computed_at"]


class ContactSerializer(PiiSerializerMixin, ScopedModelSerializer):
    plan = ContactPlanSerializer(read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "case", "division", "category", "name", "id_number", "phone", "address", "place", "segment",
                  "last_exposure_at", "evidence", "via", "source", "origin", "status", "plan", "lead_id",
                  "controlled_at", "upgraded_at", "created_at"]
