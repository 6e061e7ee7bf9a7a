"""The columns of the tip-off list (page and export). The reporter is always masked here, even in
an unmasked export: only the module's admins see who reported, one audited reveal at a time."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.core.pii import mask_name, mask_phone
from fangkong.core.tables import Column, Phone, Table

from .models import TipOff
from .tables import when


def masked_reporter(row: TipOff) -> str:
    if not (row.reporter_name or row.reporter_phone):
        return gettext("匿名")
    return " ".join(v for v in (mask_name(row.reporter_name), mask_phone(row.reporter_phone)) if v)


class TipOffTable(Table):
    model = TipOff
    columns = (Column("code", link=True), Column("kind"), when("created_at"), Column("division.name", _("所在村（社区）")),
               Column("address"), Column("who_name"), Phone("who_phone"), Column("who_description"), Column("what"),
               Column("reporter", _("举报人"), getter=masked_reporter), Column("status"), Column("outcome_note"),
               Column("handled_by.full_name", _("处理人")), when("handled_at"), Column("venue.name", _("检查场所")))
    select_related = ("division", "handled_by", "venue")
