"""Key-group compliance (重点人群): who tested on their group's rhythm, who is overdue, who never did."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Subquery

from .choices import ComplianceStatus
from .models import KeyGroup, KeyGroupMember, Sampling


@dataclass
class MemberCompliance:
    member: KeyGroupMember
    last_tested_at: dt.datetime | None
    due_at: dt.datetime | None
    status: str


def compliance(group: KeyGroup, now: dt.datetime, members=None) -> list[MemberCompliance]:
    """A member complies when their last test of the group's kind is within `every_days` days of now."""
    members = members if members is not None else group.members.all()
    last = (Sampling.objects.filter(id_number=OuterRef("id_number"), sample__test_kind=group.test_kind,
                                    sampled_at__lte=now)
            .values("id_number").annotate(m=Max("sampled_at")).values("m"))
    window = dt.timedelta(days=group.every_days)
    out = []
    for m in members.annotate(last_tested_at=Subquery(last)).order_by("name"):
        if m.last_tested_at is None:
            status, due = ComplianceStatus.NEVER, None
        else:
            due = m.last_tested_at + window
            status = ComplianceStatus.COMPLIANT if due >= now else ComplianceStatus.OVERDUE
        out.append(MemberCompliance(m, m.last_tested_at, due, status))
    return out


def summary(rows: list[MemberCompliance]) -> dict[str, int]:
    counts = {s.value: 0 for s in ComplianceStatus}
    for r in rows:
        counts[r.status] += 1
    return counts
