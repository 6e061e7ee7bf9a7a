"""The columns of the grid line's lists (page and export)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import MemberAnswer, Questionnaire, Sweep, Visit


def yes_no(field: str) -> Column:
    """A yes / no column in words (是 / 否), never True / False."""
    return Column(field, getter=lambda row: gettext("是") if getattr(row, field) else gettext("否"))


def local_time(value: datetime | None) -> str:
    """A moment in local time, as the page and the spreadsheet show it (Excel takes no time zones)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def when(field: str) -> Column:
    return Column(field, getter=lambda row: local_time(getattr(row, field)))


class SweepTable(Table):
    model = Sweep
    columns = (Column("name", link=True), Column("division.name", _("组织区划")), Column("status"),
               when("due_at"), Column("households"), Column("questionnaire.number", _("问卷版本")),
               when("created_at"))
    select_related = ("division", "questionnaire")


class VisitTable(Table):
    model = Visit
    columns = (Column("address", link=True), Column("household.head_name", _("户主")), Column("grid.name", _("网格")),
               Column("sweep.name", _("排摸")), Column("status"), Column("members"), Column("answered"),
               Column("found"), Column("attempts"), Column("assignee.full_name", _("网格员")), when("visited_at"))
    select_related = ("household", "grid", "sweep", "assignee")


class MemberAnswerTable(Table):
    model = MemberAnswer
    columns = (Column("name", link=True), IdNumber(), Phone(), Column("kind"), Column("presence"),
               yes_no("risk"), yes_no("unchanged"), yes_no("registry_updated"), Column("visit.address", _("住址")),
               Column("visit.sweep.name", _("排摸")), Column("questionnaire.number", _("问卷版本")), when("at"))
    select_related = ("visit__sweep", "questionnaire")


class QuestionnaireTable(Table):
    model = Questionnaire
    columns = (Column("number", link=True), Column("title"), Column("note"), when("created_at"))
