"""The demo's checkpoints (卡口) with a day of traffic: a county-border checkpoint in each of the
first townships and a few village and compound gates, today's shifts, the day's list from the
province's checkpoint system imported as one batch (cars, buses and trucks with their people, some
from the demo's risk areas: leads at once), a car with three people registered on the phone
screen, and transit trucks, one of them already out of the county. Everything goes through the
checkpoints' own import and actions (audited)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

from django.utils import timezone

from fangkong.core.actions import do_create
from fangkong.core.choices import DivisionLevel
from fangkong.core.identity import check_digit
from fangkong.core.imports import import_file, kind_of
from fangkong.core.models import Division
from fangkong.sectors.actions_checkpoints import do_record_exit, do_register_passage
from fangkong.sectors.checkpoint_intake import PersonIn, VehicleIn
from fangkong.sectors.choices import CheckpointKind, TransitStatus
from fangkong.sectors.models import Checkpoint, CheckpointShift, VehicleCheck

ORIGINS = ("江苏省南京市", "浙江省杭州市", "安徽省合肥市", "河北省石家庄市藁城区", "上海市浦东新区张江镇",
           "北京市朝阳区望京街道", "湖北省武汉市", "山东省济南市")
RISKY = {"河北省石家庄市藁城区", "上海市浦东新区张江镇", "北京市朝阳区望京街道"}
REGIONS = ("320102", "330106", "340104", "130182", "310115", "110105", "420102", "370102")
PLATE_HEADS = ("苏A", "浙A", "皖A", "冀A", "沪B", "京N", "鄂A", "鲁A")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
HEADER = ["卡口编号", "登记时间", "姓名", "身份证号", "手机号", "出发地", "目的地", "健康码", "行程卡", "核酸结果",
          "车牌号", "车辆类型", "货物", "14天途经地", "是否过境"]


def _id(rng: random.Random, region: str) -> str:
    first17 = f"{region}19{rng.randrange(55, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    return first17 + check_digit(first17)


def seed_checkpoints(rng: random.Random, acting_user: Any) -> list[Checkpoint]:
    """Four county-border checkpoints and three gates (once: a second run reuses them), today's shifts."""
    townships = list(Division.objects.filter(level=DivisionLevel.TOWNSHIP).order_by("path")[:4])
    made = []
    for n, township in enumerate(townships, 1):
        grid = Division.objects.subtree(township).filter(level=DivisionLevel.GRID).order_by("path").first()
        if grid is None:
            continue
        specs = [(f"XJ{n:02d}", f"{township.name}县界卡口", CheckpointKind.COUNTY_BORDER, f"G{200 + n}国道入县口")]
        if n <= 3:
            specs.append((f"CK{n:02d}", f"{grid.parent.name}村口卡口", CheckpointKind.VILLAGE_GATE, "村主路入口"))
        for code, name, kind, road in specs:
            cp = Checkpoint.objects.filter(code=code).first() or do_create(
                Checkpoint, code=code, name=name, kind=kind, division=grid, road=road,
                opened_on=timezone.localdate().replace(day=1), verb="create_checkpoint", acting_user=acting_user)
            made.append(cp)
    start = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    for cp in made:
        if not CheckpointShift.objects.filter(checkpoint=cp, starts_at__date=start.date()).exists():
            for k, (leader, staff) in enumerate((("值班组长甲", "民警甲、卫健乙、志愿者丙"), ("值班组长乙", "民警丁、村医戊"))):
                do_create(CheckpointShift, checkpoint=cp, starts_at=start + dt.timedelta(hours=12 * k),
                          ends_at=start + dt.timedelta(hours=12 * (k + 1)), leader=leader, staff=staff,
                          verb="create_checkpoint_shift", acting_user=acting_user)
    return made


def _day_list(rng: random.Random, checkpoints: list[Checkpoint], vehicles: int) -> bytes:
    """Today's list as the province's checkpoint system exports it: one row per person."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    now = timezone.localtime()
    first = now.replace(hour=0, minute=5, second=0, microsecond=0)
    span = max(int((now - first).total_seconds() // 60), 1)
    border = [c for c in checkpoints if c.kind == CheckpointKind.COUNTY_BORDER]
    for _vehicle in range(vehicles):
        cp = rng.choice(border if rng.random() < 0.8 else checkpoints)
        at = (first + dt.timedelta(minutes=rng.randrange(span))).strftime("%Y-%m-%d %H:%M")
        k = rng.randrange(len(ORIGINS))
        origin = ORIGINS[k] if rng.random() < 0.25 else rng.choice([o for o in ORIGINS if o not in RISKY])
        region = REGIONS[ORIGINS.index(origin)]
        plate = f"{PLATE_HEADS[ORIGINS.index(origin)]}{rng.randrange(10000, 99999)}"
        kind, cargo, transit = ("货车", rng.choice(("蔬菜", "建材", "快递包裹", "生猪")), rng.random() < 0.4) \
            if rng.random() < 0.3 else (rng.choice(("小型客车", "小型客车", "大中型客车")), "", False)
        riders = 1 if kind == "货车" else rng.choice((1, 2, 2, 3, 4))
        stopover = rng.choice(("", "", "江苏省苏州市", "安徽省合肥市、江苏省南京市"))
        for _ in range(riders):
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
            w.writerow([cp.code, at, name, _id(rng, region), f"1{rng.choice('3589')}{rng.randrange(10**9):09d}", origin,
                        rng.choice(("县城", "走亲访友", "返乡", "务工")), "绿码", "正常", "阴性", plate, kind, cargo,
                        stopover, "是" if transit else "否"])
    return out.getvalue().encode("utf-8")


def seed_checkpoint_traffic(rng: random.Random, checkpoints: list[Checkpoint], acting_user: Any,
                            vehicles: int = 400) -> dict[str, int]:
    """A day of traffic: the province's list as one batch, a car of three on the phone screen, an exit."""
    if not checkpoints:
        return {"rows": 0, "imported": 0, "leads": 0}
    batch = import_file(kind_of("checkpoint-registrations"), "卡口登记（省卡口系统）.csv", user=acting_user,
                        data=_day_list(rng, checkpoints, vehicles))
    border = next(c for c in checkpoints if c.kind == CheckpointKind.COUNTY_BORDER)
    grid = border.division
    written = do_register_passage(border, vehicle=VehicleIn("冀A12321", origin="河北省石家庄市藁城区"), persons=[
        PersonIn(name, _id(rng, "130182"), origin="河北省石家庄市藁城区", destination=f"{grid.name}家中",
                 destination_division_id=grid.pk) for name in ("刘建国", "刘芳", "刘小明")], acting_user=acting_user)
    out = VehicleCheck.objects.filter(transit=TransitStatus.IN_TRANSIT, checkpoint_id=border.pk).order_by("registered_at").first()
    exits = [c for c in checkpoints if c.kind == CheckpointKind.COUNTY_BORDER and c.pk != border.pk]
    if out is not None and exits:
        do_record_exit(out.plate, exits[0], acting_user=acting_user, at=max(out.registered_at, timezone.now()))
    return {"rows": batch.rows, "imported": batch.imported, "leads": batch.options.get("leads", 0) + written.leads}
