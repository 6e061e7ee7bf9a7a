"""The numbers of 日清日结: boards per channel and per township, their lists, and the 001 sentences.

Every number is a filtered queryset (`metric_queryset`), so a board cell and the list it
links to always agree. Counts run as grouped aggregates over indexed columns.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from fangkong.core.bulk import fetch_in
from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division, User
from fangkong.core.scoping import in_subtree

from .choices import BoardMetric, Channel, LeadKind, Outcome, ReviewDecision, VerificationStatus
from .models import Lead, Person, Review, Verification
from .routing import Router

CN_MONTHS = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()
# 001's four channels ("四种渠道") and the measures it counts.
SENTENCE_CHANNELS = {
    Channel.SELF_REPORT: "self", Channel.GRID_SCREENING: "self", Channel.BIG_DATA: "big_data",
    Channel.ASSIST_REQUEST: "assist",
}
MEASURE_BUCKET = {
    MeasureKind.CENTRAL_QUARANTINE: "central", MeasureKind.HOME_ISOLATION: "home_isolation",
    MeasureKind.HOME_MONITORING: "monitoring", MeasureKind.HEALTH_MONITORING: "monitoring",
}


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
    return scoped(Verification, user, division).filter(_task_conditions(user, lo, hi, now or timezone.now())[m])


def _task_conditions(user: User, lo: dt.datetime, hi: dt.datetime, now: dt.datetime) -> dict[BoardMetric, Q]:
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


def board_counts(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                 now: dt.datetime | None = None) -> dict:
    """{"channel": {channel: {metric: n}}, "township": {township_id: {...}}, "total": {...}}.

    Two grouped queries: the day's leads, and every task metric counted in one pass over the
    tasks that any of them can count (open ones, closed or rejected in the range).
    """
    lo, hi = day_bounds(start, end)
    out: dict = {"channel": defaultdict(Counter), "township": defaultdict(Counter), "total": Counter()}

    def add(channel: str, township: int | None, metric: str, n: int) -> None:
        out["channel"][channel][metric] += n
        out["township"][township][metric] += n
        out["total"][metric] += n

    # Grouped by the lead's own division (kept equal to its task's on reassignment) and mapped to
    # townships here: no join from every lead of the day to its task.
    router = Router.load()
    received = metric_queryset(BoardMetric.RECEIVED, user, start, end, division=division)
    for row in received.values("channel", "division_id").annotate(n=Count("id")):
        add(row["channel"], router.township_of(row["division_id"]), BoardMetric.RECEIVED.value, row["n"])
    conditions = _task_conditions(user, lo, hi, now or timezone.now())
    tasks = scoped(Verification, user, division).filter(functools.reduce(operator.or_, conditions.values()))
    for row in tasks.values("channel", "township_id").annotate(
            **{m.value: Count("id", filter=c) for m, c in conditions.items()}):
        for m in conditions:
            if row[m.value]:
                add(row["channel"], row["township_id"], m.value, row[m.value])
    return {"channel": {k: dict(v) for k, v in out["channel"].items()},
            "township": {k: dict(v) for k, v in out["township"].items()},
            "total": {m.value: out["total"].get(m.value, 0) for m in BoardMetric}}


def _range_label(start: dt.date, end: dt.date, today: dt.date, *, since: bool) -> str:
    if start == end == today:
        return "今日"
    if since and end == today and start.day == 1:
        return f"{CN_MONTHS[start.month - 1]}月以来"
    if start == end:
        return f"{start.month}月{start.day}日"
    return f"{start.month}月{start.day}日至{end.month}月{end.day}日"


def screening_sentence(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                       today: dt.date | None = None) -> str:
    """001: 七月以来,共排查涉疫风险人员N人(其中…),均落实相关管控措施(其中…)."""
    today = today or timezone.localdate()
    lo, hi = day_bounds(start, end)
    # Merged-away persons are few: left out here rather than joined to every lead of the range.
    leads = (scoped(Lead, user, division).filter(received_at__gte=lo, received_at__lt=hi)
             .order_by("received_at", "id").values_list("person_id", "channel", "kind"))
    bucket: dict[int, str] = {}
    for person_id, channel, kind in leads:
        if kind == LeadKind.FROM_ABROAD:
            bucket[person_id] = "abroad"
        else:
            bucket.setdefault(person_id, SENTENCE_CHANNELS.get(channel, "other"))
    for merged in Person.objects.filter(merged_into__isnull=False).values_list("pk", flat=True):
        bucket.pop(merged, None)
    by_channel = Counter(bucket.values())
    measures: Counter = Counter()
    settled = 0
    # Each person's tasks in one pass by id (the persons come from the scoped leads above): an
    # open one means not settled yet, else the one closed last decides the measure.
    open_ids: set[int] = set()
    latest: dict[int, tuple[tuple, str, str]] = {}
    for pid, vid, status, closed_at, outcome, kind in fetch_in(
            "SELECT person_id, id, status, closed_at, outcome, measure_kind FROM screening_verification WHERE {in}",
            "person_id", bucket):
        order = (closed_at is not None, closed_at, vid)  # the last closed; a missing time sorts first
        if status != VerificationStatus.CLOSED:
            open_ids.add(pid)
        elif pid not in latest or order > latest[pid][0]:
            latest[pid] = (order, outcome, kind)
    for pid in bucket:
        if pid in open_ids or pid not in latest:
            continue
        settled += 1
        _, outcome, kind = latest[pid]
        if outcome in (Outcome.CONTROLLED, Outcome.CLEARED):
            measures[MEASURE_BUCKET.get(kind, "monitoring")] += 1
    total = len(bucket)
    head = (f"{_range_label(start, end, today, since=True)},共排查涉疫风险人员{total}人"
            f"(其中自主报备和基层排查{by_channel['self']}人、大数据推送{by_channel['big_data']}人、"
            f"协查推送{by_channel['assist']}人、境外返回{by_channel['abroad']}人)")
    detail = (f"(其中集中隔离{measures['central']}人、居家医学观察{measures['home_isolation']}人、"
              f"健康监测{measures['monitoring']}人)")
    if settled == total:
        return f"{head},均落实相关管控措施{detail}。"
    return f"{head},已落实相关管控措施{sum(measures.values())}人{detail},其余{total - settled}人正在核查。"


def push_sentence(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                  channel: str = Channel.BIG_DATA, today: dt.date | None = None) -> str:
    """001: 今日推送数据N条,已核实N条,其中剩余N条数据无人接听,正在核实."""
    today = today or timezone.localdate()
    lo, hi = day_bounds(start, end)
    leads = scoped(Lead, user, division).filter(channel=channel, received_at__gte=lo, received_at__lt=hi)
    agg = leads.aggregate(
        n=Count("id"),
        verified=Count("id", filter=Q(verification__located_at__isnull=False)
                       | ~Q(verification__status=VerificationStatus.OPEN)),
        unreachable=Count("id", filter=Q(verification__located_at__isnull=True,
                                         verification__status=VerificationStatus.OPEN,
                                         verification__no_answer_count__gt=0)),
    )
    n, verified, unreachable = agg["n"], agg["verified"], agg["unreachable"]
    other = n - verified - unreachable
    text = f"{_range_label(start, end, today, since=False)}推送数据{n}条,已核实{verified}条"
    rest = []
    if other:
        rest.append(f"剩余{other}条正在落地核查")
    if unreachable:
        rest.append(f"剩余{unreachable}条数据无人接听,正在核实")
    return text + ("," + "其中" + ",".join(rest) if rest else "") + "。"


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
