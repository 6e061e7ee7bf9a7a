"""The command centre's figures on daily reports (日报、零报告) and dispatches (交办):

- a unit's state on a day (按时报送, 迟报, 逾期未报, 待报) — who has not filed;
- per unit over a range, the days it had to report (应报), filed (已报) and filed on time (按时):
  报送完整率 = 已报 / 应报, 报送及时率 = 按时 / 应报. A day counts as due once its deadline has
  passed, from the day the unit began reporting; a report filed late is filed but never on time;
- the figures prefilled into a unit's report from live data for its division.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.command.actions import deadline
from fangkong.command.choices import OPEN_TASK_STATUSES, ReportState
from fangkong.command.models import DailyReport, DispatchTask, Unit
from fangkong.command.models.structure import sees_all
from fangkong.core.models import User

from .catalog import Metric, register

UNITS, DAYS, PERCENT = gettext_lazy("个"), gettext_lazy("天"), gettext_lazy("%")
register(
    Metric("command.reports_missing", gettext_lazy("逾期未报单位"), UNITS,
           gettext_lazy("应报送日报、截止时间已过而当日仍未报送（含零报告）的单位数；零报告须明确报送，不报不视为零报告")),
    Metric("command.report_completeness", gettext_lazy("报送完整率"), PERCENT,
           gettext_lazy("所选期间已报送（含迟报、零报告）的天数 ÷ 应报天数；应报天数自起报日期起、截止时间已过的天数")),
    Metric("command.report_on_time", gettext_lazy("报送及时率"), PERCENT,
           gettext_lazy("所选期间在截止时间前报送的天数 ÷ 应报天数；迟报的日报计入已报，不计入按时")),
    Metric("command.tasks_overdue", gettext_lazy("超期未办结事项"), gettext_lazy("件"),
           gettext_lazy("此刻未办结（待签收、办理中、退回重办）且已过办结时限的交办事项件数")),
)


def reporting_units(user: User):
    """The units that report daily whose reports the user may see: every one in scope for the
    command centre and auditors, else the user's own units."""
    units = Unit.objects.restrict(user).filter(reports_daily=True).select_related("division")
    return units if sees_all(user) else units.filter(pk__in=Unit.of_member(user).values("pk"))


def state_of(unit: Unit, day: dt.date, report: DailyReport | None, now: dt.datetime) -> str | None:
    """A unit's state on `day`: None when the day lies before it began reporting."""
    if day < unit.reports_from():
        return None
    if report is not None:
        return ReportState.LATE if report.late else ReportState.ON_TIME
    return ReportState.MISSING if now > deadline(unit, day) else ReportState.PENDING


@dataclass(frozen=True)
class DayRow:
    unit: Unit
    state: str
    report: DailyReport | None


def day_states(user: User, day: dt.date, now: dt.datetime | None = None) -> list[DayRow]:
    """Every reporting unit in scope and its state on `day` (units not yet reporting then left out)."""
    now = now or timezone.now()
    units = list(reporting_units(user))
    reports = {r.unit_id: r for r in DailyReport.objects.filter(day=day, unit__in=[u.pk for u in units])}
    rows = [DayRow(u, state_of(u, day, reports.get(u.pk), now), reports.get(u.pk)) for u in units]
    return [r for r in rows if r.state is not None]


@dataclass(frozen=True)
class UnitRates:
    unit: Unit
    due: int
    filed: int
    on_time: int

    @property
    def missing(self) -> int:
        return self.due - self.filed

    @property
    def completeness(self) -> Fraction | None:
        return Fraction(self.filed, self.due) if self.due else None

    @property
    def timeliness(self) -> Fraction | None:
        return Fraction(self.on_time, self.due) if self.due else None


def rates(units: list[Unit], start: dt.date, end: dt.date, now: dt.datetime | None = None) -> list[UnitRates]:
    """Per unit over [start, end]: days due (deadline passed, from its first reporting day), filed
    among them, and filed on time among them."""
    now = now or timezone.now()
    reports = DailyReport.objects.filter(unit__in=[u.pk for u in units], day__gte=start, day__lte=end)
    by_unit: dict[int, dict[dt.date, bool]] = {}
    for unit_id, day, late in reports.values_list("unit_id", "day", "late"):
        by_unit.setdefault(unit_id, {})[day] = late
    out = []
    for unit in units:
        filed_days = by_unit.get(unit.pk, {})
        due = filed = on_time = 0
        day = max(start, unit.reports_from())
        while day <= end:
            if now > deadline(unit, day):
                due += 1
                if day in filed_days:
                    filed += 1
                    on_time += not filed_days[day]
            day += dt.timedelta(days=1)
        out.append(UnitRates(unit, due, filed, on_time))
    return out


def total_rates(rows: list[UnitRates]) -> UnitRates | None:
    if not rows:
        return None
    return UnitRates(Unit(name=_("合计")), sum(r.due for r in rows), sum(r.filed for r in rows),
                     sum(r.on_time for r in rows))


def percent(value: Fraction | None) -> str:
    """A rate as the overview prints it (one decimal), or — when nothing was due."""
    return "—" if value is None else f"{float(value) * 100:.1f}%"


def overdue_task_count(user: User, now: dt.datetime | None = None) -> int:
    return DispatchTask.objects.restrict(user).filter(status__in=OPEN_TASK_STATUSES,
                                                      due_at__lt=now or timezone.now()).count()


def prefill(user: User, unit: Unit, day: dt.date) -> list[list[str]]:
    """The figures a unit's report of `day` starts from: persons first pushed that day in its
    division and where their verification stands (screening's figures, the same 口径)."""
    from .screening import screening_figures

    f = screening_figures(user, day, day, division=unit.division)
    return [[_("当日排查涉疫风险人员"), str(f.total)], [_("已核查办结"), str(f.settled)],
            [_("落实管控措施"), str(f.measured)], [_("正在核查"), str(f.verifying)]]


# 督导 and 值班 ---------------------------------------------------------------------------------

register(
    Metric("command.findings_by_category", gettext_lazy("督导发现问题（按类别）"), gettext_lazy("个"),
           gettext_lazy("所选期间（按督导日期）督导检查发现的问题数，按问题类别（卡口管控、网格排查、隔离管控、核酸检测、"
                        "重点场所、物资保障、信息报送、其他）分列")),
    Metric("command.rectification_on_time", gettext_lazy("整改按期率"), PERCENT,
           gettext_lazy("已交办整改且整改时限已过或已复查通过的问题中，复查通过且责任单位报告办结时间不晚于最初整改时限的"
                        "比例；复查未通过退回后再通过的，以最初时限计")),
    Metric("command.duty_uncovered", gettext_lazy("未排值班员班次"), gettext_lazy("个"),
           gettext_lazy("所选期间（按值班日期）值班安排中没有值班员的班次数；带班领导另计")),
)


def findings_in_scope(user: User):
    from fangkong.command.models import Finding

    return Finding.objects.restrict(user)


def findings_by_category(findings, start: dt.date | None = None, end: dt.date | None = None) -> dict[str, int]:
    """Findings per category (every category present, 0 when none), by the visit's day."""
    from fangkong.command.choices import FindingCategory

    if start is not None:
        findings = findings.filter(visit__day__gte=start)
    if end is not None:
        findings = findings.filter(visit__day__lte=end)
    counts = dict.fromkeys(FindingCategory.values, 0)
    for category in findings.values_list("category", flat=True):
        counts[category] += 1
    return counts


@dataclass(frozen=True)
class RectificationRate:
    due: int
    on_time: int

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.on_time, self.due) if self.due else None


def rectification_rate(findings, now: dt.datetime | None = None) -> RectificationRate:
    """整改按期率 over `findings`: those dispatched whose deadline has passed or which passed their
    re-check; on time when passed with completion reported by the first deadline."""
    from django.db.models import F, Q

    from fangkong.command.choices import FindingStatus

    now = now or timezone.now()
    counted = findings.filter(due_at__isnull=False).filter(Q(due_at__lt=now) | Q(status=FindingStatus.PASSED))
    on_time = counted.filter(status=FindingStatus.PASSED, rectified_at__lte=F("due_at")).count()
    return RectificationRate(counted.count(), on_time)


def by_month(findings) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Findings by category and month of the visit: the months (YYYY-MM, oldest first) and a row
    per category with its count each month."""
    from fangkong.command.choices import FindingCategory

    cells: dict[tuple[str, str], int] = {}
    for category, day in findings.values_list("category", "visit__day"):
        key = (category, f"{day:%Y-%m}")
        cells[key] = cells.get(key, 0) + 1
    months = sorted({m for _c, m in cells})
    rows = [(str(label), [cells.get((value, m), 0) for m in months]) for value, label in FindingCategory.choices]
    return months, rows


@dataclass(frozen=True)
class DutyCoverage:
    shifts: int
    without_officer: int
    without_leader: int


def duty_coverage(user: User, start: dt.date, end: dt.date) -> DutyCoverage:
    """Shifts on the roster in [start, end] the user may see, and how many lack an officer / leader."""
    from fangkong.command.models import DutyShift

    shifts = DutyShift.objects.restrict(user).filter(day__gte=start, day__lte=end)
    return DutyCoverage(shifts.count(), shifts.filter(officer__isnull=True).count(),
                        shifts.filter(leader__isnull=True).count())
