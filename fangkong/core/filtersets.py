"""Filters of the audit-log search (page and export share them)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, AuditSource
from .models import AuditLog


class AuditLogFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), method="filter_actor")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=AuditAction.choices, empty_label=_("全部"))
    verb = django_filters.CharFilter(label=_("业务动作"), lookup_expr="exact")
    object_type = django_filters.CharFilter(label=_("对象类型"), lookup_expr="exact")
    object_id = django_filters.CharFilter(label=_("对象编号"), lookup_expr="exact")
    date_from = django_filters.DateFilter(
        label=_("起始日期"), field_name="at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("截止日期"), field_name="at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=AuditSource.choices, empty_label=_("全部"))
    ip = django_filters.CharFilter(label=_("IP 地址"), method="filter_ip")

    class Meta:
        model = AuditLog
        fields: list[str] = []

    def filter_actor(self, qs, name: str, value: str):
        value = value.strip()
        return qs.filter(Q(actor_label=value) | Q(actor__full_name=value) | Q(actor__username=value)) if value else qs

    def filter_ip(self, qs, name: str, value: str):
        value = value.strip()
        if not value:
            return qs
        try:
            forms.GenericIPAddressField().clean(value)
        except forms.ValidationError:
            return qs.none()
        return qs.filter(ip=value)
