"""Screening's notifications that stand for work: resolved when the work is done, and the
hourly digest of overdue tasks for the command centre and the module leads.

A "待审核" or "核查超时" notification is a piece of work; once the task is reviewed, submitted or
closed it is marked read for everyone (`core.notify.resolve`), so the badge counts only what is
still to do and nobody is sent to a finished task.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from fangkong.core.choices import Module, Role
from fangkong.core.models import Notification, User, UserRole
from fangkong.core.notify import notify, resolve

from .choices import BoardMetric, EscalationLevel, VerificationStatus
from .models import Verification
from .reports import metric_queryset

# Notification kinds of screening (Notification.kind is free text: no migration).
REVIEW = "screening.review"  # 待审核, to the module's reviewers
REJECTED = "screening.rejected"  # 审核退回, to the assignee
ESCALATED = "screening.escalated"  # 核查超时, to township cadres, then the command centre
ASSIGNED = "screening.assigned"  # 新的核查任务, to the assignee (links to 我的核查任务)
MODULE = "screening.module"  # to a module's admins (e.g. 转入难查数据)
OVERDUE_DIGEST = "screening.overdue"  # hourly: overdue tasks per township

MY_TASKS_URL = "/screening/my/"
DIGEST_EVERY = dt.timedelta(hours=1)


def task_url(pk: int) -> str:
    return f"/screening/verifications/{pk}/"


def overdue_url(module: str = "") -> str:
    return f"/screening/verifications/?metric={BoardMetric.OVERDUE}" + (f"&module={module}" if module else "")


def settle(v: Verification, before: dict[str, Any]) -> int:
    """Resolve the notifications whose work this change of `v` (from the snapshot `before`) did.

    Closed: everything about the task. Submitted: the assignee's 审核退回 and the 核查超时 (the
    task waits for a reviewer now). Reviewed: the reviewers' 待审核. A stage met in time again
    (escalation back to none): the 核查超时. Returns how many were resolved."""
    url, was = task_url(v.pk), before.get("status")
    if v.status == VerificationStatus.CLOSED:
        n = resolve(url=url)
    else:
        kinds = set()
        if was == VerificationStatus.SUBMITTED and v.status != VerificationStatus.SUBMITTED:
            kinds.add(REVIEW)
        if v.status == VerificationStatus.SUBMITTED and was != VerificationStatus.SUBMITTED:
            kinds |= {REJECTED, ESCALATED}
        if before.get("escalation_level") and v.escalation_level == EscalationLevel.NONE:
            kinds.add(ESCALATED)
        n = resolve(url=url, kinds=kinds) if kinds else 0
    old = before.get("assignee_id")
    if old and (v.assignee_id != old or v.status != VerificationStatus.OPEN):
        n += settle_assignees([old])
    return n


def settle_closed(pks: Iterable[int]) -> int:
    """Tasks closed in bulk (e.g. as duplicates by a merge): everything about them is done."""
    pks = list(pks)
    n = sum(resolve(url=task_url(pk)) for pk in pks)
    assignees = Verification.objects.filter(pk__in=pks, assignee__isnull=False).values_list("assignee_id", flat=True)
    return n + settle_assignees(set(assignees))


def settle_assignees(user_ids: Iterable[int]) -> int:
    """An assignee with no task left to verify has done what 新的核查任务 asked."""
    ids = set(user_ids)
    busy = set(Verification.objects.filter(assignee_id__in=ids, status=VerificationStatus.OPEN)
               .values_list("assignee_id", flat=True).distinct())
    done = [User(pk=pk) for pk in ids - busy]
    return resolve(url=MY_TASKS_URL, kinds=[ASSIGNED], users=done) if done else 0


# The overdue digest ----------------------------------------------------------------------------

def digest_recipients() -> list[tuple[User, str]]:
    """(user, module) pairs: the command centre sees every module (""), a module lead their own."""
    out: list[tuple[User, str]] = [(u, "") for u in User.objects.filter(
        roles__role=Role.COMMAND_CENTER, is_active=True, division__isnull=False).distinct().order_by("id")]
    seen = {u.pk for u, _ in out}
    for role in (UserRole.objects.filter(role=Role.MODULE_LEAD, user__is_active=True, user__division__isnull=False)
                 .exclude(module="").select_related("user").order_by("user_id", "module")):
        if role.user_id not in seen:
            out.append((role.user, role.module))
    return out


def overdue_by_township(user: User, module: str, now: dt.datetime) -> Counter:
    """The board's 在办已超时 (one definition: `reports.metric_queryset`) in the user's scope, per township."""
    today = timezone.localdate(now)
    qs = metric_queryset(BoardMetric.OVERDUE, user, today, today, now=now)
    if module:
        qs = qs.filter(module=module)
    rows = qs.values_list("township__name").annotate(n=Count("id")).order_by()
    return Counter({name or "县级待分派": n for name, n in rows})


def send_overdue_digest(now: dt.datetime | None = None) -> int:
    """One notification per recipient summarising the overdue tasks per township, at most once
    per hour (the escalation job calls this every minute). A new digest supersedes the last one,
    and once nothing is overdue the last one is resolved. Returns how many were sent."""
    now = now or timezone.now()
    if Notification.objects.filter(kind=OVERDUE_DIGEST, created_at__gt=now - DIGEST_EVERY).exists():
        return 0
    counts: dict[tuple, Counter] = {}  # recipients with the same scope share one count
    sent = 0
    for user, module in digest_recipients():
        key = (user.division_id, frozenset(user.role_names), module)
        if key not in counts:
            counts[key] = overdue_by_township(user, module, now)
        per_township, url = counts[key], overdue_url(module)
        resolve(url=url, kinds=[OVERDUE_DIGEST], users=[user])
        total = sum(per_township.values())
        if not total:
            continue
        parts = "、".join(f"{name} {n}件" for name, n in sorted(per_township.items(), key=lambda kv: (-kv[1], kv[0])))
        label = f"({Module(module).label})" if module in Module.values else ""
        sent += notify([user], OVERDUE_DIGEST, f"超时未办结核查任务 {total} 件{label}",
                       f"按乡镇:{parts}。请督促落实。", url=url)
    return sent

