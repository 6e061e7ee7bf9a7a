"""复工复产 (seed 001, the county head: "优化验收、审批等流程……现场查验时一定要严格标准要求"): a business
applies with its plan and staff list, the regulator inspects on site with the sector's checklist and
approves, approves with conditions or refuses; approved staff join the key groups in testing; resumed
businesses are due for inspection every N days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fangkong.core.models import AuditLog
from fangkong.core.testkit import api_client_for, client_for
from fangkong.registry.models import Resident
from fangkong.screening.tests.helpers import outsider_id
from fangkong.sectors.actions import do_issue_order
from fangkong.sectors.actions_resumption import (
    STAFF_GROUP,
    do_apply_resumption,
    do_decide_resumption,
    resumption_due,
)
from fangkong.sectors.choices import Answer, Finding, OrderKind, ResumptionStatus, VenueStatus
from fangkong.sectors.models import ResumptionApplication
from fangkong.testing.models import KeyGroup, KeyGroupMember

from .factories import inspect, make_venue

pytestmark = pytest.mark.django_db


def _staff(n: int = 3) -> list[dict]:
    people = list(Resident.objects.exclude(id_number=None).exclude(id_number="").order_by("id")[:n - 1])
    rows = [{"name": r.name, "id_number": r.id_number, "phone": "", "whereabouts": "未离县", "closed_loop": True}
            for r in people]
    return rows + [{"name": "外地员工", "id_number": outsider_id(31), "phone": "13800000031",
                    "whereabouts": "河南省郑州市（14天前）", "closed_loop": False}]


def _apply(venue, user, **kw):
    return do_apply_resumption(venue, applicant_name="张经理", plan="员工每日抗原，进店扫码测温，一米线", staff=_staff(),
                               closed_loop="员工集中住宿，点对点接送", acting_user=user, **kw)


def test_approval_after_a_compliant_inspection_puts_the_staff_in_a_key_group(users, django_capture_on_commit_callbacks):
    venue = make_venue(users["grid"].division, sector_code="factory")
    app = _apply(venue, users["regulator"])
    assert app.status == ResumptionStatus.APPLIED and app.staff.count() == 3
    with pytest.raises(ValidationError) as exc:  # no on-site inspection yet
        do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    assert "请先到现场" in str(exc.value)
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    with django_capture_on_commit_callbacks(execute=True):
        do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    app.refresh_from_db()
    assert app.status == ResumptionStatus.APPROVED and app.inspection is not None and app.decided_by == users["regulator"]
    group = KeyGroup.objects.get(name=STAFF_GROUP)
    members = KeyGroupMember.objects.filter(group=group)
    assert sorted(members.values_list("id_number", flat=True)) == sorted(r["id_number"] for r in _staff())
    assert set(members.values_list("employer", flat=True)) == {venue.name}
    assert AuditLog.objects.filter(verb="decide_resumption", object_id=str(app.pk)).exists()


def test_a_failed_inspection_cannot_approve_and_a_refusal_needs_a_reason(users):
    venue = make_venue(users["grid"].division, sector_code="shop")
    app = _apply(venue, users["regulator"])
    inspect(venue, Finding.RECTIFY, Answer.NO, to_fix="员工检测台账", deadline=timezone.localdate() + dt.timedelta(days=3),
            acting_user=users["regulator"])
    with pytest.raises(ValidationError) as exc:
        do_decide_resumption(app, decision=ResumptionStatus.CONDITIONAL, conditions="限流50%", acting_user=users["regulator"])
    assert "不能准予复工" in str(exc.value)
    with pytest.raises(ValidationError):
        do_decide_resumption(app, decision=ResumptionStatus.REFUSED, acting_user=users["regulator"])
    do_decide_resumption(app, decision=ResumptionStatus.REFUSED, conditions="员工检测台账缺失", acting_user=users["regulator"])
    assert app.status == ResumptionStatus.REFUSED
    assert not KeyGroup.objects.filter(name=STAFF_GROUP).exists()
    with pytest.raises(ValidationError):  # decided once
        do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])


def test_conditions_are_required_for_a_conditional_approval(users):
    venue = make_venue(users["grid"].division, sector_code="supermarket")
    app = _apply(venue, users["regulator"])
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    with pytest.raises(ValidationError):
        do_decide_resumption(app, decision=ResumptionStatus.CONDITIONAL, acting_user=users["regulator"])
    do_decide_resumption(app, decision=ResumptionStatus.CONDITIONAL, conditions="限流50%，每日抗原", acting_user=users["regulator"])
    assert app.conditions == "限流50%，每日抗原"


def test_a_sector_closed_by_order_cannot_resume(users):
    venue = make_venue(users["grid"].division, sector_code="ktv")
    do_issue_order(venue.sector, users["township"].division, kind=OrderKind.CLOSE, starts_on=timezone.localdate(),
                   reason="密闭经营场所暂不开放", acting_user=users["regulator"])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.CLOSED
    app = _apply(venue, users["regulator"])
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    with pytest.raises(ValidationError) as exc:
        do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    assert "关停令" in str(exc.value)


def test_a_suspended_venue_opens_when_approved(users):
    venue = make_venue(users["grid"].division, sector_code="restaurant")
    inspect(venue, Finding.SUSPEND, Answer.NO, acting_user=users["regulator"])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.SUSPENDED
    app = _apply(venue, users["regulator"], now=timezone.now() + dt.timedelta(seconds=1))
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"],
            inspected_at=timezone.now() + dt.timedelta(seconds=2))
    do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    venue.refresh_from_db()
    assert venue.status == VenueStatus.OPEN


def test_the_staff_list_is_checked_row_by_row_in_chinese(users):
    venue = make_venue(users["grid"].division, sector_code="factory")
    rows = [{"name": "甲", "id_number": "123"}, {"name": "", "id_number": outsider_id(40)},
            {"name": "乙", "id_number": outsider_id(41)}, {"name": "丙", "id_number": outsider_id(41)}]
    with pytest.raises(ValidationError) as exc:
        do_apply_resumption(venue, applicant_name="张", plan="方案", staff=rows, acting_user=users["regulator"])
    text = str(exc.value)
    assert "第1人" in text and "第2人：缺少姓名" in text and "第4人：身份证号与前面重复" in text
    with pytest.raises(ValidationError):
        do_apply_resumption(venue, applicant_name="张", plan="方案", staff=[], acting_user=users["regulator"])
    assert not ResumptionApplication.objects.exists()
    _apply(venue, users["regulator"])
    with pytest.raises(ValidationError) as exc:
        _apply(venue, users["regulator"])
    assert "待验收" in str(exc.value)


def test_resumed_businesses_are_due_for_inspection_every_n_days(users):
    venue = make_venue(users["grid"].division, sector_code="factory")
    app = _apply(venue, users["regulator"], every_days=7)
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    today = timezone.localdate()
    qs = ResumptionApplication.objects.all()
    assert list(resumption_due(qs, today + dt.timedelta(days=6))) == []
    assert list(resumption_due(qs, today + dt.timedelta(days=7))) == [app]
    listed = client_for(users["regulator"]).get(reverse("sectors:resumptionapplication_list"), {"due": "true"})
    assert listed.status_code == 200 and len(listed.context["rows"]) == 0  # inspected today
    # A business resumed ten days ago and inspected nine days ago is due today, on the page and the API.
    old = make_venue(users["grid"].division, sector_code="factory")
    now = timezone.now()
    earlier = _apply(old, users["regulator"], every_days=7, now=now - dt.timedelta(days=10))
    inspect(old, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"], inspected_at=now - dt.timedelta(days=9))
    do_decide_resumption(earlier, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    listed = client_for(users["regulator"]).get(reverse("sectors:resumptionapplication_list"), {"due": "true"})
    assert [row["object"] for row in listed.context["rows"]] == [earlier]
    due = api_client_for(users["regulator"]).get("/api/sectors/resumptions/", {"due": "true"}).json()
    assert [r["id"] for r in due["results"]] == [earlier.pk]


def test_scope_and_permissions(users):
    venue = make_venue(users["grid"].division, sector_code="factory")
    with pytest.raises(PermissionDenied):
        _apply(venue, users["village_other"])
    app = _apply(venue, users["regulator"])
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    with pytest.raises(PermissionDenied):
        do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["grid"])
    assert app.status == ResumptionStatus.APPLIED


def test_apply_on_the_page_and_decide_through_the_api(users):
    venue = make_venue(users["grid"].division, sector_code="factory")
    page = client_for(users["regulator"])
    staff = "\n".join(f"{r['name']}，{r['id_number']}，{r['phone']}，{r['whereabouts']}，{'是' if r['closed_loop'] else '否'}"
                      for r in _staff())
    response = page.post(reverse("sectors:resumptionapplication_add"), {
        "venue": venue.pk, "applicant_name": "李厂长", "applicant_phone": "13800000055", "plan": "每日抗原，分区作业",
        "closed_loop": "厂内住宿", "staff": staff, "every_days": 7})
    app = ResumptionApplication.objects.get(venue=venue)
    assert response.status_code == 302 and app.staff.count() == 3
    assert app.staff.filter(closed_loop=True).count() == 2
    detail = page.get(reverse("sectors:resumptionapplication", args=[app.pk])).content.decode()
    assert "到现场按检查表检查" in detail and "记录验收结论" in detail
    inspection = inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"])
    api = api_client_for(users["regulator"])
    decided = api.post(f"/api/sectors/resumptions/{app.pk}/decide/",
                       {"decision": ResumptionStatus.APPROVED, "inspection": inspection.pk}, format="json")
    assert decided.status_code == 200, decided.content
    assert decided.json()["status"] == ResumptionStatus.APPROVED and decided.json()["staff_count"] == 3


def test_the_inspectors_phone_page_lists_resumed_businesses_due(users):
    venue = make_venue(users["grid"].division, sector_code="factory")
    now = timezone.now()
    app = _apply(venue, users["regulator"], every_days=7, now=now - dt.timedelta(days=10))
    inspect(venue, Finding.COMPLIANT, Answer.YES, acting_user=users["regulator"], inspected_at=now - dt.timedelta(days=9))
    do_decide_resumption(app, decision=ResumptionStatus.APPROVED, acting_user=users["regulator"])
    page = client_for(users["regulator"]).get(reverse("sectors:inspect_pick"))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="resumed-due"' in html and venue.name in html
    assert "<title>场所检查" in html and "<h2>" not in html.split("</title>")[0]
