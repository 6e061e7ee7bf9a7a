"""24小时值班: who is on duty now across midnight (08:30–次日08:30) and after a swap (made by the
planner, or asked and approved), the log and handover, reminders and alerts reaching the person on
duty, and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.command.actions import (
    do_decide_swap,
    do_hand_over,
    do_log_duty,
    do_request_swap,
    do_swap_duty,
)
from fangkong.command.choices import DutyRole, SwapStatus
from fangkong.command.jobs import escalate_overdue_tasks, remind_daily_reports
from fangkong.command.models import DutyShift
from fangkong.command.models.duty import centre_on_duty, on_duty_at
from fangkong.core.choices import Role
from fangkong.core.models import AuditLog, Notification
from fangkong.core.testkit import client_for, make_user
from fangkong.metrics.command import duty_coverage

from .factories import centre_office, dispatch_to, local, person, shift, township_unit

DAY = dt.date(2026, 3, 1)


@pytest.fixture
def office(users):
    return centre_office(users["commander"].division)


@pytest.fixture
def staff(users):
    county = users["commander"].division
    return {name: person(f"duty_{name}", county, Role.CDC, phone)
            for name, phone in (("lead1", "13900000001"), ("off1", "13900000002"), ("lead2", "13900000003"),
                                ("off2", "13900000004"), ("spare", "13900000005"))}


def _now(shifts, when):
    return [(s.pk, s.officer_id) for s in on_duty_at(when).filter(pk__in=[x.pk for x in shifts])]


def test_on_duty_now_across_midnight(office, staff):
    first = shift(office, DAY, leader=staff["lead1"], officer=staff["off1"])
    second = shift(office, DAY + dt.timedelta(days=1), leader=staff["lead2"], officer=staff["off2"])
    assert (first.starts_at, first.ends_at) == (local(DAY, 8, 30), local(DAY + dt.timedelta(days=1), 8, 30))
    nxt = DAY + dt.timedelta(days=1)
    for when in (local(DAY, 23, 59), local(nxt, 0, 1), local(nxt, 8, 29)):
        assert _now([first, second], when) == [(first.pk, staff["off1"].pk)], when
    assert _now([first, second], local(nxt, 8, 31)) == [(second.pk, staff["off2"].pk)]
    assert _now([first, second], local(nxt, 8, 30)) == [(second.pk, staff["off2"].pk)]  # the handover instant
    assert _now([first, second], local(DAY, 8, 29)) == []


def test_a_shift_may_not_overlap_another_nor_have_one_person_twice(office, staff):
    shift(office, DAY)
    with pytest.raises(ValidationError, match="重叠"):
        shift(office, DAY, dt.time(20, 0), dt.time(8, 0))
    with pytest.raises(ValidationError):
        shift(office, DAY - dt.timedelta(days=3), leader=staff["lead1"], officer=staff["lead1"])
    day_shift = shift(office, DAY + dt.timedelta(days=5), dt.time(8, 0), dt.time(18, 0))
    assert day_shift.ends_at == local(DAY + dt.timedelta(days=5), 18, 0)


def test_who_is_on_duty_after_a_swap_made_by_the_planner_and_one_asked_and_approved(users, office, staff):
    commander = users["commander"]
    day = timezone.localdate() + dt.timedelta(days=1)
    s = shift(office, day, leader=staff["lead1"], officer=staff["off1"])
    during = s.starts_at + dt.timedelta(hours=16)  # after midnight
    with pytest.raises(ValidationError):
        do_swap_duty(s, role=DutyRole.OFFICER, to_user=staff["spare"], reason="", acting_user=commander)
    do_swap_duty(s, role=DutyRole.OFFICER, to_user=staff["spare"], reason="原值班员出差", acting_user=commander)
    assert _now([s], during) == [(s.pk, staff["spare"].pk)]
    row = AuditLog.objects.filter(verb="swap_duty", object_id=str(s.pk)).get()
    assert row.changes["reason"] == "原值班员出差"

    # the leader on the roster asks; someone else may not ask for their place; the planner approves
    with pytest.raises(PermissionDenied):
        do_request_swap(s, role=DutyRole.LEADER, to_user=staff["lead2"], reason="开会", acting_user=staff["spare"])
    swap = do_request_swap(s, role=DutyRole.LEADER, to_user=staff["lead2"], reason="县里开会",
                           acting_user=staff["lead1"])
    s.refresh_from_db()
    assert s.leader == staff["lead1"] and swap.status == SwapStatus.PENDING
    with pytest.raises(PermissionDenied):
        do_decide_swap(swap, approve=True, acting_user=staff["lead1"])  # not their own approval
    do_decide_swap(swap, approve=True, acting_user=commander)
    s.refresh_from_db()
    assert (s.leader, s.officer) == (staff["lead2"], staff["spare"])
    assert Notification.objects.filter(user=staff["lead2"], kind="duty").exists()


def test_the_duty_page_shows_who_is_on_duty_now_with_a_tel_link(users, office, staff):
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    s = shift(office, start.date(), start.time(), start.time(), leader=staff["lead1"], officer=staff["off1"])
    town = township_unit(users["township"].division)
    other_town = township_unit(users["village_other"].division.parent)
    shift(other_town, start.date(), start.time(), start.time(), officer=staff["off2"])
    cadre = client_for(users["township"])  # a township cadre calls the command centre
    html = cadre.get(reverse("command:on_duty")).content.decode()
    assert 'href="tel:13900000002"' in html and 'href="tel:13900000001"' in html and office.name in html
    assert "13900000004" not in html  # another township's roster is not theirs
    do_swap_duty(s, role=DutyRole.OFFICER, to_user=staff["spare"], reason="换班", acting_user=users["commander"])
    html = cadre.get(reverse("command:on_duty")).content.decode()
    assert 'href="tel:13900000005"' in html and "tel:13900000002" not in html
    assert town.pk  # the township's own unit exists; its roster is empty


def test_the_log_and_the_handover_are_kept_by_the_shift(users, office, staff):
    now = timezone.localtime()
    start = (now - dt.timedelta(hours=2)).replace(second=0, microsecond=0)
    s = shift(office, start.date(), start.time(), start.time(), leader=staff["lead1"], officer=staff["off1"])
    nxt = shift(office, (start + dt.timedelta(days=1)).date(), start.time(), start.time(), officer=staff["off2"])
    entry = do_log_duty(s, caller="市指挥部 王科长", caller_phone="0313-1234567", content="询问今日返乡人员数",
                        handling="已报送", acting_user=staff["off1"])
    assert entry.handled_by == staff["off1"]
    with pytest.raises(PermissionDenied):
        do_log_duty(s, caller="x", content="y", acting_user=staff["spare"])
    with pytest.raises(ValidationError):
        do_hand_over(s, note=" ", acting_user=staff["off1"])
    do_hand_over(s, note="王科长要求明早8点前报送返乡数据", acting_user=staff["off1"])
    assert Notification.objects.filter(user=staff["off2"], url=reverse("command:dutyshift", args=[s.pk])).exists()
    page = client_for(staff["off1"]).get(reverse("command:dutyshift", args=[s.pk])).content.decode()
    assert "询问今日返乡人员数" in page and "明早8点前" in page and 'href="tel:13900000001"' in page
    assert client_for(staff["off2"]).get(reverse("command:dutyshift", args=[s.pk])).status_code == 404
    assert nxt.pk


def test_alerts_and_the_daily_report_reminder_reach_the_person_on_duty(users, office, staff):
    today = timezone.localdate()
    now = local(today, 15, 30)  # half an hour before the 16:00 deadline
    s = shift(office, today - dt.timedelta(days=1), dt.time(16, 0), dt.time(16, 0), leader=staff["lead1"],
              officer=staff["off1"])
    assert set(centre_on_duty(users["township"].division, now)) == {staff["lead1"], staff["off1"]}
    town = township_unit(users["township"].division, reports_since=today - dt.timedelta(days=3))
    town.reports_since = today - dt.timedelta(days=3)
    town.save(update_fields=["reports_since"])
    assert remind_daily_reports(local(today, 14, 0)) == 0  # too early
    assert remind_daily_reports(now) >= 1
    reminder = Notification.objects.filter(user=staff["off1"], title__contains=town.name)
    assert reminder.count() == 1 and Notification.objects.filter(user=users["township"], title__contains=town.name)
    assert remind_daily_reports(now) == 0  # once a day
    assert Notification.objects.filter(user=staff["off1"], title__contains=town.name).count() == 1

    # a dispatch overdue past the last step reaches the command centre, and so the person on duty
    task = dispatch_to(town, hours=1, now=timezone.now() - dt.timedelta(hours=80)).tasks.get()
    s2 = shift(office, timezone.localdate() - dt.timedelta(days=5), leader=staff["lead2"], officer=staff["off2"])
    moved_start = timezone.localtime() - dt.timedelta(hours=1)
    DutyShift.objects.filter(pk=s2.pk).update(starts_at=moved_start, ends_at=moved_start + dt.timedelta(hours=24))
    assert s.pk
    escalate_overdue_tasks()
    assert Notification.objects.filter(user=staff["off2"], url=reverse("command:dispatchtask", args=[task.pk]),
                                       kind="alert").exists()


def test_duty_coverage_counts_shifts_without_an_officer(users, office, staff):
    shift(office, DAY, officer=staff["off1"], leader=staff["lead1"])
    shift(office, DAY + dt.timedelta(days=1), leader=staff["lead2"])
    shift(office, DAY + dt.timedelta(days=2))
    cov = duty_coverage(users["commander"], DAY, DAY + dt.timedelta(days=2))
    assert (cov.shifts, cov.without_officer, cov.without_leader) == (3, 2, 1)
    assert duty_coverage(users["commander"], DAY, DAY).without_officer == 0


def test_a_township_roster_is_its_own(users, staff):
    town = township_unit(users["township"].division)
    s = shift(town, DAY, officer=users["township"])
    other = make_user("tc_other_duty", users["village_other"].division.parent, Role.TOWNSHIP_CADRE)
    url = reverse("command:dutyshift", args=[s.pk])
    assert client_for(users["township"]).get(url).status_code == 200
    assert client_for(other).get(url).status_code == 404
    assert client_for(users["grid"]).get(reverse("command:on_duty")).status_code == 403
