"""The itinerary: gaps and overlaps between segments, and the redacted public version with its
linter (综发〔2021〕103号: no name, sex, age, phone, ID number or employer, and no time finer
than a period of the day)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import DayPeriod
from .models import Case, Investigation, Segment

GAP = dt.timedelta(hours=2)  # an unexplained stretch of the day longer than this is flagged


@dataclass
class Row:
    segment: Segment
    flags: list[str] = field(default_factory=list)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def flag_segments(segments: Iterable[Segment], window: tuple[dt.date, dt.date] | None = None) -> list[Row]:
    """Each segment with its flags: overlapping the one before, a gap of over two hours, or (given
    the look-back `window`) a day outside it."""
    rows = [Row(s) for s in sorted(segments, key=lambda s: (s.on, s.start, s.end, s.pk or 0))]
    if window is not None:
        for row in rows:
            if not window[0] <= row.segment.on <= window[1]:
                row.flags.append(_("不在追溯期内"))
    for prev, row in zip(rows, rows[1:], strict=False):
        a, b = prev.segment, row.segment
        if a.on != b.on:
            continue
        if _minutes(b.start) < _minutes(a.end):
            text = _("与上一段（%(place)s）时间重叠") % {"place": a.place}
            row.flags.append(text)
            prev.flags.append(_("与下一段（%(place)s）时间重叠") % {"place": b.place})
        elif _minutes(b.start) - _minutes(a.end) > GAP.total_seconds() // 60:
            hours = (_minutes(b.start) - _minutes(a.end)) / 60
            row.flags.append(_("与上一段之间有%(h).1f小时空白") % {"h": hours})
    return rows


def look_back(investigation: Investigation) -> tuple[dt.date, dt.date]:
    """The days to trace: from the look-back's first day to the index date (or the report day)."""
    case = investigation.case
    return case.look_back_from, case.index_date or case.reported_at.date()


def missing_days(investigation: Investigation, segments: Iterable[Segment]) -> list[dt.date]:
    """Days of the look-back (up to the index date, or today) without any segment."""
    case = investigation.case
    last = look_back(investigation)[1]
    covered = {s.on for s in segments}
    days, day = [], case.look_back_from
    while day <= last:
        if day not in covered:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def period_of(t: dt.time) -> DayPeriod:
    h = t.hour
    if h < 6:
        return DayPeriod.EARLY
    if h < 11:
        return DayPeriod.MORNING
    if h < 13:
        return DayPeriod.NOON
    return DayPeriod.AFTERNOON if h < 18 else DayPeriod.EVENING


def public_lines(investigation: Investigation) -> list[str]:
    """One line per public segment: date, period(s) of the day, place, transport — nothing personal."""
    lines = []
    for s in investigation.segments.filter(public=True).select_related("venue").order_by("on", "start", "id"):
        first, last = period_of(s.start), period_of(s.end)
        when = first.label if first == last else _("%(a)s至%(b)s") % {"a": first.label, "b": last.label}
        place = s.venue.name if s.venue_id else s.place
        line = _("%(m)s月%(d)s日%(when)s，到访%(place)s") % {"m": s.on.month, "d": s.on.day, "when": when,
                                                            "place": place}
        if s.transport:
            line += _("，乘坐%(t)s") % {"t": s.get_transport_display()}
            if s.transport_detail:
                line += f"（{s.transport_detail}）"
        lines.append(line + "。")
    return lines


def public_text(investigation: Investigation) -> str:
    return "\n".join(public_lines(investigation))


EXACT_TIME = re.compile(r"\d{1,2}\s*[:：]\s*\d{2}|\d{1,2}\s*[时点]\s*(?:\d{1,2}\s*分|半|许|左右|钟)?")
ID_NUMBER = re.compile(r"\d{17}[\dXx]|\d{15}")
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
AGE = re.compile(r"\d{1,3}\s*岁")
SEX = re.compile(r"男性|女性|(?:^|[，,、（(\s])[男女](?:[，,、）)\s]|$)")


def lint_public(text: str, case: Case) -> list[str]:
    """What keeps a public itinerary from going out; empty when it may."""
    problems = []
    if case.name and case.name in text:
        problems.append(_("含有病例姓名“%(name)s”") % {"name": case.name})
    if EXACT_TIME.search(text):
        problems.append(_("含有精确时间“%(t)s”，只能写到上午、下午等时段") % {"t": EXACT_TIME.search(text).group(0)})
    if ID_NUMBER.search(text):
        problems.append(_("含有身份证号"))
    if PHONE.search(text) or (case.phone and case.phone in text):
        problems.append(_("含有手机号"))
    if AGE.search(text):
        problems.append(_("含有年龄"))
    if SEX.search(text):
        problems.append(_("含有性别"))
    if case.employer and case.employer in text:
        problems.append(_("含有工作单位“%(e)s”") % {"e": case.employer})
    return problems
