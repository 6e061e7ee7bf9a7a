"""The registry's tables: the columns its lists show and export (core.tables)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.core.tables import Column, IdNumber, Phone, Table

from .models import Household, Resident


class ResidentTable(Table):
    model = Resident
    columns = (
        Column("name", link=True), IdNumber(), Column("sex"), Column("birth_date"), Phone(), Column("address"),
        Column("relation_to_head"), Column("status"), Column("grid.name", _("所属网格")),
    )
    select_related = ("grid",)


class HouseholdTable(Table):
    model = Household
    columns = (Column("code", link=True), Column("head_name"), Column("address"), Column("grid.name", _("所属网格")))
    select_related = ("grid",)
