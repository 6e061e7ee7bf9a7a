"""What the control actions share: the acting user as a stored user, dates, links, alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from fangkong.core.actions import is_system
from fangkong.core.choices import MeasureKind
from fangkong.core.models import User
from fangkong.core.pii import mask_name

from ..alerts import raise_alert
from ..choices import MeasureStatus, TestStatus
from ..models import Measure, Room

# Used only when no rule of the policy in force matches: the reviewer's measure kind for
# this many days, tested on the first and the last day.
FALLBACK_DAYS = 7
HOME_KINDS = (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING, MeasureKind.HEALTH_MONITORING)


def stored_user(acting_user: Any) -> User | None:
    """The user to store in a "by" column (released_by, recorded_by …); None for SYSTEM."""
    return None if is_system(acting_user) else acting_user


def today_or(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def measure_url(measure: Measure) -> str:
    return reverse("control:measure", args=[measure.pk])


def alert_positive(measure: Measure) -> None:
    """Raise the positive-result alert once the transaction commits."""
    transaction.on_commit(lambda: raise_alert(
        f"管控人员核酸阳性:{mask_name(measure.person.name)}", f"{measure.get_kind_display()},请立即处置",
        measure_url(measure), extra=[measure.responsible]))


def missing_for_release(measure: Measure, on: dt.date | None = None) -> list[str]:
    """What stops a release, in Chinese; empty when every scheduled test is negative."""
    on = today_or(on)
    missing = []
    if on < measure.ends_on:
        missing.append(gettext("管控期未满:解除日期为%(date)s") % {"date": f"{measure.ends_on:%Y-%m-%d}"})
    for t in measure.tests.order_by("day"):
        test = {"day": t.day, "kind": t.get_kind_display(), "date": f"{t.due_on:%Y-%m-%d}"}
        if t.status == TestStatus.PENDING:
            missing.append(gettext("第%(day)s天%(kind)s(应检日期%(date)s)尚无结果") % test if t.due_on <= on
                           else gettext("第%(day)s天%(kind)s(应检日期%(date)s)未到检测日") % test)
        elif t.status == TestStatus.POSITIVE:
            missing.append(gettext("第%(day)s天%(kind)s(应检日期%(date)s)结果为阳性") % test)
        elif t.status == TestStatus.INVALID:
            missing.append(gettext("第%(day)s天%(kind)s(应检日期%(date)s)结果无效,需重新检测") % test)
    return missing


def room_occupants(room: Room) -> int:
    """Persons in `room` now: under an active measure there, until released."""
    return Measure.objects.filter(room=room, status=MeasureStatus.ACTIVE).count()
