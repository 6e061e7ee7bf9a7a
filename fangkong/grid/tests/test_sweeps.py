"""Starting a sweep: exactly one visit per registry household of the areas' grids, for the grid's
worker, audited as one row; who may start one where."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F as DbF
from django.utils import timezone

from fangkong.core.choices import AuditAction, DivisionLevel, Role
from fangkong.core.models import AuditLog, Division, UserRole
from fangkong.core.scoping import in_subtree
from fangkong.registry.choices import ResidentStatus
from fangkong.registry.models import Household, Resident

from ..actions import do_new_questionnaire_version, do_start_sweep
from ..models import Questionnaire, Sweep, SweepGrid, Visit
from . import factories as F

pytestmark = pytest.mark.django_db


def test_it_creates_exactly_one_visit_per_household_of_a_townships_grids(users):
    township = users["township"].division
    s = F.sweep(township, acting_user=users["township"])
    households = in_subtree(Household.objects.all(), "grid", township)
    assert households.count() > 0
    visits = Visit.objects.filter(sweep=s)
    assert visits.count() == households.count() == s.households
    assert set(visits.values_list("household_id", flat=True)) == set(households.values_list("pk", flat=True))
    assert not Visit.objects.filter(sweep=s).exclude(household__grid=DbF("grid")).exists()
    other = Household.objects.exclude(pk__in=households.values("pk"))
    assert not visits.filter(household__in=other).exists()
    grids = set(Division.objects.subtree(township).filter(level=DivisionLevel.GRID).values_list("pk", flat=True))
    assert set(SweepGrid.objects.filter(sweep=s).values_list("grid_id", flat=True)) == grids


def test_it_gives_each_visit_its_grid_worker_and_living_members(users):
    village = users["village"].division
    s = F.sweep(village)
    workers = dict(UserRole.objects.filter(role=Role.GRID_WORKER, user__division__parent=village)
                   .values_list("user__division_id", "user_id"))
    for v in Visit.objects.filter(sweep=s)[:50]:
        assert v.assignee_id == workers[v.grid_id]
        assert v.members == Resident.objects.filter(
            household_id=v.household_id, status__in=[ResidentStatus.PRESENT, ResidentStatus.AWAY]).count()


def test_it_audits_the_sweep_as_one_row_with_the_count(users):
    before = AuditLog.objects.count()
    s = F.sweep(users["township"].division, acting_user=users["township"])
    rows = AuditLog.objects.order_by("id")[before:]
    assert [r.verb for r in rows] == ["start_sweep"]
    assert rows[0].action == AuditAction.CREATE
    assert rows[0].changes["households"] == [None, s.households]


def test_it_counts_a_village_inside_a_chosen_township_once(users):
    township, village = users["township"].division, users["village"].division
    s = F.sweep(township, village)
    assert Visit.objects.filter(sweep=s).count() == in_subtree(Household.objects.all(), "grid", township).count()


def test_a_township_may_not_sweep_outside_its_township(users):
    other = users["village_other"].division
    with pytest.raises(PermissionDenied):
        F.sweep(other, acting_user=users["township"])
    assert not Sweep.objects.exists()


@pytest.mark.parametrize("who", ["grid", "village", "cdc"])
def test_only_the_command_centre_and_townships_start_sweeps(users, who):
    with pytest.raises(PermissionDenied):
        F.sweep(users[who].division, acting_user=users[who])


def test_it_refuses_a_deadline_in_the_past_and_no_area(users):
    F.questionnaire()
    with pytest.raises(ValidationError):
        do_start_sweep(acting_user=users["commander"], name="x", areas=[users["village"].division],
                       due_at=timezone.now() - dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        do_start_sweep(acting_user=users["commander"], name="x", areas=[], due_at=timezone.now() + dt.timedelta(days=1))


def test_a_second_sweep_of_the_same_division_compares_with_the_first(users):
    first = F.sweep(users["village"].division, acting_user=users["commander"])
    second = F.sweep(users["village"].division, name="第二轮", acting_user=users["commander"])
    assert second.previous == first


def test_a_new_questionnaire_version_leaves_the_old_one_and_its_sweeps_alone(users):
    q1 = F.questionnaire()
    s = F.sweep(users["village"].division)
    questions = [*q1.questions, {"key": "tested", "label": "近3天做过核酸", "type": "bool"}]
    q2 = do_new_questionnaire_version(acting_user=users["commander"], title="第二版", questions=questions)
    assert q2.number == q1.number + 1
    s.refresh_from_db()
    assert s.questionnaire == q1 and Questionnaire.objects.get(pk=q1.pk).questions == q1.questions
    with pytest.raises(ValidationError):
        do_new_questionnaire_version(acting_user=users["commander"], title="坏的", questions=[{"key": "x"}])
    with pytest.raises(PermissionDenied):
        do_new_questionnaire_version(acting_user=users["township"], title="x", questions=questions)


def test_every_coverage_figure_is_a_named_metric():
    from fangkong.metrics.catalog import get

    from ..coverage import HOUSEHOLD_FIGURES, PEOPLE_FIGURES

    for name in HOUSEHOLD_FIGURES + PEOPLE_FIGURES:
        assert get(f"sweep.{name}").definition
