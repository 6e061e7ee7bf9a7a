"""Control's figures for 管控总览: persons under a measure now, by kind, township and site.

These are counts of measures in force at this moment (在管), not the cumulative 落实管控措施 of
001's first sentence, which counts everyone ever put under a measure in a period by the measure
the verification chose (see the 口径 of `screening.measured` and `control.in_force`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext

from fangkong.control.actions import HOME_KINDS
from fangkong.control.choices import DayTally, MeasureStatus
from fangkong.control.jobs import overdue_tests
from fangkong.control.models import NO_SITE, ActiveMeasureCount, Measure, MeasureDayCount, ScheduledTest
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division, User

TOWNSHIP_PATH = 9


@dataclass(frozen=True)
class ControlFigures:
    """Measures in force: total = sum(by_kind) = sum of every township row's total."""

    by_kind: dict[str, int]
    by_township: list[tuple[str, list[int], int]]  # (row label, counts in MeasureKind order, row total)
    by_site: list[tuple[str, int]]
    due_today: int
    due_tomorrow: int
    overdue_tests: int
    home_unchecked: int
    no_checkin: int

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def township_names(paths) -> dict[str, str]:
    """Row labels of the township table, by township path. A person managed above township level
    (at the county) falls into a bucket whose path is the county's: labelled with its name, never
    with its code."""
    names = dict(Division.objects.filter(path__in=list(paths)).values_list("path", "name"))
    out = {}
    for p in paths:
        name = names.get(p) or gettext("区划不详")
        out[p] = name if len(p) >= TOWNSHIP_PATH else gettext("%(name)s（未分到乡镇）") % {"name": name}
    return out


def in_force(user: User):
    return Measure.objects.restrict(user).filter(status=MeasureStatus.ACTIVE)


def not_checked_today(qs, today: dt.date | None = None):
    """Home measures without a door check today (居家人员今日未上门查看, a check's local day): the
    card and the measure list's filter."""
    start = timezone.make_aware(dt.datetime.combine(today or timezone.localdate(), dt.time.min))
    return qs.exclude(door_checks__at__gte=start, door_checks__at__lt=start + dt.timedelta(days=1))


def control_figures(user: User, today: dt.date) -> ControlFigures:
    """The dashboard from the roll-up counts that actions keep (`control.rollups`), a few hundred
    rows whatever the number of persons under control; equal to `control_figures_live`."""
    active = ActiveMeasureCount.objects.restrict(user)
    kinds = list(MeasureKind)
    rows: dict[str, dict[str, int]] = {}
    for r in (active.annotate(t=Substr("division__path", 1, TOWNSHIP_PATH)).values("t", "kind")
              .annotate(total=Sum("n")).order_by()):
        rows.setdefault(r["t"], {})[r["kind"]] = r["total"]
    names = township_names(rows)
    by_kind = {k.value: sum(row.get(k.value, 0) for row in rows.values()) for k in kinds}
    days = MeasureDayCount.objects.restrict(user)

    def total(qs) -> int:
        return qs.aggregate(total=Sum("n"))["total"] or 0

    home = total(active.filter(kind__in=HOME_KINDS))
    return ControlFigures(
        by_kind=by_kind,
        by_township=[(names[p], [rows[p].get(k.value, 0) for k in kinds], sum(rows[p].values())) for p in sorted(rows)],
        by_site=[(r["site__name"], r["total"]) for r in active.exclude(site_id=NO_SITE).values("site__name")
                 .annotate(total=Sum("n")).order_by("site__name")],
        due_today=total(active.filter(ends_on=today)),
        due_tomorrow=total(active.filter(ends_on=today + dt.timedelta(days=1))),
        overdue_tests=total(days.filter(what=DayTally.TEST_DUE, day__lt=today)),
        home_unchecked=home - total(days.filter(what=DayTally.DOOR_CHECK, day=today, kind__in=HOME_KINDS)),
        no_checkin=sum(by_kind.values()) - total(days.filter(what=DayTally.CHECK_IN, day=today)),
    )


def control_figures_live(user: User, today: dt.date) -> ControlFigures:
    """`control_figures` counted from the measures, their checks and tests themselves."""
    active = in_force(user)
    kinds = list(MeasureKind)
    rows: dict[str, dict[str, int]] = {}
    for r in active.annotate(t=Substr("division__path", 1, TOWNSHIP_PATH)).values("t", "kind").annotate(n=Count("id")):
        rows.setdefault(r["t"], {})[r["kind"]] = r["n"]
    names = township_names(rows)
    by_kind = {k.value: sum(row.get(k.value, 0) for row in rows.values()) for k in kinds}
    return ControlFigures(
        by_kind=by_kind,
        by_township=[(names[p], [rows[p].get(k.value, 0) for k in kinds], sum(rows[p].values())) for p in sorted(rows)],
        by_site=[(r["site__name"], r["n"]) for r in active.filter(site__isnull=False).values("site__name")
                 .annotate(n=Count("id")).order_by("site__name")],
        due_today=active.filter(ends_on=today).count(),
        due_tomorrow=active.filter(ends_on=today + dt.timedelta(days=1)).count(),
        overdue_tests=overdue_tests(ScheduledTest.objects.restrict(user), today).count(),
        home_unchecked=not_checked_today(active.filter(kind__in=HOME_KINDS), today).count(),
        # Sara Alert's "non-reporting": under a measure, no health check-in yet today.
        no_checkin=active.exclude(checkins__on=today).count(),
    )
