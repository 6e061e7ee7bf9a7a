"""返县报备: the receipt's instructions from the policy in force for the origin on that day → the
arrival-day task for the grid worker (the job) unless the arrival is confirmed; the public page,
rate-limited and bot-protected like the self-report page; scope and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from fangkong.control.choices import RiskLevel
from fangkong.control.tests.factories import area, standard_policy
from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Division, Notification

from ..actions import do_cancel_return_report, do_confirm_arrival, do_file_return_report
from ..choices import AwayStatus, AwayTaskKind, AwayTaskStatus, ReturnPlan, ReturnStatus
from ..jobs import open_arrival_tasks
from ..models import AwayTask, PersonAway, ReturnReport
from . import factories_away as F

pytestmark = pytest.mark.django_db


@pytest.fixture
def grid(users):
    return users["grid"].division


@pytest.fixture
def policy():
    today = timezone.localdate()
    area(RiskLevel.HIGH, today - dt.timedelta(days=3))  # 河北省石家庄市藁城区
    area(RiskLevel.MEDIUM, today - dt.timedelta(days=3), province="北京市", city="", county="朝阳区")
    return standard_policy()


def test_the_receipt_tells_a_high_risk_origin_central_quarantine_point_to_point(grid, policy):
    report, created = do_file_return_report(F.item(grid), acting_user=SYSTEM)
    assert created and report.risk_level == "high" and len(report.code) == 10
    text = "".join(report.instructions)
    assert "高风险区" in text and "点对点闭环转运至集中隔离点" in text
    assert "集中隔离7天" in text and "7天5检" in text and "第1、2、3、5、7天" in text
    assert "高风险区" in report.policy and "第九版防控方案" in report.policy
    assert AuditLog.objects.filter(verb="file_return_report", object_id=str(report.pk)).exists()


def test_a_medium_risk_origin_means_home_isolation_and_a_safe_one_no_measure(grid, policy):
    medium = F.report(grid, province="北京市", city="", county="朝阳区")
    assert medium.risk_level == "medium"
    assert "点对点闭环转运回家" in medium.instructions[1] and "居家医学观察7天。" in medium.instructions
    safe = F.report(grid, province="广东省", city="广州市", county="天河区")
    assert safe.risk_level == "none" and any("无需管控" in line for line in safe.instructions)


def test_the_policy_is_the_one_in_force_on_the_day_of_leaving(grid, policy):
    # The area was listed three days ago: leaving ten days ago, they left a place not yet at risk.
    before = F.report(grid, left_on=timezone.localdate() - dt.timedelta(days=10))
    assert before.risk_level == "none"


def test_the_same_person_arriving_the_same_day_is_filed_once(grid, policy):
    item = F.item(grid, phone="13912345678")
    first, created = do_file_return_report(item, acting_user=SYSTEM)
    again, created_again = do_file_return_report(item, acting_user=SYSTEM)
    assert created and not created_again and again.pk == first.pk


def test_a_report_links_the_person_away_and_tells_the_grid_worker(users, grid, policy):
    p = F.away(grid, plan=ReturnPlan.STAYING)
    report = F.report(grid, name=p.name, phone=p.phone, id_number=p.id_number)
    assert report.person == p
    p.refresh_from_db()
    assert p.plan == ReturnPlan.WILL_RETURN and p.plan_return_on == report.arrive_on
    assert Notification.objects.filter(user=users["grid"], kind="grid.return_report").exists()


def test_the_arrival_day_opens_a_check_for_the_grid_worker_unless_confirmed(users, grid, policy):
    due = F.report(grid, days=0, hour=0)
    confirmed = F.report(grid, days=0, hour=0)
    later = F.report(grid, days=1)
    do_confirm_arrival(confirmed, acting_user=users["grid"])
    assert open_arrival_tasks() == 1
    task = AwayTask.objects.get(kind=AwayTaskKind.ARRIVAL)
    assert task.report == due and task.assignee == users["grid"] and task.due_on == timezone.localdate()
    assert "集中隔离" in task.reason
    assert Notification.objects.filter(user=users["grid"], kind="grid.arrival_check").exists()
    assert open_arrival_tasks() == 0  # once per report
    assert open_arrival_tasks(timezone.localdate() + dt.timedelta(days=1)) == 1  # tomorrow: `later`
    assert AwayTask.objects.get(report=later).due_on == later.arrive_on


def test_confirming_the_arrival_closes_the_check_and_the_ledger_entry(users, grid, policy):
    p = F.away(grid)
    report = F.report(grid, days=0, hour=0, name=p.name, phone=p.phone, id_number=p.id_number)
    open_arrival_tasks()
    with pytest.raises(PermissionDenied):
        do_confirm_arrival(report, acting_user=users["grid_other"])
    do_confirm_arrival(report, acting_user=users["grid"])
    report.refresh_from_db()
    p.refresh_from_db()
    assert report.status == ReturnStatus.ARRIVED and report.confirmed_by == users["grid"]
    assert p.status == AwayStatus.RETURNED
    assert AwayTask.objects.get(report=report).status == AwayTaskStatus.DONE
    with pytest.raises(ValidationError, match="已确认到达"):
        do_confirm_arrival(report, acting_user=users["grid"])


def test_a_cancelled_report_gets_no_check(users, grid, policy):
    report = F.report(grid, days=0, hour=0)
    do_cancel_return_report(report, acting_user=users["village"])
    assert open_arrival_tasks() == 0


def test_a_liaison_files_only_for_their_area_and_not_in_the_past(users, grid, policy):
    other = users["grid_other"].division
    with pytest.raises(PermissionDenied):
        do_file_return_report(F.item(other), acting_user=users["grid"])
    with pytest.raises(ValidationError, match="到达时间已过"):
        do_file_return_report(F.item(grid, days=-3), acting_user=users["grid"])
    report, _ = do_file_return_report(F.item(grid), acting_user=users["village"])
    assert report.created_by == users["village"]


def test_the_liaison_files_from_the_page_and_sees_the_receipt(users, grid, policy):
    c = Client()
    c.force_login(users["village"])
    at = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT10:00")
    r = c.post("/grid/returns/add/", {"filed_by": "cadre", "name": "王返县", "phone": "13800138000",
                                      "province": "河北省", "city": "石家庄市", "county": "藁城区", "arrive_at": at,
                                      "division": grid.pk, "address": "幸福路2号"})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "点对点闭环转运" in page and "王返县" in page
    r = c.post("/grid/returns/add/", {"filed_by": "cadre", "name": "王", "phone": "138", "province": "",
                                      "arrive_at": "2020-01-01T10:00", "division": grid.pk, "address": "x"})
    html = r.content.decode()
    assert r.status_code == 200 and "到达时间已过" in html and "该字段是必填项" in html and "手机号" in html


def _public_data(client: Client, **extra) -> dict:
    form = client.get("/grid/return/").context["form"]
    village = Division.objects.filter(level="village").order_by("path").first()
    at = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT09:00")
    return {"phone": "13700001111", "name": "赵返乡", "filed_by": "self", "province": "河北省", "city": "石家庄市",
            "county": "藁城区", "arrive_at": at, "division": village.pk, "address": "幸福路3号", "consent": "on",
            "started": form.initial["started"], "website": "", **extra}


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_a_member_of_the_public_files_and_reads_what_to_do(policy):
    c = Client()
    r = c.post("/grid/return/", _public_data(c))
    assert r.status_code == 302 and r["Location"] == "/grid/return/done/"
    report = ReturnReport.objects.get(name="赵返乡")
    assert report.created_by is None and report.division.level == "village"
    page = c.get("/grid/return/done/").content.decode()
    assert report.code in page and "点对点闭环转运至集中隔离点" in page
    assert report.code not in r["Location"]
    assert "抵达后您须做到" not in Client().get("/grid/return/done/").content.decode()  # another browser


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_page_stops_bots_and_floods(policy):
    c = Client()
    r = c.post("/grid/return/", _public_data(c, website="http://spam"))
    assert r.status_code == 200 and "提交未通过校验" in r.content.decode()
    r = c.post("/grid/return/", _public_data(c, started="forged"))
    assert "页面已过期" in r.content.decode()
    r = c.post("/grid/return/", _public_data(c, consent=""))
    assert "请先阅读并同意" in r.content.decode()
    assert not ReturnReport.objects.exists()
    for n in range(5):
        assert c.post("/grid/return/", _public_data(c, phone=f"1370000222{n}")).status_code == 302
    r = c.post("/grid/return/", _public_data(c, phone="13700003333"))
    assert r.status_code == 429 and "提交次数过多" in r.content.decode()
    assert ReturnReport.objects.count() == 5


def test_the_public_page_refuses_a_submission_too_fast(policy):
    c = Client()
    r = c.post("/grid/return/", _public_data(c))
    assert r.status_code == 200 and "提交过快" in r.content.decode()


def test_the_people_away_list_is_scoped(users, grid):
    F.away(grid)
    F.away(users["grid_other"].division)
    assert PersonAway.objects.restrict(users["grid"]).count() == 1
    assert PersonAway.objects.restrict(users["commander"]).count() == 2
