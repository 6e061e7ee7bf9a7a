"""Transmission chains: the columns and filters of edges, clusters and snapshots (pages, export, API)."""

from __future__ import annotations

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.filtersets import SubtreeFilter
from fangkong.core.pageforms import ScopedModelForm
from fangkong.core.tables import Column, Table

from .choices import Certainty, ExposureType
from .models import ChainSnapshot, Cluster, TransmissionEdge

DATE = forms.DateInput(attrs={"type": "date"})


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class TransmissionEdgeTable(Table):
    model = TransmissionEdge
    columns = (
        Column("id", _("编号"), link=True),
        Column("source.code", _("传染来源病例")),
        Column("target.code", _("被传染病例")),
        Column("certainty"),
        Column("exposure"),
        Column("exposed_on"),
        Column("evidence"),
        Column("created_at", _("判定时间"), getter=lambda e: _local(e.created_at)),
    )
    select_related = ("source", "target")


class ClusterTable(Table):
    model = Cluster
    columns = (
        Column("code", link=True),
        Column("name"),
        Column("division.name", _("所属区划")),
        Column("first_onset_on"),
        Column("last_onset_on"),
        Column("note"),
    )
    select_related = ("division",)


class ChainSnapshotTable(Table):
    model = ChainSnapshot
    columns = (
        Column("title", link=True),
        Column("node_count"),
        Column("edge_count"),
        Column("created_by.username", _("冻结人")),
        Column("created_at", _("冻结时间"), getter=lambda s: _local(s.created_at)),
    )
    select_related = ("created_by",)


class TransmissionEdgeFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="target__division")
    certainty = filters.MultipleChoiceFilter(choices=Certainty.choices, label=_("判定把握"))
    exposure = filters.MultipleChoiceFilter(choices=ExposureType.choices, label=_("暴露方式"))
    cluster = filters.NumberFilter(method="filter_cluster", label=_("聚集性疫情"))
    q = filters.CharFilter(method="filter_q", label=_("病例编号"))

    class Meta:
        model = TransmissionEdge
        fields = ["division", "certainty", "exposure", "cluster", "q"]

    def filter_cluster(self, qs: QuerySet, name: str, value) -> QuerySet:
        return qs.filter(target__clusters=value) if value is not None else qs

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(source__code__contains=value) | Q(target__code__contains=value)) if value else qs


class ClusterFilterSet(filters.FilterSet):
    division = SubtreeFilter(field_name="division")
    q = filters.CharFilter(method="filter_q", label=_("编号 / 名称"))

    class Meta:
        model = Cluster
        fields = ["division", "q"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(code__contains=value) | Q(name__contains=value)) if value else qs


class ChainSnapshotFilterSet(filters.FilterSet):
    q = filters.CharFilter(field_name="title", lookup_expr="contains", label=_("快照名称"))

    class Meta:
        model = ChainSnapshot
        fields = ["q"]


class ClusterForm(ScopedModelForm):
    class Meta:
        model = Cluster
        fields = ["code", "name", "division", "note"]


class LinkForm(forms.Form):
    """关联传染来源: the source case by its code, with how and how surely."""

    source_code = forms.CharField(label=_("传染来源病例编号"), max_length=32)
    exposure = forms.ChoiceField(label=_("暴露方式"), choices=ExposureType.choices)
    certainty = forms.ChoiceField(label=_("判定把握"), choices=Certainty.choices, initial=Certainty.PROBABLE)
    exposed_on = forms.DateField(label=_("暴露日期"), required=False, widget=DATE)
    evidence = forms.CharField(label=_("判定依据"), max_length=500, required=False)


class ClusterCasesForm(forms.Form):
    codes = forms.CharField(label=_("病例编号"), help_text=_("多个编号用空格或逗号分隔"), max_length=4000)


class FreezeForm(forms.Form):
    title = forms.CharField(label=_("快照名称"), max_length=128)
