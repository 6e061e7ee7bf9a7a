"""The demo county's key groups (重点人群, seed 001: "本周重点人群应检N人，实际检测N人，除N人外出未归均按
频次落实检测"): two groups whose members are residents tested today in the demo's round, and two
members away from home who have not tested — so the county report's key-group sentence is full."""

from __future__ import annotations

import random

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident
from fangkong.testing.actions import do_add_key_group_member, do_save_key_group
from fangkong.testing.choices import TestKind
from fangkong.testing.models import KeyGroup, Sampling

GROUPS = (("商超从业人员", TestKind.PCR, 2, "县城联华超市"), ("快递外卖人员", TestKind.PCR, 3, "县邮政快递中心"))


def seed_key_groups(commander: User, rng: random.Random) -> str:
    if KeyGroup.objects.exists():
        return "重点人群已存在"
    county = commander.division or Division.objects.filter(level=DivisionLevel.COUNTY).first()
    # each person once (a person sampled twice is one member)
    tested = list(dict(Sampling.objects.filter(resident__isnull=False).order_by("id")
                       .values_list("id_number", "name")).items())[:24]
    away = list(Resident.objects.filter(status=ResidentStatus.AWAY, id_number__isnull=False).order_by("id")
                .values_list("id_number", "name")[:2])
    if not tested:
        return "无核酸采样记录,未生成重点人群"
    members = 0
    for k, (name, kind, every, employer) in enumerate(GROUPS):
        group = do_save_key_group(None, name=name, division=county, test_kind=kind, every_days=every,
                                  acting_user=commander)
        people = tested[k::2] + ([away[k]] if k < len(away) else [])
        for id_number, person in people:
            do_add_key_group_member(group, id_number=id_number, name=person or "演示人员", employer=employer,
                                    acting_user=commander)
            members += 1
    return f"重点人群 {len(GROUPS)} 个, {members} 人"
