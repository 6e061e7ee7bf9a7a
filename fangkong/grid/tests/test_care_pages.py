"""The notice and team pages by hand: sending from the form, the not-reached list exported to
Excel (audited), resending from the page, assigning a seat, the phone page's one tap."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for

from ..actions.notices import send_queued
from ..care import ensure_default_templates
from ..choices import CareItem, CareRole, DeliveryStatus, NoticeAudience, NoticeStatus
from ..models import CareCheck, Notice
from . import factories_away as AF
from . import factories_care as F

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _gateway(settings):
    settings.SMS_GATEWAY = "fangkong.grid.tests.test_notices.FlakyGateway"
    ensure_default_templates()


def test_a_township_sends_from_the_form_and_exports_those_not_reached(users):
    grid = users["grid"].division
    AF.away(grid, phone="13700000666", risk_level="high")  # refused by the gateway
    AF.away(grid, phone="", risk_level="high")
    AF.away(grid, phone="13800000071", risk_level="high")
    client = client_for(users["township"])
    assert client.post("/grid/notices/add/", {"audience": NoticeAudience.AWAY_IN_RISK, "division": grid.parent.parent.pk,
                                              "text": ""}).status_code == 400  # nothing lost: the form again
    r = client.post("/grid/notices/add/", {"audience": NoticeAudience.AWAY_IN_RISK,
                                           "division": grid.parent.parent.pk, "text": "请暂缓返县"})
    notice = Notice.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/grid/notices/{notice.pk}/"
    send_queued(notice.pk)
    page = client.get(f"/grid/notices/{notice.pk}/").content.decode()
    assert "未送达人员（2人）" in page and "重新发送给未送达人员" in page
    export = client.get(f"/grid/notice-deliveries/?notice={notice.pk}&reached=false&export=xlsx")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    sheet = load_workbook(io.BytesIO(body)).active
    assert sheet.max_row == 3  # the header and the two not reached
    assert AuditLog.objects.filter(action="export", object_type="grid.noticedelivery").exists()
    assert client.post(f"/grid/notices/{notice.pk}/resend/").status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.QUEUED
    assert notice.deliveries.filter(status=DeliveryStatus.QUEUED).count() == 1  # the failed one; no phone stays


def test_a_village_cadre_cannot_send_to_another_village(users):
    other = users["village_other"].division
    r = client_for(users["village"]).post("/grid/notices/add/", {"audience": NoticeAudience.RESIDENTS,
                                                                 "division": other.pk, "text": "通知"})
    assert r.status_code == 400 and not Notice.objects.exists()


def test_a_cadre_assigns_a_seat_and_the_holder_taps_normal(users):
    team = F.team(users["grid"].division)
    police = team.members.get(role=CareRole.POLICE)
    r = client_for(users["township"]).post(f"/grid/care/members/{police.pk}/assign/",
                                           {f"m{police.pk}-name": "李警官", f"m{police.pk}-phone": "13900002222"})
    assert r.status_code == 302
    police.refresh_from_db()
    assert police.name == "李警官"
    assert client_for(users["grid"]).post(f"/grid/care/members/{police.pk}/assign/", {}).status_code == 403
    door = team.duties.get(member__role=CareRole.GRID_WORKER, item=CareItem.DOOR)
    phone = client_for(users["grid"])
    assert "李警官" in client_for(users["village"]).get(f"/grid/care/teams/{team.pk}/").content.decode()
    assert f'id="duty-{door.pk}"' in phone.get("/grid/care/my/").content.decode()
    assert phone.post(f"/grid/care/duties/{door.pk}/check/", {"result": "normal"}).status_code == 302
    assert CareCheck.objects.filter(duty=door, by=users["grid"]).count() == 1
    r = phone.post(f"/grid/care/duties/{door.pk}/check/", {"result": "abnormal", "note": ""})
    assert r.status_code == 400 and "情况说明" in r.content.decode()
    assert client_for(users["grid_other"]).post(f"/grid/care/duties/{door.pk}/check/",
                                                {"result": "normal"}).status_code == 404
