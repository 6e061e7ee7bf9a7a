"""List filters of the checkpoints, shared by the pages, the exports and the API (django-filter).
Each figure of the checkpoint report links to one of these lists with the filters it counted by."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import CheckpointKind, HealthCode, TransitStatus
from .models import Checkpoint, CheckpointShift, PersonCheck, VehicleCheck

DATE = forms.DateInput(attrs={"type": "date"})


class CheckpointFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=CheckpointKind.choices, label=_("卡口类型"))
    q = filters.CharFilter(method="filter_q", label=_("卡口名称 / 编号 / 道路"))

    class Meta:
        model = Checkpoint
        fields = ["division", "kind", "active", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(code=value) | Q(name__contains=value) | Q(road__contains=value)) if value else qs


class CheckpointShiftFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="checkpoint__division")
    date = filters.DateFilter(field_name="starts_at", lookup_expr="date", label=_("日期"), widget=DATE)

    class Meta:
        model = CheckpointShift
        fields = ["division", "checkpoint", "date"]


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a local day: date filters are ranges of instants, so the
    `(…, registered_at)` indexes answer them (a `__date` lookup casts every row)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


class _PassageFilters(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.ChoiceFilter(field_name="checkpoint__kind", choices=CheckpointKind.choices, label=_("卡口类型"))
    date_from = filters.DateFilter(method="filter_from", label=_("起始日期"), widget=DATE)
    date_to = filters.DateFilter(method="filter_to", label=_("截止日期"), widget=DATE)
    from_risk = filters.BooleanFilter(label=_("来自 / 途经风险区"))

    def filter_from(self, qs: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return qs.filter(registered_at__gte=day_start(value)) if value else qs

    def filter_to(self, qs: QuerySet, name: str, value: dt.date | None) -> QuerySet:
        return qs.filter(registered_at__lt=day_start(value + dt.timedelta(days=1))) if value else qs


class PersonCheckFilterSet(_PassageFilters):
    health_code = filters.MultipleChoiceFilter(choices=HealthCode.choices, label=_("健康码"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号 / 手机号"))

    class Meta:
        model = PersonCheck
        fields = ["division", "checkpoint", "kind", "date_from", "date_to", "from_risk", "health_code", "vehicle",
                  "batch", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper()
        if not value:
            return qs
        return qs.filter(Q(id_number=value) | Q(phone=value) | Q(name=value))


class VehicleCheckFilterSet(_PassageFilters):
    transit = filters.MultipleChoiceFilter(choices=TransitStatus.choices, label=_("过境"))
    overdue = filters.NumberFilter(method="filter_overdue", label=_("过境超过N小时未出"))
    plate = filters.CharFilter(method="filter_plate", label=_("车牌号"))

    class Meta:
        model = VehicleCheck
        fields = ["division", "checkpoint", "kind", "date_from", "date_to", "from_risk", "transit", "overdue", "plate",
                  "batch"]

    def filter_plate(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip().upper().replace("·", "")
        return qs.filter(plate=value) if value else qs

    def filter_overdue(self, qs: QuerySet, name: str, value) -> QuerySet:
        if value is None:
            return qs
        cutoff = timezone.now() - dt.timedelta(hours=float(value))
        return qs.filter(transit=TransitStatus.IN_TRANSIT, registered_at__lt=cutoff)
