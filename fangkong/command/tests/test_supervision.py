"""督导: a finding becomes a dispatched rectification; the unit's completion waits for the group's
re-check, which passes (task signed off) or fails (task sent back); a unit's record and on-time rate
against hand-computed numbers; who may record and see what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.command.actions import do_dispatch_rectification, do_recheck, do_record_visit, do_report_done
from fangkong.command.choices import (
    DispatchSource,
    DispatchStatus,
    FindingCategory,
    FindingStatus,
    TaskStatus,
)
from fangkong.command.models import Finding
from fangkong.core.actions import SYSTEM
from fangkong.core.choices import Role
from fangkong.core.models import AuditLog, Notification
from fangkong.core.testkit import client_for, make_user
from fangkong.metrics.command import by_month, findings_by_category, rectification_rate

from .factories import PNG, finding_at, supervision_group, township_unit, visit_to

EVIDENCE = [("整改.png", PNG)]


@pytest.fixture
def setup(users):
    county = users["commander"].division
    group = supervision_group(county, leader=users["regulator"], name="第一督导组")
    town = township_unit(users["township"].division)
    return group, town


def test_a_finding_becomes_a_rectification_that_is_rechecked_failed_then_passed(users, setup):
    group, town = setup
    commander, cadre = users["commander"], users["township"]
    visit = visit_to(group, town, unannounced=True, acting_user=commander)
    finding = finding_at(visit, FindingCategory.CHECKPOINT, acting_user=commander)
    assert finding.status == FindingStatus.OPEN and finding.division == town.division
    with pytest.raises(ValidationError):  # nothing reported yet: no re-check
        do_recheck(finding, passed=True, acting_user=commander)

    due = timezone.now() + dt.timedelta(days=2)
    task = do_dispatch_rectification(finding, due_at=due, content="三日内整改到位", acting_user=commander)
    dispatch = task.dispatch
    assert (dispatch.source, dispatch.sender_unit, task.unit) == (DispatchSource.SUPERVISION, group, town)
    assert dispatch.needs_attachment and "暗访" in dispatch.source_note and "卡口外来车辆" in dispatch.content
    finding.refresh_from_db()
    assert (finding.status, finding.task, finding.due_at) == (FindingStatus.RECTIFYING, task, due)
    with pytest.raises(ValidationError):
        do_dispatch_rectification(finding, due_at=due, acting_user=commander)  # once only
    assert Notification.objects.filter(user=cadre, url=reverse("command:dispatchtask", args=[task.pk])).exists()

    do_report_done(task, text="已增设登记员", files=EVIDENCE, acting_user=cadre)
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECHECK
    assert Notification.objects.filter(user=users["regulator"], url=reverse("command:finding", args=[finding.pk])).exists()

    with pytest.raises(ValidationError):  # a failed re-check needs its reason
        do_recheck(finding, passed=False, note="", acting_user=commander)
    do_recheck(finding, passed=False, note="夜间仍无人登记", acting_user=commander)
    task.refresh_from_db()
    finding.refresh_from_db()
    assert task.status == TaskStatus.RETURNED and task.returned == 1
    assert (finding.status, finding.rechecks, finding.recheck_failed) == (FindingStatus.RECTIFYING, 1, 1)

    do_report_done(task, text="已安排夜间值守", files=EVIDENCE, acting_user=cadre)
    do_recheck(Finding.objects.get(pk=finding.pk), passed=True, note="现场复查到位", acting_user=commander)
    task.refresh_from_db()
    dispatch.refresh_from_db()
    finding.refresh_from_db()
    assert task.status == TaskStatus.SIGNED_OFF and dispatch.status == DispatchStatus.CLOSED
    assert (finding.status, finding.rechecks, finding.rectified_at) == (FindingStatus.PASSED, 2, task.done_at)
    assert finding.on_time is True
    verbs = set(AuditLog.objects.filter(object_id=str(finding.pk)).values_list("verb", flat=True))
    assert {"record_finding", "dispatch_rectification", "await_recheck", "recheck_failed", "recheck_passed"} <= verbs


def test_a_units_record_matches_the_hand_count(users, setup):
    group, town = setup
    commander = users["commander"]
    now = timezone.now()
    today = timezone.localdate()
    old_visit = visit_to(group, town, day=today - dt.timedelta(days=40), acting_user=commander)
    new_visit = visit_to(group, town, day=today, unannounced=True, acting_user=commander)

    def dispatched(visit, category, created, due):
        f = finding_at(visit, category, acting_user=commander)
        return f, do_dispatch_rectification(f, due_at=now + due, acting_user=commander, now=now + created)

    # 1: done a day before its deadline, passed → on time
    f1, t1 = dispatched(old_visit, FindingCategory.CHECKPOINT, -dt.timedelta(days=10), -dt.timedelta(days=7))
    do_report_done(t1, text="整改完毕", files=EVIDENCE, acting_user=SYSTEM, now=now - dt.timedelta(days=8))
    do_recheck(Finding.objects.get(pk=f1.pk), passed=True, acting_user=commander)
    # 2: done a day after its deadline, passed → late
    f2, t2 = dispatched(old_visit, FindingCategory.GRID, -dt.timedelta(days=5), -dt.timedelta(days=3))
    do_report_done(t2, text="整改完毕", files=EVIDENCE, acting_user=SYSTEM, now=now - dt.timedelta(days=2))
    do_recheck(Finding.objects.get(pk=f2.pk), passed=True, acting_user=commander)
    # 3: deadline passed, never done → counted, late
    dispatched(new_visit, FindingCategory.GRID, -dt.timedelta(hours=5), -dt.timedelta(hours=1))
    # 4: not yet due → not counted; 5: not dispatched → not counted
    dispatched(new_visit, FindingCategory.TESTING, dt.timedelta(0), dt.timedelta(days=2))
    finding_at(new_visit, FindingCategory.OTHER, acting_user=commander)

    findings = Finding.objects.filter(unit=town)
    rate = rectification_rate(findings, now)
    assert (rate.due, rate.on_time) == (3, 1)
    counts = findings_by_category(findings)
    assert (counts[FindingCategory.CHECKPOINT], counts[FindingCategory.GRID], counts[FindingCategory.TESTING],
            counts[FindingCategory.OTHER], counts[FindingCategory.VENUE]) == (1, 2, 1, 1, 0)
    assert findings_by_category(findings, start=today)[FindingCategory.GRID] == 1
    months, rows = by_month(findings)
    old_month, new_month = f"{old_visit.day:%Y-%m}", f"{today:%Y-%m}"
    assert months == sorted({old_month, new_month})
    grid_row = dict(rows)[str(FindingCategory.GRID.label)]
    assert sum(grid_row) == 2 and grid_row[months.index(old_month)] >= 1

    page = client_for(commander).get(reverse("command:unit_record", args=[town.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "33.3%" in html and "1 / 3" in html
    assert "2次" in html and "暗访 1" in html


def test_only_a_groups_members_record_its_visits_and_the_visited_unit_sees_its_findings(users, setup):
    group, town = setup
    regulator, commander = users["regulator"], users["commander"]
    visit = visit_to(group, town, acting_user=regulator)  # the group's leader
    outsider = make_user("cdc_not_in_group", commander.division, Role.CDC)
    with pytest.raises(PermissionDenied):
        visit_to(group, town, acting_user=outsider)
    with pytest.raises(ValidationError):
        do_record_visit(acting_user=commander, group=town, unit=town, day=timezone.localdate(), members="甲")
    with pytest.raises(ValidationError):  # a visit in the future
        do_record_visit(acting_user=commander, group=group, unit=town, day=timezone.localdate() + dt.timedelta(days=1),
                        members="甲")
    finding = finding_at(visit, FindingCategory.VENUE, acting_user=regulator)
    url = reverse("command:finding", args=[finding.pk])
    assert client_for(users["township"]).get(url).status_code == 200  # the visited unit's cadre
    other = make_user("tc_other_sup", users["village_other"].division.parent, Role.TOWNSHIP_CADRE)
    assert client_for(other).get(url).status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    # the visited unit sees the finding but may not re-check its own rectification
    response = client_for(users["township"]).post(reverse("command:finding_rectify", args=[finding.pk]),
                                                   {"due_at": "2099-01-01T10:00"})
    assert response.status_code == 404


def test_a_visit_outside_the_groups_areas_is_refused(users, setup):
    group, town = setup
    group.covers.set([users["village_other"].division.parent])  # another township only
    with pytest.raises(ValidationError, match="督导片区"):
        visit_to(group, town, acting_user=users["commander"])


def test_the_pages_record_a_finding_and_dispatch_and_recheck_it(users, setup):
    group, town = setup
    client = client_for(users["commander"])
    visit = visit_to(group, town, acting_user=users["commander"])
    response = client.post(reverse("command:visit_finding_add", args=[visit.pk]),
                           {"category": FindingCategory.ISOLATION, "severity": "severity_major",
                            "description": "隔离点门岗无人值守"})
    assert response.status_code == 302
    finding = Finding.objects.get(visit=visit)
    due = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("command:finding_rectify", args=[finding.pk]), {"due_at": due})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFYING
    do_report_done(finding.task, text="已安排专人", files=EVIDENCE, acting_user=users["township"])
    page = client.get(reverse("command:finding", args=[finding.pk]))
    assert "登记复查结果" in page.content.decode()
    client.post(reverse("command:finding_recheck", args=[finding.pk]), {"passed": "1", "note": "到位"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.PASSED
    export = client.get(reverse("command:finding_list"), {"export": "xlsx"})
    assert export.status_code == 200
