"""The demo's 县外人员底数 and 返县报备: people away in the demo's risk areas and elsewhere (entered
before the risk-area list, so publishing it opens the liaisons' calls through control's event),
two on the watch list — one of whom then passes a checkpoint (an alert to the village) — and
return reports due today, tomorrow and later, one confirmed, some filed by an employer, with the
arrival-day checks the job opens."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fangkong.core.actions import SYSTEM, do_create
from fangkong.core.models import Division, User
from fangkong.grid import actions
from fangkong.grid.away import default_liaison, risk_level
from fangkong.grid.choices import ContactAdvice, ReporterKind, ReturnPlan
from fangkong.grid.jobs import open_arrival_tasks
from fangkong.grid.models import PersonAway
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.generator import named_users
from fangkong.registry.models import Resident

# (province, city, county), plan, watch: the first three are in the demo's risk areas (demo.areas).
PLACES = [
    (("河北省", "石家庄市", "藁城区"), ReturnPlan.UNDECIDED, False),
    (("北京市", "", "朝阳区"), ReturnPlan.STAYING, True),
    (("内蒙古自治区", "呼和浩特市", "赛罕区"), ReturnPlan.WILL_RETURN, False),
    (("广东省", "广州市", "天河区"), ReturnPlan.STAYING, True),
    (("浙江省", "杭州市", "西湖区"), ReturnPlan.WILL_RETURN, False),
    (("上海市", "", "浦东新区"), ReturnPlan.UNDECIDED, False),
    (("江苏省", "苏州市", "工业园区"), ReturnPlan.STAYING, False),
    (("河北省", "石家庄市", ""), ReturnPlan.WILL_RETURN, False),
]


def _residents(grid: Division, n: int) -> list[Resident]:
    qs = Resident.objects.filter(grid=grid, id_number__isnull=False).exclude(phone="")
    away = list(qs.filter(status=ResidentStatus.AWAY).order_by("id")[:n])
    return away + list(qs.exclude(pk__in=[r.pk for r in away]).order_by("id")[:n - len(away)])


def seed_people_away(commander: User, rng: random.Random) -> int:
    """The ledger: before the risk-area list, so that its publication calls the people there."""
    worker = named_users().get("grid")
    if worker is None or worker.division is None or PersonAway.objects.exists():
        return 0
    grid = worker.division
    today = timezone.localdate()
    made = 0
    for r, ((province, city, county), plan, watch) in zip(_residents(grid, len(PLACES)), PLACES, strict=False):
        place = {"province": province, "city": city, "county": county, "township": ""}
        do_create(PersonAway, acting_user=commander, verb="create_person_away", resident=r, name=r.name,
                   id_number=r.id_number or "", phone=r.phone, grid=grid, **place,
                   address=rng.choice(["务工", "经商", "上学", "探亲"]), since=today - dt.timedelta(days=rng.randint(20, 90)),
                   plan=plan, watch=watch, risk_level=risk_level(place, today),
                   liaison=default_liaison(grid, r.household_id))
        made += 1
    return made


def seed_return_reports(commander: User, rng: random.Random) -> str:
    """Contacts, a watch-listed person at a checkpoint, and return reports with their receipts."""
    from fangkong.screening.actions import do_submit_lead
    from fangkong.screening.choices import Channel
    from fangkong.screening.cleaning import LeadInput

    worker = named_users().get("grid")
    village = named_users().get("village")
    if worker is None or worker.division is None:
        return "无网格员，未生成返县报备"
    grid = worker.division
    people = list(PersonAway.objects.filter(grid=grid).order_by("pk"))
    liaison = village or commander
    for p in people[:3]:
        actions.do_log_contact(p, advice=rng.choice([ContactAdvice.STAY, ContactAdvice.REPORT_FIRST]),
                               note="电话告知当前防控要求", acting_user=liaison)
    watched = next((p for p in people if p.watch), None)
    if watched is not None:  # said they would stay; now seen at a checkpoint
        do_submit_lead(LeadInput(name=watched.name, id_number=watched.id_number, phone=watched.phone,
                                 address="县城高速卡口"), channel=Channel.CHECKPOINT, acting_user=SYSTEM)
    now = timezone.localtime()
    filed = []
    coming = [p for p in people if p.plan == ReturnPlan.WILL_RETURN]
    for i, p in enumerate(coming):
        at = (now + dt.timedelta(days=i)).replace(hour=0 if i == 0 else 14, minute=30, second=0, microsecond=0)
        filed.append(actions.do_file_return_report(actions.ReturnInput(
            name=p.name, phone=p.phone, id_number=p.id_number, province=p.province, city=p.city, county=p.county,
            route="高铁", arrive_at=at, division=grid, address="本村", filed_by=ReporterKind.FAMILY,
            reporter_name="家属"), acting_user=liaison)[0])
    for i, (name, phone) in enumerate([("周返岗", "13700010001"), ("吴返岗", "13700010002"), ("郑返岗", "13700010003")]):
        at = (now + dt.timedelta(days=1 + i % 2)).replace(hour=9, minute=0, second=0, microsecond=0)
        filed.append(actions.do_file_return_report(actions.ReturnInput(
            name=name, phone=phone, province="河北省", city="石家庄市", county="藁城区" if i == 0 else "新华区",
            route="自驾", arrive_at=at, division=grid, address="县纺织厂宿舍", filed_by=ReporterKind.EMPLOYER,
            employer="县纺织厂", reporter_name="纺织厂人事部"), acting_user=commander)[0])
    today_ = now.replace(hour=0, minute=10, second=0, microsecond=0)
    arrived = actions.do_file_return_report(actions.ReturnInput(
        name="冯到达", phone="13700010009", province="浙江省", city="杭州市", county="西湖区", arrive_at=today_,
        division=grid, address="本村"), acting_user=liaison)[0]
    actions.do_confirm_arrival(arrived, acting_user=worker)
    checks = open_arrival_tasks()
    return f"县外人员 {len(people)} 人，返县报备 {len(filed) + 1} 条，到达核验 {checks} 件"
