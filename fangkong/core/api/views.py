from __future__ import annotations

from rest_framework import viewsets
from rest_framework.permissions import BasePermission

from fangkong.core.choices import Role
from fangkong.core.models import AuditLog, Division

from .serializers import AuditLogSerializer, DivisionSerializer

AUDIT_READERS = frozenset({Role.AUDITOR, Role.AUDIT_ADMIN})


class IsAuditReader(BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.role_names & AUDIT_READERS)


class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Divisions inside the user's own division subtree."""

    serializer_class = DivisionSerializer
    filterset_fields = ["level", "parent", "code"]
    queryset = Division.objects.none()  # the schema generator reads the model from here

    def get_queryset(self):
        division = getattr(self.request.user, "division", None)
        if division is None:
            return Division.objects.none()
        return Division.objects.subtree(division)


class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only, for auditors and the audit administrator."""

    serializer_class = AuditLogSerializer
    permission_classes = [IsAuditReader]
    filterset_fields = ["action", "object_type", "object_id", "actor", "source"]
    queryset = AuditLog.objects.all()
