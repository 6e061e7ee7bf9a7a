"""复工复产 figures (seed 001: "确保申请复工复产企业、门店尽快验收……对已复工复产的……要加强督导检查"):
applications in a range by outcome, those still waiting for the on-site check, and the resumed
businesses due for inspection on the day — each linked to the list it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.core.models import User
from fangkong.sectors.actions_resumption import resumption_due
from fangkong.sectors.choices import ResumptionStatus
from fangkong.sectors.models import ResumptionApplication

from .catalog import Metric, register

Part = tuple[str, int | None, str]
register(
    Metric("resumption.applied", gettext_lazy("复工复产申请"), gettext_lazy("家"),
           gettext_lazy("申请日期在所选期间内的复工复产申请数（在您管辖范围内），按验收结论分列")),
    Metric("resumption.due", gettext_lazy("复工后应检查"), gettext_lazy("家"),
           gettext_lazy("已准予（含有条件）复工、距上次现场检查已满检查周期的单位数（截至今天）")),
)


@dataclass(frozen=True)
class ResumptionFigures:
    start: dt.date
    end: dt.date
    applied: int
    approved: int
    conditional: int
    refused: int
    waiting: int
    due: int


def resumption_figures(user: User, start: dt.date, end: dt.date) -> ResumptionFigures:
    mine = ResumptionApplication.objects.restrict(user)
    n = mine.filter(applied_at__date__gte=start, applied_at__date__lte=end).aggregate(
        applied=Count("id"), approved=Count("id", filter=Q(status=ResumptionStatus.APPROVED)),
        conditional=Count("id", filter=Q(status=ResumptionStatus.CONDITIONAL)),
        refused=Count("id", filter=Q(status=ResumptionStatus.REFUSED)),
        waiting=Count("id", filter=Q(status=ResumptionStatus.APPLIED)))
    # Due is a state of today (the list `?due=true` shows the same rows), whatever the range.
    return ResumptionFigures(start, end, **n, due=resumption_due(mine, timezone.localdate()).count())


def _list(**params: object) -> str:
    return reverse("sectors:resumptionapplication_list") + "?" + urlencode(list(params.items()))


def resumption_sentence(f: ResumptionFigures) -> list[Part]:
    """N月N日以来受理复工复产申请N家，准予复工N家、有条件复工N家、不予复工N家，待验收N家；目前应检查N家."""
    span = {"applied_from": f.start, "applied_to": f.end}
    since = _("%(m)d月%(d)d日以来") % {"m": f.start.month, "d": f.start.day}
    return [
        (since + _("受理复工复产申请"), f.applied, _list(**span)),
        (_("家，准予复工"), f.approved, _list(status=ResumptionStatus.APPROVED, **span)),
        (_("家、有条件复工"), f.conditional, _list(status=ResumptionStatus.CONDITIONAL, **span)),
        (_("家、不予复工"), f.refused, _list(status=ResumptionStatus.REFUSED, **span)),
        (_("家，待验收"), f.waiting, _list(status=ResumptionStatus.APPLIED, **span)),
        (_("家；已复工单位目前应检查"), f.due, _list(due="true")),
        (_("家"), None, ""),
    ]
