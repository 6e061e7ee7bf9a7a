"""List filters of the command area, shared by the pages and the API (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import (
    OPEN_TASK_STATUSES,
    DispatchSource,
    DispatchStatus,
    FindingCategory,
    FindingSeverity,
    FindingStatus,
    TaskStatus,
    UnitKind,
)
from .models import (
    DailyReport,
    Dispatch,
    DispatchTask,
    DutyLogEntry,
    DutyShift,
    Finding,
    SupervisionVisit,
    Unit,
)

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


class SupervisionVisitFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    day_from = filters.DateFilter(field_name="day", lookup_expr="gte", label=_("起始日期"), widget=DATE)
    day_to = filters.DateFilter(field_name="day", lookup_expr="lte", label=_("截止日期"), widget=DATE)
    q = filters.CharFilter(method="filter_q", label=_("督导情况 / 人员 / 点位"))

    class Meta:
        model = SupervisionVisit
        fields = ["division", "group", "unit", "unannounced", "day_from", "day_to", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(summary__contains=value) | Q(members__contains=value) | Q(places__contains=value)) \
            if value else qs


class FindingFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    visit = filters.NumberFilter(field_name="visit", label=_("督导检查编号"))
    category = filters.MultipleChoiceFilter(choices=FindingCategory.choices, label=_("问题类别"))
    severity = filters.MultipleChoiceFilter(choices=FindingSeverity.choices, label=_("严重程度"))
    status = filters.MultipleChoiceFilter(choices=FindingStatus.choices, label=_("状态"))
    q = filters.CharFilter(field_name="description", lookup_expr="contains", label=_("问题描述"))

    class Meta:
        model = Finding
        fields = ["division", "unit", "visit", "category", "severity", "status", "q"]


class DutyShiftFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="unit__division")
    day_from = filters.DateFilter(field_name="day", lookup_expr="gte", label=_("起始日期"), widget=DATE)
    day_to = filters.DateFilter(field_name="day", lookup_expr="lte", label=_("截止日期"), widget=DATE)
    no_officer = filters.BooleanFilter(field_name="officer", lookup_expr="isnull", label=_("未排值班员"))
    on_duty_at = filters.IsoDateTimeFilter(method="filter_on_duty_at", label=_("某时刻在岗"))

    class Meta:
        model = DutyShift
        fields = ["division", "unit", "day", "day_from", "day_to", "no_officer", "on_duty_at"]

    def filter_on_duty_at(self, qs: QuerySet, name: str, value) -> QuerySet:
        return qs.filter(starts_at__lte=value, ends_at__gt=value) if value else qs


class DutyLogEntryFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="shift__unit__division")
    shift = filters.NumberFilter(field_name="shift", label=_("值班安排编号"))
    unit = filters.NumberFilter(field_name="shift__unit", label=_("值班单位"))
    q = filters.CharFilter(method="filter_q", label=_("来电 / 内容 / 处理情况"))

    class Meta:
        model = DutyLogEntry
        fields = ["division", "shift", "unit", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(caller__contains=value) | Q(content__contains=value) | Q(handling__contains=value)) \
            if value else qs
