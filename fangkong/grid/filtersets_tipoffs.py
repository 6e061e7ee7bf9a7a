"""The tip-off list's filters, shared by the page, the API and the figures' click-through."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import TipOffKind, TipOffStatus
from .models import TipOff


class TipOffFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    status = filters.ChoiceFilter(label=_("处理结果"), choices=TipOffStatus.choices, empty_label=_("全部"))
    kind = filters.ChoiceFilter(label=_("举报类型"), choices=TipOffKind.choices, empty_label=_("全部"))
    q = filters.CharFilter(label=_("回执码 / 地点"), method="filter_q")

    class Meta:
        model = TipOff
        fields = ["division", "status", "kind", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from django.db.models import Q

        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(code=value.upper()) | Q(address__contains=value))
