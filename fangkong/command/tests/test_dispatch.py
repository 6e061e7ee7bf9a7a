"""Dispatch (督办 / 交办单): who may send one, its lifecycle (签收 → 反馈 → 办结 → 退回 → 办结 → 销号)
with evidence files, and overdue tasks escalating up the chain as a scheduled job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.command.actions import (
    do_acknowledge,
    do_add_member,
    do_report_done,
    do_report_progress,
    do_return,
    do_sign_off,
)
from fangkong.command.choices import DispatchStatus, MemberPosition, ReplyKind, TaskStatus, UnitKind
from fangkong.command.jobs import escalate_overdue_tasks
from fangkong.command.models import DispatchTask
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import AuditLog, Notification
from fangkong.core.schedule import SCHEDULE
from fangkong.core.testkit import make_user

from .factories import PDF, PNG, dispatch_to, hq, make_unit, township_unit


@pytest.fixture
def units(users):
    county = users["commander"].division
    head = hq(county)
    do_add_member(head, name="王县长", position=MemberPosition.LEADER, user=users["regulator"], acting_user=SYSTEM)
    group = make_unit(county, UnitKind.GROUP, parent=head, name="排查管控组", leader=users["cdc"])
    force = make_unit(county, UnitKind.TASK_FORCE, parent=group, name="坝上旅游专班")
    town = township_unit(users["township"].division)
    return {"hq": head, "group": group, "force": force, "town": town}


def test_it_runs_a_dispatch_through_return_and_sign_off(users, units):
    commander, cadre = users["commander"], users["township"]
    now = timezone.now()
    d = dispatch_to(units["town"], acting_user=commander, now=now, needs_attachment=True, evidence="现场照片")
    task = d.tasks.get()
    assert (task.status, d.division, d.created_by, d.code[:1]) == (TaskStatus.ISSUED, commander.division, commander, "督")
    assert Notification.objects.filter(user=cadre, url__endswith=f"/tasks/{task.pk}/").exists()

    do_acknowledge(task, acting_user=cadre)
    assert task.status == TaskStatus.ACKNOWLEDGED and task.acknowledged_by == cadre
    with pytest.raises(ValidationError, match="已签收"):
        do_acknowledge(task, acting_user=cadre)
    reply = do_report_progress(task, text="已排查30户", files=[("photo.png", PNG)], acting_user=cadre)
    assert reply.attachments.get().content_type == "image/png"
    with pytest.raises(ValidationError, match="佐证材料"):
        do_report_done(task, text="已办结", acting_user=cadre)
    with pytest.raises(ValidationError, match="只能上传"):
        do_report_done(task, text="已办结", files=[("evil.exe", b"MZ\x90\0")], acting_user=cadre)
    do_report_done(task, text="已办结", files=[("整改报告.pdf", PDF)], acting_user=cadre)
    assert task.status == TaskStatus.DONE and task.done_at is not None
    with pytest.raises(ValidationError, match="已办结或已销号"):
        do_report_progress(task, text="补充", acting_user=cadre)

    with pytest.raises(ValidationError, match="退回原因"):
        do_return(task, text=" ", acting_user=commander)
    do_return(task, text="照片不清楚", acting_user=commander)
    assert (task.status, task.returned, task.done_at) == (TaskStatus.RETURNED, 1, None)
    with pytest.raises(ValidationError, match="已办结待销号"):
        do_sign_off(task, acting_user=commander)
    do_report_done(task, text="已重新上传", files=[("p.png", PNG)], acting_user=cadre)
    do_sign_off(task, text="同意销号", acting_user=commander)
    task.refresh_from_db()
    d.refresh_from_db()
    assert task.status == TaskStatus.SIGNED_OFF and d.status == DispatchStatus.CLOSED and d.closed_at
    kinds = list(task.replies.values_list("kind", flat=True))
    assert kinds == [ReplyKind.ACKNOWLEDGE, ReplyKind.PROGRESS, ReplyKind.DONE, ReplyKind.RETURN, ReplyKind.DONE,
                     ReplyKind.SIGN_OFF]
    verbs = list(AuditLog.objects.filter(object_type="command.dispatchtask", object_id=str(task.pk))
                 .order_by("id").values_list("verb", flat=True))
    assert verbs == ["dispatch", "acknowledge_task", "report_task_progress", "report_task_done", "return_task",
                     "report_task_done", "sign_off_task"]


def test_a_dispatch_stays_open_until_every_unit_is_signed_off(users, units):
    commander = users["commander"]
    d = dispatch_to(units["town"], units["force"], acting_user=commander)
    town = d.tasks.get(unit=units["town"])
    do_report_done(town, text="办结", acting_user=users["township"])  # reporting takes the task on
    assert town.acknowledged_at is not None
    do_sign_off(town, acting_user=commander)
    d.refresh_from_db()
    assert d.status == DispatchStatus.OPEN


def test_it_lets_only_the_unit_answer_and_only_the_sender_sign_off(users, units):
    other_cadre = make_user("tc_other_x", users["village_other"].division.parent, Role.TOWNSHIP_CADRE)
    d = dispatch_to(units["town"], acting_user=users["commander"])
    task = d.tasks.get()
    for outsider in (other_cadre, users["cdc"], users["lab"]):
        with pytest.raises(PermissionDenied):
            do_acknowledge(task, acting_user=outsider)
    do_report_done(task, text="办结", acting_user=users["township"])
    with pytest.raises(PermissionDenied):
        do_sign_off(task, acting_user=users["township"])  # the unit cannot sign off its own task
    with pytest.raises(PermissionDenied):
        do_sign_off(task, acting_user=users["cdc"])  # a department head who did not send it


def test_a_group_leader_dispatches_in_the_groups_name_only(users, units):
    cdc, regulator = users["cdc"], users["regulator"]
    d = dispatch_to(units["town"], acting_user=cdc, sender_unit=units["group"])
    assert d.sender_unit == units["group"] and d.division == units["group"].division
    with pytest.raises(PermissionDenied, match="组长"):
        dispatch_to(units["town"], acting_user=cdc)  # in no unit's name
    with pytest.raises(PermissionDenied, match="组长"):
        dispatch_to(units["town"], acting_user=regulator, sender_unit=units["group"])  # not its leader
    with pytest.raises(PermissionDenied):
        dispatch_to(units["town"], acting_user=users["township"], sender_unit=units["town"])
    task = d.tasks.get()
    do_report_done(task, text="办结", acting_user=users["township"])
    do_sign_off(task, acting_user=cdc)  # the group's leader signs off what the group sent
    assert DispatchTask.objects.get(pk=task.pk).status == TaskStatus.SIGNED_OFF


def test_it_refuses_a_deadline_in_the_past_and_no_units(users, units):
    with pytest.raises(ValidationError, match="办结时限"):
        dispatch_to(units["town"], hours=-1, acting_user=users["commander"])
    with pytest.raises(ValidationError, match="承办单位"):
        dispatch_to(units["town"], acting_user=users["commander"], units=[])


def test_overdue_tasks_escalate_up_the_chain_once_per_step(users, units):
    commander, cadre, cdc, regulator = users["commander"], users["township"], users["cdc"], users["regulator"]
    start = timezone.now()
    d = dispatch_to(units["town"], units["force"], hours=2, acting_user=commander, now=start)
    town, force = d.tasks.get(unit=units["town"]), d.tasks.get(unit=units["force"])
    do_add_member(units["force"], name="李组长", position=MemberPosition.LEADER, user=users["site"], acting_user=SYSTEM)

    def alerts(user):
        return Notification.objects.filter(user=user, kind="alert").count()

    assert escalate_overdue_tasks(now=start + dt.timedelta(hours=1)) == 0
    # At the deadline: the unit's own leaders and the sender.
    assert escalate_overdue_tasks(now=start + dt.timedelta(hours=3)) == 2
    town.refresh_from_db()
    force.refresh_from_db()
    assert (town.escalation_level, force.escalation_level) == (1, 1)
    assert alerts(cadre) == 1 and alerts(users["site"]) == 1 and alerts(commander) == 2
    assert alerts(cdc) == 0 and alerts(regulator) == 0
    assert escalate_overdue_tasks(now=start + dt.timedelta(hours=4)) == 0  # nothing twice

    do_report_done(force, text="办结", acting_user=users["site"])  # a done task escalates no further
    # A day past: the leaders of the unit above (the township: the headquarters; the task force: its group).
    assert escalate_overdue_tasks(now=start + dt.timedelta(hours=27)) == 1
    assert alerts(regulator) == 1 and alerts(cdc) == 0
    # Three days past: the command centre.
    assert escalate_overdue_tasks(now=start + dt.timedelta(hours=80)) == 1
    town.refresh_from_db()
    assert town.escalation_level == 3 and alerts(commander) == 3
    assert escalate_overdue_tasks(now=start + dt.timedelta(days=30)) == 0
    assert list(town.replies.filter(kind=ReplyKind.ESCALATE).values_list("text", flat=True)) == [
        "超期未办结，已升级至：承办单位负责人", "超期未办结，已升级至：上级单位负责人", "超期未办结，已升级至：指挥部"]
    rows = AuditLog.objects.filter(verb="escalate_task", object_id=str(town.pk), action=AuditAction.ACTION)
    assert rows.count() == 3 and all(r.source == "job" for r in rows)


def test_a_task_found_late_takes_every_step_at_once(users, units):
    start = timezone.now()
    d = dispatch_to(units["town"], hours=1, acting_user=users["commander"], now=start)
    assert escalate_overdue_tasks(now=start + dt.timedelta(days=5)) == 3
    assert d.tasks.get().escalation_level == 3


def test_a_returned_task_with_a_new_deadline_starts_its_escalation_again(users, units):
    start = timezone.now()
    d = dispatch_to(units["town"], hours=1, acting_user=users["commander"], now=start)
    task = d.tasks.get()
    escalate_overdue_tasks(now=start + dt.timedelta(hours=2))
    do_report_done(task, text="办结", acting_user=users["township"])
    do_return(task, text="重办", due_at=timezone.now() + dt.timedelta(days=2), acting_user=users["commander"])
    assert (task.escalation_level, task.status) == (0, TaskStatus.RETURNED)


def test_the_escalation_is_a_scheduled_job():
    assert "fangkong.command.jobs.command_tick" in {p.task for p in SCHEDULE}


def test_the_command_centre_does_not_answer_for_a_unit(users, units):
    task = dispatch_to(units["town"], acting_user=users["commander"]).tasks.get()
    with pytest.raises(PermissionDenied):
        do_acknowledge(task, acting_user=users["commander"])
    with pytest.raises(PermissionDenied):
        do_report_done(task, text="代为办结", acting_user=users["auditor"])
