"""Receivers of other areas' events: a positive offers a case; a positive close contact upgrades
their secondary contacts; control reaching a contact; control asking when a contact was exposed."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db.models import Q
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditSource
from fangkong.core.models import Division
from fangkong.testing.choices import Result

from . import actions
from .actions.investigations import complete_contacts_milestone
from .actions.protocols import CONTROL_TYPES
from .choices import ContactCategory, ContactStatus
from .models import Contact, Investigation

log = logging.getLogger(__name__)
POSITIVE = Result.POSITIVE


def _county(division: Division | None) -> Division | None:
    return division or Division.objects.filter(parent=None).order_by("path").first()


def on_positive_found(sender: Any, id_number: str = "", name: str = "", phone: str = "",
                      sampled_at: dt.datetime | None = None, division: Division | None = None, source: str = "",
                      **kwargs: Any) -> None:
    if not (id_number or phone):
        return
    with audit.audit_context(source=AuditSource.JOB):
        try:
            actions.do_record_positive(id_number=id_number, name=name, phone=phone, sampled_at=sampled_at,
                                       division=_county(division), source=source, acting_user=SYSTEM)
        except Exception:  # the result is committed already; a failure here must not break it
            log.exception("positive %s not recorded for tracing", id_number[-4:])


def on_result_recorded(sender: Any, id_number: str = "", result: str = "", **kwargs: Any) -> None:
    """A close contact turned positive: each secondary contact who met them becomes a close contact."""
    if result != POSITIVE or not id_number:
        return
    secondaries = list(Contact.objects.filter(via__id_number=id_number, category=ContactCategory.SECONDARY)
                       .select_related("via", "case"))
    with audit.audit_context(source=AuditSource.JOB):
        for contact in secondaries:
            actions.do_upgrade_contact(contact, reason=f"所接触的密接{contact.via.name or ''}核酸阳性",
                                       acting_user=SYSTEM)


def _contacts_of(person: Any):
    q = Q()
    if getattr(person, "id_number", None):
        q |= Q(id_number=person.id_number)
    if getattr(person, "phone", None):
        q |= Q(phone=person.phone)
    return Contact.objects.filter(q).exclude(status=ContactStatus.CASE) if q else Contact.objects.none()


def on_person_controlled(sender: Any, person: Any, **kwargs: Any) -> None:
    """落地管控 of a contact: stamped, and the case's 密接管控到位 milestone done once all are."""
    now = timezone.now()
    with audit.audit_context(source=AuditSource.JOB):
        for contact in _contacts_of(person).filter(controlled_at=None).select_related("case"):
            actions.do_mark_contact_controlled(contact, at=now, acting_user=SYSTEM)
            if contact.case_id:
                investigation = Investigation.objects.filter(case_id=contact.case_id).first()
                if investigation is not None:
                    complete_contacts_milestone(investigation, now)


def on_exposure_asked(sender: Any, person: Any, **kwargs: Any) -> dict | None:
    """The person's latest exposure as a contact with a plan, for control's measure."""
    contact = (_contacts_of(person).exclude(plan=None).filter(category__in=list(CONTROL_TYPES))
               .select_related("plan__protocol").order_by("-last_exposure_at", "-id").first())
    if contact is None:
        return None
    return {"exposed_on": contact.plan.exposed_on, "contact_type": str(CONTROL_TYPES[contact.category]),
            "protocol": contact.plan.protocol.code}
