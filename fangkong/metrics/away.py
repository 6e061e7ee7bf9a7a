"""The figures of the people-away ledger and the return reports (issue #15, item 8): people away
by origin province and by the risk level of their place, the watch list, return reports due
today and tomorrow, arrivals confirmed and those overdue. Each is counted once here, in the
user's scope, with the URL of the list that shows exactly the rows it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fangkong.control.choices import OriginLevel
from fangkong.core.models import User
from fangkong.grid.choices import ArrivalDue, AwayStatus, ReturnStatus
from fangkong.grid.models import PersonAway, ReturnReport

from .catalog import PERSONS, Metric, register

register(
    Metric("away.people", gettext_lazy("县外人员"), PERSONS,
           gettext_lazy("台账中目前仍在县外的人员（状态为“在县外”），按户籍网格计入您的管辖范围")),
    Metric("away.by_province", gettext_lazy("县外人员（按所在省）"), PERSONS,
           gettext_lazy("在县外人员按登记的所在省分列，每人只计一次")),
    Metric("away.by_risk", gettext_lazy("县外人员（按所在地风险等级）"), PERSONS,
           gettext_lazy("在县外人员按所在地今日的风险等级分列（风险区名单发布后自动更新）")),
    Metric("away.watch", gettext_lazy("重点关注人员"), PERSONS,
           gettext_lazy("在县外、口头答应不返县但存在私自返县可能的人员")),
    Metric("returns.due_today", gettext_lazy("今日应到"), PERSONS,
           gettext_lazy("预计到达日期为今天的返县报备（不含已取消），按目的地计入您的管辖范围")),
    Metric("returns.due_tomorrow", gettext_lazy("明日应到"), PERSONS,
           gettext_lazy("预计到达日期为明天的返县报备（不含已取消）")),
    Metric("returns.arrived", gettext_lazy("已确认到达"), PERSONS,
           gettext_lazy("网格员已确认到达的返县报备（全部日期）")),
    Metric("returns.overdue", gettext_lazy("逾期未确认到达"), PERSONS,
           gettext_lazy("预计到达日期已过、仍未确认到达的返县报备")),
)


def _url(name: str, **params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return reverse(name) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    name: str  # the metric's name in the catalog
    label: str
    value: int
    url: str


@dataclass
class AwayFigures:
    today: dt.date
    people: Figure
    watch: Figure
    by_province: list[Figure] = field(default_factory=list)
    by_risk: list[Figure] = field(default_factory=list)
    returns: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict:
        def one(f: Figure) -> dict:
            return {"name": f.name, "label": f.label, "value": f.value, "url": f.url}
        return {"today": self.today.isoformat(), "people": one(self.people), "watch": one(self.watch),
                "by_province": [one(f) for f in self.by_province], "by_risk": [one(f) for f in self.by_risk],
                "returns": [one(f) for f in self.returns]}


def away_figures(user: User, today: dt.date | None = None) -> AwayFigures:
    today = today or timezone.localdate()
    away = PersonAway.objects.restrict(user).filter(status=AwayStatus.AWAY)
    people_url = "grid:personaway_list"
    total = away.count()
    out = AwayFigures(today, Figure("away.people", str(gettext_lazy("县外人员")), total,
                                    _url(people_url, status=AwayStatus.AWAY)),
                      Figure("away.watch", str(gettext_lazy("重点关注人员")), away.filter(watch=True).count(),
                             _url(people_url, status=AwayStatus.AWAY, watch="true")))
    for province, n in away.order_by().values("province").annotate(n=Count("id")).order_by("-n", "province") \
            .values_list("province", "n"):
        out.by_province.append(Figure("away.by_province", province, n,
                                      _url(people_url, status=AwayStatus.AWAY, province=province)))
    levels = dict(away.order_by().values("risk_level").annotate(n=Count("id")).values_list("risk_level", "n"))
    for level in OriginLevel:
        out.by_risk.append(Figure("away.by_risk", str(level.label), levels.get(level.value, 0),
                                  _url(people_url, status=AwayStatus.AWAY, risk_level=level.value)))
    reports = ReturnReport.objects.restrict(user).exclude(status=ReturnStatus.CANCELLED)
    tomorrow = today + dt.timedelta(days=1)
    list_url = "grid:returnreport_list"
    out.returns = [
        Figure("returns.due_today", str(gettext_lazy("今日应到")), reports.filter(arrive_on=today).count(),
               _url(list_url, due=ArrivalDue.TODAY)),
        Figure("returns.due_tomorrow", str(gettext_lazy("明日应到")), reports.filter(arrive_on=tomorrow).count(),
               _url(list_url, due=ArrivalDue.TOMORROW)),
        Figure("returns.arrived", str(gettext_lazy("已确认到达")), reports.filter(status=ReturnStatus.ARRIVED).count(),
               _url(list_url, status=ReturnStatus.ARRIVED)),
        Figure("returns.overdue", str(gettext_lazy("逾期未确认到达")),
               reports.filter(arrive_on__lt=today, status=ReturnStatus.EXPECTED).count(), _url(list_url, due=ArrivalDue.OVERDUE)),
    ]
    return out
