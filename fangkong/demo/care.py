"""The demo's 四对一 teams and notices: two people under home isolation and monitoring in the
named grid worker's grid (besides the demo's reviewed home measures, whose teams the event
formed), the police seat filled by name on one, checks made (one abnormal, one overdue and
escalated), and three notices — to the people away in risk areas of the first township, to the
second sweep's risk answers and to the first village's residents — sent through the gateway,
with a number that fails, so the not-reached list has rows."""

from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.control import actions as control
from fangkong.control.choices import MeasureStatus
from fangkong.control.models import Measure
from fangkong.core.choices import MeasureKind
from fangkong.core.models import User
from fangkong.grid import actions
from fangkong.grid.actions.notices import send_queued, tally
from fangkong.grid.care import ensure_default_templates
from fangkong.grid.choices import CareItem, CareRole, CheckResult, DeliveryStatus, NoticeAudience
from fangkong.grid.jobs_care import escalate_overdue_checks, form_missing_teams
from fangkong.grid.models import CareDuty, CareTeam, NoticeDelivery, Sweep
from fangkong.registry.generator import named_users
from fangkong.registry.models import Resident
from fangkong.screening.models import Person


def _home_measures(worker: User, commander: User) -> list[Measure]:
    busy = Person.objects.filter(measures__status=MeasureStatus.ACTIVE).values("id_number")
    residents = (Resident.objects.filter(grid=worker.division, id_number__isnull=False).exclude(phone="")
                 .exclude(id_number__in=busy).order_by("id")[:2])
    out = []
    for r, kind in zip(residents, (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING), strict=False):
        person = control.do_find_or_create_person(r.id_number, acting_user=commander)
        out.append(control.do_start_measure(person, kind=kind, acting_user=commander))
    return out


def seed_care(commander: User, rng: random.Random) -> str:
    ensure_default_templates()
    users = named_users()
    worker, township = users.get("grid"), users.get("township")
    if worker is None or worker.division is None:
        return "无网格员，未生成四对一专班"
    _home_measures(worker, commander)
    form_missing_teams(limit=5000)  # measures the event did not reach (none, unless it failed)
    teams = list(CareTeam.objects.filter(division=worker.division, measure__status=MeasureStatus.ACTIVE)
                 .order_by("id"))
    now = timezone.now()
    for i, team in enumerate(teams):
        police = team.members.filter(role=CareRole.POLICE).first()
        if police is not None and i == 0:
            actions.do_assign_care_member(police, name="王警官", phone="13900000110", acting_user=commander)
        door = team.duties.filter(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR).first()
        if door is not None:
            actions.do_record_care_check(door, acting_user=worker, at=now - dt.timedelta(hours=1))
        if i == 0:
            health = team.duties.filter(member__role=CareRole.DOCTOR, item=CareItem.HEALTH).first()
            if health is not None and township is not None:
                actions.do_record_care_check(health, acting_user=township, result=CheckResult.ABNORMAL,
                                             note="体温37.6℃，已通知医生复测")
    # One supplies check past its time: escalated to the township as the tick would.
    late = CareDuty.objects.filter(team__in=teams, item=CareItem.SUPPLIES).order_by("id").first()
    if late is not None:
        CareDuty.objects.filter(pk=late.pk).update(due_at=now - dt.timedelta(hours=2))
        escalate_overdue_checks(now)
    notices = _notices(commander, worker)
    del rng  # the same demo for every seed
    return f"四对一专班 {CareTeam.objects.count()} 个，通知 {notices} 条"


def _notices(commander: User, worker: User) -> int:
    grid = worker.division
    village, township = grid.parent, grid.parent.parent
    sweep = Sweep.objects.filter(name="第二轮地毯式排摸").first()
    plans = [
        (commander.division, NoticeAudience.AWAY_IN_RISK, None,
         "【县疫情防控指挥部】您所在地已列为风险区，请暂缓返县；确需返县的请提前三天报备。"),
        (township, NoticeAudience.SWEEP_RISK, sweep, "【县疫情防控指挥部】请您居家等待核酸采样，网格员将与您联系。"),
        (village, NoticeAudience.RESIDENTS, None, "【村疫情防控工作组】明天上午8点在村委会开展全员核酸检测，请携带身份证。"),
    ]
    sent = []
    for division, audience, about, text in plans:
        if audience == NoticeAudience.SWEEP_RISK and about is None:
            continue
        try:
            sent.append(actions.do_send_notice(division=division, audience=audience, sweep=about, text=text,
                                               acting_user=commander))
        except ValidationError:  # nobody of that audience in the area: nothing to send
            continue
    for n in sent:
        send_queued(n.pk)
    # The operator's receipts: one number out of service (the not-reached list shows it).
    if sent:
        last = sent[-1]
        failed = last.deliveries.filter(status=DeliveryStatus.SENT).order_by("id").first()
        if failed is not None:
            NoticeDelivery.objects.filter(pk=failed.pk).update(status=DeliveryStatus.FAILED,
                                                               error="运营商回执：用户已停机")
            tally(last)
    return len(sent)
