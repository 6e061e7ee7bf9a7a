"""Co-presence lists: the columns and filters of runs and matches (pages, export, API)."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from fangkong.core.tables import Column, Phone, Table

from .copresence_choices import MatchKind, RunStatus
from .models import CoPresenceMatch, CoPresenceRun


class CoPresenceRunTable(Table):
    model = CoPresenceRun
    columns = (Column("id", _("编号"), link=True), Column("created_at"), Column("starts_on"), Column("ends_on"),
               Column("index_phones", _("指示病例"), getter=lambda r: ngettext("%(n)d人", "%(n)d人", len(r.index_phones)) % {"n": len(r.index_phones)}),
               Column("min_overlap"), Column("scan_window"), Column("engine"), Column("status"),
               Column("matches_count"), Column("people"), Column("leads_created"), Column("positives"),
               Column("created_by.username", _("发起人")))
    select_related = ("created_by",)


class CoPresenceMatchTable(Table):
    model = CoPresenceMatch
    columns = (Column("id", _("编号"), link=True), Column("run_id", _("研判")), Phone(), Column("kind"), Phone("index_phone", _("指示病例手机号")),
               Column("place"), Column("place_name"), Column("at"), Column("overlap_minutes"),
               Column("tested_positive"), Column("explanation", _("说明"), getter=lambda m: m.explanation()))


class CoPresenceRunFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RunStatus.choices, label=_("状态"))

    class Meta:
        model = CoPresenceRun
        fields = ["status"]


class CoPresenceMatchFilterSet(filters.FilterSet):
    run = filters.NumberFilter(field_name="run_id", label=_("研判编号"))
    kind = filters.ChoiceFilter(choices=MatchKind.choices, label=_("伴随方式"))
    tested_positive = filters.BooleanFilter(label=_("其后阳性"))

    class Meta:
        model = CoPresenceMatch
        fields = ["run", "kind", "tested_positive"]
