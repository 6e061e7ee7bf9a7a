"""The figures of seed 001's county report (工作汇报) that no other area defined yet: where the
persons screened came from and what their tests say, the grids and their households per grid
worker, the data-push module's deadlines and modules, the low-risk test rule, the key groups and
households tested in a week.

Each is computed once here, in the viewer's scope, and named in the catalog; the report
(`fangkong.command.briefing`) prints them with the URL of the list they count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from fangkong.control.choices import OriginLevel
from fangkong.control.models import Exposure, PolicyVersion
from fangkong.core.choices import DivisionLevel, Module, Role
from fangkong.core.models import Division, User
from fangkong.core.scoping import in_subtree
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Household, Resident
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead
from fangkong.screening.models.verification import DEFAULT_DEADLINES, FALLBACK_DEADLINES, DeadlinePolicy
from fangkong.screening.reports import day_bounds
from fangkong.testing.choices import Result
from fangkong.testing.models import KeyGroup, KeyGroupMember, Sampling

from .catalog import HOUSEHOLDS, PERSONS, Metric, register

HOURS, UNITS = gettext_lazy("小时"), gettext_lazy("个")
RISK_LEVELS = (OriginLevel.HIGH, OriginLevel.MEDIUM)
register(
    Metric("screening.from_risk_area", gettext_lazy("来自中高风险区人员"), PERSONS,
           gettext_lazy("所选期间接收线索（可限定渠道）的人员中，流调登记的来源地风险等级为高风险区或中风险区的人数，每人只计一次")),
    Metric("screening.low_risk", gettext_lazy("来自低风险地区人员"), PERSONS,
           gettext_lazy("所选期间接收线索（可限定渠道）的人员中，未登记为来自中高风险区的人数（含来源地为低风险区、非风险区或未登记）")),
    Metric("screening.test_negative", gettext_lazy("核酸检测阴性人员"), PERSONS,
           gettext_lazy("上述人员中，自线索接收当日起有核酸采样、所有已出结果均为阴性且无待出结果的人数（按身份证号对应采样记录）")),
    Metric("screening.test_pending", gettext_lazy("核酸结果待出人员"), PERSONS,
           gettext_lazy("上述人员中，尚无采样记录或有采样结果待出、且无阳性结果的人数")),
    Metric("screening.test_positive", gettext_lazy("核酸检测阳性人员"), PERSONS,
           gettext_lazy("上述人员中，自线索接收当日起有核酸阳性结果的人数")),
    Metric("grid.grids", gettext_lazy("基层网格"), UNITS, gettext_lazy("区划中层级为“网格”的个数（在您管辖范围内）")),
    Metric("grid.households", gettext_lazy("网格内住户"), HOUSEHOLDS,
           gettext_lazy("常住人口台账中的户数，按所属网格计入您的管辖范围")),
    Metric("grid.workers", gettext_lazy("网格员"), PERSONS,
           gettext_lazy("启用账号中持有“网格员”角色、所属区划在您管辖范围内的人数")),
    Metric("grid.households_per_worker", gettext_lazy("每个网格员包户数"), HOUSEHOLDS,
           gettext_lazy("网格内住户户数 ÷ 网格员人数，四舍五入到整数")),
    Metric("screening.modules", gettext_lazy("风险排查系统模块"), UNITS,
           gettext_lazy("风险排查系统的模块数（群众自报、主动排查、密接次密接、跨省协查、大数据推送、难查数据），"
                        "每个模块明确负责人、管理员、审核员")),
    Metric("screening.townships", gettext_lazy("乡镇和街道、开发区"), UNITS,
           gettext_lazy("区划中层级为“乡镇（街道、开发区）”的个数（在您管辖范围内）")),
    Metric("screening.located_hours", gettext_lazy("大数据推送落地核查时限"), HOURS,
           gettext_lazy("核查时限设置中大数据推送渠道的落地时限（推送后多少小时内找到本人）")),
    Metric("screening.sampled_hours", gettext_lazy("大数据推送完成排查时限"), HOURS,
           gettext_lazy("核查时限设置中大数据推送渠道的采样时限（推送后多少小时内完成排查、采样）")),
    Metric("screening.result_hours", gettext_lazy("大数据推送报告核酸结果时限"), HOURS,
           gettext_lazy("核查时限设置中大数据推送渠道的结果时限（推送后多少小时内报告核酸检测结果）")),
    Metric("control.low_risk_days", gettext_lazy("低风险地区来返人员管控天数"), gettext_lazy("天"),
           gettext_lazy("现行管控方案中第一条来源地为低风险区的规则的措施总天数")),
    Metric("control.low_risk_tests", gettext_lazy("低风险地区来返人员检测次数"), gettext_lazy("次"),
           gettext_lazy("现行管控方案中第一条来源地为低风险区的规则的核酸检测次数（N天M检的M）")),
    Metric("testing.key_groups", gettext_lazy("重点人群类别"), gettext_lazy("类"),
           gettext_lazy("已建立名单的重点人群个数（在您管辖范围内），每个名单按其检测频次检测")),
    Metric("testing.key_group_members", gettext_lazy("重点人群应检"), PERSONS,
           gettext_lazy("重点人群名单中的人数（按身份证号每人只计一次，在您管辖范围内）")),
    Metric("testing.key_group_tested", gettext_lazy("重点人群实际检测"), PERSONS,
           gettext_lazy("上述人员中所选一周内（截至所选日期的7天）有采样记录的人数")),
    Metric("testing.key_group_away", gettext_lazy("重点人群外出未归"), PERSONS,
           gettext_lazy("重点人群中本周未检测、台账状态为“外出”的人数")),
    Metric("testing.households_tested", gettext_lazy("本周落实检测户数"), HOUSEHOLDS,
           gettext_lazy("所选一周内至少一名成员有采样记录的台账户数")),
    Metric("testing.residents_tested", gettext_lazy("本周落实检测人数"), PERSONS,
           gettext_lazy("所选一周内有采样记录的台账人员人数，每人只计一次")),
)


@dataclass(frozen=True)
class RiskTestFigures:
    """Persons of a range's leads: where they came from and what their tests say.

    persons = from_risk_area + low_risk = negative + pending + positive.
    """

    persons: int
    from_risk_area: int
    negative: int
    pending: int
    positive: int

    @property
    def low_risk(self) -> int:
        return self.persons - self.from_risk_area


def risk_test_figures(user: User, start: dt.date, end: dt.date, *, channel: str | None = None) -> RiskTestFigures:
    """Persons with a lead received in [start, end] (optionally of one channel), each once."""
    lo, hi = day_bounds(start, end)
    leads = Lead.objects.restrict(user).filter(received_at__gte=lo, received_at__lt=hi)
    if channel:
        leads = leads.filter(channel=channel)
    persons = dict(leads.values_list("person_id", "person__id_number").distinct())
    risky = set(Exposure.objects.filter(person_id__in=list(persons), origin_level__in=RISK_LEVELS)
                .values_list("person_id", flat=True))
    ids = {n for n in persons.values() if n}
    results: dict[str, set[str]] = {}
    for id_number, result in (Sampling.objects.filter(id_number__in=list(ids), sampled_at__gte=lo)
                              .values_list("id_number", "sample__result")):
        results.setdefault(id_number, set()).add(result)
    negative = positive = 0
    for id_number in persons.values():
        got = results.get(id_number or "", set())
        if Result.POSITIVE in got:
            positive += 1
        elif got and got <= {Result.NEGATIVE}:
            negative += 1
    return RiskTestFigures(len(persons), len(risky), negative, len(persons) - negative - positive, positive)


@dataclass(frozen=True)
class GridFigures:
    grids: int
    households: int
    workers: int

    @property
    def per_worker(self) -> int | None:
        return round(self.households / self.workers) if self.workers else None


def grid_figures(user: User) -> GridFigures:
    division = user.division
    grids = Division.objects.filter(level=DivisionLevel.GRID)
    if division is not None:
        grids = grids.subtree(division)
    workers = User.objects.filter(is_active=True, roles__role=Role.GRID_WORKER)
    if division is not None:
        workers = in_subtree(workers, "division", division)
    return GridFigures(grids.count(), Household.objects.restrict(user).count(), workers.distinct().count())


def township_count(user: User) -> int:
    qs = Division.objects.filter(level=DivisionLevel.TOWNSHIP)
    if user.division is not None:
        d = user.division
        qs = qs.subtree(d)
    return qs.count()


def module_count() -> int:
    return len(Module)


def deadline_hours(channel: str = Channel.BIG_DATA) -> tuple[int, int, int]:
    """(located, sampled, result) hours of a channel: its stored policy, else the default."""
    p = DeadlinePolicy.objects.filter(channel=channel).first()
    if p is not None:
        return p.located_hours, p.sampled_hours, p.result_hours
    return DEFAULT_DEADLINES.get(channel, FALLBACK_DEADLINES)


def low_risk_rule() -> tuple[int, int, int] | None:
    """(days, tests, policy version id) of the policy in force for arrivals from low-risk areas, or None."""
    version = PolicyVersion.in_force()
    if version is None:
        return None
    rule = version.rules.filter(origin_level=OriginLevel.LOW).order_by("priority", "id").first()
    if rule is None:
        return None
    return rule.total_days, len(rule.test_day_list), version.pk


@dataclass(frozen=True)
class KeyGroupFigures:
    """A week of key groups and households: members = tested + untested; away ⊆ untested."""

    start: dt.date
    end: dt.date
    groups: int
    members: int
    tested: int
    away: int
    households: int
    households_tested: int
    residents_tested: int

    @property
    def untested(self) -> int:
        return self.members - self.tested


def key_group_figures(user: User, start: dt.date, end: dt.date) -> KeyGroupFigures:
    lo, hi = day_bounds(start, end)
    members = dict(KeyGroupMember.objects.restrict(user).values_list("id_number", "resident_id").distinct())
    sampled = set(Sampling.objects.filter(id_number__in=list(members), sampled_at__gte=lo, sampled_at__lt=hi)
                  .values_list("id_number", flat=True))
    untested_residents = [r for n, r in members.items() if n not in sampled and r]
    away = Resident.objects.filter(pk__in=untested_residents, status=ResidentStatus.AWAY).count()
    week = Sampling.objects.restrict(user).filter(sampled_at__gte=lo, sampled_at__lt=hi, resident__isnull=False)
    return KeyGroupFigures(
        start, end, KeyGroup.objects.restrict(user).count(), len(members), len(sampled), away, Household.objects.restrict(user).count(),
        week.filter(resident__household__isnull=False).values("resident__household").distinct().count(),
        week.values("resident").distinct().count())
