"""Filtersets of the 四对一 teams and the notices, shared by the pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.control.choices import MeasureStatus
from fangkong.core.filtersets import SubtreeFilter

from .choices import (
    NOT_REACHED,
    CareDue,
    CareItem,
    CareRole,
    CheckResult,
    DeliveryStatus,
    NoticeAudience,
    NoticeStatus,
)
from .models import CareCheck, CareDuty, CareTeam, CareTemplate, Notice, NoticeDelivery
from .models.care import TEAM_KIND_CHOICES


class CareTemplateFilterSet(filters.FilterSet):
    measure_kind = filters.ChoiceFilter(label=_("管控措施"), choices=TEAM_KIND_CHOICES, empty_label=_("全部"))
    role = filters.ChoiceFilter(label=_("岗位"), choices=CareRole.choices, empty_label=_("全部"))

    class Meta:
        model = CareTemplate
        fields = ["measure_kind", "role", "active"]


class CareTeamFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    active = filters.BooleanFilter(label=_("管控中"), method="filter_active")
    vacant = filters.BooleanFilter(label=_("有待指派岗位"), method="filter_vacant")

    class Meta:
        model = CareTeam
        fields = ["division", "active", "vacant"]

    def filter_active(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        active = qs.filter(measure__status=MeasureStatus.ACTIVE)
        return active if value else qs.exclude(measure__status=MeasureStatus.ACTIVE)

    def filter_vacant(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        q = {"members__user__isnull": True, "members__name": ""}
        return qs.filter(**q).distinct() if value else qs.exclude(pk__in=qs.filter(**q).values("pk"))


class CareDutyFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="team__division")
    team = filters.NumberFilter(label=_("专班编号"), field_name="team_id")
    due = filters.ChoiceFilter(
        label=_("到期"), choices=CareDue.choices, empty_label=_("全部"), method="filter_due"
    )
    item = filters.ChoiceFilter(label=_("查看内容"), choices=CareItem.choices, empty_label=_("全部"))
    role = filters.ChoiceFilter(
        label=_("岗位"), field_name="member__role", choices=CareRole.choices, empty_label=_("全部")
    )

    class Meta:
        model = CareDuty
        fields = ["division", "due", "item", "role", "team"]

    def filter_due(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        now = timezone.now()
        if value == CareDue.OVERDUE:
            return qs.filter(due_at__lt=now)
        if value == CareDue.TODAY:
            end = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(
                days=1
            )
            return qs.filter(due_at__lt=end)
        return qs


class CareCheckFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="team__division")
    day = filters.DateFilter(label=_("日期"), method="filter_day",
                             widget=filters.widgets.forms.DateInput(attrs={"type": "date"}))
    team = filters.NumberFilter(label=_("专班编号"), field_name="team_id")
    result = filters.ChoiceFilter(label=_("结果"), choices=CheckResult.choices, empty_label=_("全部"))
    item = filters.ChoiceFilter(label=_("查看内容"), choices=CareItem.choices, empty_label=_("全部"))

    class Meta:
        model = CareCheck
        fields = ["division", "day", "result", "item", "team"]

    def filter_day(self, qs: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        if value is None:
            return qs
        start = timezone.make_aware(dt.datetime.combine(value, dt.time.min))
        return qs.filter(at__gte=start, at__lt=start + dt.timedelta(days=1))


class NoticeFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    audience = filters.ChoiceFilter(
        label=_("通知对象"), choices=NoticeAudience.choices, empty_label=_("全部")
    )
    status = filters.ChoiceFilter(label=_("状态"), choices=NoticeStatus.choices, empty_label=_("全部"))

    class Meta:
        model = Notice
        fields = ["division", "audience", "status"]


class NoticeDeliveryFilterSet(filters.FilterSet):
    notice = filters.NumberFilter(label=_("通知编号"), field_name="notice_id")
    status = filters.ChoiceFilter(label=_("状态"), choices=DeliveryStatus.choices, empty_label=_("全部"))
    reached = filters.BooleanFilter(label=_("已送达（已发送）"), method="filter_reached")

    class Meta:
        model = NoticeDelivery
        fields = ["notice", "status", "reached"]

    def filter_reached(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.exclude(status__in=NOT_REACHED) if value else qs.filter(status__in=NOT_REACHED)
