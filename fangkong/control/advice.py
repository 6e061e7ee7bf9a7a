"""The policy for someone coming from a place on a day, before they exist as a person here: what a
return report's receipt tells them to do on arrival (点对点闭环转运, 集中隔离, N天M检 …).

The same rules as the measures: the published version's rules in priority order, the first whose
conditions hold wins; an empty condition matches anything, and a condition on something unknown
(a contact type, vaccination not stated) does not match — as the SQL of `rules.rule_q` on an
exposure whose column is empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from fangkong.core.choices import MeasureKind, Module

from .choices import OriginLevel, Tristate
from .models import PolicyVersion, Rule
from .rules import origin_level_on, version_rules


@dataclass(frozen=True)
class Facts:
    """What a return report says about the journey."""

    place: dict[str, str]
    on: dt.date  # the arrival day
    left_on: dt.date | None = None  # the day they leave the origin (default: the arrival day)
    from_abroad: bool = False
    vaccinated: bool | None = None
    channel: str = Module.SELF_REPORT


@dataclass(frozen=True)
class Advice:
    level: str
    rule: str = ""
    version: str = ""
    plan: list[tuple[str, int]] = field(default_factory=list)
    test_days: list[int] = field(default_factory=list)
    test_kind: str = ""

    @property
    def level_label(self) -> str:
        return str(OriginLevel(self.level).label)

    def lines(self) -> list[str]:
        """The receipt's instructions, in the order the person meets them."""
        out = []
        first = self.plan[0][0] if self.plan else ""
        if first == MeasureKind.CENTRAL_QUARANTINE:
            out.append(_("抵达时请在高速路口或车站等候，由工作人员点对点闭环转运至集中隔离点，途中不得停留、不得乘坐公共交通。"))
        elif first == MeasureKind.HOME_ISOLATION:
            out.append(_("抵达时由工作人员点对点闭环转运回家，到家后不得外出。"))
        else:
            out.append(_("抵达后请直接回家，并主动向所在村（社区）报到。"))
        for kind, days in self.plan:
            out.append(_("%(kind)s%(days)s天。") % {"kind": MeasureKind(kind).label, "days": days})
        if self.test_days:
            total = max(sum(d for _k, d in self.plan), max(self.test_days))
            out.append(_("%(total)s天%(n)s检：抵达后第%(days)s天各做一次%(kind)s。") % {
                "total": total, "n": len(self.test_days), "days": _("、").join(map(str, self.test_days)),
                "kind": self.test_kind_label})
        if not self.plan:
            out.append(_("无需管控，请做好个人健康监测，如有发热、咳嗽等症状请及时就医并主动报告。"))
        return out

    @property
    def test_kind_label(self) -> str:
        from fangkong.core.choices import TestKind

        return str(TestKind(self.test_kind).label) if self.test_kind in TestKind.values else _("核酸检测")


def _holds(condition: str, value: bool | None) -> bool:
    if not condition:
        return True
    return value is not None and value == (condition == Tristate.YES)


def rule_matches(rule: Rule, facts: Facts, level: str) -> bool:
    if rule.channel and rule.channel != facts.channel:
        return False
    if rule.contact_type:
        return False  # a return report names no contact
    if rule.origin_level and rule.origin_level != level:
        return False
    if rule.max_days_since_leaving is not None:
        days = (facts.on - (facts.left_on or facts.on)).days
        if days < 0 or days > rule.max_days_since_leaving:
            return False
    return _holds(rule.from_abroad, facts.from_abroad) and _holds(rule.vaccinated, facts.vaccinated)


def advise(facts: Facts, version: PolicyVersion | None = None) -> Advice:
    """The policy in force for this journey: the origin's risk level on the arrival day and the
    first matching rule of the published version (none published, or no rule: no measure)."""
    level = origin_level_on(facts.place, facts.left_on or facts.on)
    version = version or PolicyVersion.in_force()
    if version is None:
        return Advice(level)
    rule = next((r for r in version_rules(version) if rule_matches(r, facts, level)), None)
    if rule is None:
        return Advice(level, version=str(version))
    return Advice(level, rule=rule.name, version=str(version), plan=rule.plan(), test_days=rule.test_day_list,
                  test_kind=rule.test_kind)
