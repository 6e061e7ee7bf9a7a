"""The figures of the 四对一 teams and the notices (issue #15, items 5 and 6): teams of people
under a home measure now, seats still 待指派, checks overdue, checks and abnormal checks today;
notices sent and the people they did not reach. Each is counted once here, in the user's scope,
with the URL of the list that shows the rows it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fangkong.control.choices import MeasureStatus
from fangkong.core.models import User
from fangkong.grid.choices import NOT_REACHED, CareDue, CheckResult
from fangkong.grid.models import CareCheck, CareDuty, CareTeam, Notice, NoticeDelivery

from .catalog import ITEMS, PERSONS, Metric, register

register(
    Metric("care.teams", gettext_lazy("四对一专班"), PERSONS,
           gettext_lazy("此刻处于居家隔离或居家健康监测、已组建专班的人数，按管理区划计入您的管辖范围")),
    Metric("care.vacant", gettext_lazy("有待指派岗位的专班"), PERSONS,
           gettext_lazy("上述专班中至少有一个岗位既无账号也未填写姓名（待指派）的人数")),
    Metric("care.overdue", gettext_lazy("逾期未查"), ITEMS,
           gettext_lazy("上述专班中已过下次应查时间仍未登记查看的事项数（每个岗位的每项查看内容计一项）")),
    Metric("care.checks_today", gettext_lazy("今日查看"), ITEMS, gettext_lazy("今天登记的专班查看次数")),
    Metric("care.abnormal_today", gettext_lazy("今日异常"), ITEMS, gettext_lazy("今天登记、结果为异常的专班查看次数")),
    Metric("notices.sent", gettext_lazy("通知条数"), ITEMS, gettext_lazy("您管辖范围内发出的通知数（累计，每条通知计一次）")),
    Metric("notices.recipients", gettext_lazy("通知人数"), PERSONS,
           gettext_lazy("上述通知的名单人数（同一人在两条通知中计两次）")),
    Metric("notices.not_reached", gettext_lazy("未送达人数"), PERSONS,
           gettext_lazy("上述名单中发送失败或无有效手机号的人数（重新发送成功后不再计入）")),
)


def _url(name: str, **params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return reverse(name) + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    value: int
    url: str


def care_figures(user: User, today: dt.date | None = None) -> list[Figure]:
    today = today or timezone.localdate()
    active = {"team__measure__status": MeasureStatus.ACTIVE}
    teams = CareTeam.objects.restrict(user).filter(measure__status=MeasureStatus.ACTIVE)
    vacant = teams.filter(members__user__isnull=True, members__name="").distinct()
    overdue = CareDuty.objects.restrict(user).filter(due_at__lt=timezone.now(), **active)
    checks = CareCheck.objects.restrict(user).filter(
        at__gte=_day_start(today), at__lt=_day_start(today + dt.timedelta(days=1)))
    return [
        Figure("care.teams", str(gettext_lazy("四对一专班")), teams.count(), _url("grid:careteam_list", active="true")),
        Figure("care.vacant", str(gettext_lazy("有待指派岗位的专班")), vacant.count(),
               _url("grid:careteam_list", active="true", vacant="true")),
        Figure("care.overdue", str(gettext_lazy("逾期未查")), overdue.count(),
               _url("grid:careduty_list", due=CareDue.OVERDUE)),
        Figure("care.checks_today", str(gettext_lazy("今日查看")), checks.count(), _url("grid:carecheck_list", day=today.isoformat())),
        Figure("care.abnormal_today", str(gettext_lazy("今日异常")), checks.filter(result=CheckResult.ABNORMAL).count(),
               _url("grid:carecheck_list", day=today.isoformat(), result=CheckResult.ABNORMAL)),
    ]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def notice_figures(user: User) -> list[Figure]:
    """Every notice in the user's scope, and the people they have not reached."""
    notices = Notice.objects.restrict(user)
    recipients = notices.aggregate(n=Sum("recipients"))["n"] or 0
    missed = NoticeDelivery.objects.restrict(user).filter(status__in=NOT_REACHED).count()
    return [
        Figure("notices.sent", str(gettext_lazy("通知条数")), notices.count(), _url("grid:notice_list")),
        Figure("notices.recipients", str(gettext_lazy("通知人数")), recipients, _url("grid:noticedelivery_list")),
        Figure("notices.not_reached", str(gettext_lazy("未送达人数")), missed,
               _url("grid:noticedelivery_list", reached="false")),
    ]
