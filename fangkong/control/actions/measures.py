"""Actions on a person's measure: exposure, start, check-in, tests, release, extension, door checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import action, do_create, is_system, require, require_role
from fangkong.core.choices import AuditAction, DivisionLevel, MeasureKind, Role
from fangkong.core.models import User
from fangkong.core.pii import mask_name
from fangkong.core.scoping import ADD, CHANGE, VIEW
from fangkong.registry.models import Resident
from fangkong.screening.models import Person

from .. import pending, rollups
from .. import rules as R
from ..alerts import raise_alert
from ..choices import FEVER_THRESHOLD, MeasureStatus, TestStatus
from ..models import CheckIn, DoorCheck, Exposure, Measure, PolicyVersion, QuarantineSite, Rule, ScheduledTest
from ..roles import DOCTORS
from .common import (
    FALLBACK_DAYS,
    HOME_KINDS,
    alert_positive,
    measure_url,
    missing_for_release,
    stored_user,
    today_or,
)


def _default_responsible(person: Any) -> User | None:
    """The grid worker of the person's grid, if the person is managed at grid level."""
    division = getattr(person, "division", None)
    if division is None or division.level != DivisionLevel.GRID:
        return None
    return User.objects.filter(division=division, roles__role=Role.GRID_WORKER, is_active=True).first()


NOT_FOUND = "人员库和常住人口中都没有此身份证号,请填写姓名"
NOT_REGISTRABLE = "无法在您的辖区登记此身份证号的人员,请核对身份证号,或联系指挥中心"


@action
def do_find_or_create_person(id_number: str, *, name: str = "", acting_user: Any) -> Person:
    """The person at risk with this ID number: found in scope, made from a registered resident
    in scope, or created in the acting user's division when `name` is given."""
    person = Person.objects.filter(id_number=id_number).first()
    # A person outside the user's scope is answered as one that does not exist: no message may
    # tell that the ID number is known elsewhere (an existence oracle).
    hidden = person is not None and not is_system(acting_user) and not person.is_in_scope(acting_user)
    if person is not None and not hidden:
        return person
    residents = Resident.objects.all() if is_system(acting_user) else Resident.objects.restrict(acting_user)
    resident = residents.filter(id_number=id_number).first()
    if resident is not None and not hidden:
        return do_create(Person, acting_user=acting_user, verb="create_person_for_control", name=resident.name,
                         id_number=resident.id_number, phone=resident.phone, address=resident.address,
                         resident=resident, division=resident.grid)
    if hidden:  # it cannot be made again here (one person per ID number); say no more than that
        raise ValidationError(NOT_FOUND if not name and resident is None else NOT_REGISTRABLE)
    if not name:
        raise ValidationError(NOT_FOUND)
    division = None if is_system(acting_user) else acting_user.division
    if division is None:
        raise ValidationError("没有可登记的管理区划")
    return do_create(Person, acting_user=acting_user, verb="create_person_for_control", name=name,
                     id_number=id_number, division=division)


@action
def do_record_exposure(person: Any, *, on: dt.date | None = None, acting_user: Any, **fields: Any) -> Exposure:
    """Record what the rules look at, with the origin's risk level on the day of leaving."""
    on = today_or(on)
    exposure = Exposure(person=person, **fields)
    names = {f: getattr(exposure, f"origin_{f}") for f in ("province", "city", "county", "township", "community")}
    exposure.origin_level = R.origin_level_on(names, exposure.left_on)
    exposure.days_since_leaving = (on - exposure.left_on).days if exposure.left_on and exposure.left_on <= on else None
    exposure.full_clean()
    exposure.save()
    require(acting_user, exposure, ADD)
    audit.record(AuditAction.CREATE, exposure, verb="record_exposure", changes=audit.diff({}, audit.snapshot(exposure)))
    return exposure


def create_step(person: Any, exposure: Exposure | None, rule: Rule | None, version: PolicyVersion | None,
                plan: list[tuple[str, int]], test_days: list[int], plan_start_on: dt.date, step_index: int,
                previous: Measure | None, **extra: Any) -> Measure:
    """One step of a plan as a measure with its scheduled tests (called inside an action)."""
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
    rollups.added([measure.pk])
    pending.forget()
    _announce(measure)
    return measure


def _announce(measure: Measure) -> None:
    """Tell the other areas (core.signals.measure_started) once the measure is committed."""
    from fangkong.core.signals import measure_started

    pk, kind, previous = measure.pk, measure.kind, measure.previous_id
    transaction.on_commit(lambda: measure_started.send(sender=Measure, measure_id=pk, kind=kind,
                                                       previous_id=previous))


@action
def do_start_measure(person: Any, *, on: dt.date | None = None, exposure: Exposure | None = None,
                     kind: str | None = None, version: PolicyVersion | None = None,
                     site: QuarantineSite | None = None, responsible: User | None = None,
                     verb: str = "start_measure", context: dict | None = None, acting_user: Any) -> Measure:
    """Start control of a person from the policy in force (or `version`).

    The first rule matching the exposure gives the measures and tests; without a match the
    given `kind` is used for FALLBACK_DAYS days. `context` goes into the audit row (e.g. the
    reviewer whose verification started it). Raises ValidationError if the person is
    already under an active measure or no measure can be decided.
    """
    on = today_or(on)
    version = version or PolicyVersion.in_force()
    if site is not None:
        require(acting_user, site, VIEW)
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
    measure = create_step(
        person, exposure, rule, version if rule else None, plan, test_days, on, 0, None,
        site=site if first_kind == MeasureKind.CENTRAL_QUARANTINE else None,
        household=household, responsible=responsible or _default_responsible(person),
    )
    require(acting_user, measure, ADD)
    audit.record(AuditAction.ACTION, measure, verb=verb, changes={
        "kind": [None, measure.kind], "ends_on": [None, measure.ends_on],
        "policy_version": [None, version.number if version and rule else None],
        "rule": [None, rule.name if rule else None], "plan": [None, plan], "test_days": [None, test_days],
        **{k: [None, v] for k, v in (context or {}).items()},
    })
    return measure


@action
def do_check_in(measure: Measure, *, source: str, temperature: Decimal | float | None = None,
                symptoms: list[str] | None = None, note: str = "", at: dt.datetime | None = None,
                acting_user: Any) -> CheckIn:
    """健康打卡. A symptom or a fever raises an alert to the command centre at once.

    The person's own check-in through the signed link acts as SYSTEM."""
    require(acting_user, measure, CHANGE)
    at = at or timezone.now()
    if not measure.is_active:
        raise ValidationError("该管控措施已解除,不能再打卡")
    temp = Decimal(str(temperature)) if temperature not in (None, "") else None
    if temp is not None and not (Decimal("34") <= temp <= Decimal("43")):
        raise ValidationError("体温应在34℃到43℃之间,请核对")
    symptoms = list(symptoms or [])
    abnormal = bool(symptoms) or (temp is not None and temp >= Decimal(str(FEVER_THRESHOLD)))
    with rollups.tracking([measure.pk]):
        checkin = CheckIn.objects.create(
            measure=measure, on=timezone.localdate(at), at=at, temperature=temp, symptoms=symptoms, note=note,
            source=source, recorded_by=stored_user(acting_user), abnormal=abnormal,
        )
    audit.record(AuditAction.CREATE, checkin, verb="check_in", changes=audit.diff({}, audit.snapshot(checkin)))
    if abnormal:
        body = f"体温{temp or '未测'}℃,症状:{'、'.join(symptoms) or '无'}"
        transaction.on_commit(lambda: raise_alert(
            f"管控人员健康异常:{mask_name(measure.person.name)}", body, measure_url(measure),
            extra=[measure.responsible]))
    return checkin


@action
def do_record_test_result(test: ScheduledTest, *, result: str, sampled_at: dt.datetime | None = None,
                          acting_user: Any) -> ScheduledTest:
    """Record a scheduled test's result; a positive raises an alert at once."""
    require(acting_user, test, CHANGE)
    before = audit.snapshot(test)
    test.status = TestStatus(result)
    test.sampled_at = sampled_at or timezone.now()
    test.recorded_at = timezone.now()
    with rollups.tracking([test.measure_id]):
        test.save(update_fields=["status", "sampled_at", "recorded_at"])
    audit.record(AuditAction.UPDATE, test, verb="record_test_result", changes=audit.diff(before, audit.snapshot(test)))
    if test.status == TestStatus.POSITIVE:
        alert_positive(test.measure)
    return test


def _close(measure: Measure, status: str, reason: str, acting_user: Any) -> dict:
    before = audit.snapshot(measure)
    measure.status = status
    measure.released_at = timezone.now()
    measure.released_by = stored_user(acting_user)
    measure.release_reason = reason
    with rollups.tracking([measure.pk]):
        measure.save(update_fields=["status", "released_at", "released_by", "release_reason"])
    return audit.diff(before, audit.snapshot(measure))


@action
def do_release_measure(measure: Measure, *, on: dt.date | None = None, acting_user: Any) -> Measure | None:
    """解除 at the end of the period when every scheduled test is negative.

    Raises ValidationError listing what is missing. If the rule's plan has a next step (e.g.
    home monitoring after central quarantine) it starts at once and is returned.
    """
    on = today_or(on)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    require(acting_user, measure, CHANGE)
    if not measure.is_active:
        raise ValidationError("该管控措施已解除")
    missing = missing_for_release(measure, on)
    if missing:
        raise ValidationError(["不能解除,以下事项未完成:", *missing])
    changes = _close(measure, MeasureStatus.RELEASED, "期满且检测均为阴性", acting_user)
    audit.record(AuditAction.ACTION, measure, verb="release_measure", changes=changes)
    nxt = None
    if measure.rule_id and measure.step + 1 < len(measure.rule.plan()):
        rule = measure.rule
        nxt = create_step(measure.person, measure.exposure, rule, measure.policy_version, rule.plan(),
                          rule.test_day_list, measure.plan_start_on, measure.step + 1, measure,
                          household=measure.household, responsible=measure.responsible)
        audit.record(AuditAction.ACTION, nxt, verb="start_measure_step",
                     changes={"kind": [measure.kind, nxt.kind], "ends_on": [None, nxt.ends_on]})
    return nxt


@action
def do_early_release(measure: Measure, *, reason: str, acting_user: Any) -> Measure:
    """提前解除 by a doctor (CDC) with a reason; ends the whole plan."""
    require_role(acting_user, *DOCTORS)
    if not reason.strip():
        raise ValidationError("提前解除必须填写原因")
    require(acting_user, measure, CHANGE)
    if not measure.is_active:
        raise ValidationError("该管控措施已解除")
    changes = _close(measure, MeasureStatus.EARLY_RELEASED, reason.strip(), acting_user)
    audit.record(AuditAction.ACTION, measure, verb="early_release_measure", changes=changes)
    return measure


@action
def do_extend_measure(measure: Measure, *, days: int, reason: str, add_test: bool = True, acting_user: Any) -> Measure:
    """延长: push the release date back by `days`; by default one more test on the new last day."""
    if days < 1 or days > 30:
        raise ValidationError("延长天数应为1到30天")
    if not reason.strip():
        raise ValidationError("延长管控必须填写原因")
    require(acting_user, measure, CHANGE)
    if not measure.is_active:
        raise ValidationError("该管控措施已解除,不能延长")
    before = audit.snapshot(measure)
    measure.ends_on += dt.timedelta(days=days)
    measure.extended_days += days
    measure.release_reason = ""
    with rollups.tracking([measure.pk]):
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


@action
def do_door_check(measure: Measure, *, outcome: str, note: str = "", at: dt.datetime | None = None,
                  acting_user: Any) -> DoorCheck:
    """上门查看 of a person under a home measure."""
    require(acting_user, measure, CHANGE)
    if measure.kind not in HOME_KINDS:
        raise ValidationError("上门查看只适用于居家措施")
    with rollups.tracking([measure.pk]):
        check = DoorCheck.objects.create(measure=measure, outcome=outcome, note=note, at=at or timezone.now(),
                                         checked_by=stored_user(acting_user))
    audit.record(AuditAction.CREATE, check, verb="door_check", changes=audit.diff({}, audit.snapshot(check)))
    return check
