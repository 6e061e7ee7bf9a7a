"""The sectors area's figures for the county report's two sentences on the fourth line of defence:

- "对全县N个重点公共场所（其中网吧、游戏厅N家，KTV N家……其他经营场所N家）";
- "今日检查KTV N家、商超N家……责令整改N家（今年以来，累计检查市场经营主体N家，下达整改N家，
  停业整顿N家）".

Every number is computed once here and written into the sentence with the URL of the list that
shows exactly the rows it counts (the venue list filtered by sector, or by what their inspections
found in the range), so a reader clicks through from any figure to its list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.models import User
from fangkong.sectors.choices import Finding
from fangkong.sectors.models import OTHER_SECTOR, Inspection, Sector, Venue

from .catalog import Metric, register

Part = tuple[str, int | None, str]  # (text before the number, the number, the URL of its list)

HOUSES = gettext_lazy("家")
register(
    Metric("sectors.venues", gettext_lazy("重点公共场所"), gettext_lazy("个"),
           gettext_lazy("所选日期当天已登记的重点场所数（在您管辖范围内），按行业分列，每家只计一次")),
    Metric("sectors.inspected", gettext_lazy("检查场所"), HOUSES,
           gettext_lazy("所选日期内至少检查过一次的场所家数（同一场所多次检查只计一次），按行业分列；"
                        "今年以来的累计数即“累计检查市场经营主体”")),
    Metric("sectors.rectify", gettext_lazy("责令整改"), HOUSES, gettext_lazy("所选日期内检查结论为责令整改的场所家数")),
    Metric("sectors.suspend", gettext_lazy("停业整顿"), HOUSES, gettext_lazy("所选日期内检查结论为停业整顿的场所家数")),
)


def _venue_list(**params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return reverse("sectors:venue_list") + (f"?{query}" if query else "")


def sector_words(sector: Sector) -> str:
    """A sector as the report writes it: 网吧/游戏厅 → 网吧、游戏厅, 其他 → 其他经营场所."""
    return _("其他经营场所") if sector.code == OTHER_SECTOR else sector.name.replace("/", _("、"))


@dataclass(frozen=True)
class VenueFigures:
    on: dt.date
    total: int
    by_sector: list[tuple[Sector, int]]


def venue_figures(user: User, on: dt.date) -> VenueFigures:
    """Venues registered by the end of `on` in the user's scope, by sector (each venue once)."""
    qs = Venue.objects.restrict(user).filter(created_at__date__lte=on)
    counts = dict(qs.values("sector").annotate(n=Count("id")).values_list("sector", "n"))
    by_sector = [(s, counts[s.pk]) for s in Sector.objects.all() if counts.get(s.pk)]
    return VenueFigures(on, sum(counts.values()), by_sector)


@dataclass(frozen=True)
class InspectionFigures:
    start: dt.date
    end: dt.date
    inspected: int
    by_sector: list[tuple[Sector, int]]
    rectify: int
    suspend: int


def inspection_figures(user: User, start: dt.date, end: dt.date) -> InspectionFigures:
    """Venues inspected in [start, end] (each once) by sector, and those with each finding."""
    qs = Inspection.objects.restrict(user).filter(inspected_at__date__gte=start, inspected_at__date__lte=end)
    per_sector = dict(qs.values("venue__sector").annotate(n=Count("venue", distinct=True))
                      .values_list("venue__sector", "n"))
    by_sector = [(s, per_sector[s.pk]) for s in Sector.objects.all() if per_sector.get(s.pk)]

    def venues(finding: str | None = None) -> int:
        rows = qs.filter(finding=finding) if finding else qs
        return rows.values("venue").distinct().count()

    return InspectionFigures(start, end, venues(), by_sector, venues(Finding.RECTIFY), venues(Finding.SUSPEND))


def venue_sentence(f: VenueFigures) -> list[Part]:
    """对全县N个重点公共场所（其中网吧、游戏厅N家，KTV N家……其他经营场所N家）."""
    parts: list[Part] = [(_("对全县"), f.total, _venue_list(registered_by=f.on)), (_("个重点公共场所"), None, "")]
    if f.by_sector:
        for k, (sector, n) in enumerate(f.by_sector):
            words = sector_words(sector)
            sep = _("（其中") if k == 0 else _("，")
            parts.append((f"{sep}{words}{' ' if words[-1:].isascii() else ''}", n,
                          _venue_list(sector=sector.pk, registered_by=f.on)))
            parts.append((_("家"), None, ""))
        parts.append((_("）"), None, ""))
    return parts


def inspection_sentence(day: InspectionFigures, year: InspectionFigures, *, today: dt.date | None = None) -> list[Part]:
    """今日检查KTV N家、商超N家……责令整改N家（今年以来，累计检查市场经营主体N家，下达整改N家，停业整顿N家）."""
    d = {"inspected_from": day.start, "inspected_to": day.end}
    y = {"inspected_from": year.start, "inspected_to": year.end}
    parts: list[Part] = []
    if day.by_sector:
        for k, (sector, n) in enumerate(day.by_sector):
            words = sector_words(sector)
            lead = _("、") if k else _("今日检查") if day.start == (today or day.start) else (
                _("%(month)d月%(day)d日检查") % {"month": day.start.month, "day": day.start.day})
            parts += [(f"{lead}{words}{' ' if words[-1:].isascii() else ''}", n, _venue_list(sector=sector.pk, **d)),
                      (_("家"), None, "")]
        parts += [(_("，责令整改"), day.rectify, _venue_list(finding=Finding.RECTIFY, **d)), (_("家"), None, "")]
    else:
        parts.append((_("当日未检查场所"), None, ""))
    parts += [(_("（今年以来，累计检查市场经营主体"), year.inspected, _venue_list(**y)),
              (_("家，下达整改"), year.rectify, _venue_list(finding=Finding.RECTIFY, **y)),
              (_("家，停业整顿"), year.suspend, _venue_list(finding=Finding.SUSPEND, **y)), (_("家）"), None, "")]
    return parts


def sentence_text(parts: list[Part]) -> str:
    return "".join(f"{text}{'' if n is None else n}" for text, n, _url in parts)
