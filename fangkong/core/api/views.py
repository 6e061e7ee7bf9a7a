from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import permissions, viewsets

from fangkong.core.accounts import AUDIT_READERS, audit_log_for
from fangkong.core.api.base import ScopedReadOnlyViewSet
from fangkong.core.filtersets import filter_object
from fangkong.core.models import AuditLog, Batch, Division

from .serializers import AuditLogSerializer, BatchSerializer, DivisionSerializer


class IsAuditReader(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return bool(request.user.is_authenticated and request.user.role_names & AUDIT_READERS)


class DivisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Divisions inside the user's own division subtree (a user without a division sees none)."""

    queryset = Division.objects.all()
    serializer_class = DivisionSerializer
    filterset_fields = ["level", "parent", "code"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Division.objects.none()
        division = getattr(self.request.user, "division", None)
        if division is None:
            return Division.objects.none()
        return Division.objects.subtree(division)


class AuditLogFilterSet(filters.FilterSet):
    at_after = filters.IsoDateTimeFilter(field_name="at", lookup_expr="gte")
    at_before = filters.IsoDateTimeFilter(field_name="at", lookup_expr="lt")
    object_type = filters.CharFilter(method="filter_object")
    object_id = filters.CharFilter(method="filter_object")

    class Meta:
        model = AuditLog
        fields = ["action", "object_type", "object_id", "actor", "source"]

    def filter_object(self, qs, name: str, value: str):
        """An object's history, bulk entries (e.g. an import's) included."""
        return filter_object(qs, self.form.cleaned_data, name, value)


class AuditLogViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit log, read-only, for auditors and the audit administrator, scoped exactly as
    its pages are (`core.accounts.audit_log_for`): a township's auditor reads its subtree."""

    serializer_class = AuditLogSerializer
    permission_classes = [IsAuditReader]
    filterset_class = AuditLogFilterSet
    queryset = AuditLog.objects.all()  # the model, for the schema; rows come from get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AuditLog.objects.none()
        return audit_log_for(self.request.user).select_related("actor")


class BatchFilterSet(filters.FilterSet):
    class Meta:
        model = Batch
        fields = ["kind", "channel", "status"]


class BatchViewSet(ScopedReadOnlyViewSet):
    """Import batches in the user's scope: status, progress, counts and bad rows."""

    queryset = Batch.objects.all()
    serializer_class = BatchSerializer
    filterset_class = BatchFilterSet
    select_related = ("created_by",)
