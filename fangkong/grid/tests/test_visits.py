"""Walking the households: one tap, not at home (未遇 after N tries), refused, a person found, a
risk answer → a lead → the right grid worker; the registry learns through its audited action;
coverage against a known data set; the second sweep's diff; overdue grids escalated; scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.choices import DivisionLevel
from fangkong.core.models import AuditLog, Notification
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Resident
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead, Verification

from ..actions import do_add_found_person, do_record_member, do_record_not_home, do_record_refused
from ..choices import DiffKind, MemberKind, VisitStatus
from ..coverage import coverage
from ..diff import sweep_diff
from ..jobs import escalate_overdue_sweeps
from ..models import MemberAnswer, SweepGrid, Visit
from . import factories as F

pytestmark = pytest.mark.django_db

RISK = {"presence": "present", "travel_risk": True, "travel_place": "北京市朝阳区"}


@pytest.fixture
def grid(users):
    return users["grid"].division


@pytest.fixture
def known(users, grid):
    """Five test households in the grid of users["grid"] and a sweep over that grid."""
    homes = [F.household_with(grid, 2) for _ in range(5)]
    s = F.sweep(grid, acting_user=users["commander"], max_attempts=2)
    return s, homes


def test_one_tap_records_a_member_as_in_the_registry(users, known):
    s, homes = known
    h, (a, b) = homes[0]
    v = F.visit_of(s, h)
    ans = do_record_member(v, a, acting_user=users["grid"])
    v.refresh_from_db()
    assert ans.unchanged and not ans.risk and ans.answers["presence"] == "present"
    assert ans.questionnaire == s.questionnaire
    assert v.status == VisitStatus.VISITED and v.answered == 1 and v.visited_by == users["grid"]
    with pytest.raises(ValidationError):
        do_record_member(v, a, acting_user=users["grid"])  # once per sweep
    other_home, (c, _d) = homes[1]
    with pytest.raises(ValidationError):
        do_record_member(v, c, acting_user=users["grid"])  # not of this household


def test_not_at_home_twice_is_unmet_and_refused_is_final(users, known):
    s, homes = known
    v = F.visit_of(s, homes[0][0])
    assert do_record_not_home(v, acting_user=users["grid"]).status == VisitStatus.NOT_HOME
    v = do_record_not_home(v, acting_user=users["grid"])
    assert (v.status, v.attempts) == (VisitStatus.UNMET, 2)
    with pytest.raises(ValidationError):
        do_record_not_home(v, acting_user=users["grid"])
    r = do_record_refused(F.visit_of(s, homes[1][0]), acting_user=users["grid"], note="不开门")
    assert r.status == VisitStatus.REFUSED
    with pytest.raises(ValidationError):
        do_record_refused(r, acting_user=users["grid"])


def test_coverage_against_a_known_data_set(users, known, grid):
    s, homes = known
    w = users["grid"]
    (h0, m0), (h1, m1), (h2, _m2), (h3, _m3), (h4, _m4) = homes
    do_record_member(F.visit_of(s, h0), m0[0], acting_user=w)
    do_record_member(F.visit_of(s, h0), m0[1], acting_user=w)
    do_record_member(F.visit_of(s, h1), m1[0], acting_user=w)
    do_add_found_person(F.visit_of(s, h1), acting_user=w, name="新住户", kind=MemberKind.NEW_RESIDENT,
                        phone="13912345678")
    for _ in range(2):
        do_record_not_home(F.visit_of(s, h2), acting_user=w)  # 未遇 after two tries
    do_record_not_home(F.visit_of(s, h3), acting_user=w)  # once: still to visit
    do_record_refused(F.visit_of(s, h4), acting_user=w)
    mine = Visit.objects.filter(sweep=s, household__in=[h for h, _m in homes])
    rows, total = coverage(mine, DivisionLevel.GRID)
    assert [r.division for r in rows] == [grid]
    assert total.figures == {"households": 5, "visited": 2, "not_home": 1, "unmet": 1, "refused": 1, "unvisited": 1,
                             "people": 10, "people_visited": 3, "people_unmet": 2, "people_refused": 2, "found": 1}
    assert rows[0].rate == pytest.approx(0.8)
    village_rows, _ = coverage(mine, DivisionLevel.VILLAGE)
    assert village_rows[0].division == grid.parent and village_rows[0].figures == total.figures


def test_a_risk_answer_opens_a_lead_for_the_right_grid_worker(users, known, grid):
    s, homes = known
    h, (a, _b) = homes[0]
    # Recorded by the village cadre walking with the worker: the task still goes to the grid's worker.
    ans = do_record_member(F.visit_of(s, h), a, RISK, acting_user=users["village"])
    assert ans.risk and ans.lead is not None
    lead = Lead.objects.get(pk=ans.lead_id)
    assert lead.channel == Channel.GRID_SCREENING and lead.origin == "北京市朝阳区"
    task = Verification.objects.get(person=lead.person)
    assert task.assignee == users["grid"] and task.division_id == grid.pk


def test_a_visitor_with_a_risk_is_a_lead_in_the_visits_grid(users, known, grid):
    s, homes = known
    ans = do_add_found_person(F.visit_of(s, homes[2][0]), acting_user=users["grid"], name="来访者",
                              kind=MemberKind.VISITOR, phone="13987654321", answers={"symptoms": True})
    task = Verification.objects.get(person=Lead.objects.get(pk=ans.lead_id).person)
    assert task.assignee == users["grid"]
    with pytest.raises(ValidationError):  # a risk without any way to find the person again
        do_add_found_person(F.visit_of(s, homes[2][0]), acting_user=users["grid"], name="无名",
                            kind=MemberKind.VISITOR, answers={"symptoms": True})


def test_the_registry_learns_presence_and_phone_through_its_audited_action(users, known):
    s, homes = known
    h, (a, _b) = homes[0]
    ans = do_record_member(F.visit_of(s, h), a, {"presence": "away", "away_to": "石家庄市"}, phone="13811112222",
                           acting_user=users["grid"])
    a.refresh_from_db()
    assert (a.status, a.away_to, a.phone) == (ResidentStatus.AWAY, "石家庄市", "13811112222")
    assert ans.registry_updated
    row = AuditLog.objects.filter(verb="learn_from_sweep", object_id=str(a.pk)).get()
    assert row.changes["status"] == [ResidentStatus.PRESENT.value, ResidentStatus.AWAY.value]
    assert row.changes["phone"][1] == "13811112222"


def test_a_second_sweep_shows_what_changed_per_person(users, grid):
    h, (a, b) = F.household_with(grid, 2)
    first = F.sweep(grid, acting_user=users["commander"])
    do_record_member(F.visit_of(first, h), a, acting_user=users["grid"])
    do_record_member(F.visit_of(first, h), b, acting_user=users["grid"])
    second = F.sweep(grid, name="第二轮", acting_user=users["commander"])
    assert second.previous == first
    do_record_member(F.visit_of(second, h), a, {"presence": "away", "away_to": "北京"}, acting_user=users["grid"])
    diffs = {d.name: d for d in sweep_diff(second, MemberAnswer.objects.restrict(users["grid"]))}
    assert diffs[a.name].kind == DiffKind.CHANGED
    assert ("在家情况", "在家", "外出") in diffs[a.name].changes
    assert ("外出去向", "", "北京") in diffs[a.name].changes
    assert diffs[b.name].kind == DiffKind.MISSING


def test_overdue_grids_are_escalated_once_to_their_cadres(users, known, grid):
    s, homes = known
    later = timezone.now() + dt.timedelta(days=4)
    assert escalate_overdue_sweeps(timezone.now()) == 0  # not due yet
    before = Notification.objects.filter(user=users["village"]).count()
    n = escalate_overdue_sweeps(later)
    assert n == SweepGrid.objects.filter(sweep=s).count() == 1
    assert Notification.objects.filter(user=users["village"]).count() == before + 1
    assert Notification.objects.filter(user=users["township"], kind="grid.sweep_overdue").exists()
    assert escalate_overdue_sweeps(later + dt.timedelta(hours=1)) == 0  # once per grid
    assert AuditLog.objects.filter(verb="escalate_sweep_grid", object_id=str(s.pk)).count() == 1


def test_a_grid_with_every_household_done_is_not_escalated(users, grid):
    h, (a,) = F.household_with(grid, 1)
    s = F.sweep(grid, acting_user=users["commander"])
    for v in Visit.objects.filter(sweep=s):
        do_record_refused(v, acting_user=users["grid"])
    assert escalate_overdue_sweeps(timezone.now() + dt.timedelta(days=4)) == 0


def test_scope_a_village_cadre_sees_only_their_village(users):
    s = F.sweep(users["commander"].division, acting_user=users["commander"])
    village, other = users["village"].division, users["village_other"].division
    seen = Visit.objects.restrict(users["village"]).filter(sweep=s)
    assert seen.exists()
    assert set(seen.values_list("grid__parent_id", flat=True)) == {village.pk}
    rows, _ = coverage(seen, DivisionLevel.VILLAGE)
    assert [r.division for r in rows] == [village]
    v_other = Visit.objects.filter(sweep=s, grid__parent=other).first()
    with pytest.raises(PermissionDenied):
        do_record_refused(v_other, acting_user=users["village"])
    member = Resident.objects.filter(household_id=v_other.household_id).first()
    with pytest.raises(PermissionDenied):
        do_record_member(v_other, member, acting_user=users["grid"])
