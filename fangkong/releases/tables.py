"""Information release's table: the columns its list shows and exports."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, Table

from .models import ReleaseNote


def _time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


class ReleaseNoteTable(Table):
    model = ReleaseNote
    columns = (
        Column("title", link=True),
        Column("kind"),
        Column("status"),
        Column("corrects.title", _("更正的发布")),
        Column("division.name", _("发布区划")),
        Column("author.full_name", _("起草人")),
        Column("created_at", _("起草时间"), getter=lambda n: _time(n.created_at)),
        Column("published_at", _("发布时间"), getter=lambda n: _time(n.published_at)),
    )
    select_related = ("corrects", "division", "author")
