"""哨点预警: per sentinel, per day, its count against its own baseline — set-based in DuckDB.

A day's count signals when it exceeds the rule's fixed threshold, or when the sentinel has reported
for the rule's `weeks` weeks and the count is at least `min_count` and exceeds the `percentile`-th
percentile (linear interpolation, as numpy and DuckDB's quantile_cont) of the same weekday's counts
in the last `weeks` weeks, days without a record counting 0 (CIDARS: P80 of the last weeks'
same-day counts). "Exceeds" is strict: a count exactly at the threshold or the baseline is no signal.

The counts come from the `SentinelCount` roll-up (one row per sentinel, day, kind and class), read
as Arrow (`analytics.engine.fetch_arrow`) and computed by one DuckDB query: no Python loop over rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.urls import reverse
from django.utils import timezone

from fangkong.analytics.engine import fetch_arrow
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

SIGNAL_SQL = """
WITH c AS (SELECT CAST(venue_id AS BIGINT) AS venue_id, CAST(day AS DATE) AS day, CAST(n AS BIGINT) AS n FROM counts),
cand AS (
  SELECT c.venue_id, c.day, c.n, v.division_id, v.threshold, v.pct, v.weeks, v.min_count, v.rule_id, v.hours,
         CAST(f.first_day AS DATE) <= c.day - CAST(7 * v.weeks AS INTEGER) AS has_history
  FROM c JOIN venues v ON v.venue_id = c.venue_id JOIN firsts f ON f.venue_id = c.venue_id
  WHERE c.day BETWEEN DATE '{start}' AND DATE '{end}'
),
past AS (
  SELECT cand.venue_id, cand.day, cand.pct, coalesce(p.n, 0) AS n
  FROM cand JOIN (SELECT range AS k FROM range(1, 53)) ks ON ks.k <= cand.weeks
  LEFT JOIN c p ON p.venue_id = cand.venue_id AND p.day = cand.day - 7 * CAST(ks.k AS INTEGER)
),
sorted AS (
  SELECT venue_id, day, list_sort(list(n)) AS l, (count(*) - 1) * any_value(pct) / 100.0 AS pos
  FROM past GROUP BY venue_id, day
),
base AS (
  SELECT venue_id, day, l[CAST(floor(pos) AS INTEGER) + 1]
         + (l[CAST(ceil(pos) AS INTEGER) + 1] - l[CAST(floor(pos) AS INTEGER) + 1]) * (pos - floor(pos)) AS baseline
  FROM sorted
),
judged AS (
  SELECT cand.*, b.baseline,
         CASE WHEN cand.threshold IS NOT NULL AND cand.n > cand.threshold THEN '{threshold}'
              WHEN cand.has_history AND cand.n >= cand.min_count AND cand.n > b.baseline THEN '{percentile}'
         END AS method
  FROM cand LEFT JOIN base b ON b.venue_id = cand.venue_id AND b.day = cand.day
)
SELECT venue_id, day, n, baseline, threshold, rule_id, division_id, hours, method
FROM judged WHERE method IS NOT NULL ORDER BY day, venue_id
"""


@dataclass(frozen=True)
class Candidate:
    venue_id: int
    day: dt.date
    count: int
    baseline: float | None
    threshold: int | None
    rule_id: int | None
    division_id: int
    response_hours: int
    method: str


def _venue_rules(venue_ids: list[int] | None = None) -> pa.Table:
    """Each sentinel with its rule's parameters (its sector's rule, else the default one)."""
    rules = {r.sector_id: r for r in SignalRule.objects.filter(active=True)}
    default = rules.get(None, DEFAULT_RULE)
    qs = Venue.objects.filter(sector__code__in=SENTINEL_SECTORS)
    if venue_ids is not None:
        qs = qs.filter(pk__in=venue_ids)
    rows = [(pk, grid, rules.get(sector, default)) for pk, grid, sector in qs.values_list("pk", "grid_id", "sector_id")]
    return pa.table({
        "venue_id": pa.array([r[0] for r in rows], pa.int64()),
        "division_id": pa.array([r[1] for r in rows], pa.int64()),
        "threshold": pa.array([r[2].threshold for r in rows], pa.int64()),
        "pct": pa.array([r[2].percentile for r in rows], pa.int64()),
        "weeks": pa.array([r[2].weeks for r in rows], pa.int64()),
        "min_count": pa.array([r[2].min_count for r in rows], pa.int64()),
        "rule_id": pa.array([r[2].pk for r in rows], pa.int64()),
        "hours": pa.array([r[2].response_hours for r in rows], pa.int64()),
    })


def compute_signals(start: dt.date, end: dt.date, venue_ids: list[int] | None = None) -> list[Candidate]:
    """The signals of every sentinel (or of `venue_ids`) for the days in [start, end]."""
    import duckdb

    venues = _venue_rules(venue_ids)
    if not venues.num_rows:
        return []
    weeks = max(venues.column("weeks").to_pylist())
    since = start - dt.timedelta(days=7 * weeks)
    tables = fetch_arrow({
        "counts": "SELECT venue_id, day, SUM(n) AS n FROM sectors_sentinelcount "
                  f"WHERE day >= '{since.isoformat()}' AND day <= '{end.isoformat()}' GROUP BY venue_id, day",
        "firsts": "SELECT venue_id, MIN(day) AS first_day FROM sectors_sentinelcount GROUP BY venue_id",
    }, {"counts": {"venue_id": "int64", "day": "date", "n": "int64"},
        "firsts": {"venue_id": "int64", "first_day": "date"}})
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        for name, table in (*tables.items(), ("venues", venues)):
            con.register(name, table)
        sql = SIGNAL_SQL.format(start=start.isoformat(), end=end.isoformat(), threshold=SignalMethod.THRESHOLD.value,
                                percentile=SignalMethod.PERCENTILE.value)
        rows = con.execute(sql).fetchall()
    finally:
        con.close()
    return [Candidate(int(v), d, int(n), None if b is None else round(float(b), 2), t, r, int(g), int(h), m)
            for v, d, n, b, t, r, g, h, m in rows]


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
