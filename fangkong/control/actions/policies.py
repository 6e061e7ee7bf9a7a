"""Actions on the prevention policy (防控方案): drafts, rules, publishing and re-applying."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.actions import action, require
from fangkong.core.choices import AuditAction, MeasureKind
from fangkong.core.scoping import ADD, CHANGE, DELETE

from .. import pending, rollups
from .. import rules as R
from ..choices import MeasureStatus, PolicyStatus
from ..models import Measure, PolicyVersion, Rule, RuleStep, ScheduledTest
from .common import stored_user, today_or


@action
def do_create_draft(source: PolicyVersion | None, *, title: str = "", acting_user: Any) -> PolicyVersion:
    """A new draft version, copying the rules and steps of `source` (the version in force)."""
    require(acting_user, PolicyVersion, ADD)
    number = (PolicyVersion.objects.aggregate(m=models.Max("number"))["m"] or 0) + 1
    draft = PolicyVersion(number=number, title=title or (source.title if source else "防控方案"))
    draft.save()
    for rule in (source.rules.prefetch_related("steps") if source else []):
        steps = list(rule.steps.all())
        rule.pk, rule.version = None, draft
        rule.save()
        RuleStep.objects.bulk_create([RuleStep(rule=rule, order=s.order, kind=s.kind, days=s.days) for s in steps])
    audit.record(AuditAction.CREATE, draft, verb="create_policy_draft",
                 changes={"copied_from": [None, source.number if source else None]})
    return draft


@action
def do_save_rule(rule: Rule, steps: list[tuple[str, int]], *, acting_user: Any) -> Rule:
    """Create or update a draft's rule with its sequence of measures."""
    require(acting_user, rule.version, CHANGE)
    if rule.version.status != PolicyStatus.DRAFT:
        raise ValidationError("只能修改草稿版本的规则,请先新建草稿")
    if not steps:
        raise ValidationError("规则至少需要一项管控措施")
    stored = Rule.objects.filter(pk=rule.pk).first() if rule.pk else None
    before = audit.snapshot(stored) if stored else {}
    old_steps = stored.plan() if stored else []
    rule.full_clean()
    rule.save()
    rule.steps.all().delete()
    RuleStep.objects.bulk_create([RuleStep(rule=rule, order=i + 1, kind=k, days=d) for i, (k, d) in enumerate(steps)])
    changes = audit.diff(before, audit.snapshot(rule))
    if old_steps != [tuple(s) for s in steps]:
        changes["steps"] = [old_steps, [list(s) for s in steps]]
    audit.record(AuditAction.UPDATE if before else AuditAction.CREATE, rule, verb="save_rule", changes=changes)
    return rule


@action
def do_delete_rule(rule: Rule, *, acting_user: Any) -> None:
    """Delete a rule of a draft."""
    require(acting_user, rule, DELETE)
    if rule.version.status != PolicyStatus.DRAFT:
        raise ValidationError("只能修改草稿版本的规则")
    audit.record(AuditAction.DELETE, rule, verb="delete_rule", changes={"deleted": audit.snapshot(rule)})
    rule.delete()


@action
def do_publish_policy(version: PolicyVersion, *, reapply: bool = False, on: dt.date | None = None,
                      acting_user: Any) -> int:
    """Put a draft in force; the previous version is retired. With `reapply`, persons whose
    measure changes under the new version are moved to it (set-based); returns how many."""
    on = today_or(on)
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    require(acting_user, version, CHANGE)
    if version.status != PolicyStatus.DRAFT:
        raise ValidationError("只能发布草稿版本")
    if not version.rules.exists():
        raise ValidationError("草稿中没有任何规则,不能发布")
    old = PolicyVersion.in_force()
    if old is not None:
        old.status = PolicyStatus.RETIRED
        old.save(update_fields=["status"])
        audit.record(AuditAction.ACTION, old, verb="retire_policy",
                     changes={"status": [PolicyStatus.PUBLISHED, PolicyStatus.RETIRED]})
    version.status, version.published_at = PolicyStatus.PUBLISHED, timezone.now()
    version.published_by = stored_user(acting_user)
    version.save(update_fields=["status", "published_at", "published_by"])
    moved = reapply_policy(version, on, acting_user=acting_user) if reapply else 0
    audit.record(AuditAction.ACTION, version, verb="publish_policy",
                 changes={"status": [PolicyStatus.DRAFT, PolicyStatus.PUBLISHED], "reapplied": [None, moved]})
    return moved


def reapply_policy(version: PolicyVersion, on: dt.date, *, acting_user: Any) -> int:
    """Move every person whose measure changes under `version` onto it, in bulk (called by
    do_publish_policy, inside its transaction and permission check).

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
    now, actor = timezone.now(), stored_user(acting_user)
    moved = [c["id"] for c in changed if c["id"] not in set(released)]
    by_id = {c["id"]: c for c in changed}
    with rollups.tracking(by_id):
        Measure.objects.filter(pk__in=moved).update(status=MeasureStatus.SUPERSEDED, released_at=now,
                                                    released_by=actor, release_reason=f"按第{version.number}版方案重新判定")
        Measure.objects.filter(pk__in=released).update(status=MeasureStatus.RELEASED, released_at=now,
                                                       released_by=actor, release_reason=f"按第{version.number}版方案解除")
    Measure.objects.bulk_create(new_measures, batch_size=2000)
    ScheduledTest.objects.bulk_create(
        [ScheduledTest(measure=m, person_id=m.person_id, day=d, due_on=due, kind=kind)
         for m, specs in zip(new_measures, tests, strict=True) for d, due, kind in specs], batch_size=5000)
    rollups.added([m.pk for m in new_measures])
    pending.forget()
    # Only what the audit row needs (repr and division path): loading whole rows dominates here.
    touched = Measure.objects.filter(pk__in=by_id).select_related("person", "division").only(
        "id", "kind", "status", "person__name", "division__path")
    audit.record_many(AuditAction.ACTION, touched,
                      verb="reapply_policy",
                      changes_of=lambda o: {"kind": [by_id[o.pk]["kind"], by_id[o.pk]["new_kind"] or None],
                                            "status": [MeasureStatus.ACTIVE, o.status],
                                            "policy_version": [None, version.number]})
    return len(changed)
