"""The sentinel figures (哨点监测): the county report's sentence of seed 001 —

  "督促全县N个医疗机构、发热门诊、预检分诊、零售药店落实主体责任……N月N日以来累计报告N名发热病人，
   均按要求处置完毕" (or, when not all were, what is true instead) —

and the table by township for any date range: sentinels, records by kind, persons reported,
signals and those still unanswered, each number with the URL of the list it counts. Record counts
come from the `SentinelCount` roll-up; persons and signals from their rows (human-sized).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.core.scoping import user_may
from fangkong.screening.choices import VerificationStatus
from fangkong.sectors.choices import SentinelKind, SignalStatus
from fangkong.sectors.models import SENTINEL_SECTORS, Sector, SentinelCount, SentinelRecord, Signal, Venue

from .catalog import PERSONS, Metric, register

Part = tuple[str, int | None, str]
HOUSES, TIMES, ITEMS = gettext_lazy("个"), gettext_lazy("人次"), gettext_lazy("条")
register(
    Metric("sectors.sentinels", gettext_lazy("哨点"), HOUSES,
           gettext_lazy("所选日期当天已登记的零售药店和医疗机构（含发热门诊、预检分诊）家数，在您管辖范围内")),
    Metric("sectors.sentinel_records", gettext_lazy("哨点登记"), TIMES,
           gettext_lazy("所选期间哨点登记的购药（四类药品）、发热门诊就诊、预检分诊人次，按购药/就诊日期计")),
    Metric("sectors.sentinel_reported", gettext_lazy("报告发热病人"), PERSONS,
           gettext_lazy("所选期间哨点登记的人数，同一人多次登记只计一次（001所称“发热病人”，含四类药品购买人员）")),
    Metric("sectors.sentinel_handled", gettext_lazy("已处置完毕"), PERSONS,
           gettext_lazy("上述人员中，其哨点线索对应的核查任务均已办结的人数；其余为正在核查处置")),
    Metric("sectors.signals", gettext_lazy("预警信号"), ITEMS,
           gettext_lazy("所选期间哨点日计数超过固定阈值或近几周同期百分位数（CIDARS P80）而产生的预警条数")),
    Metric("sectors.signals_open", gettext_lazy("待响应预警"), ITEMS, gettext_lazy("上述预警中此刻尚未响应的条数")),
)
METRIC_NAMES = ("sectors.sentinels", "sectors.sentinel_records", "sectors.sentinel_reported",
                "sectors.sentinel_handled", "sectors.signals", "sectors.signals_open")


def _url(name: str, **params: object) -> str:
    pairs = [(k, x) for k, v in params.items() for x in (v if isinstance(v, list | tuple) else [v])]
    query = urlencode([(k, v) for k, v in pairs if v not in (None, "")])
    return reverse(name) + (f"?{query}" if query else "")


def _sentinels(user: User):
    return Venue.objects.restrict(user).filter(sector__code__in=SENTINEL_SECTORS)


def _records(user: User, start: dt.date, end: dt.date):
    return SentinelRecord.objects.restrict(user).filter(day__gte=start, day__lte=end)


@dataclass(frozen=True)
class SentinelFigures:
    since: dt.date
    end: dt.date
    sentinels: int
    reported: int
    handled: int


def sentinel_figures(user: User, since: dt.date, end: dt.date) -> SentinelFigures:
    """Sentinels registered by `end`, persons reported since `since` and those handled (every task
    their sentinel leads opened is closed)."""
    sentinels = _sentinels(user).filter(created_at__date__lte=end).count()
    records = _records(user, since, end)
    reported = records.exclude(person_id=None).values("person_id").distinct().count()
    unhandled = (records.exclude(person_id=None).exclude(verification__status=VerificationStatus.CLOSED)
                 .values("person_id").distinct().count())
    return SentinelFigures(since, end, sentinels, reported, reported - unhandled)


def sentinel_sentence(f: SentinelFigures) -> list[Part]:
    """督促全县N个医疗机构、发热门诊、预检分诊、零售药店落实主体责任……N月N日以来累计报告N名发热病人，均按要求处置完毕。"""
    r = {"date_from": f.since, "date_to": f.end}
    sectors = list(Sector.objects.filter(code__in=SENTINEL_SECTORS).values_list("pk", flat=True))
    parts: list[Part] = [
        (_("督促全县"), f.sentinels, _url("sectors:venue_list", registered_by=f.end, sector=sectors)),
        (_("个医疗机构、发热门诊、预检分诊、零售药店落实主体责任，严格四类药品登记，对发烧、咳嗽等可疑症状人员规范报告。"),
         None, ""),
    ]
    since = _("%(m)d月%(d)d日以来") % {"m": f.since.month, "d": f.since.day}
    if not f.reported:
        return [*parts, (since + _("未报告发热病人。"), None, "")]
    parts += [(since + _("累计报告"), f.reported, _url("sectors:sentinelrecord_list", **r)), (_("名发热病人"), None, "")]
    if f.handled == f.reported:
        return [*parts, (_("，均按要求处置完毕。"), None, "")]
    return [*parts, (_("，其中已处置完毕"), f.handled, _url("sectors:sentinelrecord_list", handled="1", **r)),
            (_("名，正在核查处置"), f.reported - f.handled, _url("sectors:sentinelrecord_list", handled="0", **r)),
            (_("名。"), None, "")]


def report_sentence(user: User, since: dt.date, end: dt.date) -> list[Part]:
    """The sentence for the report page, or nothing for a role that may not see sentinel records."""
    if not user_may(SentinelRecord, user, "view") or user.division is None:
        return []
    return sentinel_sentence(sentinel_figures(user, min(since, end), end))


COLUMNS = (
    ("pharmacies", gettext_lazy("零售药店")), ("clinics", gettext_lazy("医疗机构")),
    ("sales", gettext_lazy("四类药品购买")), ("fever_clinic", gettext_lazy("发热门诊")),
    ("triage", gettext_lazy("预检分诊")), ("persons", gettext_lazy("报告人数")),
    ("signals", gettext_lazy("预警信号")), ("open", gettext_lazy("待响应")),
)
KIND_COLUMN = {SentinelKind.SALE: "sales", SentinelKind.FEVER_CLINIC: "fever_clinic", SentinelKind.TRIAGE: "triage"}


@dataclass
class Row:
    division: Division | None  # None: the total
    cells: list[tuple[str, int, str]] = field(default_factory=list)  # (label, number, URL of its list)


def _township_of(user: User) -> tuple[list[Division], dict[int, int]]:
    """The townships in the user's scope (or the user's own village or grid below them) and, for
    each grid in scope, the row it counts in."""
    mine = user.division.path
    grids = [(pk, path) for pk, path in Division.objects.filter(level=DivisionLevel.GRID).values_list("pk", "path")
             if path.startswith(mine)]
    if user.division.level in (DivisionLevel.VILLAGE, DivisionLevel.GRID):
        return [user.division], {pk: user.division.pk for pk, _path in grids}
    townships = [t for t in Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("path")
                 if t.path.startswith(mine) or mine.startswith(t.path)]
    prefix = {t.path: t.pk for t in townships}
    size = len(townships[0].path) if townships else 0
    return townships, {pk: prefix.get(path[:size], 0) for pk, path in grids}


def sentinel_table(user: User, start: dt.date, end: dt.date, sector: Sector | None = None) -> list[Row]:
    """Rows per township (and a total row first) of the COLUMNS figures for [start, end], of every
    sentinel or of one sector's (药店 or 医疗机构)."""
    if not user_may(SentinelRecord, user, "view") or user.division is None:
        return []
    townships, township = _township_of(user)
    counts: dict[int | None, Counter] = defaultdict(Counter)

    def add(key: str, grid: int, n: int) -> None:
        counts[township.get(grid, 0)][key] += n
        counts[None][key] += n

    codes = dict(Sector.objects.filter(code__in=SENTINEL_SECTORS).values_list("code", "pk"))
    sentinels, records = _sentinels(user), _records(user, start, end)
    signals = Signal.objects.restrict(user).filter(day__gte=start, day__lte=end)
    scoped = SentinelCount.objects.filter(day__gte=start, day__lte=end)
    if sector is not None:
        sentinels, records = sentinels.filter(sector=sector), records.filter(venue__sector=sector)
        signals = signals.filter(venue__sector=sector)
        scoped = scoped.filter(venue_id__in=list(sentinels.values_list("pk", flat=True)))
    for grid, code, n in (sentinels.filter(created_at__date__lte=end).values_list("grid_id", "sector__code")
                          .annotate(n=Count("id"))):
        add("pharmacies" if code == SENTINEL_SECTORS[0] else "clinics", grid, n)
    for grid, kind, n in scoped.values_list("division_id", "kind").annotate(n=Sum("n")):
        if grid in township:  # the grids in the user's scope
            add(KIND_COLUMN.get(kind, "sales"), grid, n)
    persons: dict[int | None, set] = defaultdict(set)
    for grid, person in records.exclude(person_id=None).values_list("division_id", "person_id").distinct():
        persons[township.get(grid, 0)].add(person)
        persons[None].add(person)
    for grid, status, n in signals.values_list("division_id", "status").annotate(n=Count("id")):
        add("signals", grid, n)
        if status == SignalStatus.OPEN:
            add("open", grid, n)
    rows = []
    for division in [None, *townships]:
        c = counts[division.pk if division else None]
        c["persons"] = len(persons[division.pk if division else None])
        d = division.pk if division else ""
        r = {"date_from": start, "date_to": end, "division": d, "sector": sector.pk if sector else ""}
        urls = {
            "pharmacies": _url("sectors:venue_list", sector=codes.get("pharmacy"), division=d, registered_by=end),
            "clinics": _url("sectors:venue_list", sector=codes.get("medical"), division=d, registered_by=end),
            "sales": _url("sectors:sentinelrecord_list", kind=SentinelKind.SALE, **r),
            "fever_clinic": _url("sectors:sentinelrecord_list", kind=SentinelKind.FEVER_CLINIC, **r),
            "triage": _url("sectors:sentinelrecord_list", kind=SentinelKind.TRIAGE, **r),
            "persons": _url("sectors:sentinelrecord_list", **r),
            "signals": _url("sectors:signal_list", **r),
            "open": _url("sectors:signal_list", status=SignalStatus.OPEN, **r),
        }
        rows.append(Row(division, [(str(label), c[key], urls[key]) for key, label in COLUMNS]))
    return rows


def sentence_text(parts: list[Part]) -> str:
    return "".join(f"{text}{'' if n is None else n}" for text, n, _url in parts)
