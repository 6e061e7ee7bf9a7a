"""The demo's family events (红白事): a week of weddings and funerals reported through the villages —
some supervised and checked on site by the township, one too big, one funeral with a banquet, and
one upcoming wedding still waiting for its supervisor — all through the sectors area's actions."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel, Role
from fangkong.core.models import Division, User
from fangkong.sectors.actions_events import do_assign_event_supervisor, do_check_event, do_report_event
from fangkong.sectors.choices import EventKind

SURNAMES = "王李张刘陈杨赵黄周吴"
PLACES = ("村文化广场", "自家院内", "村红白理事会堂", "自家庭院")


def _officer(village: Division) -> User | None:
    for user in User.objects.filter(is_active=True, roles__role=Role.TOWNSHIP_CADRE).select_related("division"):
        if user.division_id and village.path.startswith(user.division.path):
            return user
    return None


def seed_events(rng: random.Random) -> int:
    villages = list(Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("path")[:12])
    if not villages:
        return 0
    today = timezone.localdate()
    now = timezone.now()
    plan = [  # (days from today, kind, guests, tables, supervise, check)
        (-6, EventKind.FUNERAL, 25, 0, True, True), (-4, EventKind.WEDDING, 45, 5, True, True),
        (-3, EventKind.WEDDING, 80, 8, True, True), (-2, EventKind.FUNERAL, 30, 3, True, False),
        (-1, EventKind.WEDDING, 40, 4, True, True), (0, EventKind.FUNERAL, 20, 0, True, False),
        (2, EventKind.WEDDING, 48, 5, False, False), (5, EventKind.WEDDING, 35, 4, True, False),
    ]
    made = 0
    for k, (days, kind, guests, tables, supervise, check) in enumerate(plan):
        village = villages[k % len(villages)]
        day = today + dt.timedelta(days=days)
        # Funerals reported on the morning of the day, weddings four days ahead (the third one late).
        ahead = 0 if kind == EventKind.FUNERAL else (1 if k == 2 else 4)
        reported = min(now, timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=ahead), dt.time(7))))
        outside = rng.choice([0, 0, 2, 3])
        event = do_report_event(
            village, kind=kind, host_name=f"{rng.choice(SURNAMES)}{rng.choice('建国家明秀英志强')}", place=rng.choice(PLACES),
            host_phone=f"137{rng.randint(10_000_000, 99_999_999)}", event_date=day, tables=tables, guests=guests,
            outside_guests=outside, outside_origins="上海市浦东新区" if outside else "",
            measures="扫码测温、登记来宾、缩小规模", acting_user=SYSTEM, now=reported)
        made += 1
        officer = _officer(village)
        if officer is None or not supervise:
            continue
        do_assign_event_supervisor(event, officer, acting_user=officer)
        if check:
            do_check_event(event, actual_people=min(guests, 50), compliant=guests <= 50,
                           note="测温验码、来宾登记到位" if guests <= 50 else "人数超出规定，已劝减", acting_user=officer)
    return made


def seed_resumption(rng: random.Random, regulator: User | None) -> int:
    """复工复产: factories and shops that applied this month — most approved after their on-site
    check (their staff in the key group), one with conditions, one refused, two waiting, and one
    resumed ten days ago now due for its periodic inspection."""
    from fangkong.registry.models import Resident
    from fangkong.sectors.actions_resumption import do_apply_resumption, do_decide_resumption
    from fangkong.sectors.choices import Finding, ResumptionStatus, VenueStatus
    from fangkong.sectors.models import Venue

    from .sectors import inspect_venue

    actor = regulator or SYSTEM
    # Factories and sites first: the one resumed ten days ago must not be in today's round of inspections.
    codes = ["factory", "construction", "supermarket", "shop", "small_restaurant", "restaurant"]
    venues = sorted(Venue.objects.filter(sector__code__in=codes).exclude(status=VenueStatus.CLOSED).select_related("sector"),
                    key=lambda v: (codes.index(v.sector.code), v.pk))[:7]
    people = list(Resident.objects.exclude(id_number=None).exclude(id_number="").order_by("id")
                  .values_list("name", "id_number")[:70])
    now = timezone.now()
    plan = [(10, ResumptionStatus.APPROVED), (0, None), (2, ResumptionStatus.CONDITIONAL), (1, ResumptionStatus.REFUSED),
            (3, ResumptionStatus.APPROVED), (2, ResumptionStatus.APPROVED), (0, None)]
    made = 0
    for k, (venue, (days, decision)) in enumerate(zip(venues, plan, strict=False)):
        staff = [{"name": name, "id_number": number, "whereabouts": rng.choice(["未离县", "未离县", "市内"]),
                  "closed_loop": rng.random() < 0.5} for name, number in people[k * 10:(k + 1) * 10]]
        applied = now - dt.timedelta(days=days, hours=2)
        app = do_apply_resumption(venue, applicant_name=f"{rng.choice(SURNAMES)}经理", plan="员工每日抗原检测，进出测温扫码，"
                                  "分区作业、错峰就餐，每日消杀并登记", closed_loop="员工集中住宿，上下班点对点接送",
                                  staff=staff, acting_user=actor, now=applied)
        made += 1
        if decision is None:
            continue
        compliant = decision != ResumptionStatus.REFUSED
        check = inspect_venue(rng, venue, Finding.COMPLIANT if compliant else Finding.RECTIFY,
                              applied + dt.timedelta(hours=1), actor, deadline=timezone.localdate() + dt.timedelta(days=3),
                              no=0 if compliant else 2)
        do_decide_resumption(app, decision=decision, inspection=check, acting_user=actor,
                             conditions={ResumptionStatus.CONDITIONAL: "限流50%，员工每日抗原",
                                         ResumptionStatus.REFUSED: "员工检测台账缺失，消杀记录不全"}.get(decision, ""))
    return made
