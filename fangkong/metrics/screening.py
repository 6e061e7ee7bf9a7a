"""Risk screening's figures for 001's two sentences, and the sentences written from them.

The figures are computed once (`screening_figures`, `push_figures`, from the roll-up counts that
writes keep: `screening.rollups`; `*_live` count the same from the rows) and the sentences only
print them, so the API and the written report can give the same numbers, and a test can check
that the parts of every sentence add up to its whole.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from fangkong.core.choices import MeasureKind
from fangkong.core.models import Division, User
from fangkong.screening.choices import CHANNEL_MODULE, Channel, Outcome, VerificationStatus
from fangkong.screening.models import Lead, Person, PersonCount, PushCount
from fangkong.screening.reports import day_bounds, scoped
from fangkong.screening.rollups import person_keys

# Every channel has a bucket, so the parts of the first sentence add up to its total. 001 names
# the first four; the others are printed only when some person falls in them.
CHANNEL_BUCKET = {
    Channel.SELF_REPORT: "self", Channel.GRID_SCREENING: "self", Channel.BIG_DATA: "big_data",
    Channel.ASSIST_REQUEST: "assist", Channel.CLOSE_CONTACT: "contacts", Channel.SECONDARY_CONTACT: "contacts",
    Channel.HARD_TO_FIND: "hard_to_find",
    Channel.CO_PRESENCE: "big_data",  # 时空伴随: leads of the big-data module (screening.choices)
    Channel.SENTINEL: "sentinel",  # 哨点监测 (#13 item 4): pharmacies' buyers, fever clinics' patients
}
# The channels of the areas built on screening (卡口登记, 哨点, 时空伴随, 群众举报) count where their module does.
CHANNEL_BUCKET.update({c: CHANNEL_BUCKET[Channel(m)] for c, m in CHANNEL_MODULE.items() if c not in CHANNEL_BUCKET})
ABROAD = "abroad"
MEASURE_BUCKET = {
    MeasureKind.CENTRAL_QUARANTINE: "central", MeasureKind.HOME_ISOLATION: "home_isolation",
    MeasureKind.HOME_MONITORING: "monitoring", MeasureKind.HEALTH_MONITORING: "monitoring",
}
MEASURED_OUTCOMES = (Outcome.CONTROLLED, Outcome.CLEARED)


@dataclass(frozen=True)
class ScreeningFigures:
    """Persons pushed in a range: by channel, and where their verification stands.

    total = sum(by_channel) = settled + verifying; settled = sum(by_measure) + closed_otherwise.
    """

    start: dt.date
    end: dt.date
    total: int
    by_channel: dict[str, int]
    settled: int
    by_measure: dict[str, int]
    closed_otherwise: int

    @property
    def verifying(self) -> int:
        return self.total - self.settled

    @property
    def measured(self) -> int:
        return sum(self.by_measure.values())


@dataclass(frozen=True)
class PushFigures:
    """A channel's pushes in a range, each followed to its task: pushed = verified + unreachable + in_progress."""

    start: dt.date
    end: dt.date
    channel: str
    pushed: int
    verified: int
    unreachable: int
    in_progress: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "in_progress", self.pushed - self.verified - self.unreachable)


def screening_figures(user: User, start: dt.date, end: dt.date, *, division: Division | None = None
                      ) -> ScreeningFigures:
    """Persons first pushed in the range, from their roll-up counts (`PersonCount`, a few hundred
    rows whatever the county's size), with the scope of persons; equal to `screening_figures_live`."""
    rows = (scoped(PersonCount, user, division).filter(day__gte=start, day__lte=end)
            .values_list("channel", "abroad", "settled", "outcome", "measure_kind").annotate(total=Sum("n"))
            .order_by())
    return _persons(start, end, rows)


def screening_figures_live(user: User, start: dt.date, end: dt.date, *, division: Division | None = None
                           ) -> ScreeningFigures:
    """`screening_figures` counted from the persons, leads and tasks themselves (`rollups.person_keys`)."""
    keys = person_keys(scoped(Person, user, division).values("pk"))
    return _persons(start, end, [(channel, abroad, settled, outcome, kind, n) for (
        day, _division, channel, _module, abroad, settled, outcome, kind), n in keys.items() if start <= day <= end])


def _persons(start: dt.date, end: dt.date, rows) -> ScreeningFigures:
    """Each person once, in the bucket of their first lead (any lead from abroad: 境外返回); settled
    when no task is open, measured by the task closed last."""
    by_channel = Counter({k: 0 for k in ("self", "big_data", "assist", ABROAD, "contacts", "hard_to_find",
                                         "sentinel")})
    measures: Counter = Counter({k: 0 for k in ("central", "home_isolation", "monitoring")})
    settled = otherwise = 0
    for channel, abroad, is_settled, outcome, kind, n in rows:
        by_channel[ABROAD if abroad else CHANNEL_BUCKET[channel]] += n
        if not is_settled:
            continue
        settled += n
        if outcome in MEASURED_OUTCOMES:
            measures[MEASURE_BUCKET.get(kind, "monitoring")] += n
        else:
            otherwise += n
    return ScreeningFigures(start, end, sum(by_channel.values()), dict(by_channel), settled, dict(measures), otherwise)


def push_figures(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                 channel: str = Channel.BIG_DATA) -> PushFigures:
    """A channel's leads of the range by where their task stands, from `PushCount`; equal to
    `push_figures_live`."""
    agg = (scoped(PushCount, user, division).filter(channel=channel, day__gte=start, day__lte=end)
           .aggregate(pushed=Sum("n"), verified=Sum("n", filter=Q(verified=True)),
                      unreachable=Sum("n", filter=Q(unreachable=True))))
    return PushFigures(start, end, str(channel), agg["pushed"] or 0, agg["verified"] or 0, agg["unreachable"] or 0)


def push_figures_live(user: User, start: dt.date, end: dt.date, *, division: Division | None = None,
                      channel: str = Channel.BIG_DATA) -> PushFigures:
    """`push_figures` counted from the leads and their tasks."""
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
    return PushFigures(start, end, str(channel), agg["n"], agg["verified"], agg["unreachable"])


def range_label(start: dt.date, end: dt.date, today: dt.date, *, since: bool) -> str:
    if start == end == today:
        return _("今日")
    if since and end == today and start.day == 1:
        return _("%(month)s以来") % {"month": MONTHS[start.month]}
    if start == end:
        return _("%(month)d月%(day)d日") % {"month": start.month, "day": start.day}
    return _("%(m1)d月%(d1)d日至%(m2)d月%(d2)d日") % {"m1": start.month, "d1": start.day, "m2": end.month,
                                                       "d2": end.day}


def screening_sentence(f: ScreeningFigures, *, today: dt.date | None = None) -> str:
    """001: 七月以来，共排查涉疫风险人员N人（其中…），均落实相关管控措施（其中…）。"""
    today = today or timezone.localdate()
    c = f.by_channel
    parts = [_("自主报备和基层排查%(n)d人") % {"n": c["self"]}, _("大数据推送%(n)d人") % {"n": c["big_data"]},
             _("协查推送%(n)d人") % {"n": c["assist"]}, _("境外返回%(n)d人") % {"n": c[ABROAD]}]
    if c["contacts"]:
        parts.append(_("密接、次密接推送%(n)d人") % {"n": c["contacts"]})
    if c["hard_to_find"]:
        parts.append(_("难查数据%(n)d人") % {"n": c["hard_to_find"]})
    if c["sentinel"]:
        parts.append(_("哨点监测报告%(n)d人") % {"n": c["sentinel"]})
    sep = _("、")
    head = _("%(range)s，共排查涉疫风险人员%(total)d人（其中%(parts)s）") % {
        "range": range_label(f.start, f.end, today, since=True), "total": f.total, "parts": sep.join(parts)}
    m = f.by_measure
    detail = sep.join([_("集中隔离%(n)d人") % {"n": m["central"]}, _("居家医学观察%(n)d人") % {"n": m["home_isolation"]},
                       _("健康监测%(n)d人") % {"n": m["monitoring"]}])
    if f.settled == f.total and not f.closed_otherwise:
        return _("%(head)s，均落实相关管控措施（其中%(detail)s）。") % {"head": head, "detail": detail}
    text = _("%(head)s，已落实相关管控措施%(n)d人（其中%(detail)s）") % {"head": head, "n": f.measured, "detail": detail}
    if f.closed_otherwise:
        text += _("，经核查不在本县、信息错误、无法联系或重复%(n)d人") % {"n": f.closed_otherwise}
    if f.verifying:
        text += _("，其余%(n)d人正在核查") % {"n": f.verifying}
    return text + _("。")


def push_sentence(f: PushFigures, *, today: dt.date | None = None) -> str:
    """001: 今日推送数据N条，已核实N条，其中剩余N条数据无人接听，正在核实。"""
    today = today or timezone.localdate()
    text = _("%(range)s推送数据%(n)d条，已核实%(verified)d条") % {
        "range": range_label(f.start, f.end, today, since=False), "n": f.pushed, "verified": f.verified}
    rest = []
    if f.in_progress:
        rest.append(_("剩余%(n)d条正在落地核查") % {"n": f.in_progress})
    if f.unreachable:
        rest.append(_("剩余%(n)d条数据无人接听，正在核实") % {"n": f.unreachable})
    return text + (_("，其中%(rest)s") % {"rest": _("，").join(rest)} if rest else "") + _("。")
