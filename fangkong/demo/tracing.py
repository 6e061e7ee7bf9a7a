"""The demo's small outbreak: three cases (a confirmed case found by mass testing, one of its close
contacts who turned positive, a suspected case from the fever clinic reclassified as confirmed),
their investigations on the clock (one milestone overdue and escalated), itineraries over the
look-back (one segment at a registered venue), contacts of every category pushed as leads, and a
positive result still waiting for its case. Everything goes through tracing's own actions."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.registry.models import Resident
from fangkong.tracing import actions
from fangkong.tracing.choices import (
    CaseClass,
    ContactCategory,
    EvidenceSource,
    FoundBy,
    ProtocolStatus,
    Transport,
)
from fangkong.tracing.jobs import escalate_overdue_milestones
from fangkong.tracing.models import Case, ProtocolVersion

# (day of the look-back, from, to, place, activity, transport, evidence, public)
ITINERARY = (
    (0, "07:30", "08:10", "早餐店", "就餐", "", EvidenceSource.PAYMENT, True),
    (0, "08:30", "17:30", "单位", "上班", Transport.BUS, EvidenceSource.SELF, False),
    (1, "09:00", "10:30", None, "购物", Transport.PRIVATE_CAR, EvidenceSource.VENUE_CODE, True),
    (1, "10:00", "11:00", "菜市场", "买菜", "", EvidenceSource.SELF, True),
    (2, "18:30", "21:00", "老街火锅店", "聚餐", Transport.TAXI, EvidenceSource.VIDEO, True),
    (3, "14:00", "15:00", "县人民医院发热门诊", "就诊", Transport.PRIVATE_CAR, EvidenceSource.SELF, True),
)


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmm)))


def _ensure_protocol(acting_user: Any) -> ProtocolVersion:
    version = ProtocolVersion.in_force()
    if version is None:
        version = ProtocolVersion.objects.filter(code="第九版", status=ProtocolStatus.DRAFT).first()
        if version is not None and version.categories.exists():
            actions.do_activate_protocol(version, acting_user=acting_user)
    return ProtocolVersion.in_force()


def _itinerary(case: Case, venue: Any, acting_user: Any) -> list:
    segments = []
    for day, start, end, place, activity, transport, evidence, public in ITINERARY:
        on = case.look_back_from + dt.timedelta(days=day)
        if on > (case.index_date or on):
            continue
        segments.append(actions.do_add_segment(
            case.investigation, on=on, start=dt.time.fromisoformat(start), end=dt.time.fromisoformat(end),
            venue=venue if place is None else None, place=place or ("" if venue else "百货大超市"), activity=activity,
            transport=transport,
            transport_detail="5路" if transport == Transport.BUS else "", evidence=evidence, public=public,
            companions="同事2人" if activity == "聚餐" else "", acting_user=acting_user))
    return segments


def seed_outbreak(rng: random.Random, acting_user: Any, venues: list | None = None) -> str:
    if Case.objects.exists() or _ensure_protocol(acting_user) is None:
        return "病例 0 例"
    grids = list(Division.objects.filter(level=DivisionLevel.GRID).order_by("path")[:40])
    residents = list(Resident.objects.filter(grid__in=grids).order_by("id")[:60])
    if len(residents) < 20:
        return "病例 0 例"
    now, today = timezone.now(), timezone.localdate()
    first_r, second_r = residents[0], residents[3]

    first = actions.do_open_case(
        name=first_r.name, id_number=first_r.id_number, phone=first_r.phone, address=first_r.address, sex="男",
        age=42, employer="县建材公司", division=first_r.grid, classification=CaseClass.CONFIRMED,
        onset_on=today - dt.timedelta(days=3), found_by=FoundBy.TESTING, found_note="全员核酸检测单管阳性",
        reported_at=now - dt.timedelta(days=2), hospital="市传染病医院", acting_user=acting_user)
    segments = _itinerary(first, (venues or [None])[0], acting_user)
    hotpot = next((s for s in segments if s.place == "老街火锅店"), segments[-1])
    inv = first.investigation
    for m in inv.milestones.order_by("due_at")[:3]:
        actions.do_complete_milestone(m, at=m.due_at - dt.timedelta(minutes=rng.randint(10, 50)), acting_user=acting_user)
    actions.do_save_investigation(inv, core_facts="发热、咳嗽3天，已完成两针疫苗接种；同住人员3人；发病前4天活动轨迹已核实。",
                                  summary="", acting_user=acting_user)
    exposed = _at(hotpot.on, "21:00")
    closes = [actions.do_add_contact(first, category=ContactCategory.CLOSE, name=r.name, id_number=r.id_number,
                                     phone=r.phone, address=r.address, segment=hotpot, last_exposure_at=exposed,
                                     evidence=EvidenceSource.VIDEO, acting_user=acting_user)[0]
              for r in residents[3:8]]
    for r, via in zip(residents[8:12], closes, strict=False):
        actions.do_add_contact(first, category=ContactCategory.SECONDARY, name=r.name, id_number=r.id_number,
                               phone=r.phone, address=r.address, via=via, place="家中",
                               last_exposure_at=exposed + dt.timedelta(hours=3), acting_user=acting_user)
    for r in residents[12:15]:
        actions.do_add_contact(first, category=ContactCategory.GENERAL, name=r.name, id_number=r.id_number,
                               phone=r.phone, place="菜市场",
                               last_exposure_at=_at(hotpot.on - dt.timedelta(days=1), "11:00"), acting_user=acting_user)

    second = actions.do_open_case(  # a close contact of the first, positive in quarantine
        name=second_r.name, id_number=second_r.id_number, phone=second_r.phone, address=second_r.address,
        division=second_r.grid, classification=CaseClass.ASYMPTOMATIC, sampled_on=today - dt.timedelta(days=1),
        found_by=FoundBy.CONTROL, found_note="密接集中隔离第2天核酸阳性", reported_at=now - dt.timedelta(hours=20),
        acting_user=acting_user)
    actions.do_complete_milestone(second.investigation.milestones.order_by("due_at").first(), acting_user=acting_user)
    for r in residents[15:18]:
        actions.do_add_contact(second, category=ContactCategory.CLOSE, name=r.name, id_number=r.id_number,
                               phone=r.phone, place="集中隔离点转运车", last_exposure_at=now - dt.timedelta(days=1),
                               evidence=EvidenceSource.SELF, acting_user=acting_user)

    third_r = residents[18]
    third = actions.do_open_case(
        name=third_r.name, id_number=third_r.id_number, phone=third_r.phone, division=third_r.grid,
        classification=CaseClass.SUSPECTED, onset_on=today, found_by=FoundBy.FEVER_CLINIC,
        found_note="发热门诊就诊，抗原阳性", reported_at=now - dt.timedelta(hours=3), hospital="县人民医院",
        acting_user=acting_user)
    actions.do_classify_case(third, classification=CaseClass.CONFIRMED, note="核酸复核阳性", acting_user=acting_user)
    _itinerary(third, None, acting_user)

    waiting = residents[19]
    actions.do_record_positive(id_number=waiting.id_number, name=waiting.name, phone=waiting.phone,
                               sampled_at=now - dt.timedelta(hours=1), division=waiting.grid,
                               source="采样管 D00001（演示采样点）", acting_user=SYSTEM)
    from fangkong.demo.chains import seed_chains

    chains = seed_chains(rng, acting_user, first, second)
    escalated = escalate_overdue_milestones()
    return f"病例 {Case.objects.count()} 例, 接触者 {sum(c.contacts.count() for c in (first, second, third))} 人, " \
           f"流调超时升级 {escalated} 项, {chains}"
