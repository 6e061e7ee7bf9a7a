"""List filters of the sectors area, shared by the pages and the API (django-filter)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import (
    EventKind,
    EventStatus,
    Finding,
    OrderKind,
    OrderStatus,
    ReinspectionStatus,
    ResumptionStatus,
    VenueStatus,
)
from .models import (
    Checklist,
    EventCheck,
    FamilyEvent,
    Inspection,
    Reinspection,
    ResumptionApplication,
    ResumptionStaff,
    Sector,
    SectorOrder,
    Venue,
)

DATE = forms.DateInput(attrs={"type": "date"})


class SectorFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label=_("行业名称 / 别名"))

    class Meta:
        model = Sector
        fields = ["code", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(aliases__contains=value)) if value else qs


class VenueFilterSet(filters.FilterSet):
    """Venues; `inspected_from` / `inspected_to` / `finding` keep the venues inspected in that range
    (with that finding): the lists the report's figures link to."""

    division = SubtreeFilter(field_name="grid")
    sector = filters.ModelMultipleChoiceFilter(queryset=Sector.objects.all(), label=_("行业"))
    status = filters.MultipleChoiceFilter(choices=VenueStatus.choices, label=_("营业状态"))
    q = filters.CharFilter(method="filter_q", label=_("场所名称 / 信用代码 / 地址"))
    registered_by = filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("登记截止日期"),
                                       widget=DATE)
    inspected_from = filters.DateFilter(method="filter_inspected", label=_("检查起始日期"), widget=DATE)
    inspected_to = filters.DateFilter(method="filter_inspected", label=_("检查截止日期"), widget=DATE)
    finding = filters.ChoiceFilter(choices=Finding.choices, method="filter_inspected", label=_("检查结论"))

    class Meta:
        model = Venue
        fields = ["division", "grid", "sector", "status", "credit_code", "q", "registered_by", "inspected_from",
                  "inspected_to", "finding"]

    def filter_inspected(self, qs: QuerySet, name: str, value: object) -> QuerySet:
        return qs  # the three are applied together in filter_queryset

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        qs = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end, finding = data.get("inspected_from"), data.get("inspected_to"), data.get("finding")
        if not (start or end or finding):
            return qs
        inspections = Inspection.objects.all()
        if start:
            inspections = inspections.filter(inspected_at__date__gte=start)
        if end:
            inspections = inspections.filter(inspected_at__date__lte=end)
        if finding:
            inspections = inspections.filter(finding=finding)
        return qs.filter(pk__in=inspections.values("venue_id"))

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(credit_code=value.upper()) | Q(name__contains=value) | Q(address__contains=value))


class ChecklistFilterSet(filters.FilterSet):
    q = filters.CharFilter(field_name="note", lookup_expr="contains", label=_("说明"))

    class Meta:
        model = Checklist
        fields = ["sector", "version", "q"]


class InspectionFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="venue__grid")
    sector = filters.ModelMultipleChoiceFilter(field_name="venue__sector", queryset=Sector.objects.all(),
                                               label=_("行业"))
    finding = filters.MultipleChoiceFilter(choices=Finding.choices, label=_("检查结论"))
    date_from = filters.DateFilter(field_name="inspected_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE)
    date_to = filters.DateFilter(field_name="inspected_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE)

    class Meta:
        model = Inspection
        fields = ["division", "venue", "sector", "finding", "inspector", "date_from", "date_to"]


class ReinspectionFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="venue__grid")
    status = filters.MultipleChoiceFilter(choices=ReinspectionStatus.choices, label=_("状态"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("已超期"))

    class Meta:
        model = Reinspection
        fields = ["division", "venue", "status", "assignee", "overdue"]

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        from django.utils import timezone

        if value is None:
            return qs
        late = Q(status=ReinspectionStatus.DUE, due_on__lt=timezone.localdate())
        return qs.filter(late) if value else qs.exclude(late)


class SectorOrderFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=OrderKind.choices, label=_("措施"))
    status = filters.MultipleChoiceFilter(choices=OrderStatus.choices, label=_("状态"))

    class Meta:
        model = SectorOrder
        fields = ["division", "sector", "kind", "status"]


class FamilyEventFilterSet(filters.FilterSet):
    """红白事; `flagged` keeps the reports that broke a rule (the report page's figure links here)."""

    division = SubtreeFilter(field_name="division")
    kind = filters.MultipleChoiceFilter(choices=EventKind.choices, label=_("类别"))
    status = filters.MultipleChoiceFilter(choices=EventStatus.choices, label=_("状态"))
    date_from = filters.DateFilter(field_name="event_date", lookup_expr="gte", label=_("举办日期起"), widget=DATE)
    date_to = filters.DateFilter(field_name="event_date", lookup_expr="lte", label=_("举办日期止"), widget=DATE)
    flagged = filters.BooleanFilter(method="filter_flagged", label=_("超出规定"))
    q = filters.CharFilter(method="filter_q", label=_("事主 / 地点"))

    class Meta:
        model = FamilyEvent
        fields = ["division", "kind", "status", "date_from", "date_to", "flagged", "q"]

    def filter_flagged(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.exclude(flags=[]) if value else qs.filter(flags=[])

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(host_name__contains=value) | Q(place__contains=value)) if value else qs


class EventCheckFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="event__division")
    compliant = filters.BooleanFilter(label=_("符合防控要求"))
    checked_from = filters.DateFilter(field_name="checked_at", lookup_expr="date__gte", label=_("检查日期起"), widget=DATE)
    checked_to = filters.DateFilter(field_name="checked_at", lookup_expr="date__lte", label=_("检查日期止"), widget=DATE)

    class Meta:
        model = EventCheck
        fields = ["division", "event", "compliant", "checked_from", "checked_to"]


class ResumptionFilterSet(filters.FilterSet):
    """复工复产申请; `due=true` keeps the resumed businesses due for their periodic inspection today."""

    division = SubtreeFilter(field_name="venue__grid")
    sector = filters.ModelMultipleChoiceFilter(field_name="venue__sector", queryset=Sector.objects.all(), label=_("行业"))
    status = filters.MultipleChoiceFilter(choices=ResumptionStatus.choices, label=_("状态"))
    applied_from = filters.DateFilter(field_name="applied_at", lookup_expr="date__gte", label=_("申请日期起"), widget=DATE)
    applied_to = filters.DateFilter(field_name="applied_at", lookup_expr="date__lte", label=_("申请日期止"), widget=DATE)
    venue = filters.NumberFilter(field_name="venue_id", label=_("场所编号"))
    due = filters.BooleanFilter(method="filter_due", label=_("今日应检查"))
    q = filters.CharFilter(method="filter_q", label=_("单位名称 / 申请人"))

    class Meta:
        model = ResumptionApplication
        fields = ["division", "venue", "sector", "status", "applied_from", "applied_to", "due", "q"]

    def filter_due(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        from django.utils import timezone

        from .actions_resumption import resumption_due

        return resumption_due(qs, timezone.localdate()) if value else qs

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(venue__name__contains=value) | Q(applicant_name__contains=value)) if value else qs


class ResumptionStaffFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="application__venue__grid")
    application = filters.NumberFilter(field_name="application_id", label=_("申请编号"))
    q = filters.CharFilter(method="filter_q", label=_("姓名 / 身份证号"))

    class Meta:
        model = ResumptionStaff
        fields = ["division", "application", "closed_loop", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__contains=value) | Q(id_number=value.strip().upper())) if value else qs
