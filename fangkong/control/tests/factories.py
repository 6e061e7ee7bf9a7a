"""Test data for the control area, built on the synthetic county of conftest.py."""

from __future__ import annotations

import datetime as dt
import itertools

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind, Module
from fangkong.registry.models import Resident
from fangkong.screening.models import Person

from ..actions import do_record_exposure, do_start_measure
from ..choices import ContactType, OriginLevel, PolicyStatus
from ..models import PolicyVersion, QuarantineSite, RiskArea, Room, Rule, RuleStep

D = dt.date
_numbers = itertools.count(1)


def person(n: int | None = None, resident: Resident | None = None) -> Person:
    """A person at risk made from a resident (by default the next one) of the registry,
    managed at their grid."""
    r = resident or Resident.objects.order_by("id")[next(_numbers) if n is None else n]
    p, _ = Person.objects.get_or_create(id_number=r.id_number, defaults={
        "name": r.name, "phone": r.phone, "address": r.address, "resident": r, "division": r.grid})
    return p


def rule(version: PolicyVersion, name: str, steps: list[tuple[str, int]], test_days: str = "", priority: int = 10,
         **conditions) -> Rule:
    r = Rule.objects.create(version=version, name=name, priority=priority, test_days=test_days, **conditions)
    RuleStep.objects.bulk_create([RuleStep(rule=r, order=i + 1, kind=k, days=d) for i, (k, d) in enumerate(steps)])
    return r


def standard_policy(number: int = 1, status: str = PolicyStatus.PUBLISHED) -> PolicyVersion:
    """Close contacts 7+3 with 1,2,3,5,7; medium-risk origin within 7 days 7 days home isolation;
    low-risk 3 days monitoring with 2 tests; anyone else from abroad 7 days central quarantine."""
    v = PolicyVersion.objects.create(number=number, title="第九版防控方案", status=status)
    rule(v, "密接", [(MeasureKind.CENTRAL_QUARANTINE, 7), (MeasureKind.HOME_MONITORING, 3)], "1,2,3,5,7",
         priority=1, contact_type=ContactType.CLOSE_CONTACT)
    rule(v, "高风险区", [(MeasureKind.CENTRAL_QUARANTINE, 7)], "1,2,3,5,7", priority=2,
         origin_level=OriginLevel.HIGH, max_days_since_leaving=7)
    rule(v, "中风险区", [(MeasureKind.HOME_ISOLATION, 7)], "1,3,5,7", priority=3,
         origin_level=OriginLevel.MEDIUM, max_days_since_leaving=7)
    rule(v, "低风险区", [(MeasureKind.HEALTH_MONITORING, 3)], "1,3", priority=4,
         origin_level=OriginLevel.LOW, max_days_since_leaving=3)
    rule(v, "境外返回", [(MeasureKind.CENTRAL_QUARANTINE, 7), (MeasureKind.HOME_MONITORING, 3)], "1,3,7,10",
         priority=5, from_abroad="yes")
    return v


def area(level: str, effective_from: dt.date, lifted_on: dt.date | None = None, **names) -> RiskArea:
    names = {"province": "河北省", "city": "石家庄市", "county": "藁城区", **names}
    return RiskArea.objects.create(level=level, effective_from=effective_from, lifted_on=lifted_on, **names)


def exposure_from(p: Person, on: dt.date, left_on: dt.date | None = None, **fields):
    """An exposure recorded by the platform (as the reviewer's approval does)."""
    origin = {"origin_province": "河北省", "origin_city": "石家庄市", "origin_county": "藁城区",
              "origin_township": "增村镇", "channel": Module.BIG_DATA} if left_on else {}
    return do_record_exposure(p, on=on, left_on=left_on, acting_user=SYSTEM, **{**origin, **fields})


def start(p: Person, on: dt.date, left_on: dt.date | None = None, **fields):
    """A measure started by the platform, as after a reviewer's approval."""
    kind = fields.pop("kind", None)
    site = fields.pop("site", None)
    return do_start_measure(p, on=on, exposure=exposure_from(p, on, left_on, **fields), kind=kind, site=site,
                            acting_user=SYSTEM)


def site(name: str = "县宾馆隔离点", rooms: int = 10, beds: int = 1) -> QuarantineSite:
    from fangkong.core.models import Division

    s = QuarantineSite.objects.create(name=name, division=Division.objects.get(level="county"))
    Room.objects.bulk_create([Room(site=s, number=str(100 + i), beds=beds) for i in range(1, rooms + 1)])
    return s
