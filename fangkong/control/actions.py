"""Every state change of the control area: one audited function per change.

Views, the API, signal receivers, imports and jobs all call these. Each runs in a
transaction, checks the acting user's scope, and writes the audit row with old and new values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from fangkong.core import audit
from fangkong.core.choices import AuditAction, AuditSource, MeasureKind, Role
from fangkong.core.models import User
from fangkong.core.pii import mask_name

from . import pending
from . import rules as R
from .alerts import raise_alert
from .choices import (
    FEVER_THRESHOLD,
    CheckInSource,
    MeasureStatus,
    PolicyStatus,
    RoomStatus,
    TestStatus,
    TransferStatus,
)
from .models import (
    CheckIn,
    DoorCheck,
    Exposure,
    Measure,
    PolicyVersion,
    QuarantineSite,
    Room,
    Rule,
    RuleStep,
    ScheduledTest,
    Transfer,
)
from .roles import DOCTORS, POLICY_EDITORS

# Used only when no rule of the policy in force matches: the reviewer's measure kind for
# this many days, tested on the first and the last day.
FALLBACK_DAYS = 7
HOME_KINDS = (MeasureKind.HOME_ISOLATION, MeasureKind.HOME_MONITORING, MeasureKind.HEALTH_MONITORING)


@contextmanager
def system_context() -> Iterator[None]:
    """Act as the platform (signal receivers, jobs): no user, source "job"."""
    token = audit.set_context(replace(audit.current(), actor=None, source=AuditSource.JOB))
    try:
        yield
    finally:
        audit.reset_context(token)


def _actor() -> User | None:
    return audit.current().actor


def _check(obj: models.Model, action: str) -> None:
    """Scope check for the acting user (none for jobs and signal receivers acting as the system)."""
    user = _actor()
    if user is None:
        return
    if not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("超出您的管辖范围或没有此权限")


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def measure_url(measure: Measure) -> str:
    return reverse("control:measure", args=[measure.pk])


# --- measures ------------------------------------------------------------------------------

def _default_responsible(person: Any) -> User | None:
    """The grid worker of the person's grid, if the person is managed at grid level."""
    division = getattr(person, "division", None)
    if division is None or division.level != "grid":
        return None
    return User.objects.filter(division=division, roles__role=Role.GRID_WORKER, is_active=True).first()


def save_exposure(person: Any, on: dt.date, **fields: Any) -> Exposure:
    """Record what the rules look at, with the origin's risk level on the day of leaving."""
    exposure = Exposure(person=person, **fields)
    names = {f: getattr(exposure, f"origin_{f}") for f in ("province", "city", "county", "township", "community")}
    exposure.origin_level = R.origin_level_on(names, exposure.left_on)
    exposure.days_since_leaving = (on - exposure.left_on).days if exposure.left_on and exposure.left_on <= on else None
    exposure.full_clean()
    exposure.save()
    audit.record(AuditAction.CREATE, exposure, verb="record_exposure", changes=audit.diff({}, audit.snapshot(exposure)))
    return exposure


def _create_step(person: Any, exposure: Exposure | None, rule: Rule | None, version: PolicyVersion | None,
                 plan: list[tuple[str, int]], test_days: list[int], plan_start_on: dt.date, step_index: int,
                 previous: Measure | None, **extra: Any) -> Measure:
    chain = R.plan_chain(plan, plan_start_on)
    step = chain[step_index]
    measure = Measure.objects.create(
        person=person, exposure=exposure, kind=step.kind, plan_start_on=plan_start_on,
        plan_days=sum(d for _, d in plan), step=step.step, starts_on=step.starts_on, ends_on=step.ends_on,
        policy_version=version, rule=rule, previous=previous, division=person.division, **extra,
    )
    kind = rule.test_kind if rule else ScheduledTest._meta.get_field("kind").default
    ScheduledTest.objects.bulk_create([
        ScheduledTest(measure=measure, person=person, day=day, due_on=due, kind=kind)
        for day, due in R.tests_in_step(test_days, chain, step)
    ])
    pending.forget()
    return measure


def do_start_measure(person: Any, *, on: dt.date | None = None, exposure: Exposure | None = None,
                     kind: str | None = None, version: PolicyVersion | None = None,
                     site: QuarantineSite | None = None, responsible: User | None = None,
                     verb: str = "start_measure", context: dict | None = None) -> Measure:
    """Start control of a person from the policy in force (or `version`).

    The first rule matching the exposure gives the measures and tests; without a match the
    given `kind` is used for FALLBACK_DAYS days. `context` goes into the audit row (e.g. the
    reviewer whose verification started it). Raises ValidationError if the person is
    already under an active measure or no measure can be decided.
    """
    on = _today(on)
    version = version or PolicyVersion.in_force()
    with transaction.atomic():
        if Measure.objects.filter(person=person, status=MeasureStatus.ACTIVE).exists():
            raise ValidationError("该人员已在管控中,不能重复开始管控")
        rule = R.match_rule(version, exposure) if exposure is not None else None
        if rule is not None and rule.plan():
            plan, test_days = rule.plan(), rule.test_day_list
        elif kind:
            rule, plan, test_days = None, [(kind, FALLBACK_DAYS)], [1, FALLBACK_DAYS]
        else:
            raise ValidationError("现行防控方案没有适用于该人员的规则,请手工选择管控措施")
        household = getattr(getattr(person, "resident", None), "household", None)
        first_kind = plan[0][0]
        measure = _create_step(
            person, exposure, rule, version if rule else None, plan, test_days, on, 0, None,
            site=site if first_kind == MeasureKind.CENTRAL_QUARANTINE else None,
            household=household, responsible=responsible or _default_responsible(person),
        )
        _check(measure, "add")
        audit.record(AuditAction.ACTION, measure, verb=verb, changes={
            "kind": [None, measure.kind], "ends_on": [None, measure.ends_on],
            "policy_version": [None, version.number if version and rule else None],
            "rule": [None, rule.name if rule else None], "plan": [None, plan], "test_days": [None, test_days],
            **{k: [None, v] for k, v in (context or {}).items()},
        })
    return measure


def do_check_in(measure: Measure, *, source: str, temperature: Decimal | float | None = None,
                symptoms: list[str] | None = None, note: str = "", at: dt.datetime | None = None) -> CheckIn:
    """健康打卡. A symptom or a fever raises an alert to the command centre at once."""
    at = at or timezone.now()
    actor = _actor()
    with transaction.atomic():
        if source != CheckInSource.SELF:
            _check(measure, "change")
        if not measure.is_active:
            raise ValidationError("该管控措施已解除,不能再打卡")
        temp = Decimal(str(temperature)) if temperature not in (None, "") else None
        if temp is not None and not (Decimal("34") <= temp <= Decimal("43")):
            raise ValidationError("体温应在34℃到43℃之间,请核对")
        symptoms = list(symptoms or [])
        abnormal = bool(symptoms) or (temp is not None and temp >= Decimal(str(FEVER_THRESHOLD)))
        checkin = CheckIn.objects.create(
            measure=measure, on=timezone.localdate(at), at=at, temperature=temp, symptoms=symptoms, note=note,
            source=source, recorded_by=actor, abnormal=abnormal,
        )
        audit.record(AuditAction.CREATE, checkin, verb="check_in", changes=audit.diff({}, audit.snapshot(checkin)))
        if abnormal:
            body = f"体温{temp or '未测'}℃,症状:{'、'.join(symptoms) or '无'}"
            transaction.on_commit(lambda: raise_alert(
                f"管控人员健康异常:{mask_name(measure.person.name)}", body, measure_url(measure),
                extra=[measure.responsible]))
    return checkin


def do_record_test_result(test: ScheduledTest, *, result: str, sampled_at: dt.datetime | None = None) -> ScheduledTest:
    """Record a scheduled test's result; a positive raises an alert at once."""
    with transaction.atomic():
        _check(test, "change")
        before = audit.snapshot(test)
        test.status = TestStatus(result)
        test.sampled_at = sampled_at or timezone.now()
        test.recorded_at = timezone.now()
        test.save(update_fields=["status", "sampled_at", "recorded_at"])
        audit.record(AuditAction.UPDATE, test, verb="record_test_result", changes=audit.diff(before, audit.snapshot(test)))
        if test.status == TestStatus.POSITIVE:
            alert_positive(test.measure)
    return test


def alert_positive(measure: Measure) -> None:
    transaction.on_commit(lambda: raise_alert(
        f"管控人员核酸阳性:{mask_name(measure.person.name)}", f"{measure.get_kind_display()},请立即处置",
        measure_url(measure), extra=[measure.responsible]))


def missing_for_release(measure: Measure, on: dt.date | None = None) -> list[str]:
    """What stops a release, in Chinese; empty when every scheduled test is negative."""
    on = _today(on)
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


def _close(measure: Measure, status: str, reason: str) -> dict:
    before = audit.snapshot(measure)
    measure.status = status
    measure.released_at = timezone.now()
    measure.released_by = _actor()
    measure.release_reason = reason
    measure.save(update_fields=["status", "released_at", "released_by", "release_reason"])
    return audit.diff(before, audit.snapshot(measure))


def do_release_measure(measure: Measure, *, on: dt.date | None = None) -> Measure | None:
    """解除 at the end of the period when every scheduled test is negative.

    Raises ValidationError listing what is missing. If the rule's plan has a next step (e.g.
    home monitoring after central quarantine) it starts at once and is returned.
    """
    on = _today(on)
    with transaction.atomic():
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        _check(measure, "change")
        if not measure.is_active:
            raise ValidationError("该管控措施已解除")
        missing = missing_for_release(measure, on)
        if missing:
            raise ValidationError(["不能解除,以下事项未完成:", *missing])
        changes = _close(measure, MeasureStatus.RELEASED, "期满且检测均为阴性")
        audit.record(AuditAction.ACTION, measure, verb="release_measure", changes=changes)
        nxt = None
        if measure.rule_id and measure.step + 1 < len(measure.rule.plan()):
            rule = measure.rule
            nxt = _create_step(measure.person, measure.exposure, rule, measure.policy_version, rule.plan(),
                               rule.test_day_list, measure.plan_start_on, measure.step + 1, measure,
                               household=measure.household, responsible=measure.responsible)
            audit.record(AuditAction.ACTION, nxt, verb="start_measure_step",
                         changes={"kind": [measure.kind, nxt.kind], "ends_on": [None, nxt.ends_on]})
    return nxt


def do_early_release(measure: Measure, *, reason: str) -> Measure:
    """提前解除 by a doctor (CDC) with a reason; ends the whole plan."""
    actor = _actor()
    if actor is not None and not (actor.role_names & DOCTORS):
        raise PermissionDenied("只有医生(疾控)可以提前解除管控")
    if not reason.strip():
        raise ValidationError("提前解除必须填写原因")
    with transaction.atomic():
        _check(measure, "change")
        if not measure.is_active:
            raise ValidationError("该管控措施已解除")
        changes = _close(measure, MeasureStatus.EARLY_RELEASED, reason.strip())
        audit.record(AuditAction.ACTION, measure, verb="early_release_measure", changes=changes)
    return measure


def do_extend_measure(measure: Measure, *, days: int, reason: str, add_test: bool = True) -> Measure:
    """延长: push the release date back by `days`; by default one more test on the new last day."""
    if days < 1 or days > 30:
        raise ValidationError("延长天数应为1到30天")
    if not reason.strip():
        raise ValidationError("延长管控必须填写原因")
    with transaction.atomic():
        _check(measure, "change")
        if not measure.is_active:
            raise ValidationError("该管控措施已解除,不能延长")
        before = audit.snapshot(measure)
        measure.ends_on += dt.timedelta(days=days)
        measure.extended_days += days
        measure.release_reason = ""
        measure.save(update_fields=["ends_on", "extended_days", "release_reason"])
        if add_test:
            last = measure.ends_on - dt.timedelta(days=1)
            day = (last - measure.plan_start_on).days + 1
            ScheduledTest.objects.get_or_create(measure=measure, day=day, defaults={
                "person": measure.person, "due_on": last,
                "kind": measure.rule.test_kind if measure.rule_id else ScheduledTest._meta.get_field("kind").default})
            pending.forget()
        changes = audit.diff(before, audit.snapshot(measure))
        changes["reason"] = [None, reason.strip()]
        audit.record(AuditAction.ACTION, measure, verb="extend_measure", changes=changes)
    return measure


def room_occupants(room: Room) -> int:
    return Measure.objects.filter(room=room, status=MeasureStatus.ACTIVE).count()


def do_assign_room(measure: Measure, room: Room) -> Measure:
    """Put a person under central quarantine into a room with a free bed."""
    with transaction.atomic():
        _check(measure, "change")
        _check(room, "view")
        room = Room.objects.select_for_update().get(pk=room.pk)
        if measure.kind != MeasureKind.CENTRAL_QUARANTINE or not measure.is_active:
            raise ValidationError("只有正在集中隔离的人员才能分配房间")
        if room.status != RoomStatus.AVAILABLE:
            raise ValidationError(f"房间{room.number}当前状态为“{room.get_status_display()}”,不能入住")
        if room_occupants(room) >= room.beds:
            raise ValidationError(f"房间{room.number}已满({room.beds}张床位)")
        before = audit.snapshot(measure)
        measure.site, measure.room = room.site, room
        measure.save(update_fields=["site", "room"])
        _check(measure, "change")
        audit.record(AuditAction.ACTION, measure, verb="assign_room", changes=audit.diff(before, audit.snapshot(measure)))
    return measure


def do_door_check(measure: Measure, *, outcome: str, note: str = "", at: dt.datetime | None = None) -> DoorCheck:
    with transaction.atomic():
        _check(measure, "change")
        if measure.kind not in HOME_KINDS:
            raise ValidationError("上门查看只适用于居家措施")
        check = DoorCheck.objects.create(measure=measure, outcome=outcome, note=note, at=at or timezone.now(),
                                         checked_by=_actor())
        audit.record(AuditAction.CREATE, check, verb="door_check", changes=audit.diff({}, audit.snapshot(check)))
    return check


# --- transfers -----------------------------------------------------------------------------

def do_transfer(measure: Measure, *, site: QuarantineSite, vehicle: str, escort: str, planned_at: dt.datetime,
                from_place: str = "", driver: str = "") -> Transfer:
    """派车: plan a point-to-point trip of one person to a site."""
    with transaction.atomic():
        _check(measure, "change")
        if measure.kind != MeasureKind.CENTRAL_QUARANTINE or not measure.is_active:
            raise ValidationError("只有正在集中隔离的人员才能转运")
        if Transfer.objects.filter(measure=measure, status__in=[TransferStatus.PLANNED, TransferStatus.EN_ROUTE]).exists():
            raise ValidationError("该人员已有未完成的转运")
        transfer = Transfer(measure=measure, site=site, vehicle=vehicle, escort=escort, planned_at=planned_at,
                            from_place=from_place or measure.person.address or "住址", driver=driver)
        transfer.full_clean()
        transfer.save()
        audit.record(AuditAction.CREATE, transfer, verb="transfer", changes=audit.diff({}, audit.snapshot(transfer)))
    return transfer


def do_advance_transfer(transfer: Transfer, *, at: dt.datetime | None = None) -> Transfer:
    """Next step of the closed loop: planned → en route → arrived (the person is then at the site)."""
    at = at or timezone.now()
    with transaction.atomic():
        _check(transfer, "change")
        before = audit.snapshot(transfer)
        if transfer.status == TransferStatus.PLANNED:
            transfer.status, transfer.departed_at, verb = TransferStatus.EN_ROUTE, at, "transfer_depart"
        elif transfer.status == TransferStatus.EN_ROUTE:
            transfer.status, transfer.arrived_at, verb = TransferStatus.ARRIVED, at, "transfer_arrive"
            measure = transfer.measure
            if measure.site_id != transfer.site_id:
                measure.site, measure.room = transfer.site, None
                measure.save(update_fields=["site", "room"])
        else:
            raise ValidationError("该转运已结束")
        transfer.save()
        audit.record(AuditAction.ACTION, transfer, verb=verb, changes=audit.diff(before, audit.snapshot(transfer)))
    return transfer


# --- policies ------------------------------------------------------------------------------

def do_create_draft(source: PolicyVersion | None, *, title: str = "") -> PolicyVersion:
    """A new draft version, copying the rules and steps of `source` (the version in force)."""
    with transaction.atomic():
        number = (PolicyVersion.objects.aggregate(m=models.Max("number"))["m"] or 0) + 1
        draft = PolicyVersion(number=number, title=title or (source.title if source else "防控方案"))
        _require_policy_editor()
        draft.save()
        for rule in (source.rules.prefetch_related("steps") if source else []):
            steps = list(rule.steps.all())
            rule.pk, rule.version = None, draft
            rule.save()
            RuleStep.objects.bulk_create([RuleStep(rule=rule, order=s.order, kind=s.kind, days=s.days) for s in steps])
        audit.record(AuditAction.CREATE, draft, verb="create_policy_draft",
                     changes={"copied_from": [None, source.number if source else None]})
    return draft


def _require_policy_editor() -> None:
    actor = _actor()
    if actor is not None and not (actor.role_names & POLICY_EDITORS):
        raise PermissionDenied("只有指挥部或疾控可以修改防控方案和风险区")


def do_save_rule(rule: Rule, steps: list[tuple[str, int]]) -> Rule:
    """Create or update a draft's rule with its sequence of measures."""
    with transaction.atomic():
        _require_policy_editor()
        if rule.version.status != PolicyStatus.DRAFT:
            raise ValidationError("只能修改草稿版本的规则,请先新建草稿")
        if not steps:
            raise ValidationError("规则至少需要一项管控措施")
        before = audit.snapshot(rule) if rule.pk else {}
        old_steps = rule.plan() if rule.pk else []
        rule.full_clean()
        rule.save()
        rule.steps.all().delete()
        RuleStep.objects.bulk_create([RuleStep(rule=rule, order=i + 1, kind=k, days=d) for i, (k, d) in enumerate(steps)])
        changes = audit.diff(before, audit.snapshot(rule))
        if old_steps != [tuple(s) for s in steps]:
            changes["steps"] = [old_steps, [list(s) for s in steps]]
        audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, rule, verb="save_rule", changes=changes)
    return rule


def do_delete_rule(rule: Rule) -> None:
    with transaction.atomic():
        _require_policy_editor()
        if rule.version.status != PolicyStatus.DRAFT:
            raise ValidationError("只能修改草稿版本的规则")
        audit.record(AuditAction.DELETE, rule, verb="delete_rule", changes={"deleted": audit.snapshot(rule)})
        rule.delete()


def do_publish_policy(version: PolicyVersion, *, reapply: bool = False, on: dt.date | None = None) -> int:
    """Put a draft in force; the previous version is retired. With `reapply`, persons whose
    measure changes under the new version are moved to it (set-based); returns how many."""
    on = _today(on)
    with transaction.atomic():
        _require_policy_editor()
        version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != PolicyStatus.DRAFT:
            raise ValidationError("只能发布草稿版本")
        if not version.rules.exists():
            raise ValidationError("草稿中没有任何规则,不能发布")
        old = PolicyVersion.in_force()
        if old is not None:
            old.status = PolicyStatus.RETIRED
            old.save(update_fields=["status"])
            audit.record(AuditAction.ACTION, old, verb="retire_policy", changes={"status": ["published", "retired"]})
        version.status, version.published_at, version.published_by = PolicyStatus.PUBLISHED, timezone.now(), _actor()
        version.save(update_fields=["status", "published_at", "published_by"])
        moved = reapply_policy(version, on) if reapply else 0
        audit.record(AuditAction.ACTION, version, verb="publish_policy",
                     changes={"status": ["draft", "published"], "reapplied": [None, moved]})
    return moved


def reapply_policy(version: PolicyVersion, on: dt.date) -> int:
    """Move every person whose measure changes under `version` onto it, in bulk.

    The changed set comes from one query (rules.reevaluate). Days already served count: plan
    day 1 stays the same, and the person enters the step of the new plan that covers today.
    Old measures are superseded; persons whose new plan is over (or who no longer match any
    rule) are released by the policy. Bulk statements throughout, one audit row per person.
    """
    rules = {r.pk: r for r in R.version_rules(version)}
    changed = list(R.reevaluate(version, on).values(
        "id", "person_id", "exposure_id", "plan_start_on", "division_id", "site_id", "room_id", "household_id",
        "responsible_id", "new_rule", "kind", "new_kind"))
    new_measures, tests, released = [], [], []
    for c in changed:
        rule = rules.get(c["new_rule"])
        step = R.step_on(rule.plan(), c["plan_start_on"], on) if rule else None
        if step is None:
            released.append(c["id"])
            continue
        central = step.kind == MeasureKind.CENTRAL_QUARANTINE
        m = Measure(person_id=c["person_id"], exposure_id=c["exposure_id"], kind=step.kind,
                    plan_start_on=c["plan_start_on"], plan_days=rule.total_days, step=step.step,
                    starts_on=on, ends_on=step.ends_on, policy_version=version, rule=rule, previous_id=c["id"],
                    division_id=c["division_id"], site_id=c["site_id"] if central else None,
                    room_id=c["room_id"] if central else None, household_id=c["household_id"],
                    responsible_id=c["responsible_id"])
        new_measures.append(m)
        chain = R.plan_chain(rule.plan(), c["plan_start_on"])
        tests.append([(d, due, rule.test_kind) for d, due in R.tests_in_step(rule.test_day_list, chain, step)
                      if due >= on])
    now, actor = timezone.now(), _actor()
    moved = [c["id"] for c in changed if c["id"] not in set(released)]
    Measure.objects.filter(pk__in=moved).update(status=MeasureStatus.SUPERSEDED, released_at=now, released_by=actor,
                                                release_reason=f"按第{version.number}版方案重新判定")
    Measure.objects.filter(pk__in=released).update(status=MeasureStatus.RELEASED, released_at=now, released_by=actor,
                                                   release_reason=f"按第{version.number}版方案解除")
    Measure.objects.bulk_create(new_measures, batch_size=2000)
    ScheduledTest.objects.bulk_create(
        [ScheduledTest(measure=m, person_id=m.person_id, day=d, due_on=due, kind=kind)
         for m, specs in zip(new_measures, tests, strict=True) for d, due, kind in specs], batch_size=5000)
    pending.forget()
    by_id = {c["id"]: c for c in changed}
    # Only what the audit row needs (repr and division path): loading whole rows dominates here.
    touched = Measure.objects.filter(pk__in=by_id).select_related("person", "division").only(
        "id", "kind", "status", "person__name", "division__path")
    audit.record_many(AuditAction.ACTION, touched,
                      verb="reapply_policy",
                      changes_of=lambda o: {"kind": [by_id[o.pk]["kind"], by_id[o.pk]["new_kind"] or None],
                                            "status": ["active", o.status], "policy_version": [None, version.number]})
    return len(changed)
