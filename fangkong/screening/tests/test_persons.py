"""Person resolution: by ID, by phone and name (pinyin-aware candidates), merge and un-merge, routing."""

from __future__ import annotations

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import DivisionLevel
from fangkong.core.models import Division
from fangkong.screening import actions
from fangkong.screening.choices import Channel, MergeStatus, Outcome, PersonStatus, VerificationStatus
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import Lead, MergeCandidate, Person, Verification

from .helpers import outsider_id


def _submit(channel=Channel.BIG_DATA, **fields):
    lead, _ = actions.do_submit_lead(LeadInput(**fields), channel=channel, acting_user=SYSTEM)
    return lead


def test_it_merges_by_id_number_and_by_exact_phone_and_name(users):
    a = _submit(name="孙一", id_number=outsider_id(11), phone="13811110001")
    b = _submit(Channel.SELF_REPORT, name="孙一", id_number=outsider_id(11), origin="北京")
    c = _submit(Channel.GRID_SCREENING, name="孙一", phone="13811110001")
    assert a.person == b.person == c.person
    assert Verification.objects.filter(person=a.person).count() == 1


def test_it_adopts_the_id_number_of_a_phone_only_person(users):
    a = _submit(name="周二", phone="13811110002")
    b = _submit(name="周二", phone="13811110002", id_number=outsider_id(12))
    a.person.refresh_from_db()
    assert a.person == b.person and a.person.id_number == outsider_id(12)


def test_it_queues_same_sounding_names_and_merges_and_unmerges(users):
    a = _submit(name="张伟", phone="13811110003")
    b = _submit(Channel.SELF_REPORT, name="章伟", phone="13811110003")
    other_family = _submit(name="张丽", phone="13811110003")
    assert len({a.person_id, b.person_id, other_family.person_id}) == 3  # never a silent merge
    c = MergeCandidate.objects.get()
    assert (c.person, c.other, c.status) == (a.person, b.person, MergeStatus.PENDING)
    admin = users["self_report_admin"]  # the candidate came in through the self-report module
    actions.do_merge(c, acting_user=admin)
    b_task = Verification.objects.get(pk=b.verification_id)
    assert b_task.status == VerificationStatus.CLOSED and b_task.outcome == Outcome.DUPLICATE
    assert Lead.objects.get(pk=b.pk).person == a.person
    assert Person.objects.get(pk=b.person_id).status == PersonStatus.MERGED
    again = _submit(name="章伟", phone="13811110003", origin="另一次推送")
    assert again.person == a.person  # the merged-away spelling now finds the kept person
    actions.do_unmerge(MergeCandidate.objects.get(pk=c.pk), acting_user=admin)
    b_task.refresh_from_db()
    assert b_task.status == VerificationStatus.OPEN and b_task.outcome == ""
    assert Lead.objects.get(pk=b.pk).person_id == b.person_id
    assert Person.objects.get(pk=b.person_id).merged_into is None
    assert MergeCandidate.objects.get(pk=c.pk).status == MergeStatus.UNDONE


def test_it_routes_by_address_to_a_village_then_falls_back_to_the_county(users):
    village = Division.objects.filter(level=DivisionLevel.VILLAGE).order_by("path")[3]
    by_address = _submit(name="吴三", phone="13811110004", address=f"{village.parent.name}{village.name}5号")
    v = by_address.verification
    assert v.division == village and v.township == village.parent
    assert v.assignee is not None and v.assignee.division == village
    nowhere = _submit(name="郑四", phone="13811110005", address="外省某地")
    assert nowhere.verification.division.level == DivisionLevel.COUNTY and nowhere.verification.assignee is None
    actions.do_reassign(nowhere.verification, village, acting_user=users["big_data_admin"])
    nowhere.verification.refresh_from_db()
    assert nowhere.verification.division == village and nowhere.verification.assignee == v.assignee


def test_it_shows_module_people_only_their_modules(users):
    big = _submit(name="冯五", phone="13811110006")
    selfr = _submit(Channel.SELF_REPORT, name="陈六", phone="13811110007")
    seen = set(Verification.objects.restrict(users["self_report_admin"]).values_list("pk", flat=True))
    assert selfr.verification_id in seen and big.verification_id not in seen
    assert {big.verification_id, selfr.verification_id} <= set(
        Verification.objects.restrict(users["commander"]).values_list("pk", flat=True))
