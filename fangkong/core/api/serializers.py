from rest_framework import serializers

from fangkong.core.models import AuditLog, Batch, Division


class DivisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["id", "code", "path", "name", "level", "kind", "parent"]


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = [
            "id", "at", "actor", "actor_label", "action", "verb", "object_type", "object_id", "object_repr",
            "changes", "division_path", "source", "ip", "request_id",
        ]


class BatchSerializer(serializers.ModelSerializer):
    """An import's outcome: counts, progress and the bad rows with their reasons."""

    progress = serializers.IntegerField(read_only=True)
    created_by = serializers.StringRelatedField(allow_null=True)  # None: imported by the system

    class Meta:
        model = Batch
        fields = [
            "id", "kind", "channel", "source", "file_name", "division", "created_by", "created_at", "finished_at",
            "status", "rows", "processed", "imported", "updated", "duplicates", "rejected", "progress", "errors",
            "message",
        ]
        read_only_fields = fields
