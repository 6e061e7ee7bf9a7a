"""Inspections: checklist versions kept by the inspections that used them, the findings and their
consequences (re-inspection task, suspension), overdue re-inspections escalating once, the
phone-first inspection page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog, Notification
from fangkong.core.testkit import client_for
from fangkong.sectors.actions import current_checklist, do_inspect, do_publish_checklist, do_reopen_venue
from fangkong.sectors.choices import Answer, Finding, ReinspectionStatus, VenueStatus
from fangkong.sectors.jobs import escalate_overdue
from fangkong.sectors.models import Inspection, Reinspection

from .factories import answers_for, inspect, make_venue, sector

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_an_inspection_keeps_the_checklist_version_it_used(users):
    venue = make_venue(users["grid"].division)
    v1 = current_checklist(venue.sector)
    first = inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    v2 = do_publish_checklist(venue.sector, ["测温", "扫码", "佩戴口罩"], note="增加口罩", acting_user=users["regulator"])
    assert v2.version == v1.version + 1 and current_checklist(venue.sector) == v2
    second = inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    first.refresh_from_db()
    assert first.checklist == v1 and second.checklist == v2
    assert [i.text for i, _ in first.answer_rows()] == [i.text for i in v1.items.all()]
    assert [i.text for i, _ in second.answer_rows()] == ["测温", "扫码", "佩戴口罩"]
    assert v1.items.count() == 8  # the old version is untouched
    # Answers of an old version do not fit the new one.
    with pytest.raises(ValidationError):
        do_inspect(venue, finding=Finding.COMPLIANT, answers={str(i.pk): Answer.YES for i in v1.items.all()},
                   acting_user=users["regulator"])
    # Only the regulators and the command centre publish checklists.
    with pytest.raises(PermissionDenied):
        do_publish_checklist(venue.sector, ["测温"], acting_user=users["township"])


def test_an_inspection_answers_every_item_and_a_no_is_never_compliant(users):
    venue = make_venue(users["grid"].division)
    answers = answers_for(venue, Answer.YES)
    answers.popitem()
    with pytest.raises(ValidationError, match="还有1项"):
        do_inspect(venue, finding=Finding.COMPLIANT, answers=answers, acting_user=users["regulator"])
    with pytest.raises(ValidationError, match="不能判定为合格"):
        do_inspect(venue, finding=Finding.COMPLIANT, answers=answers_for(venue, Answer.YES, 测温=Answer.NO),
                   acting_user=users["regulator"])
    with pytest.raises(ValidationError):
        do_inspect(venue, finding=Finding.RECTIFY, answers=answers_for(venue, Answer.NO), to_fix="",
                   deadline=TODAY, acting_user=users["regulator"])
    assert not Inspection.objects.filter(venue=venue).exists()


def test_a_rectification_order_opens_a_reinspection_that_escalates_once_when_overdue(users):
    venue = make_venue(users["grid"].division)
    deadline = timezone.localdate() + dt.timedelta(days=2)
    order = inspect(venue, Finding.RECTIFY, Answer.NO, to_fix="张贴防疫公示牌，补齐消毒记录", deadline=deadline,
                    acting_user=users["regulator"])
    task = order.reinspection
    assert (task.due_on, task.status, task.assignee) == (deadline, ReinspectionStatus.DUE, users["regulator"])
    assert AuditLog.objects.filter(verb="order_rectification", object_id=str(order.pk)).exists()
    assert escalate_overdue() == 0  # not overdue yet
    late = timezone.now() + dt.timedelta(days=3)
    assert escalate_overdue(late) == 1
    assert escalate_overdue(late) == 0  # claimed once: never twice
    task.refresh_from_db()
    assert task.escalated_at is not None
    url = reverse("sectors:reinspection", args=[task.pk])
    told = set(Notification.objects.filter(url=url).values_list("user__username", flat=True))
    assert {"regulator", "commander"} <= told and "grid" not in told
    assert AuditLog.objects.filter(verb="escalate_reinspection", object_id=str(task.pk)).count() == 1
    # The re-inspection closes the task.
    again = inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    task.refresh_from_db()
    assert (task.status, task.done_by, again.answers_task) == (ReinspectionStatus.DONE, again, task)


def test_a_suspension_closes_the_venue_until_it_is_reopened(users):
    venue = make_venue(users["grid"].division)
    inspect(venue, Finding.SUSPEND, Answer.NO, note="无测温无扫码", acting_user=users["regulator"])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUSPENDED
    assert AuditLog.objects.filter(verb="suspend_venue", object_type="sectors.venue", object_id=str(venue.pk)).exists()
    with pytest.raises(PermissionDenied):
        do_reopen_venue(venue, acting_user=users["grid"])
    do_reopen_venue(venue, acting_user=users["regulator"])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.OPEN
    with pytest.raises(ValidationError):
        do_reopen_venue(venue, acting_user=users["regulator"])


def test_an_inspector_outside_the_venues_division_is_refused(users):
    venue = make_venue(users["grid"].division)
    from fangkong.core.testkit import make_user

    far = make_user("far_regulator", users["village_other"].division, "sector_regulator")
    with pytest.raises(PermissionDenied):
        inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=far)
    with pytest.raises(PermissionDenied):
        inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["grid"])  # views, does not inspect


def test_the_phone_page_records_an_inspection_with_a_rectification_order(users):
    venue = make_venue(users["grid"].division, name="测试网吧")
    client = client_for(users["regulator"])
    pick = client.get(reverse("sectors:inspect_pick"), {"q": "测试网吧"}).content.decode()
    assert reverse("sectors:inspect", args=[venue.pk]) in pick
    page = client.get(reverse("sectors:inspect", args=[venue.pk])).content.decode()
    checklist = current_checklist(venue.sector)
    assert all(item.text in page for item in checklist.items.all())
    data = {f"item_{k}": v for k, v in answers_for(venue, Answer.YES, 一米线=Answer.NO).items()}
    deadline = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(reverse("sectors:inspect", args=[venue.pk]), {
        **data, "checklist": checklist.pk, "finding": Finding.RECTIFY, "to_fix": "设置一米线", "deadline": deadline,
        "note": "收银台无一米线"})
    inspection = Inspection.objects.get(venue=venue)
    assert response.status_code == 302 and response["Location"] == reverse("sectors:inspection", args=[inspection.pk])
    assert (inspection.finding, inspection.to_fix, inspection.checklist) == (Finding.RECTIFY, "设置一米线", checklist)
    assert Reinspection.objects.get(venue=venue).due_on == deadline
    detail = client.get(response["Location"]).content.decode()
    assert "一米线" in detail and "不符合" in detail
    # The task shows on the inspector's phone page until done; a venue never inspected is due.
    pick = client.get(reverse("sectors:inspect_pick"))
    assert [r.venue for r in pick.context["due"]] == [venue]
    fresh = make_venue(users["grid"].division, name="测试新开网吧")
    stale = list(pick.context["stale"]) + list(client.get(reverse("sectors:inspect_pick")).context["stale"])
    assert fresh in stale and venue not in stale
    # A finding without its deadline is refused on the form, in Chinese, and nothing is written.
    response = client.post(reverse("sectors:inspect", args=[venue.pk]), {
        **data, "checklist": checklist.pk, "finding": Finding.RECTIFY, "to_fix": "设置一米线"})
    assert response.status_code == 200 and "整改期限" in response.content.decode()
    assert Inspection.objects.filter(venue=venue).count() == 1
    # A grid worker may see the venue but not inspect.
    assert client_for(users["grid"]).get(reverse("sectors:inspect", args=[venue.pk])).status_code == 403


def test_the_api_records_an_inspection_and_keeps_its_version(users):
    from fangkong.core.testkit import api_client_for

    venue = make_venue(users["grid"].division, sector=sector("bar"))
    v1 = current_checklist(venue.sector)
    do_publish_checklist(venue.sector, ["测温"], acting_user=SYSTEM)
    answers = {str(i.pk): Answer.YES for i in v1.items.all()}
    response = api_client_for(users["regulator"]).post(
        reverse("sectors-venue-inspect", args=[venue.pk]),
        {"finding": Finding.COMPLIANT, "answers": answers, "checklist": v1.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["checklist"] == v1.pk
    assert AuditLog.objects.filter(action=AuditAction.CREATE, verb="inspect_venue", actor=users["regulator"]).exists()


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


def test_photos_are_kept_with_the_inspection_and_served_in_scope_only(users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    venue = make_venue(users["grid"].division)
    checklist = current_checklist(venue.sector)
    client = client_for(users["regulator"])
    data = {f"item_{k}": v for k, v in answers_for(venue, Answer.YES).items()}
    url = reverse("sectors:inspect", args=[venue.pk])
    refused = client.post(url, {**data, "checklist": checklist.pk, "finding": Finding.COMPLIANT,
                                "photos": [SimpleUploadedFile("a.txt", b"not a photo")]})
    assert refused.status_code == 200 and "只能上传照片" in refused.content.decode()
    assert not Inspection.objects.filter(venue=venue).exists()
    response = client.post(url, {**data, "checklist": checklist.pk, "finding": Finding.COMPLIANT,
                                 "photos": [SimpleUploadedFile("现场1.png", PNG), SimpleUploadedFile("现场2.png", PNG)]})
    inspection = Inspection.objects.get(venue=venue)
    assert response.status_code == 302 and inspection.photos.count() == 2
    photo = inspection.photos.first()
    photo_url = reverse("sectors:inspection_photo", args=[inspection.pk, photo.pk])
    assert photo_url in client.get(reverse("sectors:inspection", args=[inspection.pk])).content.decode()
    served = client.get(photo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    assert client_for(users["grid_other"]).get(photo_url).status_code == 404
    assert client_for(users["lab"]).get(photo_url).status_code == 403
    row = AuditLog.objects.get(verb="inspect_venue", object_id=str(inspection.pk))
    assert row.changes["photos"] == 2
