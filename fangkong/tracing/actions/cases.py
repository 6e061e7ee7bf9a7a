"""Actions on cases: a positive waiting for a case, opening a case (and its investigation),
reclassifying it, its hospital and outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE

from .. import plans
from ..choices import CaseClass, ContactStatus
from ..models import Case, CaseClassification, Contact, Investigation, Milestone, PositiveFinding
from .protocols import in_force

ALERT_ROLES = (Role.CDC, Role.COMMAND_CENTER)


def _user(acting_user: Any) -> Any:
    return None if is_system(acting_user) else acting_user


def alert_recipients() -> list[User]:
    return list(User.objects.filter(roles__role__in=ALERT_ROLES, is_active=True).distinct().order_by("id"))


@action
def do_record_positive(*, id_number: str, name: str = "", phone: str = "", sampled_at: dt.datetime | None = None,
                       division: Division, source: str = "", acting_user: Any) -> PositiveFinding:
    """阳性待立案: kept until a case is opened for it, and offered at once to the CDC and the
    command centre ("立案" in the message opens the case form filled from the result)."""
    require(acting_user, PositiveFinding, ADD)
    finding, created = PositiveFinding.objects.get_or_create(
        id_number=id_number, sampled_at=sampled_at,
        defaults={"name": name, "phone": phone, "division": division, "source": source[:128]})
    if created:
        audit.record(AuditAction.CREATE, finding, verb="record_positive",
                     changes=audit.diff({}, audit.snapshot(finding)))
        notify(alert_recipients(), "alert", _("阳性待立案：%(who)s") % {"who": name or id_number[-4:]},
               _("%(source)s，请立即立案并启动流调") % {"source": source or _("核酸检测阳性")},
               url=reverse("tracing:case_open") + f"?finding={finding.pk}")
    return finding


def next_code(at: dt.datetime) -> str:
    day = timezone.localdate(at)
    prefix = f"BL{day:%Y%m%d}"
    last = Case.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    n = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{n:03d}"


@action
def do_open_case(*, name: str, division: Division, classification: str, reported_at: dt.datetime | None = None,
                 onset_on: dt.date | None = None, sampled_on: dt.date | None = None,
                 finding: PositiveFinding | None = None, acting_user: Any, **fields: Any) -> Case:
    """立案: the case, its first classification and its investigation with the milestone
    deadlines of the protocol in force, counted from the report time."""
    protocol = in_force()
    reported_at = (reported_at or timezone.now()).astimezone(dt.UTC)  # as the database gives it back
    if finding is not None:
        require(acting_user, finding, CHANGE)
        if finding.case_id:
            raise ValidationError(_("该阳性结果已立案（%(code)s）") % {"code": finding.case.code})
        sampled_on = sampled_on or (timezone.localdate(finding.sampled_at) if finding.sampled_at else None)
    index_date = onset_on or sampled_on
    if index_date is None:
        raise ValidationError(_("请填写发病日期或阳性采样日期，以确定追溯期"))
    case = Case(name=name, division=division, classification=classification, reported_at=reported_at,
                onset_on=onset_on, sampled_on=sampled_on, protocol=protocol, code=next_code(reported_at),
                look_back_from=plans.look_back_from(protocol, index_date), created_by=_user(acting_user), **fields)
    case.full_clean()
    case.save()
    require(acting_user, case, ADD)
    audit.record(AuditAction.CREATE, case, verb="open_case", changes=audit.diff({}, audit.snapshot(case)))
    CaseClassification.objects.create(case=case, classification=classification, at=reported_at,
                                      note=_("立案"), by=_user(acting_user))
    investigation = Investigation.objects.create(case=case, opened_at=timezone.now(), investigator=_user(acting_user))
    Milestone.objects.bulk_create([
        Milestone(investigation=investigation, kind=kind, due_at=reported_at + dt.timedelta(hours=hours),
                  protocol=protocol)
        for kind, hours in protocol.milestone_hours().items()])
    if finding is not None:
        finding.case = case
        finding.save(update_fields=["case"])
    if case.id_number:  # a contact who turned positive
        Contact.objects.filter(id_number=case.id_number).exclude(status=ContactStatus.CASE).update(
            status=ContactStatus.CASE)
    return case


@action
def do_classify_case(case: Case, *, classification: str, note: str = "", acting_user: Any) -> Case:
    """订正: a new classification, kept in the case's history."""
    require(acting_user, case, CHANGE)
    if classification not in CaseClass.values:
        raise ValidationError(_("病例分类不正确"))
    if classification == case.classification:
        raise ValidationError(_("分类没有变化"))
    previous = case.classification
    CaseClassification.objects.create(case=case, classification=classification, previous=previous,
                                      at=timezone.now(), note=note[:255], by=_user(acting_user))
    case.classification = classification
    case.save(update_fields=["classification"])
    audit.record(AuditAction.UPDATE, case, verb="classify_case", changes={"classification": [previous, classification]})
    return case


@action
def do_update_case(case: Case, *, acting_user: Any, **fields: Any) -> Case:
    """Hospital, outcome and the other facts that do not change the dates."""
    require(acting_user, case, CHANGE)
    allowed = {"hospital", "outcome", "address", "employer", "phone", "sex", "age", "found_note"}
    before = audit.snapshot(case)
    for key, value in fields.items():
        if key not in allowed:
            raise ValidationError(_("不能在此修改“%(field)s”") % {"field": key})
        setattr(case, key, value)
    case.full_clean()
    case.save()
    audit.record(AuditAction.UPDATE, case, verb="update_case", changes=audit.diff(before, audit.snapshot(case)))
    return case
