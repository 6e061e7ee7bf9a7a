"""通知全覆盖: who a notice goes to (resolved when it is sent, inside its area), phone numbers in
one form, and the sending itself (the background job's body, through the pluggable SMS gateway)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.core.scoping import in_subtree
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident

from .choices import AwayStatus, NoticeAudience
from .models import MemberAnswer, PersonAway, Sweep
from .models.away import NO_RISK

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# 外出人员 away from a risk area: their place's level as refreshed from control's lists.
VILLAGE_LEVELS = (DivisionLevel.VILLAGE,)


def normalise_phone(raw: str) -> str:
    """A mainland mobile number as 11 digits, or "" when it is not one (a landline, a typo)."""
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE.match(digits) else ""


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str
    raw_phone: str
    grid_id: int | None

    @property
    def phone(self) -> str:
        return normalise_phone(self.raw_phone)


def recipients(audience: str, division: Division, sweep: Sweep | None = None) -> Iterator[Recipient]:
    """The people of `audience` inside `division`'s subtree, one per person, as of now."""
    if audience == NoticeAudience.AWAY_IN_RISK:
        qs = (
            in_subtree(PersonAway.objects.all(), "grid", division)
            .filter(status=AwayStatus.AWAY)
            .exclude(risk_level=NO_RISK)
            .order_by("id")
        )
        for p in qs.values_list("id", "name", "phone", "grid_id").iterator():
            yield Recipient(f"away:{p[0]}", p[1], p[2], p[3])
    elif audience == NoticeAudience.SWEEP_RISK:
        if sweep is None:
            return
        qs = in_subtree(MemberAnswer.objects.filter(visit__sweep=sweep, risk=True), "visit__grid", division)
        for a in (
            qs.order_by("id")
            .values_list("id", "name", "phone", "resident__phone", "visit__grid_id")
            .iterator()
        ):
            yield Recipient(f"answer:{a[0]}", a[1], a[2] or a[3] or "", a[4])
    elif audience == NoticeAudience.RESIDENTS:
        qs = (
            in_subtree(Resident.objects.all(), "grid", division)
            .filter(status__in=(ResidentStatus.PRESENT, ResidentStatus.AWAY))
            .exclude(Q(phone="") | Q(phone__isnull=True))
        )
        for r in qs.order_by("id").values_list("id", "name", "phone", "grid_id").iterator():
            yield Recipient(f"resident:{r[0]}", r[1], r[2], r[3])


def audience_problem(audience: str, division: Division, sweep: Sweep | None) -> str:
    """Why the audience cannot be sent to in this area, in Chinese; "" when it can."""
    if audience not in NoticeAudience.values:
        return _("请选择通知对象")
    if audience == NoticeAudience.SWEEP_RISK and sweep is None:
        return _("请选择排摸")
    if audience == NoticeAudience.RESIDENTS and division.level not in VILLAGE_LEVELS:
        return _("通知村/社区居民时，通知范围须为一个村（社区）")
    return ""
