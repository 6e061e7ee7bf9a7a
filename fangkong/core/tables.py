"""Tables: one declaration per model of the columns a list shows and exports.

A table names its columns once; the list page renders them (`core/_table.html`) and the export
helper (`core.exports.export_table`) writes the same columns, masking those that hold personal
data unless the export is an unmasked one. In the manner of NetBox's `netbox/tables`, without
django-tables2::

    class HouseholdTable(Table):
        model = Household
        columns = (Column("code", link=True), Column("grid.name", _("网格")), Column("head_name"),
                   Column("address"))
        select_related = ("grid",)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .pii import mask_id_number, mask_phone


@dataclass(frozen=True)
class Column:
    """One column: an attribute path ("grid.name"), a header, and how personal data is masked.

    A choice field shows its label; `getter(row)` replaces the attribute path for computed
    values; `mask` (e.g. `mask_id_number`) applies unless the viewer sees full values.
    """

    accessor: str
    label: str | None = None
    mask: Callable[[Any], str] | None = None
    link: bool = False
    getter: Callable[[Any], Any] | None = None

    def raw(self, row: Any) -> Any:
        if self.getter is not None:
            return self.getter(row)
        *hops, last = self.accessor.split(".")
        target = row
        for hop in hops:
            target = getattr(target, hop, None)
            if target is None:
                return ""
        display = getattr(target, f"get_{last}_display", None)
        value = display() if callable(display) else getattr(target, last, "")
        return "" if value is None else value

    def value(self, row: Any, full: bool = False) -> Any:
        value = self.raw(row)
        return self.mask(value) if self.mask is not None and not full else value

    def header(self, model: type[models.Model]) -> str:
        if self.label is not None:
            return str(self.label)
        meta, field = model._meta, None
        for hop in self.accessor.split("."):
            try:
                field = meta.get_field(hop)
            except FieldDoesNotExist:
                return hop
            if field.related_model is not None:
                meta = field.related_model._meta
        return str(getattr(field, "verbose_name", self.accessor))


def IdNumber(accessor: str = "id_number", label: str | None = None) -> Column:
    """An ID number column, masked (4101********1234) unless full values are shown."""
    return Column(accessor, label, mask=mask_id_number)


def Phone(accessor: str = "phone", label: str | None = None) -> Column:
    """A phone column, masked (138****5678) unless full values are shown."""
    return Column(accessor, label, mask=mask_phone)


class Table:
    """The columns of a model's list; subclasses declare `model`, `columns`, `select_related`."""

    model: ClassVar[type[models.Model]]
    columns: ClassVar[tuple[Column, ...]] = ()
    select_related: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def headers(cls) -> list[str]:
        return [c.header(cls.model) for c in cls.columns]

    @classmethod
    def has_pii(cls) -> bool:
        return any(c.mask is not None for c in cls.columns)

    @classmethod
    def prepare(cls, qs: models.QuerySet) -> models.QuerySet:
        """The queryset with what the columns read joined in (constant queries per page)."""
        return qs.select_related(*cls.select_related) if cls.select_related else qs

    @classmethod
    def cells(cls, row: Any, full: bool = False) -> list[Any]:
        return [c.value(row, full) for c in cls.columns]

    @classmethod
    def rows(cls, objects: Iterable[Any], full: bool = False) -> Iterable[list[Any]]:
        for row in objects:
            yield cls.cells(row, full)

    @classmethod
    def page_rows(cls, objects: Iterable[Any]) -> list[dict[str, Any]]:
        """For the list template: each row's object and its masked cells as (header, link?, value)."""
        headers = cls.headers()
        return [{"object": row, "cells": [(h, c.link, v) for h, c, v in zip(headers, cls.columns, cls.cells(row), strict=True)]}
                for row in objects]
