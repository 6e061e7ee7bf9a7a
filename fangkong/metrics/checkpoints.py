"""The checkpoints' figures: traffic per checkpoint and per township for any date range, and
seed 001's sentence on the first line of defence:

"全县设外省市交通卡口一共是N个，N月份以来，交通卡口累计核查N万辆车、N万人".

Counted from the registration rows (two grouped counts over the `(division, registered_at)`
indexes, in the viewer's scope); every number comes with the URL of the list of exactly the rows
it counts, so a reader clicks through from any figure to its list (and exports it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.sectors.choices import CheckpointKind
from fangkong.sectors.models import Checkpoint, PersonCheck, VehicleCheck

from .catalog import Metric, register

Part = tuple[str, int | str | None, str]  # (text before the number, the number, the URL of its list)
TOWNSHIP_PATH_LENGTH = 9

register(
    Metric("checkpoints.border", gettext_lazy("外省市交通卡口"), gettext_lazy("个"),
           gettext_lazy("截至所选日期设立且启用的外省市交通卡口（县界卡口）个数，在您管辖范围内；村口、小区卡口不计")),
    Metric("checkpoints.vehicles", gettext_lazy("核查车辆"), gettext_lazy("辆次"),
           gettext_lazy("所选日期内在卡口登记的车辆数，同一辆车每通过一次计一次")),
    Metric("checkpoints.people", gettext_lazy("核查人员"), gettext_lazy("人次"),
           gettext_lazy("所选日期内在卡口登记的人员数（驾乘人员和步行人员），每通过一次计一次")),
    Metric("checkpoints.risk_arrivals", gettext_lazy("来自风险区人员"), gettext_lazy("人次"),
           gettext_lazy("核查人员中出发地在登记当日为风险区、或所乘车辆14天内途经风险区的人次；每人即推一条“卡口登记”线索")),
)


def list_url(name: str, **params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "", False)])
    return reverse(f"sectors:{name}") + (f"?{query}" if query else "")


@dataclass
class Traffic:
    vehicles: int = 0
    people: int = 0
    risk: int = 0

    def add(self, other: Traffic) -> None:
        self.vehicles += other.vehicles
        self.people += other.people
        self.risk += other.risk


@dataclass
class CheckpointFigures:
    start: dt.date
    end: dt.date
    by_checkpoint: list[tuple[Checkpoint, Traffic]] = field(default_factory=list)
    by_township: list[tuple[Division | None, Traffic]] = field(default_factory=list)
    total: Traffic = field(default_factory=Traffic)


def _range(qs, start: dt.date, end: dt.date):
    """Rows registered on local days [start, end], as a range of instants (the index is used;
    a `__date` lookup would cast every row)."""
    from fangkong.sectors.filtersets_checkpoints import day_start

    return qs.filter(registered_at__gte=day_start(start), registered_at__lt=day_start(end + dt.timedelta(days=1)))


def checkpoint_figures(user: User, start: dt.date, end: dt.date, *, kind: str | None = None) -> CheckpointFigures:
    """Vehicles, people and arrivals from risk areas in [start, end] per checkpoint and per
    township, in the user's scope (optionally of one kind of checkpoint)."""
    vehicles, people = VehicleCheck.objects.restrict(user), PersonCheck.objects.restrict(user)
    checkpoints = Checkpoint.objects.restrict(user).select_related("division")
    if kind:
        checkpoints = checkpoints.filter(kind=kind)
        vehicles, people = vehicles.filter(checkpoint__kind=kind), people.filter(checkpoint__kind=kind)
    counts: dict[int, Traffic] = {}
    for cp, n in _range(vehicles, start, end).values("checkpoint_id").annotate(n=Count("id")).values_list(
            "checkpoint_id", "n"):
        counts.setdefault(cp, Traffic()).vehicles = n
    for cp, n, risk in _range(people, start, end).values("checkpoint_id").annotate(
            n=Count("id"), risk=Count("id", filter=Q(from_risk=True))).values_list("checkpoint_id", "n", "risk"):
        t = counts.setdefault(cp, Traffic())
        t.people, t.risk = n, risk
    out = CheckpointFigures(start, end)
    townships = {d.path: d for d in Division.objects.filter(level=DivisionLevel.TOWNSHIP)}
    per_township: dict[str, Traffic] = {}
    for cp in checkpoints:
        t = counts.get(cp.pk, Traffic())
        out.by_checkpoint.append((cp, t))
        per_township.setdefault(cp.division.path[:TOWNSHIP_PATH_LENGTH], Traffic()).add(t)
        out.total.add(t)
    out.by_township = sorted(((townships.get(p), t) for p, t in per_township.items()),
                             key=lambda x: x[0].path if x[0] else "")
    return out


def cell_urls(start: dt.date, end: dt.date, *, checkpoint: int | None = None, division: int | None = None,
              kind: str | None = None) -> dict[str, str]:
    """The lists behind one row of the report: its vehicles, its people, its arrivals from risk areas."""
    common = {"date_from": start, "date_to": end, "checkpoint": checkpoint, "division": division, "kind": kind}
    return {"vehicles": list_url("vehiclecheck_list", **common), "people": list_url("personcheck_list", **common),
            "risk": list_url("personcheck_list", **common, from_risk="true")}


def wan(n: int) -> str:
    """A count in 万 as the report writes it: 12345 → 1.23, 800 → 0.08."""
    return f"{n / 10000:.2f}".rstrip("0").rstrip(".") if n else "0"


@dataclass(frozen=True)
class BorderFigures:
    on: dt.date
    since: dt.date
    checkpoints: int
    vehicles: int
    people: int


def border_figures(user: User, since: dt.date, on: dt.date) -> BorderFigures:
    """001's figures: county-border checkpoints set up by `on`, and what they checked since `since`."""
    border = CheckpointKind.COUNTY_BORDER
    checkpoints = (Checkpoint.objects.restrict(user).filter(kind=border, active=True)
                   .filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on)).count())
    vehicles = _range(VehicleCheck.objects.restrict(user).filter(checkpoint__kind=border), since, on).count()
    people = _range(PersonCheck.objects.restrict(user).filter(checkpoint__kind=border), since, on).count()
    return BorderFigures(on, since, checkpoints, vehicles, people)


def border_sentence(f: BorderFigures) -> list[Part]:
    """全县设外省市交通卡口一共是N个，N月份以来，交通卡口累计核查N万辆车、N万人."""
    border = CheckpointKind.COUNTY_BORDER
    since = (_("%(m)d月份以来") % {"m": f.since.month} if f.since.day == 1
             else _("%(m)d月%(d)d日以来") % {"m": f.since.month, "d": f.since.day})
    span = {"date_from": f.since, "date_to": f.on, "kind": border}
    return [(_("全县设外省市交通卡口一共是"), f.checkpoints, list_url("checkpoint_list", kind=border, active="true")),
            (_("个，%(since)s，交通卡口累计核查") % {"since": since}, wan(f.vehicles), list_url("vehiclecheck_list", **span)),
            (_("万辆车、"), wan(f.people), list_url("personcheck_list", **span)), (_("万人"), None, "")]
