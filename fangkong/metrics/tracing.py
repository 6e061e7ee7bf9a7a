"""Figures of cases and tracing: 24小时内密接全部管控到位的病例占比.

A case counts in the denominator when it was reported in the range (in the viewer's scope) and
has at least one contact whom the protocol puts under a measure (密接, 次密接, 时空伴随者); it
counts in the numerator when every one of those was controlled (落地管控) within 24 hours of the
case's report time. One grouped query, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DateTimeField, ExpressionWrapper, F, Q, Value
from django.utils.translation import gettext_lazy

from fangkong.core.models import User
from fangkong.tracing.actions.protocols import CONTROL_TYPES
from fangkong.tracing.models import Case

from .catalog import Metric, register

WITHIN = dt.timedelta(hours=24)
register(
    Metric("tracing.contacts_controlled_24h", gettext_lazy("24小时内密接全部管控到位的病例占比"), "%",
           gettext_lazy("所选日期内报告的病例中，有需管控接触者（密接、次密接、时空伴随者）的病例数为分母；其中全部"
                        "需管控接触者在病例报告后24小时内落地管控的病例数为分子（未落地的按未到位计）")),
)


@dataclass(frozen=True)
class ControlledWithin:
    start: dt.date
    end: dt.date
    cases: int  # with at least one contact to control
    in_time: int

    @property
    def share(self) -> float | None:
        return round(100 * self.in_time / self.cases, 1) if self.cases else None


def contacts_controlled_figures(user: User, start: dt.date, end: dt.date) -> ControlledWithin:
    deadline = ExpressionWrapper(F("reported_at") + Value(WITHIN), output_field=DateTimeField())
    controlled = Q(contacts__category__in=list(CONTROL_TYPES))
    late = controlled & (Q(contacts__controlled_at=None) | Q(contacts__controlled_at__gt=deadline))
    rows = (Case.objects.restrict(user).filter(reported_at__date__gte=start, reported_at__date__lte=end)
            .annotate(n=Count("contacts", filter=controlled), late=Count("contacts", filter=late))
            .filter(n__gt=0).values_list("late", flat=True))
    lates = list(rows)
    return ControlledWithin(start, end, len(lates), sum(1 for n in lates if n == 0))
