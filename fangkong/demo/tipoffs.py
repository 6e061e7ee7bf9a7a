"""The demo's 群众举报: tip-offs from the public (most anonymous) in the first villages — a person
back without reporting, a gathering, a shop open against an order — some still pending, one
turned into a lead for the grid worker, one into an inspection of a venue, one unfounded and
one a duplicate, so the list, the figures and the inspector's page are filled."""

from __future__ import annotations

import random

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division, User
from fangkong.grid import actions
from fangkong.grid.actions.tipoffs import venues_for
from fangkong.grid.choices import TipOffKind, TipOffStatus
from fangkong.grid.models import TipOff
from fangkong.registry.generator import named_users

TIPS = [
    (TipOffKind.UNREPORTED_RETURN, "村东头2排5号", "隔壁老李家儿子前天晚上从外地开车回来，没见村里登记，这两天还去了集市。",
     "李强", "13700020001", "三十岁左右，开白色小轿车", "", ""),
    (TipOffKind.GATHERING, "村委会西侧空地", "每天晚饭后有二十多人聚在一起打牌，不戴口罩。", "", "", "", "", ""),
    (TipOffKind.OPEN_AGAINST_ORDER, "主街", "通知关停以后，这家还在晚上拉下卷帘门偷偷营业。", "", "", "", "王女士", "13700020099"),
    (TipOffKind.UNREPORTED_RETURN, "幸福路18号", "听说这家有人从高风险地区回来了，不知道报备没有。", "", "", "女孩，大学生", "", ""),
    (TipOffKind.GATHERING, "文化广场", "广场舞每晚五十多人。", "", "", "", "", ""),
    (TipOffKind.OTHER, "小学门口", "有人在门口摆摊卖未检疫的冷冻肉。", "", "", "流动摊贩", "", ""),
    (TipOffKind.GATHERING, "文化广场", "广场舞人很多（前面已经举报过）。", "", "", "", "", ""),
]


def seed_tip_offs(commander: User, rng: random.Random) -> str:
    if TipOff.objects.exists():
        return "群众举报已存在"
    users = named_users()
    village_cadre, worker = users.get("village"), users.get("grid")
    if village_cadre is None or village_cadre.division is None:
        return "无村干部，未生成群众举报"
    village = village_cadre.division
    others = list(Division.objects.filter(level=DivisionLevel.VILLAGE).exclude(pk=village.pk).order_by("path")[:3])
    made: list[TipOff] = []
    for i, (kind, address, what, who_name, who_phone, who_desc, rep_name, rep_phone) in enumerate(TIPS):
        division = village if i < 4 or not others else others[i % len(others)]
        made.append(actions.do_submit_tip_off(actions.TipOffInput(
            kind=kind, division=division, address=address, what=what, who_name=who_name, who_phone=who_phone,
            who_description=who_desc, reporter_name=rep_name, reporter_phone=rep_phone), acting_user=SYSTEM))
    grid = worker.division if worker is not None and worker.division is not None and \
        worker.division.path.startswith(village.path) else None
    actions.do_tip_off_to_lead(made[0], grid=grid, note="核实为未报备返县，已推送网格员核查", acting_user=village_cadre)
    venue = venues_for(made[2], SYSTEM).first()
    if venue is not None:
        actions.do_tip_off_to_inspection(made[2], venue=venue, note="请市场监管上门检查", acting_user=commander)
    actions.do_judge_tip_off(made[3], status=TipOffStatus.UNFOUNDED, note="上门核实，该户无外出返回人员",
                             acting_user=village_cadre)
    actions.do_judge_tip_off(made[6], status=TipOffStatus.DUPLICATE, note="与文化广场聚集举报重复", acting_user=commander)
    return f"群众举报 {len(made)} 条"
