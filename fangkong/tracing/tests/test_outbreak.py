"""A known outbreak end to end: a positive → a case → its investigation on the clock → the
itinerary → contacts → leads in screening → measures in control with the protocol's schedule;
the protocol changing mid-way; a secondary contact upgraded when their close contact turns positive."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from fangkong.control.choices import MeasureStatus
from fangkong.control.models import Measure, PolicyVersion
from fangkong.core.choices import MeasureKind
from fangkong.screening import actions as screening
from fangkong.screening.choices import Channel, Outcome, ReviewDecision
from fangkong.screening.models import Lead, Person
from fangkong.testing.actions import do_record_result
from fangkong.testing.choices import Result, SampleKind
from fangkong.testing.tests.factories import make_sampling

from ..actions import do_open_case
from ..choices import CaseClass, ContactCategory, ContactStatus, MilestoneKind
from ..models import Contact, PositiveFinding
from . import factories as F

TODAY = dt.date


def positive(grid, lab, capture):
    """An individual positive tube from the lab: the real testing path, on commit."""
    sampling = make_sampling(grid)
    sampling.sample.kind = SampleKind.SINGLE
    sampling.sample.save(update_fields=["kind"])
    with capture(execute=True):
        do_record_result(sampling.sample, Result.POSITIVE, acting_user=lab)
    return sampling


def control(person: Person, users, capture) -> Measure:
    """The grid worker verifies, the reviewer approves "controlled": control starts the measure."""
    v = person.verifications.order_by("-id").first()
    screening.do_submit_outcome(v, Outcome.CONTROLLED, measure_kind=MeasureKind.CENTRAL_QUARANTINE, place="隔离点",
                                reason="流调判定", acting_user=users["grid"])
    with capture(execute=True):
        screening.do_review(v, ReviewDecision.APPROVED, acting_user=users[f"{v.module}_reviewer"])
    return Measure.objects.get(person=person, status=MeasureStatus.ACTIVE)


def test_a_positive_becomes_a_case_with_milestones_contacts_leads_and_measures(
        users, django_capture_on_commit_callbacks):
    ninth = F.activate("第九版")
    grid = users["grid"].division
    sampling = positive(grid, users["lab"], django_capture_on_commit_callbacks)

    finding = PositiveFinding.objects.get(id_number=sampling.id_number)
    assert finding.case is None and "采样管" in finding.source

    reported = timezone.now()
    onset = timezone.localdate() - dt.timedelta(days=1)
    case = do_open_case(name=sampling.name, id_number=sampling.id_number, division=grid, finding=finding,
                        classification=CaseClass.CONFIRMED, onset_on=onset, reported_at=reported,
                        acting_user=users["cdc"])
    finding.refresh_from_db()
    assert finding.case == case
    assert case.protocol == ninth and case.look_back_from == onset - dt.timedelta(days=4)
    due = {m.kind: m.due_at for m in case.investigation.milestones.all()}
    assert due == {MilestoneKind.ON_SITE: reported + dt.timedelta(hours=2),
                   MilestoneKind.CORE_FACTS: reported + dt.timedelta(hours=4),
                   MilestoneKind.CONTACTS_CONTROLLED: reported + dt.timedelta(hours=12),
                   MilestoneKind.REPORT: reported + dt.timedelta(hours=24)}

    seg = F.segment(case, user=users["cdc"], day=2, start="18:00", end="20:30", place="老王火锅店")
    exposed = timezone.make_aware(dt.datetime.combine(seg.on, dt.time(20, 30)))
    neighbour = F.resident(grid, 3)
    close = F.contact(case, user=users["cdc"], resident_of=neighbour, exposed=exposed, segment=seg)
    assert close.place == "老王火锅店" and close.status == ContactStatus.PUSHED

    plan = close.plan
    assert plan.protocol == ninth and plan.plan_start_on == seg.on + dt.timedelta(days=1)
    assert plan.central_until == plan.plan_start_on + dt.timedelta(days=7)
    assert plan.ends_on == plan.plan_start_on + dt.timedelta(days=10)
    assert [d for d, _ in plan.test_dates] == [1, 2, 3, 5, 7]

    lead = Lead.objects.get(pk=close.lead_id)
    assert lead.channel == Channel.CLOSE_CONTACT and lead.id_number == neighbour.id_number
    assert lead.person.verifications.exists()  # merged into a person, routed, on a deadline

    measure = control(lead.person, users, django_capture_on_commit_callbacks)
    assert measure.kind == MeasureKind.CENTRAL_QUARANTINE
    assert measure.plan_start_on == plan.plan_start_on  # from the exposure, not from today
    assert measure.policy_version == PolicyVersion.in_force() and "第九版" in measure.policy_version.title
    assert [t.due_on for t in measure.tests.order_by("day")] == [
        dt.date.fromisoformat(d) for _, d in plan.test_dates]
    close.refresh_from_db()
    assert close.status == ContactStatus.CONTROLLED and close.controlled_at is not None
    done = case.investigation.milestones.get(kind=MilestoneKind.CONTACTS_CONTROLLED)
    assert done.done_at is not None and done.on_time


def test_a_protocol_change_keeps_the_dates_computed_under_the_old_version(users):
    eighth = F.activate("第八版", look_back=2)
    grid = users["grid"].division
    onset = timezone.localdate() - dt.timedelta(days=1)
    first = F.open_case(grid, onset=onset)
    assert first.look_back_from == onset - dt.timedelta(days=2)
    old = F.contact(first, category=ContactCategory.CLOSE)
    assert old.plan.protocol == eighth and (old.plan.ends_on - old.plan.plan_start_on).days == 21

    ninth = F.activate("第九版")
    eighth.refresh_from_db()
    assert eighth.status == "retired" and PolicyVersion.in_force().title.endswith("（第九版）")
    second = F.open_case(grid, onset=onset)
    assert second.look_back_from == onset - dt.timedelta(days=4) and second.protocol == ninth
    new = F.contact(second, category=ContactCategory.CLOSE)
    assert new.plan.protocol == ninth and (new.plan.ends_on - new.plan.plan_start_on).days == 10

    old.refresh_from_db()
    first.refresh_from_db()
    assert old.plan.protocol == eighth and (old.plan.ends_on - old.plan.plan_start_on).days == 21
    assert first.protocol == eighth and first.look_back_from == onset - dt.timedelta(days=2)
    assert {m.protocol_id for m in first.investigation.milestones.all()} == {eighth.pk}


def test_a_secondary_contact_becomes_close_when_their_close_contact_turns_positive(
        users, django_capture_on_commit_callbacks):
    F.activate("第九版")
    grid = users["grid"].division
    case = F.open_case(grid)
    close_person = F.resident(grid, 5)
    close = F.contact(case, resident_of=close_person)
    secondary = F.contact(case, category=ContactCategory.SECONDARY, resident_of=F.resident(grid, 6), via=close)
    first_plan = secondary.plan
    assert first_plan.category == ContactCategory.SECONDARY and [d for d, _ in first_plan.test_dates] == [1, 4, 7]
    assert Lead.objects.get(pk=secondary.lead_id).channel == Channel.SECONDARY_CONTACT

    sampling = make_sampling(grid)
    sampling.id_number, sampling.name = close_person.id_number, close_person.name
    sampling.save(update_fields=["id_number", "name"])
    sampling.sample.kind = SampleKind.SINGLE
    sampling.sample.save(update_fields=["kind"])
    with django_capture_on_commit_callbacks(execute=True):
        do_record_result(sampling.sample, Result.POSITIVE, acting_user=users["lab"])

    secondary.refresh_from_db()
    assert secondary.category == ContactCategory.CLOSE and secondary.status == ContactStatus.UPGRADED
    assert secondary.plan != first_plan and [d for d, _ in secondary.plan.test_dates] == [1, 2, 3, 5, 7]
    assert secondary.plans.count() == 2  # the secondary plan is kept as it was
    assert Lead.objects.filter(person__id_number=secondary.id_number, channel=Channel.CLOSE_CONTACT).exists()
    assert PositiveFinding.objects.filter(id_number=close_person.id_number, case=None).exists()  # offered as a case
    assert Contact.objects.get(pk=close.pk).category == ContactCategory.CLOSE
