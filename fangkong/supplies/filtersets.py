"""List filters of the supplies area, shared by the pages and the API (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import MovementKind, SupplyCategory, WarehouseLevel
from .models import ReserveRule, StockMovement, SupplyItem, Warehouse

DATE = forms.DateInput(attrs={"type": "date"})


class SupplyItemFilterSet(filters.FilterSet):
    category = filters.MultipleChoiceFilter(choices=SupplyCategory.choices, label=_("类别"))
    q = filters.CharFilter(method="filter_q", label=_("品名 / 规格"))

    class Meta:
        model = SupplyItem
        fields = ["category", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(spec__contains=value)) if value else qs


class WarehouseFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    level = filters.MultipleChoiceFilter(choices=WarehouseLevel.choices, label=_("层级"))
    q = filters.CharFilter(field_name="name", lookup_expr="contains", label=_("仓库名称"))

    class Meta:
        model = Warehouse
        fields = ["division", "level", "active", "q"]


class ReserveRuleFilterSet(filters.FilterSet):
    category = filters.MultipleChoiceFilter(choices=SupplyCategory.choices, label=_("物资类别"))
    level = filters.MultipleChoiceFilter(choices=WarehouseLevel.choices, label=_("仓库层级"))

    class Meta:
        model = ReserveRule
        fields = ["category", "level", "item"]


class StockMovementFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=MovementKind.choices, label=_("类型"))
    category = filters.MultipleChoiceFilter(
        field_name="item__category", choices=SupplyCategory.choices, label=_("物资类别")
    )
    warehouse = filters.ModelChoiceFilter(
        queryset=Warehouse.objects.all(), method="filter_warehouse", label=_("仓库")
    )
    since = filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("自"), widget=DATE)
    until = filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("至"), widget=DATE)

    class Meta:
        model = StockMovement
        fields = ["division", "kind", "category", "item", "warehouse", "since", "until"]

    def filter_warehouse(self, qs: QuerySet, name: str, value: Warehouse | None) -> QuerySet:
        return qs.filter(Q(from_warehouse=value) | Q(to_warehouse=value)) if value is not None else qs
