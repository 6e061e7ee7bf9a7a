"""Bounds of what a person or a connected system may report: arrival dates in a sensible window
and text no longer than its column (refused with a reason, never cut silently)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The first cases were reported in December 2019; nothing arrived before that is a lead.
EARLIEST_ARRIVAL = dt.date(2019, 12, 1)
ADDRESS_MAX = 255  # Lead.address, Lead.origin
NOTE_MAX = 2000


def arrival_window() -> tuple[dt.date, dt.date]:
    """The days an arrival may fall on: 2019-12-01 to tomorrow (a report made before the trip ends)."""
    return EARLIEST_ARRIVAL, timezone.localdate() + dt.timedelta(days=1)


def check_arrival(value: dt.date | dt.datetime | None) -> None:
    """Raise a Chinese ValidationError for an arrival outside `arrival_window` (year 0001, 0279, 2099…)."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    first, last = arrival_window()
    if not first <= day <= last:
        raise ValidationError(_("到达时间应在%(first)s至%(last)s之间") % {
            "first": first.isoformat(), "last": last.isoformat()}, code="arrival_window")
