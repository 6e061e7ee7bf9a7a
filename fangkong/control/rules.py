"""Policy rules as data: matching, plans and test schedules, set-based re-evaluation.

Everything that looks at many persons builds one SQL expression (a CASE over the version's
rules) instead of querying per person, so re-evaluating 100,000 measures is one query.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from fangkong.core import audit
from fangkong.core.choices import AuditAction

from .choices import MeasureStatus, OriginLevel, PolicyStatus, Tristate
from .models import Exposure, Measure, PolicyVersion, RiskArea, Rule
from .models.areas import NAME_FIELDS

BATCH = 5000  # primary keys per statement (SQLite's parameter limit)
NO_MEASURE = ""  # the new version imposes nothing (any more) on this person


def active_on(qs: QuerySet[RiskArea], on: dt.date) -> QuerySet[RiskArea]:
    """Risk-area periods in force on `on` (lifted_on is the first day no longer in force)."""
    return qs.filter(effective_from__lte=on).filter(Q(lifted_on__isnull=True) | Q(lifted_on__gt=on))


def origin_level_on(names: dict[str, str], on: dt.date | None) -> str:
    """The worst risk level listed for a place on a day; empty name parts of a listed area match anything."""
    if on is None or not names.get("province"):
        return OriginLevel.NONE
    q = Q()
    for f in NAME_FIELDS:
        q &= Q(**{f: ""}) | Q(**{f: names.get(f, "")})
    area = active_on(RiskArea.objects.filter(q), on).order_by("-rank").first()
    return area.level if area else OriginLevel.NONE


def _origin_subquery() -> Subquery:
    q = Q()
    for f in NAME_FIELDS:
        q &= Q(**{f: ""}) | Q(**{f: OuterRef(f"origin_{f}")})
    areas = RiskArea.objects.filter(q, effective_from__lte=OuterRef("left_on")).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=OuterRef("left_on"))
    )
    return Subquery(areas.order_by("-rank").values("level")[:1])


def refresh_origin_levels(qs: QuerySet[Exposure] | None = None, *, audited: bool = True) -> int:
    """Recompute exposures' origin levels from the risk-area history; returns how many changed.

    Only the exposures whose level changes are written, one UPDATE per new level, and (unless
    `audited` is off, for rebuilding benchmark data) each gets an audit row with the old and new
    level through the bulk writer: a person's risk level is personal data that changed."""
    qs = Exposure.objects.all() if qs is None else qs
    level = Coalesce(_origin_subquery(), Value(OriginLevel.NONE))
    if not audited:
        qs.exclude(origin_province="").exclude(left_on=None).update(origin_level=level)
        return 0
    changed = list(qs.exclude(origin_province="").exclude(left_on=None).annotate(new_level=level)
                   .exclude(origin_level=F("new_level")).values_list("pk", "origin_level", "new_level"))
    old = {pk: before for pk, before, _new in changed}
    by_level: dict[str, list[int]] = {}
    for pk, _before, new in changed:
        by_level.setdefault(new, []).append(pk)
    for new, pks in by_level.items():
        for i in range(0, len(pks), BATCH):
            Exposure.objects.filter(pk__in=pks[i:i + BATCH]).update(origin_level=new)
    pks = list(old)
    for i in range(0, len(pks), BATCH):
        audit.record_many(AuditAction.UPDATE, Exposure.objects.filter(pk__in=pks[i:i + BATCH]).select_related(
            "person__division"), verb="refresh_origin_level",
            changes_of=lambda e: {"origin_level": [old[e.pk], e.origin_level]})
    return len(changed)


def rule_q(rule: Rule, prefix: str = "") -> Q:
    """The rule's conditions on an Exposure (reached through `prefix`); empty conditions match all."""
    q = Q()
    if rule.channel:
        q &= Q(**{f"{prefix}channel": rule.channel})
    if rule.contact_type:
        q &= Q(**{f"{prefix}contact_type": rule.contact_type})
    if rule.origin_level:
        q &= Q(**{f"{prefix}origin_level": rule.origin_level})
    if rule.max_days_since_leaving is not None:
        q &= Q(**{f"{prefix}days_since_leaving__lte": rule.max_days_since_leaving})
    if rule.from_abroad:
        q &= Q(**{f"{prefix}from_abroad": rule.from_abroad == Tristate.YES})
    if rule.vaccinated:
        q &= Q(**{f"{prefix}vaccinated": rule.vaccinated == Tristate.YES})
    return q


def version_rules(version: PolicyVersion) -> list[Rule]:
    return list(version.rules.prefetch_related("steps").order_by("priority", "id"))


def rule_case(rules: list[Rule], prefix: str = "") -> Case:
    """CASE WHEN <rule 1> THEN id1 WHEN <rule 2> THEN id2 … END: the first matching rule wins."""
    whens = [When(rule_q(r, prefix), then=Value(r.pk)) for r in rules]
    return Case(*whens, default=Value(None), output_field=IntegerField())


def match_rule(version: PolicyVersion | None, exposure: Exposure) -> Rule | None:
    """The version's rule for one saved exposure: the same SQL as the set-based re-evaluation."""
    if version is None:
        return None
    rules = version_rules(version)
    if not rules:
        return None
    rule_id = Exposure.objects.filter(pk=exposure.pk).annotate(r=rule_case(rules)).values_list("r", flat=True).first()
    return next((r for r in rules if r.pk == rule_id), None)


@dataclass(frozen=True)
class PlannedStep:
    step: int
    kind: str
    starts_on: dt.date
    ends_on: dt.date  # release date: the first day free of this step


def plan_chain(plan: list[tuple[str, int]], plan_start_on: dt.date) -> list[PlannedStep]:
    """Day 1 is `plan_start_on`; each step starts on the release date of the one before."""
    out, start = [], plan_start_on
    for i, (kind, days) in enumerate(plan):
        end = start + dt.timedelta(days=days)
        out.append(PlannedStep(i, kind, start, end))
        start = end
    return out


def step_on(plan: list[tuple[str, int]], plan_start_on: dt.date, on: dt.date) -> PlannedStep | None:
    """The step in force on a day, or None once the whole plan is over."""
    return next((s for s in plan_chain(plan, plan_start_on) if s.starts_on <= on < s.ends_on), None)


def test_dates(test_days: list[int], plan_start_on: dt.date) -> list[tuple[int, dt.date]]:
    """Schedule (N天M检): day n is due on plan_start_on + n - 1."""
    return [(d, plan_start_on + dt.timedelta(days=d - 1)) for d in test_days]


def tests_in_step(test_days: list[int], chain: list[PlannedStep], step: PlannedStep) -> list[tuple[int, dt.date]]:
    """The scheduled tests that fall within one step; days past the plan belong to the last step."""
    last = chain[-1].step if chain else step.step
    out = []
    for day, due in test_dates(test_days, chain[0].starts_on if chain else step.starts_on):
        inside = step.starts_on <= due < step.ends_on
        overflow = step.step == last and due >= step.ends_on
        if inside or overflow:
            out.append((day, due))
    return out


# --- set-based re-evaluation -------------------------------------------------------------

def _kind_today_whens(rule: Rule, q: Q, today: dt.date) -> list[When]:
    """WHENs giving the kind under `rule`'s plan today, for rows matching `q`.

    Step k covers plan days [c(k-1), c(k)); "today is before the end of step k" is
    `plan_start_on > today - c(k)`, a constant date per rule and step, so no date arithmetic
    in SQL is needed. Once the plan is over the current kind is kept (the person is waiting
    for release, e.g. for a late test), so only a different plan counts as a change.
    """
    whens, cum = [], 0
    for kind, days in rule.plan():
        cum += days
        whens.append(When(q & Q(plan_start_on__gt=today - dt.timedelta(days=cum)), then=Value(kind)))
    whens.append(When(q, then=F("kind")))
    return whens


def _new_kind_case(rules: list[Rule], today: dt.date, prefix: str) -> Case:
    """The kind under the first matching rule of the new version (empty: no rule, released)."""
    whens = [w for r in rules for w in _kind_today_whens(r, rule_q(r, prefix), today)]
    return Case(*whens, default=Value(NO_MEASURE), output_field=CharField())


def current_rules() -> list[Rule]:
    """Rules that can have set a measure: those of published or retired versions (a few dozen;
    drafts set nothing). Listing them is cheaper than scanning the measures for their rules."""
    return list(Rule.objects.exclude(version__status=PolicyStatus.DRAFT).prefetch_related("steps"))


def _current_kind_case(today: dt.date) -> Case:
    """The kind each active measure's own rule gives today (measures set by hand keep theirs)."""
    current = current_rules()
    whens = [w for r in current for w in _kind_today_whens(r, Q(rule_id=r.pk), today)]
    return Case(*whens, default=F("kind"), output_field=CharField())


def _total_days_case(rules: list[Rule], prefix: str) -> Case:
    whens = [When(rule_q(r, prefix), then=Value(r.total_days)) for r in rules]
    return Case(*whens, default=Value(0), output_field=IntegerField())


def reevaluate(version: PolicyVersion, today: dt.date, base: QuerySet[Measure] | None = None) -> QuerySet[Measure]:
    """Active measures set by a policy rule whose kind today or whose plan length would change under `version`.

    Compares the kind the new version gives today with the kind the measure's own rule gives
    today. Annotates `kind_today`, `new_rule`, `new_kind` (empty: released under the new
    version) and `new_plan_days`.
    One query, whatever the number of persons.
    """
    rules = version_rules(version)
    qs = (Measure.objects.all() if base is None else base).filter(
        status=MeasureStatus.ACTIVE, exposure__isnull=False, rule__isnull=False)  # measures set by hand stay
    qs = qs.annotate(kind_today=_current_kind_case(today), new_kind=_new_kind_case(rules, today, "exposure__"),
                     new_plan_days=_total_days_case(rules, "exposure__"))
    qs = qs.filter(~Q(new_kind=F("kind_today")) | ~Q(new_plan_days=F("plan_days")))
    # Unordered: with the default ordering SQLite walks the ends_on index instead of the table.
    return qs.annotate(new_rule=rule_case(rules, "exposure__")).order_by()


def preview_summary(changed: QuerySet[Measure]) -> list[dict]:
    """Counts of changes grouped as (current kind → new kind)."""
    from django.db.models import Count

    return list(changed.values("kind", "new_kind").annotate(n=Count("id")).order_by("kind", "new_kind"))
