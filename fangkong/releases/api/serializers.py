from __future__ import annotations

from rest_framework import serializers

from ..choices import ReleaseKind
from ..models import ReleaseEvent, ReleaseNote


class ReleaseEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReleaseEvent
        fields = ["step", "at", "by", "remark", "other"]


class ReleaseNoteSerializer(serializers.ModelSerializer):
    events = ReleaseEventSerializer(many=True, read_only=True)

    class Meta:
        model = ReleaseNote
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "division",
            "case",
            "corrects",
            "status",
            "author",
            "created_at",
            "reviewed_by",
            "approved_by",
            "published_at",
            "return_reason",
            "events",
        ]
        read_only_fields = fields


class ReleaseDraftInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ReleaseKind.choices)
    title = serializers.CharField(max_length=120)
    body = serializers.CharField()
    case = serializers.IntegerField(required=False, allow_null=True)


class ReleaseEditInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    body = serializers.CharField()


class ReleaseRemarkInputSerializer(serializers.Serializer):
    remark = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReleaseReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class ReleaseCorrectionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    body = serializers.CharField()
