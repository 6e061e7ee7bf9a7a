"""返县报备: filing an advance report (public page, liaison, employer import), its receipt from
control's policy in force, confirming the arrival, and the arrival-day check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.control.advice import Facts, advise
from fangkong.control.choices import OriginLevel
from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.models import Division
from fangkong.core.notify import notify, resolve
from fangkong.core.scoping import ADD, CHANGE

from ..away import new_code, responsible
from ..choices import AwayStatus, AwayTaskKind, AwayTaskStatus, ReporterKind, ReturnPlan, ReturnStatus
from ..models import AwayTask, PersonAway, ReturnReport
from ..models.away import PLACE_FIELDS
from .away import _user, close_task, open_task


@dataclass
class ReturnInput:
    """One advance report as the form, the API or an import row gives it (already cleaned)."""

    name: str
    phone: str
    province: str
    arrive_at: dt.datetime
    division: Division
    address: str
    id_number: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    route: str = ""
    filed_by: str = ReporterKind.SELF
    reporter_name: str = ""
    reporter_phone: str = ""
    employer: str = ""
    left_on: dt.date | None = None
    from_abroad: bool = False

    def dedup_key(self) -> str:
        who = self.id_number or self.phone
        return f"{who}:{timezone.localdate(self.arrive_at).isoformat()}"

    def place(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in PLACE_FIELDS}


def receipt_of(item: ReturnInput) -> tuple[str, str, list[str]]:
    """(origin risk level, the rule applied, what to do on arrival) from the policy in force for
    the origin on the day they leave it (the arrival day unless stated)."""
    day = timezone.localdate(item.arrive_at)
    advice = advise(Facts(place=item.place(), on=day, left_on=item.left_on, from_abroad=item.from_abroad))
    lines = advice.lines()
    if advice.level != OriginLevel.NONE:
        lines.insert(0, _("您的出发地%(place)s在%(day)s为%(level)s。") % {
            "place": "".join(item.place().values()), "day": day.strftime("%m月%d日"), "level": advice.level_label})
    lines.append(_("请在%(when)s前后到达，抵达后网格员将与您联系核实；行程有变请重新报备。") % {
        "when": timezone.localtime(item.arrive_at).strftime("%m月%d日 %H:%M")})
    rule = f"{advice.version}：{advice.rule}" if advice.rule else (advice.version or _("无生效方案"))
    return advice.level, rule[:255], lines


def _person_away(item: ReturnInput) -> PersonAway | None:
    q = Q(id_number=item.id_number) if item.id_number else Q(pk__in=[])
    q |= Q(phone=item.phone) if item.phone else Q(pk__in=[])
    return PersonAway.objects.filter(q, status=AwayStatus.AWAY).order_by("pk").first()


@action
def do_file_return_report(item: ReturnInput, *, acting_user: Any) -> tuple[ReturnReport, bool]:
    """File a return report; the same person arriving the same day again returns the first one
    (created False). The receipt's instructions are the policy in force now; the grid worker
    (or village cadre) of the destination is told."""
    if not is_system(acting_user):
        require(acting_user, ReturnReport, ADD)
    if item.arrive_at < timezone.now() - dt.timedelta(days=1):
        raise ValidationError(_("到达时间已过，请填写计划到达的时间"))
    key = item.dedup_key()
    known = ReturnReport.objects.filter(dedup_key=key).first()
    if known is not None:
        return known, False
    level, rule, lines = receipt_of(item)
    person = _person_away(item)
    report = ReturnReport(
        code=new_code(), filed_by=item.filed_by, reporter_name=item.reporter_name, reporter_phone=item.reporter_phone,
        employer=item.employer, person=person, name=item.name, id_number=item.id_number, phone=item.phone,
        **item.place(), route=item.route, arrive_at=item.arrive_at, division=item.division, address=item.address,
        risk_level=level, policy=rule, instructions=lines, dedup_key=key, created_by=_user(acting_user))
    report.full_clean(exclude=["arrive_on"])
    report.save()
    if not is_system(acting_user):
        require(acting_user, report, ADD)  # the destination lies in the user's area
    audit.record(AuditAction.CREATE, report, verb="file_return_report",
                 changes=audit.diff({}, audit.snapshot(report)))
    if person is not None and person.plan != ReturnPlan.WILL_RETURN:
        before = {"plan": person.plan, "plan_return_on": str(person.plan_return_on or "")}
        PersonAway.objects.filter(pk=person.pk).update(plan=ReturnPlan.WILL_RETURN, plan_return_on=report.arrive_on)
        audit.record(AuditAction.UPDATE, person, verb="update_person_away", changes={
            "plan": [before["plan"], ReturnPlan.WILL_RETURN.value],
            "plan_return_on": [before["plan_return_on"], report.arrive_on.isoformat()]})
    worker = responsible(item.division)
    if worker is not None:
        notify([worker], "grid.return_report", _("新的返县报备：%(name)s，%(day)s到达") % {
            "name": item.name, "day": report.arrive_on.strftime("%m月%d日")}, report.origin,
            reverse("grid:returnreport", args=[report.pk]))
    return report, True


@action
def do_confirm_arrival(report: ReturnReport, *, acting_user: Any, at: dt.datetime | None = None) -> ReturnReport:
    """确认到达: the person is here; their ledger entry is closed as returned and the arrival
    check is done."""
    require(acting_user, report, CHANGE)
    if report.status != ReturnStatus.EXPECTED:
        raise ValidationError(_("该报备已确认到达或已取消"))
    before = audit.snapshot(report)
    report.status, report.arrived_at, report.confirmed_by = ReturnStatus.ARRIVED, at or timezone.now(), _user(acting_user)
    report.save()
    audit.record(AuditAction.UPDATE, report, verb="confirm_arrival", changes=audit.diff(before, audit.snapshot(report)))
    if report.person_id and report.person.status == AwayStatus.AWAY:
        person = report.person
        PersonAway.objects.filter(pk=person.pk).update(status=AwayStatus.RETURNED)
        audit.record(AuditAction.UPDATE, person, verb="update_person_away",
                     changes={"status": [AwayStatus.AWAY.value, AwayStatus.RETURNED.value]})
    for task in report.tasks.filter(kind=AwayTaskKind.ARRIVAL, status=AwayTaskStatus.OPEN):
        close_task(task, acting_user, _("已确认到达"))
    resolve(url=reverse("grid:returnreport", args=[report.pk]))
    return report


@action
def do_cancel_return_report(report: ReturnReport, *, acting_user: Any) -> ReturnReport:
    require(acting_user, report, CHANGE)
    if report.status != ReturnStatus.EXPECTED:
        raise ValidationError(_("只有待返县的报备可以取消"))
    before = audit.snapshot(report)
    report.status = ReturnStatus.CANCELLED
    report.save()
    audit.record(AuditAction.UPDATE, report, verb="cancel_return_report",
                 changes=audit.diff(before, audit.snapshot(report)))
    for task in report.tasks.filter(status=AwayTaskStatus.OPEN):
        close_task(task, acting_user, _("报备已取消"))
    return report


@action
def do_open_arrival_tasks(*, acting_user: Any, today: dt.date | None = None) -> int:
    """On the arrival day, each report still without a confirmed arrival gets a verification task
    for the destination's grid worker (once per report); returns how many were opened."""
    require(acting_user, AwayTask, CHANGE)
    today = today or timezone.localdate()
    due = (ReturnReport.objects.filter(arrive_on__lte=today, arrive_on__gte=today - dt.timedelta(days=7),
                                       status=ReturnStatus.EXPECTED)
           .exclude(tasks__kind=AwayTaskKind.ARRIVAL).select_related("division").order_by("arrive_at", "pk"))
    n = 0
    for report in due[:5000]:
        worker = responsible(report.division)
        reason = _("%(name)s报备%(when)s从%(origin)s返县，尚未确认到达，请上门核实并落实：%(todo)s") % {
            "name": report.name, "when": timezone.localtime(report.arrive_at).strftime("%m月%d日 %H:%M"),
            "origin": report.origin, "todo": "；".join(report.instructions[:2])}
        task = open_task(kind=AwayTaskKind.ARRIVAL, key=f"arrival:{report.pk}", division_id=report.division_id,
                         assignee=worker, reason=reason, due_on=report.arrive_on, report=report, person=report.person)
        if task is None:
            continue
        n += 1
        if worker is not None:
            notify([worker], "grid.arrival_check", _("今日到达核验：%(name)s") % {"name": report.name},
                   report.origin, reverse("grid:returnreport", args=[report.pk]))
    return n
