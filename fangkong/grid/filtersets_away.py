"""Filtersets of the people-away ledger and the return reports, shared by the pages and the API.
Each figure of the away board is one of these lists with its filter (`metrics.away`)."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.control.choices import OriginLevel
from fangkong.core.filtersets import SubtreeFilter

from .choices import (
    ArrivalDue,
    AwayStatus,
    AwayTaskKind,
    AwayTaskStatus,
    ContactAdvice,
    ReporterKind,
    ReturnPlan,
    ReturnStatus,
)
from .models import AwayTask, ContactLog, PersonAway, ReturnReport


class PersonAwayFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="grid")
    status = filters.ChoiceFilter(label=_("状态"), choices=AwayStatus.choices, empty_label=_("全部"))
    plan = filters.ChoiceFilter(label=_("返县打算"), choices=ReturnPlan.choices, empty_label=_("全部"))
    watch = filters.BooleanFilter(label=_("重点关注"))
    risk_level = filters.ChoiceFilter(label=_("所在地风险等级"), choices=OriginLevel.choices, empty_label=_("全部"))
    province = filters.CharFilter(label=_("所在省"))
    q = filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="contains")

    class Meta:
        model = PersonAway
        fields = ["division", "status", "plan", "watch", "risk_level", "province", "q"]


class ReturnReportFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    status = filters.ChoiceFilter(label=_("状态"), choices=ReturnStatus.choices, empty_label=_("全部"))
    filed_by = filters.ChoiceFilter(label=_("报备人类别"), choices=ReporterKind.choices, empty_label=_("全部"))
    due = filters.ChoiceFilter(label=_("到达日"), choices=ArrivalDue.choices, empty_label=_("全部"), method="filter_due")
    arrive_on = filters.DateFilter(label=_("预计到达日期"), widget=filters.widgets.forms.DateInput(attrs={"type": "date"}))
    risk_level = filters.ChoiceFilter(label=_("出发地风险等级"), choices=OriginLevel.choices, empty_label=_("全部"))
    q = filters.CharFilter(label=_("姓名 / 回执码 / 用工单位"), method="filter_q")

    class Meta:
        model = ReturnReport
        fields = ["division", "status", "filed_by", "due", "arrive_on", "risk_level", "q"]

    def filter_due(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        today = timezone.localdate()
        if value == ArrivalDue.TODAY:  # as the figures count them: cancelled reports are not due
            return qs.filter(arrive_on=today).exclude(status=ReturnStatus.CANCELLED)
        if value == ArrivalDue.TOMORROW:
            return qs.filter(arrive_on=today + dt.timedelta(days=1)).exclude(status=ReturnStatus.CANCELLED)
        if value == ArrivalDue.OVERDUE:
            return qs.filter(arrive_on__lt=today, status=ReturnStatus.EXPECTED)
        return qs

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from django.db.models import Q

        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__contains=value) | Q(code=value.upper()) | Q(employer__contains=value))


class AwayTaskFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.ChoiceFilter(label=_("任务类型"), choices=AwayTaskKind.choices, empty_label=_("全部"))
    status = filters.ChoiceFilter(label=_("状态"), choices=AwayTaskStatus.choices, empty_label=_("全部"))

    class Meta:
        model = AwayTask
        fields = ["division", "kind", "status"]


class ContactLogFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="person__grid")
    advice = filters.ChoiceFilter(label=_("告知内容"), choices=ContactAdvice.choices, empty_label=_("全部"))

    class Meta:
        model = ContactLog
        fields = ["division", "person", "advice"]
