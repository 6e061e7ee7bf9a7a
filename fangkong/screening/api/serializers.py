"""API shapes of risk screening; ID numbers and phones masked unless `?full_pii=1` and the role may."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin
from fangkong.core.choices import MeasureKind

from ..choices import AttemptKind, Channel, Outcome, ReviewDecision
from ..limits import ADDRESS_MAX, NOTE_MAX, check_arrival
from ..models import AssistRequest, ContactAttempt, DailyClearance, Lead, MergeCandidate, Person, Verification
from ..reader import parse_datetime


class PersonSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "id_number", "phone", "address", "division", "resident", "status", "module",
                  "merged_into", "created_at"]


class LeadSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = ["id", "channel", "module", "source", "kind", "batch", "row_number", "name", "id_number", "phone",
                  "address", "origin", "arrived_at", "pushed_at", "received_at", "person", "verification", "division"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactAttempt
        fields = ["id", "kind", "note", "by", "at"]


class VerificationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Verification
        fields = ["id", "person", "person_name", "channel", "module", "division", "township", "assignee", "status",
                  "opened_at", "located_due_at", "sampled_due_at", "result_due_at", "located_at", "sampled_at",
                  "result_at", "next_due_at", "escalation_level", "no_answer_count", "outcome", "measure_kind",
                  "outcome_reason", "outcome_place", "outcome_at", "closed_at"]


class MergeCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = MergeCandidate
        fields = ["id", "person", "other", "reason", "status", "created_at", "decided_by", "decided_at"]


class AssistRequestSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = AssistRequest
        fields = ["id", "direction", "region", "reference", "name", "id_number", "phone", "address", "reason",
                  "due_at", "status", "reply", "replied_at", "person", "lead", "verification", "created_at"]
        read_only_fields = ["direction", "status", "reply", "replied_at", "person", "lead", "verification"]


class DailyClearanceSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = DailyClearance
        fields = ["id", "date", "division", "closed_by", "closed_at", "counts", "items"]

    def get_items(self, obj) -> list[dict]:
        return [{"verification": i.verification_id, "reason": i.reason, "days_open": i.days_open}
                for i in obj.items.all()]


class LeadRowSerializer(serializers.Serializer):
    """One pushed lead. Text longer than its column and arrivals outside the sensible window are
    refused with a reason (they were cut to 255 characters, or stored in year 0279)."""

    name = serializers.CharField(required=False, allow_blank=True)
    id_number = serializers.CharField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    origin = serializers.CharField(required=False, allow_blank=True, max_length=ADDRESS_MAX)
    arrived_at = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=ADDRESS_MAX)
    pushed_at = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX)

    def validate_arrived_at(self, value: str) -> str:
        try:
            parsed = parse_datetime(value) if value else None
        except Exception:  # unreadable text: reported per row by the import, as before
            return value
        try:
            check_arrival(parsed)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class IngestSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Channel.choices)
    source = serializers.CharField(required=False, allow_blank=True, default="", max_length=64)
    rows = LeadRowSerializer(many=True)


class BatchOutcomeSerializer(serializers.Serializer):
    batch = serializers.IntegerField()
    status = serializers.CharField()
    rows = serializers.IntegerField()
    imported = serializers.IntegerField()
    updated = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    rejected = serializers.IntegerField()
    errors = serializers.ListField(child=serializers.DictField())


class AttemptInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttemptKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    measure_kind = serializers.ChoiceField(choices=MeasureKind.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="")
    request_assist = serializers.BooleanField(required=False, default=False)


class ReviewInSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReplyInSerializer(serializers.Serializer):
    reply = serializers.CharField()


class BoardSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    total = serializers.DictField(child=serializers.IntegerField())
    channel = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    township = serializers.DictField(child=serializers.DictField(child=serializers.IntegerField()))
    sentence_total = serializers.CharField()
    sentence_push = serializers.CharField()
