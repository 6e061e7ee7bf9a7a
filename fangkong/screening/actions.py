"""Every state change of risk screening, one audited function each.

Views, the API, imports and jobs call these; each runs in a transaction, checks the acting
user's scope, writes the audit row with old and new values and notifies on commit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.choices import AuditAction, MeasureKind, Module, Role
from fangkong.core.models import Division, User
from fangkong.core.notify import notify

from .choices import (
    AssistDirection,
    AssistStatus,
    AttemptKind,
    Channel,
    EscalationLevel,
    MergeStatus,
    Outcome,
    PersonStatus,
    ReviewDecision,
    Stage,
    VerificationStatus,
)
from .intake import LeadInput, ingest, new_receipt_code, notify_assignees
from .models import (
    AssistRequest,
    ClearanceItem,
    ContactAttempt,
    DailyClearance,
    DeadlinePolicy,
    Lead,
    MergeCandidate,
    Person,
    Review,
    Verification,
)
from .routing import Router
from .signals import person_controlled

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


def acting(fn: Callable) -> Callable:
    """Run an action with its first argument (the acting user) as the audit actor."""

    @functools.wraps(fn)
    def wrapper(user, *args, **kwargs):
        with audit.audit_context(actor=user):
            return fn(user, *args, **kwargs)

    return wrapper


def _require(obj, user: User | None, action: str = "change") -> None:
    """Scope check for a user acting (jobs and the public self-report act as the system)."""
    if user is not None and not type(obj).objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied("超出您的管辖范围或没有此权限")


def _save(v: Verification, before: dict, verb: str) -> None:
    v.save()
    after = audit.snapshot(v)
    audit.record(AuditAction.UPDATE, v, verb=verb,
                 changes={k: c for k, c in audit.diff(before, after).items() if k in TRACKED or k.endswith("_at")})


def _lock(v: Verification) -> Verification:
    return Verification.objects.select_for_update().select_related("person").get(pk=v.pk)


# Intake -----------------------------------------------------------------------------------

def do_submit_lead(item: LeadInput, *, channel: str, user: User | None = None,
                   now: dt.datetime | None = None) -> tuple[Lead | None, bool]:
    """One lead from a form or the API. Returns (lead, created); a duplicate returns the first one."""
    if channel == Channel.SELF_REPORT and not item.receipt_code:
        item.receipt_code = new_receipt_code()
    if user is not None:
        item.reported_by_id = user.pk
        if channel == Channel.GRID_SCREENING:
            item.division_hint_id = item.division_hint_id or user.division_id
    with audit.audit_context(actor=user):
        result = ingest([item], channel=channel, now=now)
    if result.leads:
        notify_assignees(result.assigned, channel)
        return result.leads[0], True
    return Lead.objects.filter(dedup_key=item.key(channel)).first(), False


# Verification ------------------------------------------------------------------------------

@acting
def do_record_attempt(user: User, v: Verification, kind: str, note: str = "", *,
                      now: dt.datetime | None = None) -> ContactAttempt:
    """联系记录. Found in person → located; too many unanswered calls → 难查数据."""
    now = now or timezone.now()
    with transaction.atomic():
        _require(v, user)
        v = _lock(v)
        if v.status == VerificationStatus.CLOSED:
            raise ValidationError("该核查任务已办结")
        before = audit.snapshot(v)
        attempt = ContactAttempt.objects.create(verification=v, kind=AttemptKind(kind), note=note[:255], by=user, at=now)
        audit.record(AuditAction.CREATE, attempt, verb="record_attempt", changes={"kind": kind, "note": note})
        if kind in (AttemptKind.FOUND, AttemptKind.CALLED):  # reached in person or by phone
            v.located_at = v.located_at or now
        if kind == AttemptKind.NO_ANSWER:
            v.no_answer_count += 1
            policy = DeadlinePolicy.for_channel(v.channel)
            if v.no_answer_count >= policy.max_attempts and v.module != Module.HARD_TO_FIND:
                v.module = Module.HARD_TO_FIND
                Person.objects.filter(pk=v.person_id).update(module=Module.HARD_TO_FIND)
                _notify_module(Module.HARD_TO_FIND, f"转入难查数据:{v.person.name}",
                               f"连续{v.no_answer_count}次无人接听", v)
        _refresh_due(v, now)
        _save(v, before, "record_attempt")
    return attempt


@acting
def do_mark_stage(user: User, v: Verification, stage: str, *, at: dt.datetime | None = None) -> Verification:
    """Mark a deadline stage done (落地 / 采样 / 结果)."""
    at = at or timezone.now()
    with transaction.atomic():
        _require(v, user)
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


@acting
def do_submit_outcome(user: User, v: Verification, outcome: str, *, measure_kind: str = "", reason: str = "",
                      place: str = "", request_assist: bool = False, now: dt.datetime | None = None) -> Verification:
    """核查结果, submitted for review. Controlled needs a measure; not-in-county may ask the other region."""
    now = now or timezone.now()
    outcome = Outcome(outcome)
    if outcome == Outcome.CONTROLLED and not measure_kind:
        raise ValidationError("落地管控必须选择管控措施")
    if outcome == Outcome.CLEARED:
        measure_kind = measure_kind or MeasureKind.HEALTH_MONITORING
    if outcome == Outcome.NOT_IN_COUNTY and not place:
        raise ValidationError("请填写该人员现在何处")
    with transaction.atomic():
        _require(v, user)
        v = _lock(v)
        if v.status != VerificationStatus.OPEN:
            raise ValidationError("该核查任务不在核查中,不能填报结果")
        before = audit.snapshot(v)
        v.outcome, v.measure_kind = outcome, MeasureKind(measure_kind) if measure_kind else ""
        v.outcome_reason, v.outcome_place = reason[:255], place[:255]
        v.outcome_by, v.outcome_at, v.status = user, now, VerificationStatus.SUBMITTED
        if outcome in (Outcome.CONTROLLED, Outcome.CLEARED):
            v.located_at = v.located_at or now
        v.next_due_at = v.escalate_at = None
        _save(v, before, "submit_outcome")
        if outcome == Outcome.NOT_IN_COUNTY and request_assist:
            do_create_assist(user, AssistDirection.OUTBOUND, region=place, verification=v,
                             reason=f"该人员不在本县,请协助落地管控。{reason}".strip())
        _notify_module(v.module, f"待审核:{v.person.name} {outcome.label}", reason, v, roles=(Role.REVIEWER,))
    return v


@acting
def do_review(user: User, v: Verification, decision: str, comment: str = "", *,
              now: dt.datetime | None = None) -> Review:
    """审核. Approval closes the task and counts; a controlled approval starts the measure."""
    now = now or timezone.now()
    decision = ReviewDecision(decision)
    if not user.has_role(Role.REVIEWER, Role.COMMAND_CENTER):
        raise PermissionDenied("只有审核员可以审核")
    if decision == ReviewDecision.REJECTED and not comment.strip():
        raise ValidationError("退回时请写明原因")
    with transaction.atomic():
        _require(v, user, "view")
        v = _lock(v)
        if v.status != VerificationStatus.SUBMITTED:
            raise ValidationError("该核查任务不是待审核状态")
        before = audit.snapshot(v)
        review = Review.objects.create(verification=v, decision=decision, outcome=v.outcome, comment=comment[:255],
                                       by=user, at=now)
        audit.record(AuditAction.CREATE, review, verb="review", changes={"decision": decision, "comment": comment})
        if decision == ReviewDecision.APPROVED:
            v.status, v.closed_at = VerificationStatus.CLOSED, now
            Person.objects.filter(pk=v.person_id).update(status=OUTCOME_STATUS[Outcome(v.outcome)], updated_at=now)
            _save(v, before, "approve")
            if v.outcome == Outcome.CONTROLLED:
                person, kind = Person.objects.get(pk=v.person_id), v.measure_kind
                transaction.on_commit(lambda: person_controlled.send(
                    sender=Verification, person=person, measure_kind=kind, verification=v, actor=user))
        else:
            v.status, v.outcome, v.measure_kind = VerificationStatus.OPEN, "", ""
            _refresh_due(v, now)
            v.escalate_at = v.next_due_at
            _save(v, before, "reject")
            if v.assignee_id:
                notify([v.assignee], "screening.rejected", f"审核退回:{v.person.name}", comment,
                       url=f"/screening/verifications/{v.pk}/")
    return review


@acting
def do_reassign(user: User, v: Verification, division: Division) -> Verification:
    """Route a task (e.g. from the module admin's queue) to a division and its responsible person."""
    router = Router.load()
    if division.pk not in router.level:
        raise ValidationError("只能分派到本县的区划")
    with transaction.atomic():
        _require(v, user)
        v = _lock(v)
        before = audit.snapshot(v)
        v.division_id, v.township_id = division.pk, router.township_of(division.pk)
        v.assignee_id = router.assignee_for(division.pk)
        Person.objects.filter(pk=v.person_id).update(division_id=division.pk)
        v.leads.update(division_id=division.pk)
        _save(v, before, "reassign")
    if v.assignee_id:
        notify_assignees({v.assignee_id: 1}, v.channel)
    return v


# Escalation --------------------------------------------------------------------------------

def do_escalate(v: Verification, *, now: dt.datetime, router: Router | None = None) -> bool:
    """Escalate one overdue task one level, if this caller wins the claim (fires once)."""
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


# Merging -----------------------------------------------------------------------------------

@acting
def do_merge(user: User, candidate: MergeCandidate, *, now: dt.datetime | None = None) -> MergeCandidate:
    """Merge `other` into `person`: its leads and open work move over; undoable."""
    now = now or timezone.now()
    with transaction.atomic():
        _require(candidate, user)
        c = MergeCandidate.objects.select_for_update().get(pk=candidate.pk)
        if c.status != MergeStatus.PENDING:
            raise ValidationError("该条已处理")
        keep, other = c.person, c.other
        keep_open = keep.verifications.exclude(status=VerificationStatus.CLOSED).first()
        other_open = list(other.verifications.exclude(status=VerificationStatus.CLOSED))
        lead_ids = list(other.leads.values_list("pk", flat=True))
        undo = {"leads": lead_ids, "lead_verifications": dict(other.leads.values_list("pk", "verification_id")),
                "closed_verifications": [], "moved_verifications": [], "other_status": other.status}
        for ov in other_open:
            if keep_open is None:  # nothing open on the kept person: the task moves over
                Verification.objects.filter(pk=ov.pk).update(person=keep)
                keep_open = ov
                undo["moved_verifications"].append(ov.pk)
            else:
                Verification.objects.filter(pk=ov.pk).update(status=VerificationStatus.CLOSED, outcome=Outcome.DUPLICATE,
                                                             closed_at=now, next_due_at=None, escalate_at=None)
                undo["closed_verifications"].append(ov.pk)
        Lead.objects.filter(pk__in=lead_ids).update(
            person=keep, **({"verification": keep_open} if keep_open else {}))
        Person.objects.filter(pk=other.pk).update(merged_into=keep, status=PersonStatus.MERGED)
        c.status, c.decided_by, c.decided_at, c.undo = MergeStatus.MERGED, user, now, undo
        c.save()
        audit.record(AuditAction.UPDATE, c, verb="merge_persons", changes={"merged": [other.pk, keep.pk], **undo})
    return c


@acting
def do_unmerge(user: User, candidate: MergeCandidate, *, now: dt.datetime | None = None) -> MergeCandidate:
    """Undo a merge exactly: leads, tasks and the other person's status go back."""
    with transaction.atomic():
        _require(candidate, user)
        c = MergeCandidate.objects.select_for_update().get(pk=candidate.pk)
        if c.status != MergeStatus.MERGED:
            raise ValidationError("只有已合并的记录可以撤销")
        u = c.undo
        for lead_id, ver_id in u["lead_verifications"].items():
            Lead.objects.filter(pk=int(lead_id)).update(person=c.other, verification_id=ver_id)
        Verification.objects.filter(pk__in=u["moved_verifications"]).update(person=c.other)
        for ver in Verification.objects.filter(pk__in=u["closed_verifications"]):
            ver.status, ver.outcome, ver.closed_at = VerificationStatus.OPEN, "", None
            ver.next_due_at = ver.compute_next_due()
            ver.escalate_at = ver.next_due_at
            ver.save()
        Person.objects.filter(pk=c.other_id).update(merged_into=None, status=u.get("other_status", PersonStatus.VERIFYING))
        c.status, c.decided_by, c.decided_at = MergeStatus.UNDONE, user, now or timezone.now()
        c.save()
        audit.record(AuditAction.UPDATE, c, verb="unmerge_persons", changes={"restored": u})
    return c


@acting
def do_mark_not_duplicate(user: User, candidate: MergeCandidate) -> MergeCandidate:
    with transaction.atomic():
        _require(candidate, user)
        before = audit.snapshot(candidate)
        candidate.status, candidate.decided_by, candidate.decided_at = MergeStatus.NOT_DUPLICATE, user, timezone.now()
        candidate.save()
        audit.record(AuditAction.UPDATE, candidate, verb="not_duplicate",
                     changes=audit.diff(before, audit.snapshot(candidate)))
    return candidate


# Assist requests ---------------------------------------------------------------------------

@acting
def do_create_assist(user: User | None, direction: str, *, region: str, name: str = "", id_number: str = "",
                     phone: str = "", address: str = "", reason: str = "", reference: str = "",
                     due_at: dt.datetime | None = None, verification: Verification | None = None,
                     now: dt.datetime | None = None) -> AssistRequest:
    """协查: inbound creates a lead on the assist channel; outbound comes from one of our tasks."""
    now = now or timezone.now()
    router = Router.load()
    with transaction.atomic():
        ar = AssistRequest(direction=AssistDirection(direction), region=region[:120], reference=reference,
                           reason=reason[:255], due_at=due_at or now + dt.timedelta(hours=24),
                           created_by=user, division=router.county)
        if verification is not None:
            p = verification.person
            ar.name, ar.id_number, ar.phone, ar.address = p.name, p.id_number or "", p.phone, address or p.address
            ar.person, ar.verification, ar.division_id = p, verification, verification.division_id
        else:
            ar.name, ar.id_number, ar.phone, ar.address = name, id_number, phone, address
        ar.save()
        if direction == AssistDirection.INBOUND:
            lead, _ = do_submit_lead(LeadInput(name=name, id_number=id_number, phone=phone, address=address,
                                               origin=region, note=reason, source=reference),
                                     channel=Channel.ASSIST_REQUEST, user=user, now=now)
            if lead is not None:
                ar.lead, ar.person, ar.verification, ar.division_id = lead, lead.person, lead.verification, lead.division_id
                ar.save()
        audit.record(AuditAction.CREATE, ar, verb="create_assist", changes=audit.diff({}, audit.snapshot(ar)))
    return ar


@acting
def do_reply_assist(user: User, ar: AssistRequest, reply: str, *, close: bool = True) -> AssistRequest:
    with transaction.atomic():
        _require(ar, user, "change")  # a reply is a change: roles that only view (the auditor) may not
        before = audit.snapshot(ar)
        ar.reply, ar.replied_at = reply, timezone.now()
        ar.status = AssistStatus.CLOSED if close else AssistStatus.REPLIED
        ar.save()
        audit.record(AuditAction.UPDATE, ar, verb="reply_assist", changes=audit.diff(before, audit.snapshot(ar)))
    return ar


# Daily clearance ---------------------------------------------------------------------------

@acting
def do_close_day(user: User, division: Division, date: dt.date, reasons: dict[int, str] | None = None, *,
                 now: dt.datetime | None = None) -> DailyClearance:
    """日清日结: freeze the day's numbers and carry every open task forward with a reason."""
    from .reports import board_counts, default_reason, open_at_close

    now = now or timezone.now()
    reasons = reasons or {}
    with transaction.atomic():
        if DailyClearance.objects.filter(date=date, division=division).exists():
            raise ValidationError("该区划当天已日结")
        counts = board_counts(user, date, date, division=division, now=now)["total"]
        clearance = DailyClearance.objects.create(date=date, division=division, closed_by=user, closed_at=now,
                                                  counts=counts)
        previous = dict(ClearanceItem.objects.filter(clearance__division=division, clearance__date__lt=date)
                        .order_by("clearance__date").values_list("verification_id", "days_open"))
        items = [ClearanceItem(clearance=clearance, verification=v,
                               reason=(reasons.get(v.pk) or default_reason(v, now))[:255],
                               days_open=previous.get(v.pk, 0) + 1)
                 for v in open_at_close(user, division, date)]
        ClearanceItem.objects.bulk_create(items)
        audit.record(AuditAction.CREATE, clearance, verb="close_day",
                     changes={"date": date, "counts": counts, "carried": len(items)})
    return clearance


def _notify_module(module: str, title: str, body: str, v: Verification, roles=(Role.MODULE_ADMIN,)) -> None:
    users = User.objects.filter(roles__module=module, roles__role__in=list(roles), is_active=True).distinct()
    notify(list(users), "screening.module", title, body, url=f"/screening/verifications/{v.pk}/")
