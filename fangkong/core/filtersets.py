"""Shared filters (the division subtree) and the audit-log search's (page and export share them)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from . import audit
from .choices import AuditAction, AuditSource
from .models import AuditLog, Division
from .scoping import in_subtree


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """`?division=<pk>`: rows in that division's whole subtree (township, village or grid);
    `field_name` is the row's division (e.g. "measure__division")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Division.objects.all())
        kwargs.setdefault("label", _("区划"))
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Division | None) -> QuerySet:
        return in_subtree(qs, self.field_name, value) if value is not None else qs


def filter_object(qs: QuerySet, data: dict, name: str, value: str) -> QuerySet:
    """`object_type` and `object_id` of the audit-log searches (page and API): with both, the
    object's history through `audit.about`, bulk entries included; with one, that column."""
    value = str(value).strip()
    object_type, object_id = str(data.get("object_type") or "").strip(), str(data.get("object_id") or "").strip()
    if not value:
        return qs
    if object_type and object_id:
        return audit.about(qs, object_type, object_id) if name == "object_id" else qs
    return qs.filter(**{name: value})


class AuditLogFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(label=_("操作人"), method="filter_actor")
    action = django_filters.ChoiceFilter(label=_("动作"), choices=AuditAction.choices, empty_label=_("全部"))
    verb = django_filters.CharFilter(label=_("业务动作"), lookup_expr="exact")
    object_type = django_filters.CharFilter(label=_("对象类型"), method="filter_object")
    object_id = django_filters.CharFilter(label=_("对象编号"), method="filter_object")
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

    def filter_object(self, qs, name: str, value: str):
        """An object's history (type and id): its own rows and the bulk entries that included it."""
        return filter_object(qs, self.form.cleaned_data, name, value)

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
