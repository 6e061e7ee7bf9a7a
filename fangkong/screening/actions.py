"""Every state change of risk screening, one audited `@action` each: `do_x(obj, …, *, acting_user)`.

Views, the API, imports and jobs call these; each runs in a transaction (`core.actions.action`),
checks the acting user with `core.actions.require` / `require_role` (jobs and the public
self-report pass `SYSTEM`), writes the audit row with old and new values and notifies on commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import MissingActor, action, is_system, require, require_role
from fangkong.core.choices import AuditAction, MeasureKind, Module, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify
from fangkong.core.scoping import ADD, CHANGE, VIEW
from fangkong.core.signals import person_controlled

from . import notices, rollups
from .choices import (
    AssistDirection,
    AssistStatus,
    AttemptKind,
    Channel,
    EscalationLevel,
    Outcome,
    PersonStatus,
    ReviewDecision,
    Stage,
    VerificationStatus,
)
from .intake import LeadInput, ingest, new_receipt_code, notify_assignees
from .merging import do_mark_not_duplicate, do_merge, do_unmerge  # noqa: F401 — one place to call actions from
from .models import (
    AssistRequest,
    ClearanceItem,
    ContactAttempt,
    DailyClearance,
    DeadlinePolicy,
    Lead,
    Person,
    Review,
    Verification,
)
from .routing import Router

OUTCOME_STATUS = {
    Outcome.CONTROLLED: PersonStatus.CONTROLLED,
    Outcome.CLEARED: PersonStatus.CLEARED,
    Outcome.NOT_IN_COUNTY: PersonStatus.NOT_IN_COUNTY,
    Outcome.UNREACHABLE: PersonStatus.UNREACHABLE,
    Outcome.WRONG_INFO: PersonStatus.WRONG_INFO,
    Outcome.DUPLICATE: PersonStatus.MERGED,
}
TRACKED = ("status", "outcome", "measure_kind", "outcome_reason", "located_at", "sampled_at", "result_at",
           "assignee_id", "division_id", "module", "escalation_level", "no_answer_count")


def _user(acting_user: Any) -> User | None:
    """The account to store as `by` / `created_by`: None when the platform acts (SYSTEM)."""
    return None if is_system(acting_user) else acting_user


def require_assist_registrar(acting_user: Any) -> None:
    """Registering another region's assist request (or one without a task of ours) is for the
    command centre, the CDC and the assist-request module; fails closed, SYSTEM passes."""
    require(acting_user, AssistRequest, ADD)
    if is_system(acting_user):
        return
    if not (acting_user.has_role(Role.COMMAND_CENTER, Role.CDC) or Module.ASSIST_REQUEST in acting_user.modules):
        raise PermissionDenied(_("只有跨省协查模块和指挥部可以登记外地协查"))


def may_register_assist(user: Any) -> bool:
    """`require_assist_registrar` as a boolean, for showing the registration form."""
    try:
        require_assist_registrar(user)
    except (PermissionDenied, MissingActor):
        return False
    return True


def _save(v: Verification, before: dict, verb: str) -> None:
    """The one place an action saves a task: audited, and its board counts moved (`rollups`)."""
    with rollups.tracking([v.pk]):
        v.save()
    after = audit.snapshot(v)
    audit.record(AuditAction.UPDATE, v, verb=verb,
                 changes={k: c for k, c in audit.diff(before, after).items() if k in TRACKED or k.endswith("_at")})
    notices.settle(v, before)


def _lock(v: Verification) -> Verification:
    return Verification.objects.select_for_update().select_related("person").get(pk=v.pk)


# Intake -----------------------------------------------------------------------------------

@action
def do_submit_lead(item: LeadInput, *, channel: str, acting_user: Any,
                   now: dt.datetime | None = None) -> tuple[Lead | None, bool]:
    """One lead from a form or the API (the public self-report passes SYSTEM). Returns
    (lead, created); a duplicate returns the first one.

    A phone-only person whom this lead gives an ID number is audited (the import engine writes
    that change set-based, without a row of its own).
    """
    if channel == Channel.SELF_REPORT and not item.receipt_code:
        item.receipt_code = new_receipt_code()
    if not is_system(acting_user):
        require(acting_user, Lead, ADD)
        item.reported_by_id = acting_user.pk
        if channel == Channel.GRID_SCREENING:
            item.division_hint_id = item.division_hint_id or acting_user.division_id
    phone_only = set(Person.objects.filter(phone=item.phone, id_number__isnull=True).values_list("pk", flat=True)) \
        if item.id_number and item.phone else set()
    result = ingest([item], channel=channel, now=now)
    if result.leads:
        lead = result.leads[0]
        if lead.person_id in phone_only and lead.person.id_number == item.id_number:
            audit.record(AuditAction.UPDATE, lead.person, verb="assign_id_number",
                         changes={"id_number": [None, item.id_number]})
        notify_assignees(result.assigned, channel)
        return lead, True
    return Lead.objects.filter(dedup_key=item.key(channel)).first(), False


# Verification ------------------------------------------------------------------------------

@action
def do_record_attempt(v: Verification, kind: str, note: str = "", *, acting_user: Any,
                      now: dt.datetime | None = None) -> ContactAttempt:
    """联系记录. Found in person → located; too many unanswered calls → 难查数据."""
    now = now or timezone.now()
    require(acting_user, v, CHANGE)
    v = _lock(v)
    if v.status == VerificationStatus.CLOSED:
        raise ValidationError(_("该核查任务已办结"))
    before = audit.snapshot(v)
    attempt = ContactAttempt.objects.create(verification=v, kind=AttemptKind(kind), note=note[:255],
                                            by=_user(acting_user), at=now)
    audit.record(AuditAction.CREATE, attempt, verb="record_attempt", changes={"kind": kind, "note": note})
    if kind in (AttemptKind.FOUND, AttemptKind.CALLED):  # reached in person or by phone
        v.located_at = v.located_at or now
    if kind == AttemptKind.NO_ANSWER:
        v.no_answer_count += 1
        policy = DeadlinePolicy.for_channel(v.channel)
        if v.no_answer_count >= policy.max_attempts and v.module != Module.HARD_TO_FIND:
            v.module = Module.HARD_TO_FIND
            with rollups.tracking_persons([v.person_id]):
                Person.objects.filter(pk=v.person_id).update(module=Module.HARD_TO_FIND)
            _notify_module(Module.HARD_TO_FIND, f"转入难查数据:{v.person.name}",
                           f"连续{v.no_answer_count}次无人接听", v)
    _refresh_due(v, now)
    _save(v, before, "record_attempt")
    return attempt


@action
def do_mark_stage(v: Verification, stage: str, *, acting_user: Any, at: dt.datetime | None = None) -> Verification:
    """Mark a deadline stage done (落地 / 采样 / 结果)."""
    at = at or timezone.now()
    require(acting_user, v, CHANGE)
    v = _lock(v)
    before = audit.snapshot(v)
    setattr(v, f"{Stage(stage).value}_at", getattr(v, f"{stage}_at") or at)
    _refresh_due(v, at)
    _save(v, before, f"mark_{stage}")
    return v


def _refresh_due(v: Verification, now: dt.datetime) -> None:
    v.next_due_at = v.compute_next_due()
    if v.next_due_at is None:
        v.escalate_at = None
    elif v.escalation_level == EscalationLevel.NONE or v.next_due_at > now:
        # A stage was met: the clock restarts at the next stage's deadline.
        v.escalation_level = EscalationLevel.NONE if v.next_due_at > now else v.escalation_level
        v.escalate_at = v.next_due_at


@action
def do_submit_outcome(v: Verification, outcome: str, *, acting_user: Any, measure_kind: str = "", reason: str = "",
                      place: str = "", request_assist: bool = False, now: dt.datetime | None = None) -> Verification:
    """核查结果, submitted for review. Controlled needs a measure; not-in-county may ask the other region."""
    now = now or timezone.now()
    outcome = Outcome(outcome)
    if outcome == Outcome.CONTROLLED and not measure_kind:
        raise ValidationError(_("落地管控必须选择管控措施"))
    if outcome == Outcome.CLEARED:
        measure_kind = measure_kind or MeasureKind.HEALTH_MONITORING
    if outcome == Outcome.NOT_IN_COUNTY and not place:
        raise ValidationError(_("请填写该人员现在何处"))
    require(acting_user, v, CHANGE)
    v = _lock(v)
    if v.status != VerificationStatus.OPEN:
        raise ValidationError(_("该核查任务不在核查中,不能填报结果"))
    before = audit.snapshot(v)
    v.outcome, v.measure_kind = outcome, MeasureKind(measure_kind) if measure_kind else ""
    v.outcome_reason, v.outcome_place = reason[:255], place[:255]
    v.outcome_by, v.outcome_at, v.status = _user(acting_user), now, VerificationStatus.SUBMITTED
    if outcome in (Outcome.CONTROLLED, Outcome.CLEARED):
        v.located_at = v.located_at or now
    v.next_due_at = v.escalate_at = None
    _save(v, before, "submit_outcome")
    if outcome == Outcome.NOT_IN_COUNTY and request_assist:
        do_create_assist(AssistDirection.OUTBOUND, region=place, verification=v, acting_user=acting_user,
                         reason=f"该人员不在本县,请协助落地管控。{reason}".strip())
    _notify_module(v.module, f"待审核:{v.person.name} {outcome.label}", reason, v, roles=(Role.REVIEWER,),
                   kind=notices.REVIEW)
    return v


@action
def do_review(v: Verification, decision: str, comment: str = "", *, acting_user: Any,
              now: dt.datetime | None = None) -> Review:
    """审核 (reviewers and the command centre). Approval closes the task and counts; a
    controlled approval starts the measure."""
    now = now or timezone.now()
    decision = ReviewDecision(decision)
    require_role(acting_user, Role.REVIEWER, Role.COMMAND_CENTER)
    if decision == ReviewDecision.REJECTED and not comment.strip():
        raise ValidationError(_("退回时请写明原因"))
    require(acting_user, v, VIEW)
    v = _lock(v)
    if v.status != VerificationStatus.SUBMITTED:
        raise ValidationError(_("该核查任务不是待审核状态"))
    before = audit.snapshot(v)
    review = Review.objects.create(verification=v, decision=decision, outcome=v.outcome, comment=comment[:255],
                                   by=_user(acting_user), at=now)
    audit.record(AuditAction.CREATE, review, verb="review", changes={"decision": decision, "comment": comment})
    if decision == ReviewDecision.APPROVED:
        v.status, v.closed_at = VerificationStatus.CLOSED, now
        Person.objects.filter(pk=v.person_id).update(status=OUTCOME_STATUS[Outcome(v.outcome)], updated_at=now)
        _save(v, before, "approve")
        if v.outcome == Outcome.CONTROLLED:
            person, kind = Person.objects.get(pk=v.person_id), v.measure_kind
            transaction.on_commit(lambda: person_controlled.send(
                sender=Verification, person=person, measure_kind=kind, verification=v, actor=acting_user))
    else:
        v.status, v.outcome, v.measure_kind = VerificationStatus.OPEN, "", ""
        _refresh_due(v, now)
        v.escalate_at = v.next_due_at
        _save(v, before, "reject")
        if v.assignee_id:
            notify([v.assignee], "screening.rejected", f"审核退回：{v.person.name}", comment,
                   url=f"/screening/verifications/{v.pk}/")
    return review


@action
def do_reassign(v: Verification, division: Division, *, acting_user: Any) -> Verification:
    """Route a task (e.g. from the module admin's queue) to a division of the acting user's
    subtree and its responsible person; the person and the task's leads move with it."""
    v = _reassign(v, division, Router.load(), acting_user)
    if v.assignee_id:
        notify_assignees({v.assignee_id: 1}, v.channel)
    return v


@action
def do_reassign_many(tasks: list[Verification], division: Division, *, acting_user: Any) -> list[Verification]:
    """批量分派: every task to `division`, all or none (one transaction), one audit row per task;
    each new assignee gets one message for all of theirs. Closed tasks are refused."""
    if not tasks:
        raise ValidationError(_("请至少选择一条任务"))
    if any(v.status == VerificationStatus.CLOSED for v in tasks):
        raise ValidationError(_("已办结的任务不能再分派"))
    router = Router.load()
    done = [_reassign(v, division, router, acting_user) for v in tasks]
    assigned: dict[int, dict[str, int]] = {}
    for v in done:
        if v.assignee_id:
            per = assigned.setdefault(v.channel, {})
            per[v.assignee_id] = per.get(v.assignee_id, 0) + 1
    for channel, counts in assigned.items():
        notify_assignees(counts, channel)
    return done


def _reassign(v: Verification, division: Division, router: Router, acting_user: Any) -> Verification:
    if division.pk not in router.level:
        raise ValidationError(_("只能分派到本县的区划"))
    require(acting_user, v, CHANGE)
    if not is_system(acting_user) and not (acting_user.division_id and Division.objects.subtree(
            acting_user.division).filter(pk=division.pk).exists()):
        raise PermissionDenied(_("只能分派到本辖区内的区划"))
    v = _lock(v)
    before = audit.snapshot(v)
    v.division_id, v.township_id = division.pk, router.township_of(division.pk)
    v.assignee_id = router.assignee_for(division.pk)
    if v.person.division_id != division.pk:
        audit.record(AuditAction.UPDATE, v.person, verb="reassign",
                     changes={"division_id": [v.person.division_id, division.pk]})
    with rollups.tracking_persons([v.person_id]):
        Person.objects.filter(pk=v.person_id).update(division_id=division.pk)
    with rollups.tracking_leads(v.leads):
        v.leads.update(division_id=division.pk)
    _save(v, before, "reassign")
    return v


# Escalation --------------------------------------------------------------------------------

@action
def do_escalate(v: Verification, *, acting_user: Any, now: dt.datetime, router: Router | None = None) -> bool:
    """Escalate one overdue task one level, if this caller wins the claim (fires once). The
    escalation job passes SYSTEM."""
    require(acting_user, v, CHANGE)
    level = v.escalation_level
    if level >= EscalationLevel.COMMAND:
        return False
    policy = DeadlinePolicy.for_channel(v.channel)
    nxt = EscalationLevel(level + 1)
    later = now + dt.timedelta(hours=policy.command_after_hours) if nxt == EscalationLevel.TOWNSHIP else None
    claimed = Verification.objects.filter(pk=v.pk, escalation_level=level, escalate_at__lte=now).exclude(
        status=VerificationStatus.CLOSED).update(escalation_level=nxt, escalate_at=later)
    if not claimed:
        return False
    router = router or Router.load()
    v.refresh_from_db()
    audit.record(AuditAction.UPDATE, v, verb="escalate", changes={"escalation_level": [level, int(nxt)]})
    title = f"核查超时:{v.person.name}({v.get_channel_display()})"
    body = f"时限 {timezone.localtime(v.next_due_at):%m-%d %H:%M},责任人 {v.assignee or '未分派'}"
    if nxt == EscalationLevel.TOWNSHIP:
        users = list(User.objects.filter(pk__in=router.township_cadres(v.division_id)))
    else:
        users = list(User.objects.filter(roles__role=Role.COMMAND_CENTER, is_active=True).distinct())
    notify(users, "screening.escalated", title, body, url=f"/screening/verifications/{v.pk}/", sms=True)
    return True


# Assist requests ---------------------------------------------------------------------------

@action
def do_create_assist(direction: str, *, acting_user: Any, region: str, name: str = "", id_number: str = "",
                     phone: str = "", address: str = "", reason: str = "", reference: str = "",
                     due_at: dt.datetime | None = None, verification: Verification | None = None,
                     now: dt.datetime | None = None) -> AssistRequest:
    """协查: inbound creates a lead on the assist channel; outbound comes from one of our tasks.

    An outbound request from a task is for whoever may change the task; any other request
    (inbound above all) for the registrars (`require_assist_registrar`).
    """
    direction = AssistDirection(direction)
    if direction == AssistDirection.OUTBOUND and verification is not None:
        require(acting_user, verification, CHANGE)
    else:
        require_assist_registrar(acting_user)
    now = now or timezone.now()
    router = Router.load()
    ar = AssistRequest(direction=direction, region=region[:120], reference=reference,
                       reason=reason[:255], due_at=due_at or now + dt.timedelta(hours=24),
                       created_by=_user(acting_user), division=router.county)
    if verification is not None:
        p = verification.person
        ar.name, ar.id_number, ar.phone, ar.address = p.name, p.id_number or "", p.phone, address or p.address
        ar.person, ar.verification, ar.division_id = p, verification, verification.division_id
    else:
        ar.name, ar.id_number, ar.phone, ar.address = name, id_number, phone, address
    ar.save()
    if direction == AssistDirection.INBOUND:
        lead, _created = do_submit_lead(LeadInput(name=name, id_number=id_number, phone=phone, address=address,
                                                  origin=region, note=reason, source=reference),
                                        channel=Channel.ASSIST_REQUEST, acting_user=acting_user, now=now)
        if lead is not None:
            # A second request about a person already asked about: the same person and task, but the
            # lead stays with the first request (one request per lead).
            if not AssistRequest.objects.filter(lead=lead).exists():
                ar.lead = lead
            ar.person, ar.verification, ar.division_id = lead.person, lead.verification, lead.division_id
            ar.save()
    audit.record(AuditAction.CREATE, ar, verb="create_assist", changes=audit.diff({}, audit.snapshot(ar)))
    return ar


@action
def do_reply_assist(ar: AssistRequest, reply: str, *, acting_user: Any, close: bool = True) -> AssistRequest:
    """The other region's (or our) answer to an assist request; closes it unless `close=False`."""
    require(acting_user, ar, CHANGE)  # a reply is a change: roles that only view (the auditor) may not
    before = audit.snapshot(ar)
    ar.reply, ar.replied_at = reply, timezone.now()
    ar.status = AssistStatus.CLOSED if close else AssistStatus.REPLIED
    ar.save()
    audit.record(AuditAction.UPDATE, ar, verb="reply_assist", changes=audit.diff(before, audit.snapshot(ar)))
    return ar


# Daily clearance ---------------------------------------------------------------------------

@action
def do_close_day(division: Division, date: dt.date, reasons: dict[int, str] | None = None, *, acting_user: Any,
                 now: dt.datetime | None = None) -> DailyClearance:
    """日清日结 of a division of the acting user's subtree: freeze the day's numbers and carry
    every open task forward with a reason. The numbers are the acting user's (their scope)."""
    from .reports import board_counts, default_reason, open_at_close

    require(acting_user, DailyClearance, ADD)
    now = now or timezone.now()
    reasons = reasons or {}
    if DailyClearance.objects.filter(date=date, division=division).exists():
        raise ValidationError(_("该区划当天已日结"))
    counts = board_counts(acting_user, date, date, division=division, now=now)["total"]
    clearance = DailyClearance.objects.create(date=date, division=division, closed_by=_user(acting_user),
                                              closed_at=now, counts=counts)
    require(acting_user, clearance, ADD)  # after the write: the division must lie in the user's scope
    previous = dict(ClearanceItem.objects.filter(clearance__division=division, clearance__date__lt=date)
                    .order_by("clearance__date").values_list("verification_id", "days_open"))
    items = [ClearanceItem(clearance=clearance, verification=v,
                           reason=(reasons.get(v.pk) or default_reason(v, now))[:255],
                           days_open=previous.get(v.pk, 0) + 1)
             for v in open_at_close(acting_user, division, date)]
    ClearanceItem.objects.bulk_create(items)
    audit.record(AuditAction.CREATE, clearance, verb="close_day",
                 changes={"date": date, "counts": counts, "carried": len(items)})
    return clearance


def _notify_module(module: str, title: str, body: str, v: Verification, roles=(Role.MODULE_ADMIN,),
                   kind: str = notices.MODULE) -> None:
    users = User.objects.filter(roles__module=module, roles__role__in=list(roles), is_active=True).distinct()
    notify(list(users), kind, title, body, url=notices.task_url(v.pk))
