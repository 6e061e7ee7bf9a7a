"""Actions on contacts: judging a contact (their plan under the protocol, their lead in
screening's intake), the secondary → close upgrade, and control reaching them."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import SYSTEM, action, require
from fangkong.core.choices import AuditAction
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.core.models import Batch, Division
from fangkong.core.scoping import ADD, CHANGE
from fangkong.screening.actions import do_submit_lead
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput

from .. import plans
from ..choices import ContactCategory, ContactSource, ContactStatus, EvidenceSource
from ..models import Case, Contact, ContactPlan, ProtocolVersion, Segment
from .protocols import in_force

CHANNELS = {ContactCategory.CLOSE: Channel.CLOSE_CONTACT, ContactCategory.SECONDARY: Channel.SECONDARY_CONTACT,
            ContactCategory.CO_PRESENT: Channel.CO_PRESENCE}  # 一般接触者: health advice, no lead


def contact_key(case_id: int | None, origin: str, id_number: str, phone: str, name: str) -> str:
    """The same person for the same case (or the same list of another region) is one contact."""
    raw = f"{case_id or ''}|{'' if case_id else origin}|{id_number}|{'' if id_number else phone}|{name}"
    return hashlib.sha1(raw.encode()).hexdigest()


def clean_identity(name: str, id_number: str, phone: str) -> tuple[str, str, str]:
    reasons, out = [], []
    for fn, value in ((clean_name, name), (clean_id_number, id_number), (clean_phone, phone)):
        try:
            out.append(fn(value) if value not in (None, "") else "")
        except InvalidValue as exc:
            reasons.append(str(exc))
            out.append("")
    if not reasons and not out[1] and not out[2]:
        reasons.append(_("身份证号和手机号至少填写一项"))
    if reasons:
        raise ValidationError("；".join(reasons))
    return out[0], out[1], out[2]


def compute_plan(contact: Contact, protocol: ProtocolVersion) -> ContactPlan:
    """The contact's measure and test dates under `protocol`, kept with it; becomes the current plan."""
    exposed_on = timezone.localdate(contact.last_exposure_at)
    dates = plans.plan_dates(protocol.category(contact.category), exposed_on)
    plan = ContactPlan.objects.create(
        contact=contact, protocol=protocol, category=contact.category, exposed_on=exposed_on,
        plan_start_on=dates.plan_start_on, central_until=dates.central_until, ends_on=dates.ends_on,
        test_dates=[[d, due.isoformat()] for d, due in dates.test_dates], described=dates.described[:255])
    contact.plan = plan
    contact.save(update_fields=["plan"])
    return plan


def push_lead(contact: Contact) -> int | None:
    """The contact's lead through screening's intake (merged into persons, routed, on deadlines)."""
    channel = CHANNELS.get(contact.category)
    if channel is None:
        return None
    case = contact.case
    note = _("%(category)s，末次接触 %(at)s，地点：%(place)s；关联病例 %(case)s；%(plan)s") % {
        "category": contact.get_category_display(), "at": timezone.localtime(contact.last_exposure_at)
        .strftime("%Y-%m-%d %H:%M"), "place": contact.place or "-", "case": case.code if case else contact.origin,
        "plan": contact.plan.described if contact.plan else ""}
    item = LeadInput(name=contact.name, id_number=contact.id_number, phone=contact.phone, address=contact.address,
                     origin=contact.origin, source=_("流调判定"), note=note,
                     pushed_at=contact.upgraded_at or contact.created_at)
    lead, _created = do_submit_lead(item, channel=channel, acting_user=SYSTEM)
    contact.lead_id = lead.pk if lead else None
    if contact.status == ContactStatus.IDENTIFIED:
        contact.status = ContactStatus.PUSHED
    contact.save(update_fields=["lead_id", "status"])
    return contact.lead_id


@action
def do_add_contact(case: Case | None, *, category: str, last_exposure_at: dt.datetime, name: str = "",
                   id_number: str = "", phone: str = "", address: str = "", place: str = "",
                   segment: Segment | None = None, evidence: str = EvidenceSource.SELF, via: Contact | None = None,
                   source: str = ContactSource.INVESTIGATION, origin: str = "", division: Division | None = None,
                   batch: Batch | None = None, row_number: int | None = None, acting_user: Any) -> tuple[Contact, bool]:
    """判定接触者: stored with its plan under the protocol in force and pushed as a lead.
    Returns (contact, created); the same person for the same case again adds nothing."""
    require(acting_user, case if case is not None else Contact, CHANGE if case is not None else ADD)
    protocol = in_force()
    name, id_number, phone = clean_identity(name, id_number, phone)
    if category not in ContactCategory.values:
        raise ValidationError(_("人员类别不正确"))
    if last_exposure_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("末次接触时间不能晚于现在"))
    if segment is not None and (case is None or segment.investigation.case_id != case.pk):
        raise ValidationError(_("轨迹不属于该病例"))
    key = contact_key(case.pk if case else None, origin, id_number, phone, name)
    existing = Contact.objects.filter(dedup_key=key).first()
    if existing is not None:
        return existing, False
    division = case.division if case is not None else division
    if division is None:
        raise ValidationError(_("请指定接触者的所属区划"))
    contact = Contact(case=case, division=division, category=category, name=name, id_number=id_number, phone=phone,
                      address=address, place=place or (segment.place if segment else ""), segment=segment,
                      last_exposure_at=last_exposure_at, evidence=evidence, via=via, source=source, origin=origin,
                      batch=batch, row_number=row_number, dedup_key=key)
    contact.full_clean(exclude=["plan"])
    contact.save()
    require(acting_user, contact, ADD)
    plan = compute_plan(contact, protocol)
    audit.record(AuditAction.CREATE, contact, verb="add_contact", changes={
        **audit.diff({}, audit.snapshot(contact)), "plan": [None, f"{plan.protocol.code} {plan.described}"]})
    push_lead(contact)
    return contact, True


@action
def do_upgrade_contact(contact: Contact, *, reason: str = "", acting_user: Any) -> Contact:
    """次密接 → 密接 (their close contact turned positive): a new plan under the protocol in force,
    the old plan kept with its version, and a close-contact lead."""
    require(acting_user, contact, CHANGE)
    if contact.category != ContactCategory.SECONDARY:
        raise ValidationError(_("只有次密接可以升级为密接"))
    protocol = in_force()
    before = contact.plan
    contact.category, contact.upgraded_at, contact.status = ContactCategory.CLOSE, timezone.now(), ContactStatus.UPGRADED
    contact.save(update_fields=["category", "upgraded_at", "status"])
    plan = compute_plan(contact, protocol)
    audit.record(AuditAction.UPDATE, contact, verb="upgrade_contact", changes={
        "category": [ContactCategory.SECONDARY, ContactCategory.CLOSE], "reason": [None, reason],
        "plan": [f"{before.protocol.code} {before.described}" if before else None,
                 f"{plan.protocol.code} {plan.described}"]})
    push_lead(contact)
    return contact


@action
def do_mark_contact_controlled(contact: Contact, *, at: dt.datetime | None = None, acting_user: Any) -> Contact:
    """Control reached the contact (their verification was approved as controlled)."""
    require(acting_user, contact, CHANGE)
    if contact.controlled_at is None:
        contact.controlled_at = at or timezone.now()
        contact.status = ContactStatus.CONTROLLED
        contact.save(update_fields=["controlled_at", "status"])
        audit.record(AuditAction.UPDATE, contact, verb="contact_controlled",
                     changes={"controlled_at": [None, contact.controlled_at.isoformat()]})
    return contact
