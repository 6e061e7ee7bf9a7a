"""四对一 teams: formed when a home measure starts (the right people in the right seats, vacant
seats 待指派), moved to the next home step, assigned; checks move the due time on, overdue checks
escalate to the township once, an abnormal check alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.control.models import Measure
from fangkong.control.tests import factories as CF
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import MeasureKind, Role
from fangkong.core.models import AuditLog, Notification, User

from ..actions import do_assign_care_member, do_form_care_team, do_record_care_check
from ..care import ensure_default_templates, township_of
from ..choices import CareItem, CareRole, CheckResult
from ..jobs_care import escalate_overdue_checks, form_missing_teams
from ..models import CareCheck, CareDuty, CareTeam, CareTemplate
from . import factories_care as F

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _templates():
    ensure_default_templates()


def test_it_forms_the_team_when_a_home_measure_starts(users, django_capture_on_commit_callbacks):
    grid = users["grid"].division
    p = CF.person(resident=F.resident_in(grid))
    with django_capture_on_commit_callbacks(execute=True):
        m = CF.start(p, timezone.localdate(), kind=MeasureKind.HOME_ISOLATION)
    team = CareTeam.objects.get(measure=m)
    seats = {mem.role: mem for mem in team.members.select_related("user")}
    assert set(seats) == set(CareRole.values)
    assert seats[CareRole.GRID_WORKER].user == users["grid"]  # the measure's responsible grid worker
    village_cadre = seats[CareRole.VILLAGE_CADRE].user
    assert village_cadre.has_role(Role.VILLAGE_CADRE) and village_cadre.division == grid.parent
    township_cadre = seats[CareRole.TOWNSHIP_CADRE].user
    assert township_cadre.has_role(Role.TOWNSHIP_CADRE) and township_cadre.division == township_of(grid)
    # No police or doctor account in the village or township: the seats wait for a name.
    assert seats[CareRole.POLICE].vacant and seats[CareRole.DOCTOR].vacant
    assert str(seats[CareRole.POLICE].holder) == "待指派"
    expected = set(CareTemplate.objects.filter(measure_kind=MeasureKind.HOME_ISOLATION)
                   .values_list("role", "item"))
    assert set(team.duties.values_list("member__role", "item")) == expected
    assert AuditLog.objects.filter(verb="form_care_team", object_id=str(team.pk)).exists()


def test_it_forms_no_team_for_central_quarantine_and_catches_up_missed_ones(users):
    grid = users["grid"].division
    central = CF.start(CF.person(resident=F.resident_in(grid)), timezone.localdate(),
                       kind=MeasureKind.CENTRAL_QUARANTINE)
    assert do_form_care_team(central, acting_user=SYSTEM) is None
    home = F.home_measure(grid, MeasureKind.HOME_MONITORING)  # no on-commit event ran: no team yet
    assert not CareTeam.objects.filter(measure=home).exists()
    assert form_missing_teams() >= 1
    assert CareTeam.objects.filter(measure=home).exists()
    assert not CareTeam.objects.filter(measure=central).exists()


def test_it_moves_the_team_to_the_next_home_step(users):
    team = F.team(users["grid"].division, MeasureKind.HOME_ISOLATION)
    old = team.measure
    police = team.members.get(role=CareRole.POLICE)
    do_assign_care_member(police, name="王警官", phone="13900001111", acting_user=users["township"])
    Measure.objects.filter(pk=old.pk).update(status="released")
    nxt = Measure.objects.create(person=old.person, kind=MeasureKind.HOME_MONITORING, plan_start_on=old.plan_start_on,
                                 starts_on=old.ends_on, ends_on=old.ends_on + dt.timedelta(days=3),
                                 division=old.division, previous=old)
    moved = do_form_care_team(nxt, acting_user=SYSTEM)
    assert moved.pk == team.pk and moved.measure == nxt
    assert moved.members.get(role=CareRole.POLICE).name == "王警官"  # the seats stay filled


def test_it_computes_due_times_from_the_frequency(users):
    now = timezone.now()
    team = F.team(users["grid"].division, now=now)
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    assert door.every_hours == 12 and door.due_at == now + dt.timedelta(hours=12)
    at = now + dt.timedelta(hours=3)
    check = do_record_care_check(door, acting_user=users["grid"], at=at)
    door.refresh_from_db()
    assert check.result == CheckResult.NORMAL and not check.late
    assert door.last_at == at and door.due_at == at + dt.timedelta(hours=12)


def test_it_escalates_an_overdue_check_to_the_township_once(users):
    now = timezone.now()
    team = F.team(users["grid"].division, now=now)
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    later = now + dt.timedelta(hours=13)  # the checks every 12 h are overdue, the daily ones are not
    twelve_hourly = team.duties.filter(every_hours=12).count()
    assert twelve_hourly >= 1 and not team.duties.filter(every_hours__lt=12).exists()
    assert escalate_overdue_checks(later) == twelve_hourly
    door.refresh_from_db()
    assert door.escalated_at == later
    cadres = User.objects.filter(roles__role=Role.TOWNSHIP_CADRE, division=township_of(team.division))
    got = Notification.objects.filter(kind="grid.care_overdue")
    assert set(got.values_list("user", flat=True)) >= {*cadres.values_list("pk", flat=True), users["grid"].pk}
    assert AuditLog.objects.filter(verb="escalate_care_check", object_id=str(team.pk)).count() == twelve_hourly
    assert escalate_overdue_checks(later + dt.timedelta(minutes=5)) == 0  # claimed: never twice
    # A late check clears it and counts as late; the next overdue time escalates again.
    check = do_record_care_check(door, acting_user=users["grid"], at=later + dt.timedelta(minutes=10))
    door.refresh_from_db()
    assert check.late and door.escalated_at is None
    assert escalate_overdue_checks(later + dt.timedelta(hours=13)) >= 1


def test_it_stops_escalating_once_the_measure_is_released(users):
    now = timezone.now()
    team = F.team(users["grid"].division, now=now)
    Measure.objects.filter(pk=team.measure_id).update(status="released")
    assert escalate_overdue_checks(now + dt.timedelta(days=5)) == 0
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    with pytest.raises(ValidationError, match="已解除"):
        do_record_care_check(door, acting_user=users["grid"])


def test_it_alerts_on_an_abnormal_check(users, django_capture_on_commit_callbacks):
    team = F.team(users["grid"].division)
    health = team.duties.get(member__role=CareRole.DOCTOR, item=CareItem.HEALTH)
    with pytest.raises(ValidationError, match="情况说明"):
        do_record_care_check(health, acting_user=users["village"], result=CheckResult.ABNORMAL)
    with django_capture_on_commit_callbacks(execute=True):
        do_record_care_check(health, acting_user=users["village"], result=CheckResult.ABNORMAL,
                             note="体温37.9℃，咳嗽")
    alerts = Notification.objects.filter(kind="alert", title__contains="居家管控人员异常")
    who = set(alerts.values_list("user", flat=True))
    assert users["commander"].pk in who and users["cdc"].pk in who and users["grid"].pk in who
    assert User.objects.filter(pk__in=who, roles__role=Role.TOWNSHIP_CADRE).exists()
    assert CareCheck.objects.get(duty=health).note == "体温37.9℃，咳嗽"


def test_only_the_seat_holder_or_a_cadre_records_a_check(users):
    team = F.team(users["grid"].division)
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    doctor = team.duties.get(member__role=CareRole.DOCTOR, item=CareItem.HEALTH)
    with pytest.raises(ValidationError, match="专班成员"):
        do_record_care_check(doctor, acting_user=users["grid"])  # the grid worker is not the doctor
    if "grid_neighbour" in users:  # another grid's worker: out of scope
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            do_record_care_check(door, acting_user=users["grid_neighbour"])
    assert CareCheck.objects.filter(team=team).count() == 0


def test_it_assigns_a_seat_audited_and_refuses_a_user_who_cannot_see_the_person(users):
    team = F.team(users["grid"].division)
    doctor = team.members.get(role=CareRole.DOCTOR)
    with pytest.raises(ValidationError, match="辖区"):
        do_assign_care_member(doctor, user=users["grid_other"], acting_user=users["township"])
    do_assign_care_member(doctor, user=users["cdc"], acting_user=users["township"])
    doctor.refresh_from_db()
    assert doctor.user == users["cdc"] and not doctor.vacant
    assert AuditLog.objects.filter(verb="assign_care_member", actor=users["township"]).exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        do_assign_care_member(doctor, name="某某", acting_user=users["grid"])  # grid workers do not assign
    assert CareDuty.objects.filter(member=doctor).exists()
