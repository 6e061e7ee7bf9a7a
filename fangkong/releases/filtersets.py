"""List filters of information release, shared by the pages and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import ReleaseKind, ReleaseStatus
from .models import ReleaseNote


class ReleaseNoteFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=ReleaseKind.choices, label=_("类别"))
    status = filters.MultipleChoiceFilter(choices=ReleaseStatus.choices, label=_("状态"))
    q = filters.CharFilter(method="filter_q", label=_("标题 / 正文"))

    class Meta:
        model = ReleaseNote
        fields = ["division", "kind", "status", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(title__contains=value) | Q(body__contains=value)) if value else qs
