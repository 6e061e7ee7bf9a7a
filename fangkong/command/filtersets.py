"""List filters of the command area, shared by the pages and the API (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import OPEN_TASK_STATUSES, DispatchSource, DispatchStatus, TaskStatus, UnitKind
from .models import DailyReport, Dispatch, DispatchTask, Unit

DATE = forms.DateInput(attrs={"type": "date"})


class UnitFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=UnitKind.choices, label=_("类别"))
    q = filters.CharFilter(method="filter_q", label=_("单位名称 / 职责"))

    class Meta:
        model = Unit
        fields = ["division", "kind", "parent", "reports_daily", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__contains=value) | Q(short_name__contains=value) | Q(duties__contains=value)) \
            if value else qs


class DispatchFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    status = filters.MultipleChoiceFilter(choices=DispatchStatus.choices, label=_("状态"))
    source = filters.MultipleChoiceFilter(choices=DispatchSource.choices, label=_("来源"))
    q = filters.CharFilter(method="filter_q", label=_("编号 / 事项"))

    class Meta:
        model = Dispatch
        fields = ["division", "status", "source", "sender_unit", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(code__contains=value) | Q(title__contains=value)) if value else qs


class DispatchTaskFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="unit__division")
    status = filters.MultipleChoiceFilter(choices=TaskStatus.choices, label=_("状态"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("已超期"))
    q = filters.CharFilter(method="filter_q", label=_("编号 / 事项"))

    class Meta:
        model = DispatchTask
        fields = ["division", "dispatch", "unit", "status", "overdue", "q"]

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = Q(status__in=OPEN_TASK_STATUSES, due_at__lt=timezone.now())
        return qs.filter(late) if value else qs.exclude(late)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(dispatch__code__contains=value) | Q(dispatch__title__contains=value)) if value else qs


class DailyReportFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="unit__division")
    day_from = filters.DateFilter(field_name="day", lookup_expr="gte", label=_("起始日期"), widget=DATE)
    day_to = filters.DateFilter(field_name="day", lookup_expr="lte", label=_("截止日期"), widget=DATE)
    q = filters.CharFilter(field_name="content", lookup_expr="contains", label=_("情况报告"))

    class Meta:
        model = DailyReport
        fields = ["division", "unit", "day", "day_from", "day_to", "late", "nothing_to_report", "q"]
