"""The numbers of 日清日结: boards per channel and per township, their lists and the day's close
(the 001 sentences are written in `fangkong.metrics.screening`).

Every number is a filtered queryset (`metric_queryset`), so a board cell and the list it
links to always agree. The board reads the roll-up counts that writes keep (`rollups`), a few
hundred rows whatever the county's size; `board_counts_live` counts the same from the rows
themselves (the rebuild and the tests hold the two equal).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from fangkong.core.models import Division, User
from fangkong.core.scoping import in_subtree

from .choices import BoardMetric, Outcome, ReviewDecision, VerificationStatus
from .models import ClosedTaskCount, Lead, LeadCount, OpenTaskCount, Person, Review, Verification
from .routing import Router


def day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def scoped(model, user: User, division: Division | None = None) -> QuerySet:
    qs = model.objects.restrict(user)
    if division is not None:
        qs = in_subtree(qs, model.scope_division_field, division)
    return qs


def metric_queryset(metric: str, user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                    now: dt.datetime | None = None) -> QuerySet:
    """The rows behind one board number: leads for `received`, verifications otherwise."""
    lo, hi = day_bounds(start, end)
    m = BoardMetric(metric)
    if m == BoardMetric.RECEIVED:
        return scoped(Lead, user, division).filter(received_at__gte=lo, received_at__lt=hi)
    return scoped(Verification, user, division).filter(task_conditions(user, lo, hi, now or timezone.now())[m])


def task_conditions(user: User, lo: dt.datetime, hi: dt.datetime, now: dt.datetime) -> dict[BoardMetric, Q]:
    """Each task metric as a condition on verifications: a list filters by one, the board counts all
    of them in one pass."""
    is_open = ~Q(status=VerificationStatus.CLOSED)
    closed = Q(status=VerificationStatus.CLOSED, closed_at__gte=lo, closed_at__lt=hi)
    rejected = Review.objects.restrict(user).filter(decision=ReviewDecision.REJECTED, at__gte=lo, at__lt=hi)
    return {
        BoardMetric.VERIFIED: closed,
        BoardMetric.CONTROLLED: closed & Q(outcome=Outcome.CONTROLLED),
        BoardMetric.PENDING: is_open & (Q(next_due_at__isnull=True) | Q(next_due_at__gte=now)),
        BoardMetric.OVERDUE: is_open & Q(next_due_at__lt=now),
        BoardMetric.UNREACHABLE: is_open & Q(no_answer_count__gt=0, located_at__isnull=True),
        BoardMetric.REJECTED: Q(pk__in=rejected.values("verification_id")),
    }


class _Board:
    """The board's numbers as they are added up: per channel, per township and in total."""

    def __init__(self) -> None:
        self.channel: dict = defaultdict(Counter)
        self.township: dict = defaultdict(Counter)
        self.total: Counter = Counter()

    def add(self, channel: str, township: int | None, metric: str, n: int | None) -> None:
        if n:
            self.channel[channel][metric] += n
            self.township[township][metric] += n
            self.total[metric] += n

    def result(self) -> dict:
        return {"channel": {k: dict(v) for k, v in self.channel.items()},
                "township": {k: dict(v) for k, v in self.township.items()},
                "total": {m.value: self.total.get(m.value, 0) for m in BoardMetric}}


def board_counts(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                 now: dt.datetime | None = None) -> dict:
    """{"channel": {channel: {metric: n}}, "township": {township_id: {...}}, "total": {...}}, from the
    roll-up counts (`rollups`), with the scope of leads and tasks; equal to `board_counts_live`.

    Open tasks are counted per exact deadline, so 在办已超时 at `now` is the sum of those due before
    it. 审核退回 counts the tasks with a rejection in the range (once however many): from the day's
    reviews, through the index on `Review.at`.
    """
    now = now or timezone.now()
    lo, hi = day_bounds(start, end)
    out, router = _Board(), Router.load()
    for r in (scoped(LeadCount, user, division).filter(day__gte=start, day__lte=end)
              .values("channel", "division_id").annotate(n=Sum("n")).order_by()):
        out.add(r["channel"], router.township_of(r["division_id"]), BoardMetric.RECEIVED.value, r["n"])
    for r in (scoped(ClosedTaskCount, user, division).filter(day__gte=start, day__lte=end)
              .values("channel", "division_id")
              .annotate(verified=Sum("n"), controlled=Sum("n", filter=Q(controlled=True))).order_by()):
        for m in (BoardMetric.VERIFIED, BoardMetric.CONTROLLED):
            out.add(r["channel"], router.township_of(r["division_id"]), m.value, r[m.value])
    for r in (scoped(OpenTaskCount, user, division).values("channel", "division_id")
              .annotate(pending=Sum("n", filter=Q(due_at__gte=now)), overdue=Sum("n", filter=Q(due_at__lt=now)),
                        unreachable=Sum("n", filter=Q(unreachable=True))).order_by()):
        for m in (BoardMetric.PENDING, BoardMetric.OVERDUE, BoardMetric.UNREACHABLE):
            out.add(r["channel"], router.township_of(r["division_id"]), m.value, r[m.value])
    for r in (scoped(Review, user, division).filter(decision=ReviewDecision.REJECTED, at__gte=lo, at__lt=hi)
              .values("verification__channel", "verification__township_id")
              .annotate(n=Count("verification_id", distinct=True)).order_by()):
        out.add(r["verification__channel"], r["verification__township_id"], BoardMetric.REJECTED.value, r["n"])
    return out.result()


def board_counts_live(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                      now: dt.datetime | None = None) -> dict:
    """`board_counts` counted from the leads and tasks themselves (seconds at a million tasks).

    Two grouped queries: the day's leads, and every task metric counted in one pass over the
    tasks that any of them can count (open ones, closed or rejected in the range).
    """
    lo, hi = day_bounds(start, end)
    out = _Board()
    # Grouped by the lead's own division (kept equal to its task's on reassignment) and mapped to
    # townships here: no join from every lead of the day to its task.
    router = Router.load()
    received = metric_queryset(BoardMetric.RECEIVED, user, start, end, division=division)
    for row in received.values("channel", "division_id").annotate(n=Count("id")):
        out.add(row["channel"], router.township_of(row["division_id"]), BoardMetric.RECEIVED.value, row["n"])
    conditions = task_conditions(user, lo, hi, now or timezone.now())
    tasks = scoped(Verification, user, division).filter(functools.reduce(operator.or_, conditions.values()))
    for row in tasks.values("channel", "township_id").annotate(
            **{m.value: Count("id", filter=c) for m, c in conditions.items()}):
        for m in conditions:
            out.add(row["channel"], row["township_id"], m.value, row[m.value])
    return out.result()


def open_at_close(user: User, division: Division, date: dt.date) -> QuerySet:
    """Tasks pushed on or before `date` and still not closed: what a day's close carries forward."""
    _, hi = day_bounds(date, date)
    return (scoped(Verification, user, division).exclude(status=VerificationStatus.CLOSED)
            .filter(opened_at__lt=hi).select_related("person", "assignee"))


def default_reason(v: Verification, now: dt.datetime) -> str:
    if v.status == VerificationStatus.SUBMITTED:
        return f"已填报“{v.get_outcome_display()}”,待审核"
    if v.no_answer_count and not v.located_at:
        return f"无人接听{v.no_answer_count}次,正在核实"
    if v.assignee_id is None:
        return "未分派责任人,待模块管理员分派"
    if v.next_due_at and v.next_due_at < now:
        return "已超时,正在落地核查"
    return "正在落地核查,未到时限"


def persons_in_range(user: User, start: dt.date, end: dt.date) -> QuerySet:
    lo, hi = day_bounds(start, end)
    return Person.objects.restrict(user).filter(leads__received_at__gte=lo, leads__received_at__lt=hi).distinct()
