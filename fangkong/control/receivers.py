"""Receivers of other areas' signals: a controlled person starts a measure; a test result
completes a scheduled test (and a positive raises an alert)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import actions
from .choices import ContactType, MeasureStatus, TestStatus
from .models import Measure, ScheduledTest

log = logging.getLogger(__name__)

CONTACT_WORDS = {"close_contact": ContactType.CLOSE_CONTACT, "secondary_contact": ContactType.SECONDARY_CONTACT}


def _first(objs: list[Any], *names: str) -> Any:
    """The first non-empty attribute among objects: the screening models are still growing,
    so read what is there and never fail on what is not."""
    for obj in objs:
        for name in names:
            value = getattr(obj, name, None) if obj is not None else None
            if value not in (None, ""):
                return value
    return None


def exposure_fields(verification: Any) -> dict[str, Any]:
    lead = getattr(verification, "lead", None)
    objs = [verification, lead]
    channel = _first(objs, "channel", "module")
    contact = _first(objs, "contact_type")
    if contact is None and channel in CONTACT_WORDS:
        contact = CONTACT_WORDS[channel]
    left = _first(objs, "left_on", "left_at", "departed_on")
    if isinstance(left, dt.datetime):
        left = timezone.localdate(left) if timezone.is_aware(left) else left.date()
    fields: dict[str, Any] = {
        "channel": str(channel or "")[:32], "contact_type": str(contact or "")[:32],
        "origin_province": str(_first(objs, "origin_province") or ""),
        "origin_city": str(_first(objs, "origin_city") or ""),
        "origin_county": str(_first(objs, "origin_county") or ""),
        "origin_township": str(_first(objs, "origin_township") or ""),
        "origin_community": str(_first(objs, "origin_community") or ""),
        "left_on": left if isinstance(left, dt.date) else None,
        "from_abroad": bool(_first(objs, "from_abroad")) or channel == "from_abroad",
    }
    vaccinated = _first(objs, "vaccinated")
    if isinstance(vaccinated, bool):
        fields["vaccinated"] = vaccinated
    from fangkong.core.choices import Module

    if fields["channel"] not in Module.values:
        fields["channel"] = ""
    if fields["contact_type"] not in ContactType.values:
        fields["contact_type"] = ""
    return fields


def on_person_controlled(sender: Any, person: Any, measure_kind: str, verification: Any = None,
                         actor: Any = None, **kwargs: Any) -> None:
    on = timezone.localdate()
    # The reviewer acted; the measure is started by the platform on their behalf.
    with actions.system_context():
        try:
            with transaction.atomic():
                exposure = actions.save_exposure(person, on, **exposure_fields(verification))
                actions.do_start_measure(person, on=on, exposure=exposure, kind=measure_kind,
                                         verb="start_measure_on_verify")
        except ValidationError as exc:
            log.warning("person %s not started: %s", getattr(person, "pk", None), exc.messages)


def on_result_recorded(sender: Any, id_number: str = "", sampled_at: dt.datetime | None = None,
                       result: str = "", kind: str = "", **kwargs: Any) -> None:
    """Complete the scheduled test due on the sampling day (or the earliest overdue one)."""
    if not id_number or result not in TestStatus.values:
        return
    sampled_at = sampled_at or timezone.now()
    day = timezone.localdate(sampled_at) if timezone.is_aware(sampled_at) else sampled_at.date()
    pending = ScheduledTest.objects.filter(
        person__id_number=id_number, status=TestStatus.PENDING, measure__status=MeasureStatus.ACTIVE, due_on__lte=day,
    ).select_related("measure", "measure__person", "measure__responsible")
    test = pending.filter(due_on=day).first() or pending.order_by("due_on").first()
    with actions.system_context():
        if test is not None:
            actions.do_record_test_result(test, result=result, sampled_at=sampled_at)
        elif result == TestStatus.POSITIVE:
            measure = Measure.objects.filter(person__id_number=id_number, status=MeasureStatus.ACTIVE).first()
            if measure is not None:
                actions.alert_positive(measure)
