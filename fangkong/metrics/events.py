"""红白事 figures (seed 001: "严格落实红白事报告制度……所有红白事乡镇必须安排人员全程指导"): the family
events held in a range, by kind, how many a township officer supervises and checked on site,
those that broke a rule and those still without a supervisor — each linked to the list it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.models import User
from fangkong.sectors.choices import EventKind, EventStatus
from fangkong.sectors.models import FamilyEvent

from .catalog import Metric, register

Part = tuple[str, int | None, str]

IN_FORCE = [s for s in EventStatus.values if s != EventStatus.CANCELLED]
SUPERVISED = [EventStatus.SUPERVISING, EventStatus.CHECKED]
register(
    Metric("events.reported", gettext_lazy("红白事报备"), gettext_lazy("起"),
           gettext_lazy("举办日期在所选期间内、未取消的红白事报备起数（在您管辖范围内），按喜事、丧事分列")),
    Metric("events.supervised", gettext_lazy("乡镇安排人员全程指导"), gettext_lazy("起"),
           gettext_lazy("上述报备中已指派督导人或已现场检查的起数")),
    Metric("events.checked", gettext_lazy("红白事现场检查"), gettext_lazy("起"),
           gettext_lazy("上述报备中已记录现场检查的起数")),
    Metric("events.flagged", gettext_lazy("超出规定的红白事"), gettext_lazy("起"),
           gettext_lazy("上述报备中报备时即超出人数、桌数、提前报备天数等规定的起数（按报备时的规则）")),
)


@dataclass(frozen=True)
class EventFigures:
    start: dt.date
    end: dt.date
    total: int
    weddings: int
    funerals: int
    supervised: int
    checked: int
    flagged: int

    @property
    def unsupervised(self) -> int:
        return self.total - self.supervised


def event_figures(user: User, start: dt.date, end: dt.date) -> EventFigures:
    qs = FamilyEvent.objects.restrict(user).filter(event_date__gte=start, event_date__lte=end, status__in=IN_FORCE)
    n = qs.aggregate(
        total=Count("id"), weddings=Count("id", filter=Q(kind=EventKind.WEDDING)),
        funerals=Count("id", filter=Q(kind=EventKind.FUNERAL)), supervised=Count("id", filter=Q(status__in=SUPERVISED)),
        checked=Count("id", filter=Q(status=EventStatus.CHECKED)), flagged=Count("id", filter=~Q(flags=[])))
    return EventFigures(start, end, **n)


def _events(f: EventFigures, **params: object) -> str:
    pairs = [("date_from", f.start), ("date_to", f.end)]
    for key, value in params.items():
        pairs += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return reverse("sectors:familyevent_list") + "?" + urlencode(pairs)


def event_sentence(f: EventFigures) -> list[Part]:
    """M月D日至M月D日，报备红白事N起（喜事N起、丧事N起），乡镇安排人员全程指导N起，现场检查N起，超出规定N起."""
    span = _("%(m1)d月%(d1)d日至%(m2)d月%(d2)d日") % {"m1": f.start.month, "d1": f.start.day, "m2": f.end.month,
                                                    "d2": f.end.day}
    if not f.total:
        return [(span + _("，无红白事报备"), None, "")]
    parts: list[Part] = [
        (span + _("，报备红白事"), f.total, _events(f, status=IN_FORCE)),
        (_("起（喜事"), f.weddings, _events(f, kind=EventKind.WEDDING, status=IN_FORCE)),
        (_("起、丧事"), f.funerals, _events(f, kind=EventKind.FUNERAL, status=IN_FORCE)),
        (_("起），乡镇安排人员全程指导"), f.supervised, _events(f, status=SUPERVISED)),
        (_("起，现场检查"), f.checked, _events(f, status=EventStatus.CHECKED)),
        (_("起，超出规定"), f.flagged, _events(f, status=IN_FORCE, flagged="true")),
        (_("起"), None, ""),
    ]
    if f.unsupervised:
        parts += [(_("，尚有"), f.unsupervised, _events(f, status=EventStatus.REPORTED)), (_("起未安排督导"), None, "")]
    return parts
