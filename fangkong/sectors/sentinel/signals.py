"""哨点预警: per sentinel, per day, its count against its own baseline — set-based, vectorised.

A day's count signals when it exceeds the rule's fixed threshold, or when the sentinel has reported
for the rule's `weeks` weeks and the count is at least `min_count` and exceeds the `percentile`-th
percentile (linear interpolation, numpy's default and DuckDB's quantile_cont) of the same weekday's
counts in the last `weeks` weeks, days without a record counting 0 (CIDARS: P80 of the last weeks'
same-day counts). "Exceeds" is strict: a count exactly at the threshold or the baseline is no signal.

The counts come from the `SentinelCount` roll-up, read once (as Arrow through ADBC on PostgreSQL
outside transactions, else straight from the cursor into one numpy array) into a dense sentinel ×
day matrix; each rule's percentiles are one numpy
call over the matrix shifted by whole weeks — no loop over sentinels, days or rows. 1,000 sentinels ×
365 days take well under a second (`bench/run sectors`); a window-function query in DuckDB took
seconds, its quantile per frame being the cost.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, NamedTuple

import numpy as np
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fangkong.analytics.engine import fetch_arrow, use_adbc
from fangkong.core import audit
from fangkong.core.actions import action, require_role
from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import User
from fangkong.core.notify import notify

from ..choices import SignalMethod, SignalStatus
from ..models import SENTINEL_SECTORS, Signal, SignalRule, Venue
from ..roles import SIGNAL_RESPONDERS

DEFAULT_RULE = SignalRule(name="默认规则", threshold=None, percentile=80, weeks=4, min_count=5, response_hours=24)
ROUTE_TO = (Role.COMMAND_CENTER, Role.CDC)
EPOCH = dt.date(1970, 1, 1)


class Candidate(NamedTuple):
    venue_id: int
    day: dt.date
    count: int
    baseline: float | None
    threshold: int | None
    rule_id: int | None
    division_id: int
    response_hours: int
    method: str


def _venue_rules(venue_ids: list[int] | None = None) -> list[tuple[int, int, SignalRule]]:
    """Each sentinel (id, grid) with its rule (its sector's active rule, else the default one)."""
    rules = {r.sector_id: r for r in SignalRule.objects.filter(active=True)}
    default = rules.get(None, DEFAULT_RULE)
    qs = Venue.objects.filter(sector__code__in=SENTINEL_SECTORS)
    if venue_ids is not None:
        qs = qs.filter(pk__in=venue_ids)
    return [(pk, grid, rules.get(sector, default))
            for pk, grid, sector in qs.order_by("pk").values_list("pk", "grid_id", "sector_id")]


def _matrix(ids: np.ndarray, since: dt.date, end: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """(counts as a sentinel × day matrix from `since` to `end`, each sentinel's first day with a
    count as an index into it, possibly negative, or a large number when it has none)."""
    lo, hi = (since - EPOCH).days, (end - EPOCH).days
    # The day as a number of days since 1970, computed by the database: a date column would be
    # parsed row by row on SQLite (Django's converter: 0.6 s of 1.0 s for a year of 1,000 sentinels).
    day_number = ("CAST(julianday(day) - 2440587.5 AS INTEGER)" if connection.vendor == "sqlite"
                  else "(day - DATE '1970-01-01')")
    sql = (f"SELECT venue_id, {day_number} AS day, n FROM sectors_sentinelcount "
           f"WHERE day >= '{since.isoformat()}' AND day <= '{end.isoformat()}'")
    if use_adbc():  # PostgreSQL outside a transaction: the rows arrive as Arrow
        table = fetch_arrow({"counts": sql}, {"counts": {"venue_id": "int64", "day": "int64", "n": "int64"}})["counts"]
        rows = np.column_stack([table.column(c).to_numpy(zero_copy_only=False).astype(np.int64)
                                for c in ("venue_id", "day", "n")]).reshape(-1, 3)
    else:
        with connection.cursor() as cur:
            cur.execute(sql)
            # Three integers a row straight into one array: no per-column lists or Arrow on the way.
            rows = np.fromiter(itertools.chain.from_iterable(cur.fetchall()), dtype=np.int64).reshape(-1, 3)
    matrix = np.zeros((len(ids), hi - lo + 1), dtype=np.int64)
    first = np.full(len(ids), np.iinfo(np.int64).max // 2, dtype=np.int64)
    if len(rows):
        venue, cols, n = rows[:, 0], rows[:, 1] - lo, rows[:, 2]
        at = np.searchsorted(ids, venue)
        known = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == venue)
        np.add.at(matrix, (at[known], cols[known]), n[known])
        np.minimum.at(first, at[known], cols[known])
    # A sentinel whose first count in the window is its first day may have reported before it.
    maybe_earlier = [int(v) for v in ids[first == 0]]
    if maybe_earlier:
        from django.db.models import Min

        from ..models import SentinelCount

        earlier = dict(SentinelCount.objects.filter(venue_id__in=maybe_earlier, day__lt=since)
                       .values_list("venue_id").annotate(d=Min("day")).values_list("venue_id", "d"))
        for pk, day in earlier.items():
            first[np.searchsorted(ids, pk)] = (day - since).days
    return matrix, first


def compute_signals(start: dt.date, end: dt.date, venue_ids: list[int] | None = None) -> list[Candidate]:
    """The signals of every sentinel (or of `venue_ids`) for the days in [start, end]."""
    venues = _venue_rules(venue_ids)
    if not venues or start > end:
        return []
    ids = np.array([v[0] for v in venues], dtype=np.int64)
    weeks = max(v[2].weeks for v in venues)
    since = start - dt.timedelta(days=7 * weeks)
    matrix, first = _matrix(ids, since, end)
    offset, span = 7 * weeks, (end - start).days + 1
    days = np.arange(span) + offset  # the columns of [start, end]
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (_pk, _grid, rule) in enumerate(venues):
        groups.setdefault((rule.percentile, rule.weeks), []).append(i)
    found: list[tuple[np.ndarray, ...]] = []  # (venue index, day column, count, baseline, method) per group
    for (percentile, w), members in groups.items():
        rows = np.array(members)
        block = matrix[rows]
        counts = block[:, offset:offset + span]
        past = np.stack([block[:, offset - 7 * k:offset - 7 * k + span] for k in range(1, w + 1)])
        baseline = np.percentile(past, percentile, axis=0)
        rules = [venues[i][2] for i in members]
        threshold = np.array([r.threshold if r.threshold is not None else -1 for r in rules])[:, None]
        minimum = np.array([r.min_count for r in rules])[:, None]
        history = first[rows][:, None] <= days[None, :] - 7 * w
        by_threshold = (threshold >= 0) & (counts > threshold)
        by_percentile = history & (counts >= minimum) & (counts > baseline) & ~by_threshold
        for code, hits in enumerate((by_threshold, by_percentile)):
            r, c = np.nonzero(hits)
            found.append((rows[r], c, counts[r, c], np.round(baseline[r, c], 2), np.full(len(r), code)))
    if not found:
        return []
    v, c, n, b, m = (np.concatenate(parts) for parts in zip(*found, strict=True))
    order = np.lexsort((v, c))  # by day, then sentinel (ids ascending)
    # Only the hits leave numpy, as plain lists: one tuple each.
    attrs = [(pk, grid, rule.threshold, rule.pk, rule.response_hours) for pk, grid, rule in venues]
    dates = [start + dt.timedelta(days=d) for d in range(span)]
    methods = (SignalMethod.THRESHOLD.value, SignalMethod.PERCENTILE.value)
    return [Candidate(a[0], dates[d], count, base, a[2], a[3], a[1], a[4], methods[k])
            for a, d, count, base, k in zip(map(attrs.__getitem__, v[order].tolist()), c[order].tolist(),
                                            n[order].tolist(), b[order].tolist(), m[order].tolist(), strict=True)]


def _routed_to(users: list[User], grid_path: str) -> list[User]:
    return [u for u in users if u.division_id and grid_path.startswith(u.division.path)]


@action
def do_raise_signals(start: dt.date, end: dt.date, *, acting_user: Any, now: dt.datetime | None = None) -> list[Signal]:
    """Compute the signals of [start, end] and record those not raised yet (one per sentinel and
    day), each with its response deadline, notified to the command centre and the CDC above the
    sentinel's grid. Returns the new signals."""
    require_role(acting_user, *SIGNAL_RESPONDERS)
    now = now or timezone.now()
    found = compute_signals(start, end)
    if not found:
        return []
    raised = set(Signal.objects.filter(day__gte=start, day__lte=end).values_list("venue_id", "day"))
    new = [Signal(venue_id=c.venue_id, division_id=c.division_id, day=c.day, count=c.count, baseline=c.baseline,
                  threshold=c.threshold, method=c.method, rule_id=c.rule_id, raised_at=now,
                  due_at=now + dt.timedelta(hours=c.response_hours))
           for c in found if (c.venue_id, c.day) not in raised]
    if not new:
        return []
    signals = Signal.objects.bulk_create(new)
    signals = list(Signal.objects.filter(pk__in=[s.pk for s in signals]).select_related("venue", "division"))
    audit.record_many(AuditAction.CREATE, signals, verb="raise_signal", changes_of=lambda s: {
        "venue": s.venue.name, "day": s.day.isoformat(), "count": s.count, "baseline": s.baseline,
        "threshold": s.threshold, "method": s.method, "due_at": s.due_at.isoformat()})
    users = list(User.objects.filter(is_active=True, roles__role__in=ROUTE_TO).select_related("division").distinct())
    for s in signals:
        basis = f"阈值{s.threshold}" if s.method == SignalMethod.THRESHOLD else f"基线{s.baseline:g}"
        notify(_routed_to(users, s.division.path), "alert", f"哨点预警：{s.venue.name}",
               f"{s.day:%m月%d日}登记{s.count}人次，超过{basis}；请于{timezone.localtime(s.due_at):%m月%d日%H:%M}前响应",
               reverse("sectors:signal", args=[s.pk]))
    return signals


@action
def do_escalate_signals(*, acting_user: Any, now: dt.datetime | None = None) -> int:
    """Escalate each signal still unanswered past its deadline, once (claimed by a conditional
    update): audited and notified to the county's command centre and CDC. Returns how many."""
    require_role(acting_user, Role.COMMAND_CENTER)
    now = now or timezone.now()
    candidates = list(Signal.objects.filter(status=SignalStatus.OPEN, due_at__lt=now, escalated_at=None)
                      .values_list("pk", flat=True)[:5000])
    claimed = [pk for pk in candidates if Signal.objects.filter(pk=pk, escalated_at=None).update(escalated_at=now)]
    if not claimed:
        return 0
    county = list(User.objects.filter(is_active=True, roles__role__in=ROUTE_TO,
                                      division__level__in=[DivisionLevel.COUNTY, DivisionLevel.CITY])
                  .select_related("division").distinct())
    for s in Signal.objects.filter(pk__in=claimed).select_related("venue", "division"):
        audit.record(AuditAction.ACTION, s, verb="escalate_signal",
                     changes={"due_at": s.due_at.isoformat(), "venue": s.venue.name})
        notify(_routed_to(county, s.division.path), "alert", f"哨点预警超时未响应：{s.venue.name}",
               f"响应时限{timezone.localtime(s.due_at):%m月%d日%H:%M}已过", reverse("sectors:signal", args=[s.pk]))
    return len(claimed)
