"""Merging two persons found to be one (疑似同一人), and undoing it: audited `@action`s, re-exported
by `screening.actions`. Every row they move carries its roll-up counts with it (`rollups`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core import audit
from fangkong.core.actions import action, is_system, require
from fangkong.core.choices import AuditAction
from fangkong.core.scoping import CHANGE

from . import notices, rollups
from .choices import MergeStatus, Outcome, PersonStatus, VerificationStatus
from .models import Lead, MergeCandidate, Person, Verification


def _user(acting_user: Any):
    return None if is_system(acting_user) else acting_user


# Merging -----------------------------------------------------------------------------------

@action
def do_merge(candidate: MergeCandidate, *, acting_user: Any, now: dt.datetime | None = None) -> MergeCandidate:
    """Merge `other` into `person`: its leads and open work move over; undoable."""
    now = now or timezone.now()
    require(acting_user, candidate, CHANGE)
    c = MergeCandidate.objects.select_for_update().get(pk=candidate.pk)
    if c.status != MergeStatus.PENDING:
        raise ValidationError(_("该条已处理"))
    keep, other = c.person, c.other
    keep_open = keep.verifications.exclude(status=VerificationStatus.CLOSED).first()
    other_open = list(other.verifications.exclude(status=VerificationStatus.CLOSED))
    lead_ids = list(other.leads.values_list("pk", flat=True))
    undo = {"leads": lead_ids, "lead_verifications": dict(other.leads.values_list("pk", "verification_id")),
            "closed_verifications": [], "moved_verifications": [], "other_status": other.status}
    with rollups.tracking([ov.pk for ov in other_open], persons=[keep.pk]):
        for ov in other_open:
            if keep_open is None:  # nothing open on the kept person: the task moves over
                Verification.objects.filter(pk=ov.pk).update(person=keep)
                keep_open = ov
                undo["moved_verifications"].append(ov.pk)
            else:
                Verification.objects.filter(pk=ov.pk).update(
                    status=VerificationStatus.CLOSED, outcome=Outcome.DUPLICATE, closed_at=now, next_due_at=None,
                    escalate_at=None)
                undo["closed_verifications"].append(ov.pk)
    with rollups.tracking_leads(Lead.objects.filter(pk__in=lead_ids), persons=[keep.pk]):
        Lead.objects.filter(pk__in=lead_ids).update(
            person=keep, **({"verification": keep_open} if keep_open else {}))
    with rollups.tracking_persons([other.pk]):
        Person.objects.filter(pk=other.pk).update(merged_into=keep, status=PersonStatus.MERGED)
    c.status, c.decided_by, c.decided_at, c.undo = MergeStatus.MERGED, _user(acting_user), now, undo
    notices.settle_closed(undo["closed_verifications"])
    c.save()
    audit.record(AuditAction.UPDATE, c, verb="merge_persons", changes={"merged": [other.pk, keep.pk], **undo})
    return c


@action
def do_unmerge(candidate: MergeCandidate, *, acting_user: Any, now: dt.datetime | None = None) -> MergeCandidate:
    """Undo a merge exactly: leads, tasks and the other person's status go back."""
    require(acting_user, candidate, CHANGE)
    c = MergeCandidate.objects.select_for_update().get(pk=candidate.pk)
    if c.status != MergeStatus.MERGED:
        raise ValidationError(_("只有已合并的记录可以撤销"))
    u = c.undo
    with rollups.tracking_leads(Lead.objects.filter(pk__in=[int(k) for k in u["lead_verifications"]]),
                                persons=[c.other_id]):
        for lead_id, ver_id in u["lead_verifications"].items():
            Lead.objects.filter(pk=int(lead_id)).update(person=c.other, verification_id=ver_id)
    with rollups.tracking(u["moved_verifications"], persons=[c.other_id]):
        Verification.objects.filter(pk__in=u["moved_verifications"]).update(person=c.other)
    with rollups.tracking(u["closed_verifications"]):
        for ver in Verification.objects.filter(pk__in=u["closed_verifications"]):
            ver.status, ver.outcome, ver.closed_at = VerificationStatus.OPEN, "", None
            ver.next_due_at = ver.compute_next_due()
            ver.escalate_at = ver.next_due_at
            ver.save()
    with rollups.tracking_persons([c.other_id]):
        Person.objects.filter(pk=c.other_id).update(merged_into=None,
                                                    status=u.get("other_status", PersonStatus.VERIFYING))
    c.status, c.decided_by, c.decided_at = MergeStatus.UNDONE, _user(acting_user), now or timezone.now()
    c.save()
    audit.record(AuditAction.UPDATE, c, verb="unmerge_persons", changes={"restored": u})
    return c


@action
def do_mark_not_duplicate(candidate: MergeCandidate, *, acting_user: Any) -> MergeCandidate:
    """确认非同一人: the pair stays two persons and leaves the queue."""
    require(acting_user, candidate, CHANGE)
    before = audit.snapshot(candidate)
    candidate.status, candidate.decided_by = MergeStatus.NOT_DUPLICATE, _user(acting_user)
    candidate.decided_at = timezone.now()
    candidate.save()
    audit.record(AuditAction.UPDATE, candidate, verb="not_duplicate",
                 changes=audit.diff(before, audit.snapshot(candidate)))
    return candidate


