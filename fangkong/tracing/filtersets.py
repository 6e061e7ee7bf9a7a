"""List filters of the tracing area, shared by the pages and the API (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import CaseClass, ContactCategory, ContactStatus, InvestigationStatus, ProtocolStatus
from .models import Case, Contact, Investigation, PositiveFinding, ProtocolVersion

DATE = forms.DateInput(attrs={"type": "date"})


class ProtocolVersionFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ProtocolStatus.choices, label=_("状态"))
    q = filters.CharFilter(field_name="title", lookup_expr="contains", label=_("方案名称"))

    class Meta:
        model = ProtocolVersion
        fields = ["status", "code", "q"]


class CaseFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    classification = filters.MultipleChoiceFilter(choices=CaseClass.choices, label=_("病例分类"))
    reported_from = filters.DateFilter(field_name="reported_at", lookup_expr="date__gte", label=_("报告起始日期"),
                                       widget=DATE)
    reported_to = filters.DateFilter(field_name="reported_at", lookup_expr="date__lte", label=_("报告截止日期"),
                                     widget=DATE)
    q = filters.CharFilter(method="filter_q", label=_("编号 / 姓名 / 身份证号"))

    class Meta:
        model = Case
        fields = ["division", "classification", "found_by", "outcome", "reported_from", "reported_to", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(code__contains=value) | Q(name__contains=value) | Q(id_number=value)) if value else qs


class PositiveFindingFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    open = filters.BooleanFilter(field_name="case", lookup_expr="isnull", label=_("待立案"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号"))

    class Meta:
        model = PositiveFinding
        fields = ["division", "open", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(id_number=value)) if value else qs


class InvestigationFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="case__division")
    status = filters.ChoiceFilter(choices=InvestigationStatus.choices, label=_("状态"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("有超时节点"))
    q = filters.CharFilter(method="filter_q", label=_("病例编号 / 姓名"))

    class Meta:
        model = Investigation
        fields = ["division", "status", "overdue", "q"]

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        late = Q(milestones__escalated_at__isnull=False, milestones__done_at=None)
        return qs.filter(late).distinct() if value else qs.exclude(late)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(case__code__contains=value) | Q(case__name__contains=value)) if value else qs


class ContactFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    category = filters.MultipleChoiceFilter(choices=ContactCategory.choices, label=_("人员类别"))
    status = filters.MultipleChoiceFilter(choices=ContactStatus.choices, label=_("状态"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号 / 手机号 / 病例编号"))

    class Meta:
        model = Contact
        fields = ["division", "case", "category", "status", "source", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(id_number=value) | Q(phone=value) | Q(case__code=value)) \
            if value else qs
