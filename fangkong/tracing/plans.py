"""Dates under a protocol version: the look-back of a case, the plan of a contact.

Day 1 of a contact's plan is the day after their last exposure (隔离期自末次暴露后计算);
`ends_on` is the first day free, as control's measures count it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import ProtocolCategory, ProtocolVersion

DAY = dt.timedelta(days=1)


def look_back_from(protocol: ProtocolVersion, index_date: dt.date) -> dt.date:
    """The first day of the itinerary: onset (or sampling) minus the version's look-back."""
    return index_date - dt.timedelta(days=protocol.look_back_days)


@dataclass(frozen=True)
class PlanDates:
    exposed_on: dt.date
    plan_start_on: dt.date
    central_until: dt.date | None
    ends_on: dt.date
    test_dates: list[tuple[int, dt.date]]
    described: str


def plan_dates(category: ProtocolCategory | None, exposed_on: dt.date) -> PlanDates:
    """The measure and test dates a contact category gets, counted from the exposure."""
    start = exposed_on + DAY
    if category is None or not category.total_days:
        return PlanDates(exposed_on, start, None, start, [], _("无需管控，做好健康监测"))
    central = start + dt.timedelta(days=category.central_days) if category.central_days else None
    ends = start + dt.timedelta(days=category.total_days)
    tests = [(d, start + dt.timedelta(days=d - 1)) for d in category.test_day_list]
    return PlanDates(exposed_on, start, central, ends, tests, category.describe())
