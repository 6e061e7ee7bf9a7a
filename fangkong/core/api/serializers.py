from rest_framework import serializers

from fangkong.core.models import AuditLog, Division


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
