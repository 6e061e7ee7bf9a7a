"""The demo's supplies (物资储备) and information release (信息发布).

Supplies: the catalogue (protective equipment, drugs, reagents, sampling tubes, disinfectants), a
county reserve, a store per township, per quarantine site and per sampling site, reserve rules
(满负荷30天 and more), and two weeks of receipts, transfers and daily issues — with the quarantine
hotel's protective suits below their reserve. Releases: a notice published and corrected, a case
itinerary awaiting review. Everything through the areas' own actions (audited).
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.utils import timezone

from fangkong.core.actions import do_create
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division, User
from fangkong.supplies.actions import do_record_movement
from fangkong.supplies.choices import MovementKind, SupplyCategory, WarehouseLevel
from fangkong.supplies.models import ReserveRule, SupplyItem, Warehouse

P, D, R, T, X = (
    SupplyCategory.PROTECTIVE,
    SupplyCategory.DRUG,
    SupplyCategory.REAGENT,
    SupplyCategory.TUBE,
    SupplyCategory.DISINFECTANT,
)
# (name, category, unit, tests per unit, persons per tube, daily issues at a township, a quarantine
# site, a sampling site)
ITEMS = (
    ("N95口罩", P, "个", None, None, 120, 60, 40),
    ("医用外科口罩", P, "个", None, None, 400, 100, 150),
    ("医用防护服", P, "套", None, None, 20, 25, 30),
    ("护目镜", P, "个", None, None, 5, 4, 6),
    ("连花清瘟胶囊", D, "盒", None, None, 8, 6, 0),
    ("布洛芬缓释胶囊", D, "盒", None, None, 6, 4, 0),
    ("新冠病毒核酸检测试剂盒", R, "盒", 48, None, 0, 0, 4),
    ("单采采样管", T, "支", None, 1, 0, 10, 30),
    ("十混一采样管", T, "支", None, 10, 0, 0, 120),
    ("84消毒液", X, "瓶", None, None, 10, 12, 0),
    ("75%医用酒精", X, "瓶", None, None, 10, 8, 4),
)
LEVELS = (WarehouseLevel.TOWNSHIP, WarehouseLevel.QUARANTINE_SITE, WarehouseLevel.SAMPLING_SITE)
DAYS = 14
KEEP_DAYS = 45  # what each store is stocked for beyond the two weeks (the reserve is 30 days at 1.2 × use)
LOW = ("医用防护服", WarehouseLevel.QUARANTINE_SITE)  # the demo's low item: the quarantine sites' suits
FULL_LOAD = 1.2


def _move(
    commander: User, kind: str, item: SupplyItem, n: int, at: dt.datetime, src=None, dst=None, **kw
) -> None:
    do_record_movement(
        kind=kind,
        item=item,
        quantity=n,
        from_warehouse=src,
        to_warehouse=dst,
        at=at,
        acting_user=commander,
        **kw,
    )


def _warehouses(commander: User, county: Division) -> tuple[Warehouse, list[Warehouse], list[Warehouse]]:
    from fangkong.control.models import QuarantineSite
    from fangkong.testing.models import SamplingSite

    made = lambda **f: do_create(Warehouse, acting_user=commander, verb="create_warehouse", **f)  # noqa: E731
    main = made(
        name="县级物资储备库",
        level=WarehouseLevel.COUNTY,
        division=county,
        address="县城物流园3号库",
        keeper="张保管",
    )
    towns = [
        made(name=f"{t.name}物资库", level=WarehouseLevel.TOWNSHIP, division=t, keeper="乡镇保管员")
        for t in Division.objects.subtree(county).filter(level=DivisionLevel.TOWNSHIP).order_by("path")[:6]
    ]
    sites = [
        made(
            name=f"{s.name}物资库",
            level=WarehouseLevel.QUARANTINE_SITE,
            division=s.division,
            quarantine_site=s,
        )
        for s in QuarantineSite.objects.order_by("id")[:2]
    ]
    sites += [
        made(name=f"{s.name}物资库", level=WarehouseLevel.SAMPLING_SITE, division=s.division, sampling_site=s)
        for s in SamplingSite.objects.order_by("id")[:2]
    ]
    return main, towns, sites


def _use(row: tuple, level: str) -> int:
    return dict(zip(LEVELS, row[5:], strict=True))[level]


def _share(row: tuple, level: str) -> int:
    use = _use(row, level)
    return use * (DAYS + (8 if (row[0], level) == LOW else KEEP_DAYS))


def seed_supplies(rng: random.Random, commander: User) -> str:
    if Warehouse.objects.filter(name="县级物资储备库").exists():
        return "物资储备已存在"
    main, towns, sites = _warehouses(commander, commander.division)
    stores = towns + sites
    items, moves = {}, 0
    now = timezone.now()
    start = now - dt.timedelta(days=DAYS, hours=2)
    for order, row in enumerate(ITEMS, 1):
        name, cat, unit, tests, persons = row[:5]
        item = items[name] = do_create(
            SupplyItem,
            acting_user=commander,
            verb="create_supply_item",
            name=name,
            category=cat,
            unit=unit,
            tests_per_unit=tests,
            persons_per_tube=persons,
            order=order,
        )
        total_use = sum(_use(row, w.level) for w in stores)
        for level in LEVELS:
            if _use(row, level):
                do_create(
                    ReserveRule,
                    acting_user=commander,
                    verb="create_reserve_rule",
                    category=cat,
                    item=item,
                    level=level,
                    full_load_daily=math.ceil(_use(row, level) * FULL_LOAD),
                    min_days=7 if level == WarehouseLevel.SAMPLING_SITE else 30,
                    note="满负荷运转储备标准",
                )
        do_create(
            ReserveRule,
            acting_user=commander,
            verb="create_reserve_rule",
            category=cat,
            item=item,
            level=WarehouseLevel.COUNTY,
            full_load_daily=math.ceil(total_use * FULL_LOAD),
            min_days=30,
            note="全县满负荷30天",
        )
        receipt = sum(_share(row, w.level) for w in stores) + math.ceil(total_use * FULL_LOAD) * 35
        _move(commander, MovementKind.RECEIPT, item, receipt, start, dst=main, recipient="省级物资调拨")
        moves += 1
        for w in stores:
            use = _use(row, w.level)
            if not use:
                continue
            _move(
                commander,
                MovementKind.TRANSFER,
                item,
                _share(row, w.level),
                start + dt.timedelta(hours=3),
                src=main,
                dst=w,
            )
            moves += 1
            for day in range(DAYS - 1, 0, -1):
                _move(
                    commander,
                    MovementKind.ISSUE,
                    item,
                    max(1, round(use * rng.uniform(0.7, 1.3))),
                    now - dt.timedelta(days=day),
                    src=w,
                    recipient="一线防控人员",
                )
                moves += 1
    _move(
        commander,
        MovementKind.ADJUSTMENT,
        items["护目镜"],
        -12,
        now - dt.timedelta(days=2),
        dst=main,
        note="盘点损坏报废",
    )
    return f"物资品目 {len(items)} 个, 仓库 {1 + len(stores)} 个, 出入库记录 {moves + 1} 条"


def seed_releases(commander: User) -> str:
    from fangkong.releases import actions
    from fangkong.releases.choices import ReleaseKind
    from fangkong.releases.models import ReleaseNote

    cdc = User.objects.filter(roles__role=Role.CDC, division=commander.division).order_by("id").first()
    if cdc is None or ReleaseNote.objects.exists():
        return "信息发布已存在"
    notice = actions.do_draft_release(
        kind=ReleaseKind.NOTICE,
        title="关于在全县开展第一轮全员核酸检测的通告",
        body="为尽快排查风险，经县疫情防控指挥部研究决定，于12月7日至9日在全县开展第一轮全员核酸检测。"
        "请广大群众按村（社区）通知的时段，携带身份证件到指定采样点有序检测，全程佩戴口罩、保持一米距离。",
        acting_user=cdc,
    )
    for step in (actions.do_submit_release,):
        step(notice, acting_user=cdc)
    actions.do_review_release(notice, acting_user=commander, remark="数据已核")
    actions.do_approve_release(notice, acting_user=commander)
    actions.do_publish_release(notice, acting_user=commander)
    fix = actions.do_correct_release(
        notice,
        title="关于全员核酸检测通告的更正",
        body="原通告中检测时间“12月7日至9日”更正为“12月8日至10日”，其余内容不变。",
        acting_user=cdc,
    )
    actions.do_submit_release(fix, acting_user=cdc)
    actions.do_review_release(fix, acting_user=commander)
    actions.do_approve_release(fix, acting_user=commander)
    actions.do_publish_release(fix, acting_user=commander)
    made = 2 + _itinerary(cdc)
    return f"发布稿 {made} 篇（含更正 1 篇）"


def _itinerary(cdc: User) -> int:
    """The first demo case's public itinerary, submitted and awaiting review, when it passes the check."""
    from django.core.exceptions import ValidationError

    from fangkong.releases import actions
    from fangkong.releases.choices import ReleaseKind
    from fangkong.tracing.itinerary import public_text
    from fangkong.tracing.models import Investigation

    investigation = Investigation.objects.select_related("case").order_by("id").first()
    text = public_text(investigation) if investigation else ""
    if not text:
        return 0
    note = actions.do_draft_release(
        kind=ReleaseKind.ITINERARY,
        title="一例新冠肺炎确诊病例的活动轨迹",
        body=text,
        case=investigation.case,
        acting_user=cdc,
    )
    try:
        actions.do_submit_release(note, acting_user=cdc)
    except ValidationError:
        pass  # stays a draft showing its problems
    return 1
