"""List filters for the registry, shared by the API and the pages (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree

from .choices import ResidentStatus
from .models import Household, Resident
from .search import search_residents


def _in_division(qs: QuerySet, field: str, division: Division | None) -> QuerySet:
    """Rows whose division lies in the subtree of the division with that code (any level)."""
    if division is None:
        return qs
    return in_subtree(qs, field, division)


class DivisionCodeFilter(filters.ModelChoiceFilter):
    """`?division=<statistical code>`: the whole subtree under a township, village or grid."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("queryset", Division.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("区划代码"))
        super().__init__(*args, **kwargs)


class ResidentFilterSet(filters.FilterSet):
    division = DivisionCodeFilter(method="filter_division")
    status = filters.MultipleChoiceFilter(choices=ResidentStatus.choices, label=_("状态"))
    q = filters.CharFilter(method="filter_q", label=_("身份证号 / 手机号 / 姓名 / 拼音首字母"))

    class Meta:
        model = Resident
        fields = ["division", "grid", "status", "household", "id_number", "phone", "q"]

    def filter_division(self, qs: QuerySet, name: str, value: Division | None) -> QuerySet:
        return _in_division(qs, "grid", value)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return search_residents(qs, value) if value else qs


class HouseholdFilterSet(filters.FilterSet):
    division = DivisionCodeFilter(method="filter_division")
    q = filters.CharFilter(method="filter_q", label=_("户编号 / 户主 / 住址"))

    class Meta:
        model = Household
        fields = ["division", "grid", "code", "q"]

    def filter_division(self, qs: QuerySet, name: str, value: Division | None) -> QuerySet:
        return _in_division(qs, "grid", value)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from django.db.models import Q

        return qs.filter(Q(code=value) | Q(head_name__startswith=value) | Q(address__contains=value))
