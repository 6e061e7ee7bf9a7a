"""The command dashboard's figures (指挥大屏): the map's measures per division, the four rates
(应查尽查、应检尽检、应隔尽隔、应治尽治), the daily trends and today's alerts and overdue items.

Every map value is one grouped query over a roll-up or an indexed table (the division path cut
to the level asked for: township 9 digits, village 12), never a query per division, and each
measure names the list its number opens, filtered to the division clicked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.command.choices import ReportState
from fangkong.command.models import DailyReport, DispatchTask, Unit
from fangkong.control.models import ActiveMeasureCount, Measure, RiskArea
from fangkong.core.choices import LEVEL_PATH_LENGTH, DivisionLevel
from fangkong.core.models import Division, User
from fangkong.core.scoping import VIEW, user_may
from fangkong.screening.choices import Outcome, VerificationStatus
from fangkong.screening.models import ClosedTaskCount, LeadCount, OpenTaskCount, PushCount, Verification
from fangkong.testing.choices import TaskStatus
from fangkong.testing.models import CoverageGap, CoverageRollup, ResamplingTask, SamplingRound
from fangkong.tracing.choices import CaseClass
from fangkong.tracing.models import Case

from .catalog import ITEMS, PERSONS, TASKS, Metric, register
from .command import day_states, overdue_task_count

PERCENT, AREAS = _("%"), _("个")
register(
    Metric(
        "map.leads_open",
        _("在办核查任务"),
        TASKS,
        _("此刻仍未办结的核查任务件数，即看板“在办未超时”与“在办已超时”之和，按任务的管理区划计入"),
    ),
    Metric(
        "map.risk_areas",
        _("风险区"),
        AREAS,
        _("今日仍在生效期内、区划代码在本区划内的中高低风险区个数（风险区名单中的时段）"),
    ),
    Metric(
        "map.alerts",
        _("混管阳性待单采"),
        TASKS,
        _("混管阳性后派发、尚未完成上门单采的任务件数（检测预警），按人员所在网格计入"),
    ),
    # The four rates (四应四尽): each a share of one count in another, both shown on the page.
    Metric(
        "rate.verified",
        _("应查尽查"),
        PERCENT,
        _(
            "所选期间接收的线索中，核查任务已找到本人或已办结的条数 ÷ 接收线索条数（各渠道合计，口径同“已核实”）"
        ),
    ),
    Metric(
        "rate.tested",
        _("应检尽检"),
        PERCENT,
        _("最近一轮区域核酸检测中已采样人数 ÷ 应检人数（应检 = 台账在册人数 − 免检；异地采样计入已采样）"),
    ),
    Metric(
        "rate.isolated",
        _("应隔尽隔"),
        PERCENT,
        _("所选期间核查结果为“落地管控”的人员中，已有管控措施（隔离、居家或监测，含已解除）的人数 ÷ 该人数"),
    ),
    Metric(
        "rate.treated",
        _("应治尽治"),
        PERCENT,
        _("确诊病例和无症状感染者中已填写收治医院的人数 ÷ 确诊病例和无症状感染者人数（不含疑似、已排除）"),
    ),
    Metric("trend.received", _("每日接收线索"), ITEMS, _("每天各渠道接收的线索条数，口径同看板“接收线索”")),
    Metric(
        "trend.verified",
        _("每日办结核查"),
        TASKS,
        _("每天审核通过、办结的核查任务件数，口径同看板“办结核查”"),
    ),
    Metric("trend.controlled", _("每日落地管控"), TASKS, _("每天办结且结果为落地管控的核查任务件数")),
    Metric("trend.cases", _("每日新增病例"), PERSONS, _("每天报告的确诊病例和无症状感染者人数")),
)

INFECTED = (CaseClass.CONFIRMED, CaseClass.ASYMPTOMATIC)


def list_url(name: str, *args: object, **params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")], doseq=True)
    return reverse(name, args=args) + (f"?{query}" if query else "")


def _by_path(qs, field: str, level: str, value) -> dict[str, int]:
    """{division path cut to `level`: value} in one grouped query."""
    n = LEVEL_PATH_LENGTH[DivisionLevel(level)]
    rows = qs.annotate(p=Substr(field, 1, n)).values("p").annotate(v=value).order_by()
    return {r["p"]: r["v"] or 0 for r in rows if len(r["p"] or "") == n}


def latest_round(user: User) -> SamplingRound | None:
    """The round the coverage figures are of: the latest one in scope with coverage computed."""
    return (
        SamplingRound.objects.restrict(user)
        .filter(coverage_at__isnull=False)
        .order_by("-starts_on", "-id")
        .first()
    )


# --- the map's measures --------------------------------------------------------------------


@dataclass(frozen=True)
class MapMeasure:
    """A measure the map can be coloured by: its metric, its values per division path, and the
    list a division's number opens (filtered to that division)."""

    key: str
    metric: str
    values: Callable[[User, str, dt.date], dict[str, float]]
    url: Callable[[Division, dt.date, SamplingRound | None], str]  # the round: `latest_round`, read once
    model: type  # the list's model: its link is offered only to who may view it
    percent: bool = False


def leads_open(user: User, level: str, today: dt.date) -> dict[str, float]:
    return _by_path(OpenTaskCount.objects.restrict(user), "division__path", level, Sum("n"))


def in_force(user: User, level: str, today: dt.date) -> dict[str, float]:
    return _by_path(ActiveMeasureCount.objects.restrict(user), "division__path", level, Sum("n"))


def coverage(user: User, level: str, today: dt.date) -> dict[str, float]:
    rnd = latest_round(user)
    if rnd is None:
        return {}
    rows = (
        CoverageRollup.objects.restrict(user)
        .filter(round=rnd, level=level)
        .values_list("division__path", "expected", "sampled")
    )
    return {p: round(100 * s / e, 1) if e else 100.0 for p, e, s in rows}


def risk_areas(user: User, level: str, today: dt.date) -> dict[str, float]:
    if not user_may(RiskArea, user, VIEW):
        return {}
    top = user.division.path if user.division else "-"
    qs = RiskArea.objects.filter(code__startswith=top, effective_from__lte=today).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=today)
    )
    return _by_path(qs, "code", level, Count("id"))


def alerts(user: User, level: str, today: dt.date) -> dict[str, float]:
    qs = ResamplingTask.objects.restrict(user).filter(status=TaskStatus.OPEN)
    return _by_path(qs, "division__path", level, Count("id"))


def _coverage_url(d: Division, today: dt.date, rnd: SamplingRound | None) -> str:
    return list_url("testing:gaps", rnd.pk, division=d.pk) if rnd else list_url("testing:home")


MEASURES: dict[str, MapMeasure] = {
    m.key: m
    for m in (
        MapMeasure(
            "leads",
            "map.leads_open",
            leads_open,
            lambda d, t, _r: list_url("screening:verifications", division=d.pk, open="true"),
            Verification,
        ),
        MapMeasure(
            "measures",
            "control.in_force",
            in_force,
            lambda d, t, _r: list_url("control:measures", division=d.pk),
            Measure,
        ),
        MapMeasure("coverage", "rate.tested", coverage, _coverage_url, CoverageGap, percent=True),
        MapMeasure(
            "risk_areas",
            "map.risk_areas",
            risk_areas,
            lambda d, t, _r: list_url("control:areas", on=t.isoformat(), within=d.path),
            RiskArea,
        ),
        MapMeasure(
            "alerts",
            "map.alerts",
            alerts,
            lambda d, t, _r: list_url("testing:resampling", division=d.pk, status=TaskStatus.OPEN.value),
            ResamplingTask,
        ),
    )
}


# --- the four rates ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    metric: str
    done: int
    due: int
    url: str
    model: type

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.done, self.due) if self.due else None

    @property
    def percent(self) -> float | None:
        return None if self.due == 0 else round(100 * self.done / self.due, 1)


def rate_verified(user: User, start: dt.date, end: dt.date) -> Rate:
    agg = (
        PushCount.objects.restrict(user)
        .filter(day__gte=start, day__lte=end)
        .aggregate(due=Sum("n"), done=Sum("n", filter=Q(verified=True)))
    )
    return Rate(
        "rate.verified",
        agg["done"] or 0,
        agg["due"] or 0,
        list_url("screening:board", start=start.isoformat(), end=end.isoformat()),
        PushCount,
    )


def rate_tested(user: User, start: dt.date, end: dt.date) -> Rate:
    rnd = latest_round(user)
    if rnd is None:
        return Rate("rate.tested", 0, 0, list_url("testing:home"), SamplingRound)
    top = user.division.level if user.division else DivisionLevel.COUNTY
    agg = (
        CoverageRollup.objects.restrict(user)
        .filter(round=rnd, level=top)
        .aggregate(due=Sum("expected"), done=Sum("sampled"))
    )
    return Rate(
        "rate.tested", agg["done"] or 0, agg["due"] or 0, list_url("testing:round", rnd.pk), SamplingRound
    )


def rate_isolated(user: User, start: dt.date, end: dt.date) -> Rate:
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    persons = (
        Verification.objects.restrict(user)
        .filter(
            status=VerificationStatus.CLOSED, outcome=Outcome.CONTROLLED, closed_at__gte=lo, closed_at__lt=hi
        )
        .values("person_id")
    )
    due = persons.distinct().count()
    done = Measure.objects.filter(person_id__in=persons).values("person_id").distinct().count()
    return Rate("rate.isolated", done, due, list_url("control:measures"), Measure)


def rate_treated(user: User, start: dt.date, end: dt.date) -> Rate:
    agg = (
        Case.objects.restrict(user)
        .filter(classification__in=INFECTED)
        .aggregate(due=Count("id"), done=Count("id", filter=~Q(hospital="")))
    )
    return Rate(
        "rate.treated",
        agg["done"],
        agg["due"],
        list_url("tracing:case_list", classification=[c.value for c in INFECTED]),
        Case,
    )


def four_rates(user: User, start: dt.date, end: dt.date) -> list[Rate]:
    return [f(user, start, end) for f in (rate_verified, rate_tested, rate_isolated, rate_treated)]


# --- trends --------------------------------------------------------------------------------


def trends(user: User, start: dt.date, end: dt.date) -> dict:
    """Daily series over [start, end]: {"days": [...], "series": {metric: [n per day]}}; one
    grouped query per series."""
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    index = {d: i for i, d in enumerate(days)}

    def series(rows) -> list[int]:
        out = [0] * len(days)
        for day, n in rows:
            if day in index:
                out[index[day]] += n or 0
        return out

    window = {"day__gte": start, "day__lte": end}
    closed = ClosedTaskCount.objects.restrict(user).filter(**window).values("day")
    lo = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    hi = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    cases = (
        Case.objects.restrict(user)
        .filter(classification__in=INFECTED, reported_at__gte=lo, reported_at__lt=hi)
        .values_list("reported_at", flat=True)
    )
    case_days: dict[dt.date, int] = {}
    for at in cases:  # a few hundred at most; the local day of each, as the case list shows it
        day = timezone.localdate(at)
        case_days[day] = case_days.get(day, 0) + 1
    return {
        "days": [d.isoformat() for d in days],
        "series": {
            "trend.received": series(
                LeadCount.objects.restrict(user)
                .filter(**window)
                .values("day")
                .annotate(n=Sum("n"))
                .order_by()
                .values_list("day", "n")
            ),
            "trend.verified": series(closed.annotate(n=Sum("n")).order_by().values_list("day", "n")),
            "trend.controlled": series(
                closed.filter(controlled=True).annotate(n=Sum("n")).order_by().values_list("day", "n")
            ),
            "trend.cases": series(case_days.items()),
        },
    }


# --- today's alerts and overdue items ------------------------------------------------------


@dataclass(frozen=True)
class Item:
    label: str
    n: int
    url: str  # empty when the user may not open the list
    definition: str


def overdue_items(user: User, today: dt.date, now: dt.datetime | None = None) -> list[Item]:
    """Today's alerts and what is overdue: late verifications, late dispatched tasks, units whose
    daily report is overdue, open re-sampling tasks after a positive pool."""
    from . import catalog

    now = now or timezone.now()
    late = OpenTaskCount.objects.restrict(user).filter(due_at__lt=now).aggregate(n=Sum("n"))["n"] or 0
    missing = sum(1 for r in day_states(user, today, now) if r.state == ReportState.MISSING)
    resampling = ResamplingTask.objects.restrict(user).filter(status=TaskStatus.OPEN).count()

    def item(name: str, n: int, url: str, *models: type) -> Item:
        m = catalog.get(name)
        return Item(
            str(m.label), n, url if all(user_may(x, user, VIEW) for x in models) else "", str(m.definition)
        )

    return [
        item("board.overdue", late, list_url("screening:verifications", overdue="true"), Verification),
        item(
            "command.tasks_overdue",
            overdue_task_count(user, now),
            list_url("command:dispatchtask_list", overdue="true"),
            DispatchTask,
        ),
        item(
            "command.reports_missing",
            missing,
            list_url("command:report_overview", day=today.isoformat()),
            Unit,
            DailyReport,
        ),
        item(
            "map.alerts",
            resampling,
            list_url("testing:resampling", status=TaskStatus.OPEN.value),
            ResamplingTask,
        ),
    ]
