"""The demo's venues (重点场所) and a day of inspections: venues of every sector across the
county's grids, today's inspections by the regulator (compliant, rectification orders, one
suspension), an overdue re-inspection that has escalated, and a closing order by sector in force
("密闭经营场所暂不开放"). Everything goes through the sectors area's own actions (audited).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from django.utils import timezone
from stdnum.cn import uscc

from fangkong.core.actions import SYSTEM, do_create
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.sectors.actions import current_checklist, do_inspect, do_issue_order
from fangkong.sectors.choices import Answer, Finding, OrderKind
from fangkong.sectors.jobs import escalate_overdue
from fangkong.sectors.models import Inspection, Sector, Venue

# (sector code, how many per ten grids, names to draw from)
MIX = (
    ("netbar", 3, ("星际网咖", "极速网吧", "电竞馆", "游戏厅")),
    ("ktv", 2, ("金嗓子KTV", "麦霸量贩KTV", "欢唱歌舞厅")),
    ("bar", 1, ("老地方酒吧", "清吧")),
    ("script_game", 1, ("迷城密室逃脱", "剧本杀馆")),
    ("bath", 1, ("温泉洗浴中心", "足浴城")),
    ("swimming", 1, ("全民健身游泳馆",)),
    ("hotel", 2, ("如家宾馆", "客栈", "招待所")),
    ("supermarket", 1, ("百货大超市", "购物广场")),
    ("shop", 4, ("便利店", "小卖部", "烟酒商店")),
    ("small_restaurant", 4, ("面馆", "早餐店", "快餐店", "饺子馆")),
    ("restaurant", 2, ("大酒店", "饭庄")),
    ("pharmacy", 2, ("大药房", "医药连锁店")),
    ("medical", 1, ("卫生室", "诊所")),
    ("school", 1, ("中心小学", "幼儿园")),
    ("elderly_care", 1, ("敬老院",)),
    ("factory", 1, ("食品厂", "建材公司")),
    ("construction", 1, ("安置房工地",)),
    ("religious", 1, ("观音寺", "福音堂")),
    ("other", 1, ("洗车行", "理发店")),
)
UNITS = {"netbar": "县文化和旅游局", "ktv": "县文化和旅游局", "bar": "县文化和旅游局", "script_game": "县文化和旅游局",
         "hotel": "县公安局", "pharmacy": "县市场监督管理局", "medical": "县卫生健康局", "school": "县教育局",
         "elderly_care": "县民政局", "factory": "县工业和信息化局", "construction": "县住房和城乡建设局", "religious": "县民族宗教事务局", "swimming": "县体育局"}
SURNAMES = "王李张刘陈杨赵黄周吴"


def _credit_code(county: Division, n: int) -> str:
    first17 = f"92{county.code[:6]}MA{n:06d}X"
    return first17 + uscc.calc_check_digit(first17)


def seed_venues(rng: random.Random, acting_user: Any) -> list[Venue]:
    """Venues of every sector across the grids (a few per ten grids of each sector)."""
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
    grids = list(Division.objects.filter(level=DivisionLevel.GRID).select_related("parent").order_by("path"))
    if county is None or not grids:
        return []
    sectors = {s.code: s for s in Sector.objects.all()}
    venues, n = [], 0
    for code, per_ten, names in MIX:
        sector = sectors.get(code)
        if sector is None:
            continue
        for _ in range(max(1, len(grids) * per_ten // 10)):
            n += 1
            grid = rng.choice(grids)
            village = grid.parent.name if grid.parent else ""
            surname = rng.choice(SURNAMES)
            venues.append(do_create(
                Venue, acting_user=acting_user, verb="create_venue", name=f"{village}{rng.choice(names)}{n}号",
                credit_code=_credit_code(county, n), sector=sector, address=f"{village}{rng.randint(1, 99)}号",
                grid=grid, manager_name=f"{surname}经理", manager_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                regulator_unit=UNITS.get(code, "县市场监督管理局"), regulator_name=f"{rng.choice(SURNAMES)}科长",
                capacity=rng.choice([None, 20, 50, 80, 120, 300])))
    return venues


def inspect_venue(rng: random.Random, venue: Venue, finding: str, at: dt.datetime, actor: Any,
                  deadline: dt.date | None = None, no: int = 0) -> Inspection:
    """An inspection with the sector's checklist: `no` items answered 不符合, the rest 符合."""
    checklist = current_checklist(venue.sector)
    items = list(checklist.items.all())
    wrong = {i.pk for i in rng.sample(items, no)} if no else set()
    answers = {str(i.pk): Answer.NO if i.pk in wrong else Answer.YES for i in items}
    to_fix = "、".join(i.text for i in items if i.pk in wrong) if finding != Finding.COMPLIANT else ""
    return do_inspect(venue, finding=finding, answers=answers, to_fix=to_fix and f"整改：{to_fix}",
                      deadline=deadline if finding == Finding.RECTIFY else None, note="演示检查", inspected_at=at,
                      acting_user=actor)


def seed_inspections(rng: random.Random, venues: list[Venue], regulator: User | None) -> Counter[str]:
    """Today's round of inspections, an escalated overdue re-inspection and a closing order."""
    actor = regulator or SYSTEM
    counts: Counter[str] = Counter()
    if not venues:
        return counts
    now = timezone.now()
    today = timezone.localdate()
    by_sector: dict[str, list[Venue]] = {}
    for v in venues:
        by_sector.setdefault(v.sector.code, []).append(v)

    def inspect(venue: Venue, finding: str, at: dt.datetime, deadline: dt.date | None = None, no: int = 0) -> None:
        inspect_venue(rng, venue, finding, at, actor, deadline=deadline, no=no)
        if timezone.localdate(at) == today:
            counts["inspections"] += 1
            counts[finding] += 1

    # Last week: an order whose deadline passed without a re-inspection (it escalates below).
    late = venues[0]
    inspect(late, Finding.RECTIFY, now - dt.timedelta(days=6), today - dt.timedelta(days=2), no=2)
    # Today: a round of the sectors of the report's sentence, most compliant.
    today_venues = [v for code in ("ktv", "netbar", "supermarket", "small_restaurant", "hotel", "bath")
                    for v in by_sector.get(code, [])[:4] if v.pk != late.pk]
    for k, venue in enumerate(today_venues):
        at = earlier_today(rng, now, hours=8)
        if k % 5 == 1:
            inspect(venue, Finding.RECTIFY, at, today + dt.timedelta(days=rng.choice([1, 3, 7])), no=1)
        elif k == 3:
            inspect(venue, Finding.SUSPEND, at, no=3)
        else:
            inspect(venue, Finding.COMPLIANT, at)
    escalate_overdue()
    county = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("path").first()
    closed = Sector.objects.filter(code="script_game").first()
    if county is not None and closed is not None:
        do_issue_order(closed, county, kind=OrderKind.CLOSE, starts_on=today - dt.timedelta(days=3),
                       reason="密闭经营场所暂不开放", acting_user=actor)
    return counts


def earlier_today(rng: random.Random, now: dt.datetime, *, hours: int) -> dt.datetime:
    """A moment up to `hours` before `now` that is still today where the county is: a demo seeded
    just after midnight still has today's inspections."""
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time()))
    span = min(hours * 3600, int((now - midnight).total_seconds()))
    return now - dt.timedelta(seconds=rng.randint(0, max(span, 0)))
