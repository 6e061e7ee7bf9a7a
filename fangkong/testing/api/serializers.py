from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin
from fangkong.testing.choices import POOL_SIZES, Result
from fangkong.testing.models import (
    CoverageGap,
    CoverageRollup,
    Exemption,
    HouseholdWeekRollup,
    KeyGroup,
    KeyGroupMember,
    MissRecord,
    ResamplingTask,
    Sample,
    Sampling,
    SamplingRound,
    SamplingSite,
    UnmatchedResult,
)


class SamplingSiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingSite
        fields = ["id", "name", "division", "address", "opens_at", "closes_at", "active"]


class SamplingRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = SamplingRound
        fields = ["id", "name", "division", "test_kind", "starts_on", "ends_on", "pool_size", "infant_age",
                  "coverage_at", "figures"]


class SampleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sample
        fields = ["id", "barcode", "kind", "capacity", "test_kind", "round", "site", "division", "status", "members",
                  "opened_at", "sealed_at", "result", "ct_orf1ab", "ct_n", "resulted_at", "lab"]


class CoverageRollupSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    rate = serializers.FloatField(read_only=True)

    class Meta:
        model = CoverageRollup
        fields = ["id", "round", "division", "division_name", "level", "registered", "exempt", "home_sampling",
                  "expected", "sampled", "sampled_elsewhere", "duplicates", "resulted", "positive",
                  "awaiting_resample", "untested", "rate", "computed_at"]


class CoverageGapSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    name = serializers.CharField(source="resident.name", read_only=True)
    id_number = serializers.CharField(source="resident.id_number", read_only=True)
    phone = serializers.CharField(source="resident.phone", read_only=True)
    address = serializers.CharField(source="resident.address", read_only=True)

    class Meta:
        model = CoverageGap
        fields = ["id", "round", "resident", "division", "name", "id_number", "phone", "address", "home_sampling"]


class ResamplingTaskSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = ResamplingTask
        fields = ["id", "resident", "id_number", "name", "phone", "division", "source_sample", "round", "cause",
                  "assignee", "status", "created_at", "due_at", "done_at"]


class ResultInSerializer(serializers.Serializer):
    barcode = serializers.CharField(max_length=40, allow_blank=True)
    result = serializers.CharField()
    ct_orf1ab = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    ct_n = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    resulted_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class ResultUploadSerializer(serializers.Serializer):
    """Lab results by API: the same checks and the same ingest as a file upload."""

    lab = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    results = ResultInSerializer(many=True)


class PlanningSerializer(serializers.Serializer):
    population = serializers.IntegerField(min_value=1)
    prevalence = serializers.FloatField(min_value=0, max_value=1)
    pool_size = serializers.ChoiceField(choices=POOL_SIZES)


RESULT_CHOICES = [r.value for r in Result]


class SamplingSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = Sampling
        fields = ["id", "sample", "round", "resident", "id_number", "name", "phone", "division", "sampled_at"]


class ExemptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exemption
        fields = ["id", "resident", "round", "reason", "away_to", "note", "until", "created_at"]


class MissRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = MissRecord
        fields = ["id", "round", "resident", "reason", "note", "recorded_at"]


class UnmatchedResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnmatchedResult
        fields = ["id", "barcode", "result", "ct_orf1ab", "ct_n", "resulted_at", "lab", "batch", "division",
                  "resolved_at"]


class KeyGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyGroup
        fields = ["id", "name", "division", "test_kind", "every_days"]


class KeyGroupMemberSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = KeyGroupMember
        fields = ["id", "group", "resident", "id_number", "name", "phone", "employer", "division"]


class HouseholdWeekSerializer(serializers.ModelSerializer):
    class Meta:
        model = HouseholdWeekRollup
        fields = ["id", "division", "week_start", "households", "households_done", "persons_done", "computed_at"]
