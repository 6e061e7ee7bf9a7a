"""Test data for cases and tracing, on the synthetic county of conftest.py."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.models import Division
from fangkong.registry.models import Resident

from ..actions import do_activate_protocol, do_add_contact, do_add_segment, do_open_case, do_save_category
from ..choices import CaseClass, ContactCategory, ProtocolStatus
from ..models import Case, Contact, ProtocolVersion

_serial = itertools.count(1)
NINTH = {ContactCategory.CLOSE: (7, 3, "home_monitoring", "1,2,3,5,7"),
         ContactCategory.SECONDARY: (0, 7, "home_isolation", "1,4,7"),
         ContactCategory.CO_PRESENT: (0, 3, "health_monitoring", "1,3")}
EIGHTH = {ContactCategory.CLOSE: (14, 7, "home_monitoring", "1,4,7,14,21"),
          ContactCategory.SECONDARY: (7, 0, "home_monitoring", "1,7")}


def protocol(code: str = "第九版", look_back: int = 4, categories: dict | None = None) -> ProtocolVersion:
    """A protocol version with its categories (the seeded one of that code, made again if absent)."""
    version, _ = ProtocolVersion.objects.get_or_create(code=code, defaults={
        "title": f"新型冠状病毒肺炎防控方案（{code}）", "look_back_days": look_back})
    if version.status == ProtocolStatus.DRAFT:
        for category, (central, home, kind, tests) in (categories or (NINTH if "九" in code else EIGHTH)).items():
            do_save_category(version, category, central_days=central, home_days=home, home_kind=kind,
                             test_days=tests, acting_user=SYSTEM)
    return version


def activate(code: str = "第九版", **kwargs: Any) -> ProtocolVersion:
    version = protocol(code, **kwargs)
    if version.status != ProtocolStatus.ACTIVE:
        do_activate_protocol(version, acting_user=SYSTEM)
    version.refresh_from_db()
    return version


def resident(grid: Division, n: int = 0) -> Resident:
    return Resident.objects.filter(grid=grid).order_by("id")[n]


def open_case(division: Division, *, user: Any = SYSTEM, onset: dt.date | None = None, **fields: Any) -> Case:
    if ProtocolVersion.in_force() is None:
        activate()
    n = next(_serial)
    return do_open_case(name=fields.pop("name", f"测试病例{n}"), division=division,
                        classification=fields.pop("classification", CaseClass.CONFIRMED),
                        onset_on=onset or timezone.localdate() - dt.timedelta(days=1), acting_user=user, **fields)


def segment(case: Case, *, user: Any = SYSTEM, day: int = 1, start: str = "09:00", end: str = "10:00",
            place: str = "测试超市", **fields: Any):
    return do_add_segment(case.investigation, on=case.look_back_from + dt.timedelta(days=day),
                          start=dt.time.fromisoformat(start), end=dt.time.fromisoformat(end), place=place,
                          acting_user=user, **fields)


def contact(case: Case, *, user: Any = SYSTEM, category: str = ContactCategory.CLOSE, resident_of: Resident | None = None,
            exposed: dt.datetime | None = None, **fields: Any) -> Contact:
    n = next(_serial)
    if resident_of is not None:
        fields.setdefault("name", resident_of.name)
        fields.setdefault("id_number", resident_of.id_number)
        fields.setdefault("phone", resident_of.phone)
    else:
        fields.setdefault("name", f"接触者{n}")
        fields.setdefault("phone", f"139{n:08d}")
    made, _created = do_add_contact(case, category=category, acting_user=user,
                                    last_exposure_at=exposed or timezone.now() - dt.timedelta(days=1), **fields)
    return made
