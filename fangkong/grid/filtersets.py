"""One filterset per model, shared by the list pages and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter

from .choices import UNVISITED, MemberKind, SweepStatus, VisitStatus
from .models import MemberAnswer, Questionnaire, Sweep, Visit


class SweepFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("状态"), choices=SweepStatus.choices, empty_label=_("全部"))

    class Meta:
        model = Sweep
        fields = ["status"]


class VisitFilterSet(filters.FilterSet):
    sweep = filters.ModelChoiceFilter(label=_("排摸"), queryset=Sweep.objects.all())
    division = SubtreeFilter(field_name="grid")
    status = filters.ChoiceFilter(label=_("走访状态"), choices=VisitStatus.choices, empty_label=_("全部"))
    unvisited = filters.BooleanFilter(label=_("仅未走访"), method="filter_unvisited")
    q = filters.CharFilter(label=_("住址"), field_name="address", lookup_expr="contains")

    class Meta:
        model = Visit
        fields = ["sweep", "division", "status", "unvisited", "q"]

    def filter_unvisited(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.filter(status__in=UNVISITED) if value else qs.exclude(status__in=UNVISITED)


class MemberAnswerFilterSet(filters.FilterSet):
    sweep = filters.ModelChoiceFilter(label=_("排摸"), queryset=Sweep.objects.all(), field_name="visit__sweep")
    division = SubtreeFilter(field_name="visit__grid")
    kind = filters.ChoiceFilter(label=_("人员类别"), choices=MemberKind.choices, empty_label=_("全部"))
    risk = filters.BooleanFilter(label=_("有风险"))
    registry_updated = filters.BooleanFilter(label=_("已更新台账"))
    q = filters.CharFilter(label=_("姓名"), field_name="name", lookup_expr="contains")

    class Meta:
        model = MemberAnswer
        fields = ["sweep", "division", "kind", "risk", "registry_updated", "q"]


class QuestionnaireFilterSet(filters.FilterSet):
    q = filters.CharFilter(label=_("标题"), field_name="title", lookup_expr="contains")

    class Meta:
        model = Questionnaire
        fields = ["number", "q"]
