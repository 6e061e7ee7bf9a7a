"""List filters of the sentinel pages and API: records by sentinel, kind, class and date range,
signals by status and date range (the lists the report's figures link to)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter
from fangkong.screening.choices import VerificationStatus

from ..choices import DrugClass, SentinelKind, SignalMethod, SignalStatus
from ..models import Drug, Sector, SentinelRecord, Signal, SignalRule

DATE = forms.DateInput(attrs={"type": "date"})


class DrugFilterSet(filters.FilterSet):
    drug_class = filters.MultipleChoiceFilter(choices=DrugClass.choices, label=_("药品类别"))
    q = filters.CharFilter(method="filter_q", label=_("药品名称 / 别名"))

    class Meta:
        model = Drug
        fields = ["drug_class", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(aliases__contains=value)) if value else qs


class SignalRuleFilterSet(filters.FilterSet):
    class Meta:
        model = SignalRule
        fields = ["sector", "active"]


class SentinelRecordFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    sector = filters.ModelChoiceFilter(field_name="venue__sector", queryset=Sector.objects.all(), label=_("行业"))
    kind = filters.MultipleChoiceFilter(choices=SentinelKind.choices, label=_("类型"))
    drug_class = filters.MultipleChoiceFilter(choices=DrugClass.choices, label=_("药品类别"))
    date_from = filters.DateFilter(field_name="day", lookup_expr="gte", label=_("起始日期"), widget=DATE)
    date_to = filters.DateFilter(field_name="day", lookup_expr="lte", label=_("截止日期"), widget=DATE)
    venue = filters.NumberFilter(field_name="venue_id", label=_("哨点编号"))
    person = filters.NumberFilter(field_name="person_id", label=_("人员编号"))
    batch = filters.NumberFilter(field_name="batch_id", label=_("批次"))
    handled = filters.BooleanFilter(method="filter_handled", label=_("核查已办结"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号 / 手机号"))

    class Meta:
        model = SentinelRecord
        fields = ["division", "venue", "sector", "kind", "drug_class", "date_from", "date_to", "person", "batch",
                  "handled", "q"]

    def filter_handled(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        closed = Q(verification__status=VerificationStatus.CLOSED)
        return qs.filter(closed) if value else qs.exclude(closed)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(id_number=value.upper()) | Q(phone=value) | Q(name=value))


class SignalFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    sector = filters.ModelChoiceFilter(field_name="venue__sector", queryset=Sector.objects.all(), label=_("行业"))
    status = filters.MultipleChoiceFilter(choices=SignalStatus.choices, label=_("状态"))
    method = filters.MultipleChoiceFilter(choices=SignalMethod.choices, label=_("预警方法"))
    date_from = filters.DateFilter(field_name="day", lookup_expr="gte", label=_("起始日期"), widget=DATE)
    date_to = filters.DateFilter(field_name="day", lookup_expr="lte", label=_("截止日期"), widget=DATE)
    venue = filters.NumberFilter(field_name="venue_id", label=_("哨点编号"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("超时未响应"))

    class Meta:
        model = Signal
        fields = ["division", "venue", "sector", "status", "method", "date_from", "date_to", "overdue"]

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = Q(status=SignalStatus.OPEN, due_at__lt=timezone.now())
        return qs.filter(late) if value else qs.exclude(late)
