"""Figures of the county report: each a value with its metric (label, unit, 口径) and the URL of
the list it counts, so the web version links every number and the .docx lists them in its
appendix 数据来源."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from fangkong.core.choices import Role
from fangkong.core.models import Division, User
from fangkong.metrics import catalog


@dataclass
class Figure:
    key: str  # its name in the report's context (`{{ f.<key> }}` in a county's template)
    value: int | str
    metric: str  # the metric's name in the catalog
    url: str  # the list it counts
    note: str = ""  # what this figure narrows the metric to (a channel, a sector, a date range)
    scale: str = ""  # written before the unit when the value is scaled: 2.27 万辆次

    def __str__(self) -> str:
        return str(self.value)

    @property
    def label(self) -> str:
        m = catalog.get(self.metric)
        return f"{m.label}（{self.note}）" if self.note else str(m.label)

    @property
    def unit(self) -> str:
        return f"{self.scale}{catalog.get(self.metric).unit}"

    @property
    def definition(self) -> str:
        return str(catalog.get(self.metric).definition)

    def as_dict(self) -> dict:
        return {"key": self.key, "value": self.value, "metric": self.metric, "label": self.label, "unit": self.unit,
                "definition": self.definition, "url": self.url}


def url(name: str, **params: object) -> str:
    pairs = [(k, x) for k, v in params.items() for x in (v if isinstance(v, list | tuple) else [v])]
    query = urlencode([(k, v) for k, v in pairs if v not in (None, "", False)])
    return reverse(name) + (f"?{query}" if query else "")


class BriefingError(ValueError):
    """A report that cannot be written as asked (the message is for the user)."""


def reader(user: User | None, division: Division | None) -> User:
    """The account whose scope the report counts: the user narrowed to `division` (which must lie
    in the user's own), or — from the command line without an account — a read-only 指挥部 view of
    `division` (the county by default)."""
    if user is None:
        if division is None:
            raise BriefingError(_("请指定区划"))
        out = User(username="briefing", division=division, is_active=True)
        out.__dict__["role_names"] = frozenset({Role.COMMAND_CENTER})
        out.__dict__["modules"] = {}
        return out
    if division is None or division.pk == user.division_id:
        return user
    if user.division is None or not division.path.startswith(user.division.path):
        raise BriefingError(_("区划“%(name)s”不在您的管辖范围内") % {"name": division.name})
    _roles, _modules = user.role_names, user.modules  # computed once, kept by the copy
    out = copy.copy(user)
    out.division = division
    return out
