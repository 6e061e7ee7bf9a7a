"""复工复产 actions: an application with its staff list, and the decision after the regulator's
on-site inspection with the sector's checklist. An approved business's staff join the key group
"复工复产企业职工" in testing (through `core.signals.staff_listed`), and the business is due for
inspection again every N days (`resumption_due`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction, DivisionLevel
from fangkong.core.identity import InvalidValue, clean_id_number, clean_phone
from fangkong.core.models import Division
from fangkong.core.scoping import ADD, CHANGE
from fangkong.core.signals import staff_listed

from .actions import _order_in_force, do_reopen_venue
from .choices import DECISIONS, Finding, ResumptionStatus, VenueStatus
from .models import Inspection, ResumptionApplication, ResumptionStaff, Venue

STAFF_GROUP = "复工复产企业职工"
RESUMED = (ResumptionStatus.APPROVED, ResumptionStatus.CONDITIONAL)
MAX_STAFF = 5000


def clean_staff(rows: list[dict[str, Any]]) -> list[ResumptionStaff]:
    """The staff list as rows; every bad row named by its number in the list, in Chinese."""
    if not rows:
        raise ValidationError({"staff": _("请填写复工人员名单")})
    if len(rows) > MAX_STAFF:
        raise ValidationError({"staff": _("复工人员名单最多%(n)d人") % {"n": MAX_STAFF}})
    out, seen, errors = [], set(), []
    for k, row in enumerate(rows, start=1):
        name = str(row.get("name") or "").strip()
        try:
            number = clean_id_number(str(row.get("id_number") or ""))
            phone = clean_phone(str(row.get("phone") or "")) if row.get("phone") else ""
        except InvalidValue as exc:
            errors.append(_("第%(k)d人：%(e)s") % {"k": k, "e": exc})
            continue
        if not name:
            errors.append(_("第%(k)d人：缺少姓名") % {"k": k})
        elif number in seen:
            errors.append(_("第%(k)d人：身份证号与前面重复") % {"k": k})
        else:
            seen.add(number)
            out.append(ResumptionStaff(name=name[:40], id_number=number, phone=phone,
                                       whereabouts=str(row.get("whereabouts") or "").strip()[:255],
                                       closed_loop=bool(row.get("closed_loop"))))
    if errors:
        raise ValidationError({"staff": errors[:20]})
    return out


@action
def do_apply_resumption(venue: Venue, *, applicant_name: str, plan: str, staff: list[dict[str, Any]],
                        applicant_phone: str = "", closed_loop: str = "", every_days: int = 7, acting_user: Any,
                        now: dt.datetime | None = None) -> ResumptionApplication:
    """A business's application to resume, with its prevention plan and staff list."""
    require(acting_user, venue, "view")
    if not plan.strip():
        raise ValidationError({"plan": _("请填写防控方案")})
    if not applicant_name.strip():
        raise ValidationError({"applicant_name": _("请填写申请人")})
    if ResumptionApplication.objects.filter(venue=venue, status=ResumptionStatus.APPLIED).exists():
        raise ValidationError(_("该单位已有待验收的复工申请"))
    rows = clean_staff(staff)
    try:
        phone = clean_phone(applicant_phone) if applicant_phone else ""
    except InvalidValue as exc:
        raise ValidationError({"applicant_phone": str(exc)}) from exc
    app = ResumptionApplication(venue=venue, applicant_name=applicant_name.strip(), applicant_phone=phone,
                                plan=plan.strip(), closed_loop=closed_loop.strip(), every_days=every_days,
                                applied_at=now or timezone.now(),
                                created_by=None if is_system(acting_user) else acting_user)
    app.full_clean()
    app.save()
    require(acting_user, app, ADD)
    for row in rows:
        row.application = app
    ResumptionStaff.objects.bulk_create(rows)
    audit.record(AuditAction.CREATE, app, verb="apply_resumption", changes=audit.diff({}, audit.snapshot(app)))
    audit.record_many(AuditAction.CREATE, rows, verb="apply_resumption",
                      changes_of=lambda row: audit.diff({}, audit.snapshot(row)))
    return app


def _county_of(venue: Venue) -> Division:
    path = venue.grid.path
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    return next((c for c in counties if path.startswith(c.path)), venue.grid)


@action
def do_decide_resumption(app: ResumptionApplication, *, decision: str, conditions: str = "",
                         inspection: Inspection | None = None, acting_user: Any,
                         now: dt.datetime | None = None) -> ResumptionApplication:
    """准予 / 有条件 / 不予复工, after an on-site inspection of the venue since it applied (the
    given one, else the latest); approval needs that inspection compliant and no closing order."""
    require(acting_user, app, CHANGE)
    if app.status != ResumptionStatus.APPLIED:
        raise ValidationError(_("该申请已验收（%(s)s）") % {"s": app.get_status_display()})
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("请选择验收结论")})
    venue = app.venue
    since = Inspection.objects.filter(venue=venue, inspected_at__gte=app.applied_at).order_by("-inspected_at", "-id")
    if inspection is None:
        inspection = since.first()
    elif not since.filter(pk=inspection.pk).exists():
        raise ValidationError({"inspection": _("验收检查须为该单位申请后的现场检查")})
    if inspection is None:
        raise ValidationError(_("请先到现场按该行业检查表检查，再作验收结论"))
    conditions = conditions.strip()
    if decision in RESUMED:
        if inspection.finding != Finding.COMPLIANT:
            raise ValidationError(_("现场检查结论为“%(f)s”，不能准予复工") % {"f": inspection.get_finding_display()})
        order = _order_in_force(venue)
        if order is not None and venue.status == VenueStatus.CLOSED:
            raise ValidationError(_("%(sector)s关停令（%(division)s）生效中，不能准予复工")
                                  % {"sector": order.sector.name, "division": order.division.name})
    if decision != ResumptionStatus.APPROVED and not conditions:
        raise ValidationError({"conditions": _("有条件复工须写明条件，不予复工须写明理由")})
    before = audit.snapshot(app)
    app.status, app.conditions, app.inspection = decision, conditions, inspection
    app.decided_by = None if is_system(acting_user) else acting_user
    app.decided_at = now or timezone.now()
    app.save()
    audit.record(AuditAction.UPDATE, app, verb="decide_resumption", changes=audit.diff(before, audit.snapshot(app)))
    if decision in RESUMED:
        if venue.status == VenueStatus.SUSPENDED:
            do_reopen_venue(venue, acting_user=acting_user)
        members = list(app.staff.values("name", "id_number", "phone"))
        county = _county_of(venue)
        transaction.on_commit(lambda: staff_listed.send(
            sender=ResumptionApplication, group_name=STAFF_GROUP, employer=venue.name, division=county,
            members=members))
    return app


def resumption_due(qs: QuerySet[ResumptionApplication], today: dt.date) -> QuerySet[ResumptionApplication]:
    """Resumed businesses due for their periodic inspection on `today`: the last inspection of the
    venue is `every_days` days old or more. (Hundreds of businesses a county: compared in Python,
    the same on every database.)"""
    rows = qs.filter(status__in=RESUMED).annotate(last=Max("venue__inspections__inspected_at")).values_list(
        "pk", "last", "every_days")
    due = [pk for pk, last, every in rows
           if last is None or timezone.localdate(last) + dt.timedelta(days=every) <= today]
    return qs.filter(pk__in=due)
