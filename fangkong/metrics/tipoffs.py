"""The figures of the tip-offs (群众举报, issue #15 item 8): by outcome, by kind and by township.
Each is counted once here, in the user's scope, with the URL of the list (`grid:tipoff_list`
and its filterset) that shows exactly the rows it counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from fangkong.core.choices import LEVEL_PATH_LENGTH, DivisionLevel
from fangkong.core.models import Division, User
from fangkong.grid.choices import TipOffKind, TipOffStatus
from fangkong.grid.models import TipOff

from .catalog import ITEMS, Metric, register

register(
    Metric("tipoffs.total", gettext_lazy("群众举报"), ITEMS,
           gettext_lazy("群众通过举报页面提交的举报（可匿名），按举报地点所在村（社区）计入您的管辖范围")),
    Metric("tipoffs.by_outcome", gettext_lazy("群众举报（按处理结果）"), ITEMS,
           gettext_lazy("群众举报按当前处理结果分列：待处理、已转线索、已转检查、不属实、重复、已办结，每条只计一次")),
    Metric("tipoffs.by_kind", gettext_lazy("群众举报（按举报类型）"), ITEMS,
           gettext_lazy("群众举报按类型分列：私自返县/未报备返回、聚集、违规营业、其他")),
    Metric("tipoffs.by_township", gettext_lazy("群众举报（按乡镇）"), ITEMS,
           gettext_lazy("群众举报按举报地点所在乡镇（街道）分列")),
)

TOWNSHIP_PATH = LEVEL_PATH_LENGTH[DivisionLevel.TOWNSHIP]


def _url(**params: object) -> str:
    query = urlencode([(k, v) for k, v in params.items() if v not in (None, "")])
    return reverse("grid:tipoff_list") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    value: int
    url: str

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "value": self.value, "url": self.url}


@dataclass
class TipOffFigures:
    today: dt.date
    total: Figure
    by_outcome: list[Figure] = field(default_factory=list)
    by_kind: list[Figure] = field(default_factory=list)
    by_township: list[Figure] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"today": self.today.isoformat(), "total": self.total.as_dict(),
                "by_outcome": [f.as_dict() for f in self.by_outcome], "by_kind": [f.as_dict() for f in self.by_kind],
                "by_township": [f.as_dict() for f in self.by_township]}


def tipoff_figures(user: User, today: dt.date | None = None) -> TipOffFigures:
    qs = TipOff.objects.restrict(user)
    out = TipOffFigures(today or timezone.localdate(),
                        Figure("tipoffs.total", str(gettext_lazy("群众举报")), qs.count(), _url()))
    by_status = dict(qs.order_by().values("status").annotate(n=Count("id")).values_list("status", "n"))
    out.by_outcome = [Figure("tipoffs.by_outcome", str(s.label), by_status.get(s.value, 0), _url(status=s.value))
                      for s in TipOffStatus]
    by_kind = dict(qs.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))
    out.by_kind = [Figure("tipoffs.by_kind", str(k.label), by_kind.get(k.value, 0), _url(kind=k.value))
                   for k in TipOffKind]
    counts: dict[str, int] = {}
    for path, n in qs.order_by().values("division__path").annotate(n=Count("id")).values_list("division__path", "n"):
        counts[path[:TOWNSHIP_PATH]] = counts.get(path[:TOWNSHIP_PATH], 0) + n
    townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP, path__in=list(counts)).order_by("path")
    out.by_township = [Figure("tipoffs.by_township", t.name, counts[t.path], _url(division=t.pk)) for t in townships]
    return out
