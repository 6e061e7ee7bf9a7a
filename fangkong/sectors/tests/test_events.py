"""红白事 (seed 001, the county head): weddings reported ≥ 3 days ahead, funerals at once, through the
village; limits (≤ 50 people …) as rules that flag a report; a township officer supervises and
logs the on-site check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import AuditLog, Notification
from fangkong.core.testkit import api_client_for, client_for
from fangkong.sectors.actions_events import (
    do_assign_event_supervisor,
    do_cancel_event,
    do_check_event,
    do_report_event,
    do_set_event_rules,
)
from fangkong.sectors.choices import EventKind, EventStatus
from fangkong.sectors.models import EventCheck, FamilyEvent

pytestmark = pytest.mark.django_db

NOON = dt.time(12)


def _at(day: dt.date, time: dt.time = NOON) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


def _report(user, *, kind=EventKind.WEDDING, days_ahead=5, guests=30, now=None, **extra) -> FamilyEvent:
    today = timezone.localdate()
    fields = {"kind": kind, "host_name": "王建国", "host_phone": "13800000001", "place": "村文化广场",
              "event_date": today + dt.timedelta(days=days_ahead), "tables": 3, "guests": guests, **extra}
    return do_report_event(user.division.parent if user.division.level == "grid" else user.division,
                           acting_user=user, now=now or _at(today), **fields)


def test_a_wedding_reported_in_time_within_the_limits_has_no_flags(users):
    event = _report(users["village"])
    assert event.flags == [] and event.status == EventStatus.REPORTED
    assert event.reported_by == users["village"]
    assert AuditLog.objects.filter(verb="report_family_event", object_id=str(event.pk)).exists()
    # the township's officers are told, to assign a supervisor
    assert Notification.objects.filter(user=users["township"], url=reverse("sectors:familyevent", args=[event.pk])).exists()


@pytest.mark.parametrize(("days_ahead", "flagged"), [(3, False), (2, True), (0, True)])
def test_a_wedding_must_be_reported_three_days_ahead(users, days_ahead, flagged):
    event = _report(users["village"], days_ahead=days_ahead)
    assert (event.flags == ["未提前3天报备"]) is flagged, event.flags


def test_a_funeral_is_reported_at_once_and_late_only_after_the_notice_hours(users):
    today = timezone.localdate()
    in_time = _report(users["village"], kind=EventKind.FUNERAL, days_ahead=0, now=_at(today, dt.time(23, 59)),
                      tables=0)
    assert in_time.flags == []  # the same day, within 24 hours of its start
    late = _report(users["village"], kind=EventKind.FUNERAL, days_ahead=-2, now=_at(today), tables=0)
    assert late.flags == ["丧事报备晚于办事当日起24小时"]


def test_a_funeral_holds_no_banquet_and_weddings_can_be_postponed(users):
    assert _report(users["village"], kind=EventKind.FUNERAL, days_ahead=0, tables=2).flags == ["白事不办席，报备有2桌"]
    do_set_event_rules(weddings_postponed=True, acting_user=users["commander"])
    assert _report(users["village"]).flags == ["现行规定红事缓办"]


@pytest.mark.parametrize(("guests", "flags"), [(50, []), (51, ["预计51人，超过50人上限"])])
def test_the_people_limit_is_a_rule_that_flags_a_report(users, guests, flags):
    assert _report(users["village"], guests=guests).flags == flags


def test_changed_rules_flag_later_reports_and_leave_earlier_ones_as_they_were(users):
    before = _report(users["village"], guests=40)
    with pytest.raises(PermissionDenied):
        do_set_event_rules(max_people=30, acting_user=users["village"])
    do_set_event_rules(max_people=30, outside_guests_allowed=False, acting_user=users["commander"])
    after = _report(users["village"], guests=40, outside_guests=2, outside_origins="上海市浦东新区")
    before.refresh_from_db()
    assert before.flags == []
    assert after.flags == ["预计40人，超过30人上限", "有县外来宾2人（现行规定不允许）"]
    assert AuditLog.objects.filter(verb="set_event_rules").exists()


def test_bad_reports_are_refused_in_chinese(users):
    with pytest.raises(ValidationError) as exc:
        _report(users["village"], guests=5, outside_guests=6, outside_origins="北京")
    assert "县外来宾人数不能多于预计人数" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _report(users["village"], outside_guests=2)
    assert "有县外来宾时请填写来源地" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        do_report_event(users["township"].division, kind=EventKind.WEDDING, host_name="甲", place="某地",
                        event_date=timezone.localdate(), guests=10, acting_user=users["township"])
    assert "须报备到村" in str(exc.value)


def test_a_village_cannot_report_for_another_village(users):
    with pytest.raises(PermissionDenied):
        do_report_event(users["village_other"].division, kind=EventKind.WEDDING, host_name="甲", place="某地",
                        event_date=timezone.localdate() + dt.timedelta(days=5), guests=10, acting_user=users["village"])
    assert not FamilyEvent.objects.exists()


def test_supervision_then_the_on_site_check(users):
    event = _report(users["village"])
    with pytest.raises(PermissionDenied):  # the village reports; the township supervises
        do_assign_event_supervisor(event, users["township"], acting_user=users["village"])
    with pytest.raises(ValidationError):  # a village cadre cannot be the supervisor
        do_assign_event_supervisor(event, users["village"], acting_user=users["township"])
    do_assign_event_supervisor(event, users["township"], acting_user=users["township"])
    assert event.status == EventStatus.SUPERVISING and event.supervisor == users["township"]
    with pytest.raises(ValidationError) as exc:
        do_check_event(event, actual_people=60, compliant=True, acting_user=users["township"])
    assert "超过50人上限" in str(exc.value)
    check = do_check_event(event, actual_people=28, compliant=True, note="扫码测温到位", acting_user=users["township"])
    event.refresh_from_db()
    assert event.status == EventStatus.CHECKED and check.checker == users["township"]
    assert EventCheck.objects.filter(event=event).count() == 1
    with pytest.raises(ValidationError):
        do_cancel_event(event, reason="改期", acting_user=users["township"])


def test_a_cancelled_event_needs_a_reason_and_takes_no_check(users):
    event = _report(users["village"])
    with pytest.raises(ValidationError):
        do_cancel_event(event, reason=" ", acting_user=users["township"])
    do_cancel_event(event, reason="事主改期", acting_user=users["township"])
    with pytest.raises(ValidationError):
        do_check_event(event, actual_people=10, compliant=True, acting_user=users["township"])


def test_a_village_cadre_reports_on_the_page_and_the_township_checks(users):
    village, township = client_for(users["village"]), client_for(users["township"])
    form = village.get(reverse("sectors:familyevent_add"))
    assert form.status_code == 200 and "红白事报备" in form.content.decode()
    day = timezone.localdate() + dt.timedelta(days=1)
    response = village.post(reverse("sectors:familyevent_add"), {
        "kind": EventKind.WEDDING, "host_name": "李四", "host_phone": "13800000002",
        "division": users["village"].division.pk, "place": "李家院子", "event_date": day.isoformat(),
        "tables": 8, "guests": 80, "outside_guests": 0, "outside_origins": "", "measures": "扫码测温"})
    event = FamilyEvent.objects.get(host_name="李四")
    assert response.status_code == 302 and response["Location"] == reverse("sectors:familyevent", args=[event.pk])
    page = township.get(response["Location"]).content.decode()
    assert "预计80人，超过50人上限" in page and "未提前3天报备" in page and "记录检查" in page
    assert "记录检查" not in village.get(response["Location"]).content.decode()
    township.post(reverse("sectors:event_check", args=[event.pk]), {"actual_people": 45, "compliant": "1", "note": "已劝减"})
    event.refresh_from_db()
    assert event.status == EventStatus.CHECKED
    listed = township.get(reverse("sectors:familyevent_list"), {"flagged": "true"}).content.decode()
    assert "李四" in listed


def test_the_api_reports_and_checks(users):
    api = api_client_for(users["village"])
    day = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    created = api.post("/api/sectors/family-events/", {
        "kind": EventKind.FUNERAL, "host_name": "赵六", "host_phone": "138 0000 0003",
        "division": users["village"].division.pk, "place": "赵家", "event_date": day, "guests": 20}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["flags"] == [] and body["host_phone"] != "13800000003"  # masked in the echo
    refused = api.post(f"/api/sectors/family-events/{body['id']}/check/", {"actual_people": 10, "compliant": True},
                       format="json")
    assert refused.status_code in (403, 404)
    township = api_client_for(users["township"])
    checked = township.post(f"/api/sectors/family-events/{body['id']}/check/",
                            {"actual_people": 10, "compliant": True}, format="json")
    assert checked.status_code == 201, checked.content
    assert api_client_for(users["village_other"]).get(f"/api/sectors/family-events/{body['id']}/").status_code == 404
