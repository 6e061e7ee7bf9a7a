"""Receivers of other areas' signals: a controlled person starts a measure; a test result
completes a scheduled test (and a positive raises an alert)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource, Module
from fangkong.screening.choices import LeadKind

from . import actions, pending
from .choices import ContactType, MeasureStatus, TestStatus
from .models import Exposure, Measure, ScheduledTest

log = logging.getLogger(__name__)

CONTACT_WORDS = {"close_contact": ContactType.CLOSE_CONTACT, "secondary_contact": ContactType.SECONDARY_CONTACT}


MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
PLACE_RE = re.compile(
    r"^(?P<province>.+?(?:省|自治区|特别行政区))?(?P<city>.+?(?:市|自治州|地区|盟))?"
    r"(?P<county>.+?(?:区|县|旗|市))?(?P<township>.+?(?:镇|乡|街道|苏木))?(?P<community>.*)$"
)


def split_place(text: str) -> dict[str, str]:
    """"河北省石家庄市藁城区增村镇小果庄村" → its five parts (best effort; empty when unsure)."""
    text = re.sub(r"\s", "", text or "")
    m = PLACE_RE.match(text)
    parts = {k: v or "" for k, v in (m.groupdict() if m else {}).items()}
    if not parts.get("province") and parts.get("city") in MUNICIPALITIES:
        parts["province"] = parts["city"]
    return parts


def _first(objs: list[Any], *names: str) -> Any:
    """The first non-empty attribute among objects: read what is there, never fail on what is not."""
    for obj in objs:
        for name in names:
            value = getattr(obj, name, None) if obj is not None else None
            if value not in (None, ""):
                return value
    return None


def _latest_lead(verification: Any) -> Any:
    leads = getattr(verification, "leads", None)
    if leads is None or not hasattr(leads, "order_by"):
        return getattr(verification, "lead", None)
    return leads.order_by("-received_at", "-id").first()


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value if isinstance(value, dt.date) else None


def exposure_fields(verification: Any) -> dict[str, Any]:
    """What the rules look at, from the verification and its latest lead: module as the
    channel, the contact channel as contact type, the lead's origin text split into place
    parts, its arrival as the day of leaving, its kind for "from abroad"."""
    lead = _latest_lead(verification)
    objs = [verification, lead]
    channel = str(_first(objs, "module") or "")
    contact = _first(objs, "contact_type") or CONTACT_WORDS.get(str(_first(objs, "channel") or ""), "")
    place = {f"origin_{k}": v for k, v in split_place(str(_first([lead], "origin") or "")).items()}
    for key in ("origin_province", "origin_city", "origin_county", "origin_township", "origin_community"):
        explicit = _first(objs, key)
        if explicit:
            place[key] = str(explicit)
    fields: dict[str, Any] = {
        "channel": channel if channel in Module.values else "",
        "contact_type": contact if contact in ContactType.values else "",
        **{k: v[:field_length(k)] for k, v in place.items()},
        "left_on": _as_date(_first(objs, "left_on", "arrived_at")),
        "from_abroad": bool(_first(objs, "from_abroad")) or _first(objs, "kind") == LeadKind.FROM_ABROAD,
    }
    vaccinated = _first(objs, "vaccinated")
    if isinstance(vaccinated, bool):
        fields["vaccinated"] = vaccinated
    return fields


def field_length(name: str) -> int:
    return Exposure._meta.get_field(name).max_length


def asked_exposure(person: Any) -> dict | None:
    """The latest exposure another area (tracing) knows for the person, or None."""
    from fangkong.core.signals import exposure_asked

    answers = [a for _r, a in exposure_asked.send(sender=Measure, person=person)
               if isinstance(a, dict) and isinstance(a.get("exposed_on"), dt.date)]
    return max(answers, key=lambda a: a["exposed_on"]) if answers else None


def on_person_controlled(sender: Any, person: Any, measure_kind: str, verification: Any = None,
                         actor: Any = None, **kwargs: Any) -> None:
    on = timezone.localdate()
    fields = exposure_fields(verification)
    answer = asked_exposure(person)
    if answer:
        # A traced contact: the plan counts from the day after the last exposure (never later than today).
        on = min(on, answer["exposed_on"] + dt.timedelta(days=1))
        if answer.get("contact_type") in ContactType.values:
            fields["contact_type"] = answer["contact_type"]
    # The reviewer acted; the measure is started by the platform on their behalf.
    with audit.audit_context(source=AuditSource.JOB):
        try:
            with transaction.atomic():
                exposure = actions.do_record_exposure(person, on=timezone.localdate(), acting_user=SYSTEM, **fields)
                actions.do_start_measure(
                    person, on=on, exposure=exposure, kind=measure_kind, verb="start_measure_on_verify",
                    context={"verified_by": getattr(actor, "username", None), "reviewer_kind": str(measure_kind),
                             "verification": getattr(verification, "pk", None)}, acting_user=SYSTEM)
        except ValidationError as exc:
            log.warning("person %s not started: %s", getattr(person, "pk", None), exc.messages)
        except Exception:
            # The approval is committed already; a failure here must not undo or break it.
            log.exception("person %s not started", getattr(person, "pk", None))


def on_result_recorded(sender: Any, id_number: str = "", sampled_at: dt.datetime | None = None,
                       result: str = "", kind: str = "", **kwargs: Any) -> None:
    """Complete the scheduled test due on the sampling day (or the earliest overdue one)."""
    if not id_number or result not in TestStatus.values:
        return
    if result != TestStatus.POSITIVE and not pending.has_pending(id_number):
        return
    sampled_at = sampled_at or timezone.now()
    day = timezone.localdate(sampled_at) if timezone.is_aware(sampled_at) else sampled_at.date()
    due = ScheduledTest.objects.filter(
        person__id_number=id_number, status=TestStatus.PENDING, measure__status=MeasureStatus.ACTIVE, due_on__lte=day,
    ).select_related("measure", "measure__person", "measure__responsible")
    test = due.filter(due_on=day).first() or due.order_by("due_on").first()
    with audit.audit_context(source=AuditSource.JOB):
        if test is not None:
            actions.do_record_test_result(test, result=result, sampled_at=sampled_at, acting_user=SYSTEM)
        elif result == TestStatus.POSITIVE:
            measure = Measure.objects.filter(person__id_number=id_number, status=MeasureStatus.ACTIVE).first()
            if measure is not None:
                actions.alert_positive(measure)
