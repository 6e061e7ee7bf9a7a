"""seed_demo_activity fills the boards of a demo through the platform's own actions.

The demo is seeded once for the module (seed 7, as `fangkong demo` does with its own seed) and
rolled back at its end; each test reads what it expects of one area."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.control.models import Measure, PolicyVersion
from fangkong.core.tests.crawl.scenarios import county, seed_demo
from fangkong.screening.models import ContactAttempt, Lead, Review, Verification
from fangkong.testing.models import Sample, Sampling, SamplingRound


@pytest.fixture(scope="module", autouse=True)
def demo_county(django_db_setup, django_db_blocker):
    with county(django_db_blocker, seed_demo):
        yield


def test_it_seeds_screening_control_and_testing_once(users):
    assert Lead.objects.count() > 200
    assert set(Lead.objects.values_list("channel", flat=True)) >= {
        "self_report", "grid_screening", "close_contact", "big_data", "assist_request"}
    assert Lead.objects.filter(kind="from_abroad").exists()
    assert Verification.objects.filter(status="closed").exists()
    assert Verification.objects.filter(status="submitted").exists()
    assert Verification.objects.filter(status="open").exists()
    assert ContactAttempt.objects.exists() and Review.objects.exists()
    assert PolicyVersion.in_force() is not None
    assert Measure.objects.exists()
    assert users["site"].quarantine_sites.exists()  # the site account works at a site (#18)
    # rooms are assigned in the command once measures exist; here on_commit runs after the command
    assert SamplingRound.objects.count() == 1
    assert Sampling.objects.count() > 50
    assert Sample.objects.filter(result="positive").count() == 1
    from fangkong.grid.models import MemberAnswer, Sweep, Visit

    in_progress = Sweep.objects.get(status="open")
    assert in_progress.previous is not None and Visit.objects.filter(sweep=in_progress, status="visited").exists()
    assert MemberAnswer.objects.filter(visit__sweep=in_progress, risk=True, lead__isnull=False).exists()
    from fangkong.grid.models import AwayTask, PersonAway, ReturnReport

    assert PersonAway.objects.filter(watch=True).exists() and PersonAway.objects.filter(risk_level="high").exists()
    assert set(AwayTask.objects.values_list("kind", flat=True)) == {"call", "seen", "arrival"}
    assert ReturnReport.objects.filter(status="arrived").exists()
    assert ReturnReport.objects.filter(filed_by="employer", arrive_on=timezone.localdate()
                                       + timezone.timedelta(days=1)).exists()
    before = (Lead.objects.count(), Sample.objects.count(), Measure.objects.count())
    call_command("seed_demo_activity", "--if-empty", verbosity=0)
    assert (Lead.objects.count(), Sample.objects.count(), Measure.objects.count()) == before


def test_it_seeds_risk_areas_that_decide_most_measures(users):
    """#18 item 19: the demo had no risk areas, so most measures showed "手工" (manual)."""
    from fangkong.control.choices import RiskLevel
    from fangkong.control.models import RiskArea

    areas = RiskArea.objects.all()
    assert {a.level for a in areas} == {RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW}
    assert areas.filter(lifted_on__isnull=False).count() == 1 and areas.filter(lifted_on__isnull=True).count() >= 3
    assert all(a.effective_from < timezone.localdate() for a in areas)
    measures = Measure.objects.all()
    by_rule = Counter(m.rule.name if m.rule else "手工" for m in measures.select_related("rule"))
    assert by_rule["手工"] * 2 < len(measures), by_rule  # a majority carry the rule that decided them
    assert by_rule["高风险区"] and by_rule["中风险区"], by_rule  # the risk-area rules are seen working
    assert all(m.policy_version_id for m in measures if m.rule_id)


def test_it_seeds_venues_and_a_day_of_inspections(users):
    """#13: the demo county has venues of every sector, today's inspections with their findings, an
    escalated overdue re-inspection and a closing order in force."""
    from fangkong.sectors.choices import Finding, OrderStatus, VenueStatus
    from fangkong.sectors.models import Inspection, Reinspection, Sector, SectorOrder, Venue

    assert set(Venue.objects.values_list("sector__code", flat=True)) == set(
        Sector.objects.values_list("code", flat=True))
    today = Inspection.objects.filter(inspected_at__date=timezone.localdate())
    assert {i.finding for i in today} == {Finding.COMPLIANT, Finding.RECTIFY, Finding.SUSPEND}
    assert all(i.inspector == users["regulator"] for i in today)
    assert Reinspection.objects.filter(escalated_at__isnull=False).count() == 1
    order = SectorOrder.objects.get(status=OrderStatus.ACTIVE)
    assert order.sector.code == "script_game"
    assert set(Venue.objects.filter(sector=order.sector).values_list("status", flat=True)) == {VenueStatus.CLOSED}


def test_it_seeds_a_small_outbreak(users):
    """#14: cases with investigations on the clock, itineraries, contacts pushed as leads, a positive
    waiting for its case."""
    from fangkong.screening.models import Lead
    from fangkong.tracing.choices import CaseClass, ContactCategory, ContactStatus
    from fangkong.tracing.models import Case, Contact, Milestone, PositiveFinding, ProtocolVersion

    assert ProtocolVersion.in_force().code == "第九版"
    cases = sorted(Case.objects.order_by("id")[:3], key=lambda c: c.reported_at)  # the outbreak's own three
    assert [c.classification for c in cases] == [CaseClass.CONFIRMED, CaseClass.ASYMPTOMATIC, CaseClass.CONFIRMED]
    assert cases[2].classifications.count() == 2  # 疑似 → 确诊
    assert cases[0].investigation.segments.filter(venue__isnull=False).exists()
    assert {c.category for c in Contact.objects.all()} == {ContactCategory.CLOSE, ContactCategory.SECONDARY,
                                                           ContactCategory.GENERAL}
    assert Contact.objects.filter(status=ContactStatus.CASE).count() == 1  # the second case was a close contact
    pushed = Contact.objects.exclude(category=ContactCategory.GENERAL)
    assert Lead.objects.filter(pk__in=pushed.values("lead_id")).count() == pushed.count()
    assert Milestone.objects.filter(escalated_at__isnull=False).exists()
    assert PositiveFinding.objects.filter(case=None).count() == 1
    # #14 item 5: the contact who turned positive linked to the first case; clusters to the 4th generation.
    from fangkong.core.choices import Role
    from fangkong.core.models import User
    from fangkong.tracing.chains import chain_graph
    from fangkong.tracing.models import Cluster, TransmissionEdge

    assert TransmissionEdge.objects.filter(source=cases[0], target=cases[1]).exists()
    assert Cluster.objects.count() == 3 and TransmissionEdge.objects.count() >= 12
    graph = chain_graph(User.objects.filter(roles__role=Role.CDC).order_by("id").first())
    assert graph["counts"]["max_generation"] >= 4 and len(graph["counts"]["by_township"]) >= 2


def test_it_seeds_a_week_of_family_events(users):
    """#13 item 5: weddings and funerals, supervised and checked, one too big, one still unsupervised."""
    from fangkong.metrics.events import event_figures
    from fangkong.sectors.choices import EventStatus
    from fangkong.sectors.models import FamilyEvent

    statuses = set(FamilyEvent.objects.values_list("status", flat=True))
    assert {EventStatus.REPORTED, EventStatus.SUPERVISING, EventStatus.CHECKED} <= statuses
    assert FamilyEvent.objects.exclude(flags=[]).exists()
    today = timezone.localdate()
    week = event_figures(users["commander"], today - dt.timedelta(days=6), today)
    assert week.total >= 5 and week.checked >= 3 and week.flagged >= 1


def test_it_seeds_work_resumption_with_every_outcome(users):
    """#13 item 6: applications approved (staff in the key group), conditional, refused, waiting, one due."""
    from fangkong.sectors.actions_resumption import STAFF_GROUP, resumption_due
    from fangkong.sectors.choices import ResumptionStatus
    from fangkong.sectors.models import ResumptionApplication
    from fangkong.testing.models import KeyGroupMember

    assert set(ResumptionApplication.objects.values_list("status", flat=True)) == set(ResumptionStatus.values)
    assert KeyGroupMember.objects.filter(group__name=STAFF_GROUP).exists()
    assert resumption_due(ResumptionApplication.objects.all(), timezone.localdate()).count() == 1


def test_it_seeds_weeks_of_sentinel_sales_and_one_signal(users):
    """#13 item 4: weeks of sales at the demo's pharmacies and visits at its clinics, each buyer a
    sentinel lead merged into the resident they are, and one signal (yesterday's surge)."""
    import datetime as dt

    from fangkong.screening.choices import Channel
    from fangkong.screening.models import Lead, Person
    from fangkong.sectors.choices import SignalStatus
    from fangkong.sectors.models import SentinelRecord, Signal

    records = SentinelRecord.objects.all()
    days = set(records.values_list("day", flat=True))
    assert len(days) == 35 and max(days) == timezone.localdate() - dt.timedelta(days=1)
    assert Lead.objects.filter(channel=Channel.SENTINEL).count() == records.count()
    persons = set(records.values_list("person_id", flat=True))
    assert len(persons) < records.count() / 3  # regulars buy again and again: one person each
    assert Person.objects.filter(pk__in=persons, resident=None).count() == 0
    signal = Signal.objects.get()
    assert (signal.status, signal.day) == (SignalStatus.OPEN, timezone.localdate() - dt.timedelta(days=1))
    assert signal.count >= 18
