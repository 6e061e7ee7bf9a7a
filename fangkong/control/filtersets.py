"""List filters for control, shared by the pages and the API (django-filter).

A division filter means the division's whole subtree (`core.scoping.in_subtree`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.choices import DivisionLevel, MeasureKind
from fangkong.core.filtersets import SubtreeFilter
from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree
from fangkong.metrics.control import TOWNSHIP_PATH, not_checked_today

from .actions import HOME_KINDS
from .choices import MeasureStatus, PolicyStatus, RiskLevel, TransferStatus
from .models import Measure, PolicyVersion, QuarantineSite, RiskArea, Transfer
from .rules import active_on

OPEN_TRANSFERS = (TransferStatus.PLANNED, TransferStatus.EN_ROUTE)

DUE_DAYS = {"today": 0, "tomorrow": 1}


def townships_of(root: Division | None) -> list[Division]:
    """The townships a user's filter offers: those under their division, or their own township."""
    if root is None:
        return []
    anchor = root if len(root.path) <= TOWNSHIP_PATH else Division.objects.filter(path=root.path[:TOWNSHIP_PATH]).first()
    return list(anchor.descendants(include_self=True).filter(level=DivisionLevel.TOWNSHIP)) if anchor else []


class MeasureFilterSet(filters.FilterSet):
    """管控人员: by kind, status, township, site, release day, check-in gaps and a search."""

    kind = filters.ChoiceFilter(choices=MeasureKind.choices, empty_label=_("全部措施"), label=_("管控措施"))
    status = filters.ChoiceFilter(choices=MeasureStatus.choices, empty_label=None, label=_("状态"))
    division = SubtreeFilter()
    township = filters.ChoiceFilter(choices=[], empty_label=_("全部乡镇"), label=_("乡镇"), method="filter_township")
    site = filters.ModelChoiceFilter(queryset=QuarantineSite.objects.all(), empty_label=_("全部隔离点"),
                                     label=_("隔离点"))
    due = filters.ChoiceFilter(choices=[("today", _("今日解除")), ("tomorrow", _("明日解除"))],
                               empty_label=_("解除日期不限"), label=_("解除日期"), method="filter_due")
    no_checkin = filters.CharFilter(method="filter_no_checkin", label=_("今日未打卡"))
    unchecked = filters.CharFilter(method="filter_unchecked", label=_("今日未查看"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号 / 手机号"),
                           widget=forms.TextInput(attrs={"placeholder": _("姓名 / 身份证号 / 手机号")}))

    class Meta:
        model = Measure
        fields = ["kind", "status", "division", "township", "site", "due", "ends_on", "person", "q"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        # The township choices are the user's own (a lazy list: the API never renders them).
        self.filters["township"].extra["choices"] = lambda: [
            (t.path, t.name) for t in townships_of(getattr(user, "division", None))]

    def filter_township(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        township = Division.objects.filter(level=DivisionLevel.TOWNSHIP, path=value).first() if value else None
        return in_subtree(qs, "division", township) if township is not None else qs

    def filter_due(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value not in DUE_DAYS:
            return qs
        return qs.filter(ends_on=timezone.localdate() + dt.timedelta(days=DUE_DAYS[value]))

    def filter_no_checkin(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.exclude(checkins__on=timezone.localdate()) if value == "1" else qs

    def filter_unchecked(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return not_checked_today(qs.filter(kind__in=HOME_KINDS)) if value == "1" else qs

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        q = value.strip()
        if not q:
            return qs
        return qs.filter(Q(person__name__contains=q) | Q(person__id_number=q.upper()) | Q(person__phone=q))


class TransferFilterSet(filters.FilterSet):
    """转运: by status (or the trips not yet closed, `open=1`), site, measure and division."""

    status = filters.ChoiceFilter(choices=TransferStatus.choices, empty_label=_("未完成"), label=_("状态"))
    open = filters.CharFilter(method="filter_open", label=_("未完成"))
    division = SubtreeFilter(field_name="measure__division")

    class Meta:
        model = Transfer
        fields = ["status", "open", "site", "measure", "division"]

    def filter_open(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(status__in=OPEN_TRANSFERS) if value == "1" else qs


class RiskAreaFilterSet(filters.FilterSet):
    """风险区: by level and place; `on=YYYY-MM-DD` keeps the periods in force that day."""

    level = filters.ChoiceFilter(choices=RiskLevel.choices, empty_label=_("全部等级"), label=_("风险等级"))
    on = filters.DateFilter(method="filter_on", label=_("日期"),
                            error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")})
    within = filters.CharFilter(field_name="code", lookup_expr="startswith", label=_("区划代码开头"))

    class Meta:
        model = RiskArea
        fields = ["level", "province", "city", "county", "on", "within"]

    def filter_on(self, qs: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return active_on(qs, value) if value else qs


class PolicyVersionFilterSet(filters.FilterSet):
    """防控方案: by status (draft, in force, superseded)."""

    status = filters.ChoiceFilter(choices=PolicyStatus.choices, empty_label=_("全部状态"), label=_("状态"))

    class Meta:
        model = PolicyVersion
        fields = ["status"]
