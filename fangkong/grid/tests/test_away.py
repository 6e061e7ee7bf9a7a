"""县外人员底数: a place turning into a risk area → a call task for each person away there (control's
event, core.signals); a watch-listed person in any channel → an alert to their village; the
contact log closes the call; scope and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from fangkong.control.areas import AreaRow, do_apply_risk_areas, plan_changes
from fangkong.control.choices import RiskLevel
from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Notification
from fangkong.screening.actions import do_submit_lead
from fangkong.screening.choices import Channel
from fangkong.screening.cleaning import LeadInput
from fangkong.screening.intake import ingest

from ..actions import do_close_away_task, do_log_contact
from ..choices import AwayTaskKind, AwayTaskStatus, ContactAdvice, ReturnPlan
from ..models import AwayTask, PersonAway
from . import factories_away as F

pytestmark = pytest.mark.django_db


def listed(commander, *rows: tuple[tuple[str, ...], str], capture) -> int:
    today = timezone.localdate()
    area_rows = [AreaRow(i, names, level, today - dt.timedelta(days=1), None) for i, (names, level) in
                 enumerate(rows, start=1)]
    with capture(execute=True):
        return do_apply_risk_areas(plan_changes(area_rows), source="测试名单", acting_user=commander)


@pytest.fixture
def grid(users):
    return users["grid"].division


def test_a_place_turning_into_a_risk_area_gives_the_liaison_a_call_task(users, grid,
                                                                        django_capture_on_commit_callbacks):
    there = F.away(grid, liaison=users["village"])
    vague = F.away(grid, county="", liaison=users["village"])  # only the city known: called too
    elsewhere = F.away(grid, province="广东省", city="广州市", county="天河区", liaison=users["village"])
    listed(users["commander"], (("河北省", "石家庄市", "藁城区", "", ""), RiskLevel.HIGH),
           capture=django_capture_on_commit_callbacks)
    tasks = AwayTask.objects.filter(kind=AwayTaskKind.CALL)
    assert {t.person_id for t in tasks} == {there.pk, vague.pk}
    task = tasks.get(person=there)
    assert task.assignee == users["village"] and task.status == AwayTaskStatus.OPEN
    assert "高风险区" in task.reason and "藁城区" in task.reason
    there.refresh_from_db()
    elsewhere.refresh_from_db()
    assert there.risk_level == "high" and elsewhere.risk_level == "none"
    note = Notification.objects.get(user=users["village"], kind="grid.away_call")
    assert "2人" in note.title
    assert AuditLog.objects.filter(verb="open_away_task", object_id=str(task.pk)).exists()


def test_the_same_list_again_opens_no_second_task(users, grid, django_capture_on_commit_callbacks):
    F.away(grid, liaison=users["village"])
    row = (("河北省", "石家庄市", "藁城区", "", ""), RiskLevel.MEDIUM)
    listed(users["commander"], row, capture=django_capture_on_commit_callbacks)
    listed(users["commander"], row, capture=django_capture_on_commit_callbacks)
    assert AwayTask.objects.filter(kind=AwayTaskKind.CALL).count() == 1


def test_without_a_named_liaison_the_village_cadre_is_called(users, grid, django_capture_on_commit_callbacks):
    p = F.away(grid)
    listed(users["commander"], (("河北省", "", "", "", ""), RiskLevel.LOW), capture=django_capture_on_commit_callbacks)
    assert AwayTask.objects.get(person=p).assignee == users["village"]


def test_a_contact_log_records_the_advice_and_closes_the_call(users, grid, django_capture_on_commit_callbacks):
    p = F.away(grid, liaison=users["village"])
    listed(users["commander"], (("河北省", "石家庄市", "", "", ""), RiskLevel.HIGH),
           capture=django_capture_on_commit_callbacks)
    log = do_log_contact(p, advice=ContactAdvice.STAY, note="同意暂不返县", plan=ReturnPlan.STAYING, watch=True,
                         acting_user=users["village"])
    p.refresh_from_db()
    assert p.plan == ReturnPlan.STAYING and p.watch is True and log.by == users["village"]
    task = AwayTask.objects.get(person=p)
    assert task.status == AwayTaskStatus.DONE and task.result == "劝其留在当地（留在远端）"
    assert AuditLog.objects.filter(verb="log_away_contact").exists()
    assert AuditLog.objects.filter(verb="update_person_away", object_id=str(p.pk)).exists()


def test_not_reached_leaves_the_call_open(users, grid, django_capture_on_commit_callbacks):
    p = F.away(grid, liaison=users["village"])
    listed(users["commander"], (("河北省", "", "", "", ""), RiskLevel.HIGH), capture=django_capture_on_commit_callbacks)
    do_log_contact(p, advice=ContactAdvice.NOT_REACHED, acting_user=users["grid"])
    assert AwayTask.objects.get(person=p).status == AwayTaskStatus.OPEN


def test_only_the_persons_area_may_log_a_contact(users, grid):
    p = F.away(grid)
    with pytest.raises(PermissionDenied):
        do_log_contact(p, advice=ContactAdvice.RETURN, acting_user=users["grid_other"])
    with pytest.raises(PermissionDenied):
        do_log_contact(p, advice=ContactAdvice.RETURN, acting_user=users["lab"])


def test_a_watch_listed_person_at_a_checkpoint_alerts_their_village(users, grid, django_capture_on_commit_callbacks):
    p = F.away(grid, watch=True, liaison=users["township"])
    other = F.away(grid)  # not on the watch list: no alert
    with django_capture_on_commit_callbacks(execute=True):
        do_submit_lead(LeadInput(name=p.name, id_number=p.id_number, phone=p.phone, address="县城卡口"),
                       channel=Channel.CHECKPOINT, acting_user=SYSTEM)
        do_submit_lead(LeadInput(name=other.name, id_number=other.id_number, phone=other.phone, address="县城卡口"),
                       channel=Channel.CHECKPOINT, acting_user=SYSTEM)
    task = AwayTask.objects.get(kind=AwayTaskKind.SEEN)
    assert task.person == p and "卡口登记" in task.reason
    alerted = set(Notification.objects.filter(kind="grid.watch_seen").values_list("user__username", flat=True))
    assert alerted == {"village", "township"}
    assert not AwayTask.objects.filter(person=other).exists()


def test_a_watch_listed_person_in_a_push_is_found_by_phone_once_a_day(users, grid, django_capture_on_commit_callbacks):
    p = F.away(grid, watch=True)
    lead = LeadInput(name=p.name, phone=p.phone, origin="河北省石家庄市", source="运营商")
    with django_capture_on_commit_callbacks(execute=True):
        ingest([lead], channel=Channel.BIG_DATA)
    with django_capture_on_commit_callbacks(execute=True):
        ingest([LeadInput(name=p.name, phone=p.phone, origin="河北省石家庄市", source="公安")], channel=Channel.BIG_DATA)
    assert AwayTask.objects.filter(kind=AwayTaskKind.SEEN, person=p).count() == 1
    assert Notification.objects.filter(kind="grid.watch_seen", user=users["village"]).count() == 1


def test_closing_a_task_is_audited_and_scoped(users, grid, django_capture_on_commit_callbacks):
    F.away(grid, liaison=users["village"])
    listed(users["commander"], (("河北省", "", "", "", ""), RiskLevel.HIGH), capture=django_capture_on_commit_callbacks)
    task = AwayTask.objects.get()
    with pytest.raises(PermissionDenied):
        do_close_away_task(task, result="已联系", acting_user=users["village_other"])
    do_close_away_task(task, result="已联系", acting_user=users["grid"])
    task.refresh_from_db()
    assert task.status == AwayTaskStatus.DONE and task.closed_by == users["grid"]
    assert AuditLog.objects.filter(verb="close_away_task", object_id=str(task.pk)).exists()


def test_the_form_fills_the_risk_level_and_the_liaison(users, grid, django_capture_on_commit_callbacks):
    from django.test import Client

    listed(users["commander"], (("北京市", "", "朝阳区", "", ""), RiskLevel.MEDIUM),
           capture=django_capture_on_commit_callbacks)
    c = Client()
    c.force_login(users["grid"])
    r = c.post("/grid/away/add/", {"name": "张外出", "phone": "13800001234", "grid": grid.pk, "province": "北京市",
                                   "county": "朝阳区", "plan": ReturnPlan.UNDECIDED, "status": "away"})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = PersonAway.objects.get(name="张外出")
    assert p.risk_level == "medium" and p.liaison == users["village"]
    r = c.post("/grid/away/add/", {"name": "李", "phone": "12345", "grid": grid.pk, "province": "北京市",
                                   "plan": ReturnPlan.UNDECIDED, "status": "away"})
    assert r.status_code == 200 and "手机号" in r.content.decode()


def test_the_job_lowers_the_level_once_an_area_is_lifted(users, grid, django_capture_on_commit_callbacks):
    from fangkong.control.models import RiskArea

    from ..jobs import refresh_away_risk

    p = F.away(grid)
    listed(users["commander"], (("河北省", "石家庄市", "藁城区", "", ""), RiskLevel.HIGH),
           capture=django_capture_on_commit_callbacks)
    p.refresh_from_db()
    assert p.risk_level == "high"
    assert refresh_away_risk() == 0  # nothing changed
    RiskArea.objects.update(lifted_on=timezone.localdate())
    assert refresh_away_risk() == 1
    p.refresh_from_db()
    assert p.risk_level == "none"
    assert AuditLog.objects.filter(verb="refresh_away_risk", object_id=str(p.pk)).count() == 2
