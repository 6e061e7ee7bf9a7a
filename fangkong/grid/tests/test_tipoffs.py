"""群众举报 (issue #15 item 4): an anonymous member of the public files a tip-off (no login) and
follows it with a receipt code that shows nothing personal; the page is rate-limited and
bot-protected like the self-report page; the reporter is masked for everyone but the module's
admins, whose reveals are audited; a tip-off becomes a lead of the tip_off channel in the chosen
grid, or an inspection of a venue closed by the venue's next inspection; the figures agree with
the lists; the API is scoped and audited."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client, override_settings
from rest_framework.test import APIClient

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog, Division, Notification
from fangkong.metrics.tipoffs import tipoff_figures
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead
from fangkong.sectors.choices import Answer, Finding
from fangkong.sectors.tests import factories as SF

from ..actions import (
    TipOffInput,
    do_judge_tip_off,
    do_submit_tip_off,
    do_tip_off_to_inspection,
    do_tip_off_to_lead,
)
from ..choices import TipOffKind, TipOffStatus
from ..models import TipOff

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
REPORTER_NAME, REPORTER_PHONE = "钱举报", "13711112222"


@pytest.fixture
def village(users):
    return users["village"].division


def tip(division: Division, **fields) -> TipOff:
    values = {"kind": TipOffKind.GATHERING, "division": division, "address": "村委会西侧", "what": "二十多人聚集打牌",
              "reporter_name": REPORTER_NAME, "reporter_phone": REPORTER_PHONE}
    return do_submit_tip_off(TipOffInput(**{**values, **fields}), acting_user=SYSTEM)


def _public_data(client: Client, village: Division, **extra) -> dict:
    form = client.get("/grid/tipoff/").context["form"]
    return {"kind": TipOffKind.UNREPORTED_RETURN, "division": village.pk, "address": "幸福路18号",
            "what": "邻居家儿子昨晚从外地回来没有报备", "who_name": "孙某", "who_phone": "13799998888",
            "reporter_name": "", "reporter_phone": "", "started": form.initial["started"], "website": "", **extra}


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_an_anonymous_member_of_the_public_files_a_tip_off_and_follows_it_by_code(village, users):
    c = Client()
    assert c.get("/grid/tipoff/").status_code == 200  # no login
    r = c.post("/grid/tipoff/", _public_data(c, village, photo=io.BytesIO(PNG)))
    assert r.status_code == 302 and r["Location"] == "/grid/tipoff/done/"
    t = TipOff.objects.get()
    assert t.reporter_name == "" and t.reporter_phone == "" and t.division == village
    assert len(t.code) == 10 and not set(t.code) & set("01OI") and t.code not in r["Location"]
    assert t.photo and t.photo_type == "image/png" and not t.photo.url.startswith("/static/")
    done = c.get("/grid/tipoff/done/").content.decode()
    assert t.code in done
    assert t.code not in Client().get("/grid/tipoff/done/").content.decode()  # another browser
    log = AuditLog.objects.get(verb="submit_tip_off", object_id=str(t.pk))
    assert log.actor is None and log.action == AuditAction.CREATE
    # The village's cadre is told.
    assert Notification.objects.filter(user=users["village"], kind="grid.tip_off").exists()
    # The status lookup: status and outcome only, nothing personal, nothing of what was said.
    page = Client().post("/grid/tipoff/status/", {"code": t.code.lower()}).content.decode()
    assert "待处理" in page and t.code in page
    for secret in ("孙某", "13799998888", "幸福路18号", "没有报备", village.name):
        assert secret not in page
    do_judge_tip_off(t, status=TipOffStatus.UNFOUNDED, note="孙某在外地未返回", acting_user=users["village"])
    page = Client().post("/grid/tipoff/status/", {"code": t.code}).content.decode()
    assert "不属实" in page and "孙某" not in page
    assert "没有找到该回执码" in Client().post("/grid/tipoff/status/", {"code": "ABCDEFGHJK"}).content.decode()
    # The photo is no public file: anonymous → login; the village's cadre sees it.
    assert Client().get(f"/grid/tipoffs/{t.pk}/photo/").status_code == 302
    staff = Client()
    staff.force_login(users["village"])
    assert staff.get(f"/grid/tipoffs/{t.pk}/photo/")["Content-Type"] == "image/png"
    other = Client()
    other.force_login(users["village_other"])
    assert other.get(f"/grid/tipoffs/{t.pk}/photo/").status_code == 404


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_page_refuses_what_is_not_a_photo_and_a_missing_village(village):
    c = Client()
    r = c.post("/grid/tipoff/", _public_data(c, village, photo=io.BytesIO(b"%PDF-1.4 not a photo")))
    assert r.status_code == 200 and "只能上传照片" in r.content.decode()
    r = c.post("/grid/tipoff/", _public_data(c, village, division="", what=""))
    assert r.content.decode().count("该字段是必填项") == 2
    grid = Division.objects.filter(level="grid").first()
    r = c.post("/grid/tipoff/", _public_data(c, village, division=grid.pk))
    assert "请选择所在的村（社区）" in r.content.decode() or "选择一个有效的选项" in r.content.decode()
    assert not TipOff.objects.exists()


@override_settings(SCREENING_MIN_FORM_SECONDS=0)
def test_the_public_page_stops_bots_and_floods(village):
    c = Client()
    r = c.post("/grid/tipoff/", _public_data(c, village, website="http://spam"))
    assert r.status_code == 200 and "提交未通过校验" in r.content.decode()
    r = c.post("/grid/tipoff/", _public_data(c, village, started="forged"))
    assert "页面已过期" in r.content.decode()
    assert not TipOff.objects.exists()
    for _n in range(5):
        assert c.post("/grid/tipoff/", _public_data(c, village)).status_code == 302
    r = c.post("/grid/tipoff/", _public_data(c, village))
    assert r.status_code == 429 and "提交次数过多" in r.content.decode()
    assert TipOff.objects.count() == 5


def test_the_public_page_refuses_a_submission_too_fast(village):
    c = Client()
    r = c.post("/grid/tipoff/", _public_data(c, village))
    assert r.status_code == 200 and "提交过快" in r.content.decode()
    assert not TipOff.objects.exists()


def test_status_lookups_are_rate_limited(village):
    t = tip(village)
    c = Client()
    for _n in range(20):
        assert c.post("/grid/tipoff/status/", {"code": "ZZZZZZZZZZ"}).status_code == 200
    r = c.post("/grid/tipoff/status/", {"code": t.code})
    assert r.status_code == 429 and "查询次数过多" in r.content.decode() and "待处理" not in r.content.decode()


def test_the_reporter_is_masked_for_a_village_cadre_and_revealed_to_the_module_admin_with_an_audit_row(village, users):
    t = tip(village)
    cadre = Client()
    cadre.force_login(users["village"])
    page = cadre.get(f"/grid/tipoffs/{t.pk}/").content.decode()
    assert REPORTER_PHONE not in page and REPORTER_NAME not in page and "137****2222" in page
    assert "显示举报人" not in page
    assert cadre.post(f"/grid/tipoffs/{t.pk}/reveal/").status_code == 403
    listing = cadre.get("/grid/tipoffs/").content.decode()
    assert t.code in listing and REPORTER_PHONE not in listing
    # Nor in an export, however full the cadre's other rights.
    export = cadre.get("/grid/tipoffs/?export=csv")
    body = b"".join(export.streaming_content if export.streaming else [export.content]).decode("utf-8-sig")
    assert t.code in body and REPORTER_PHONE not in body and REPORTER_NAME not in body
    admin = Client()
    admin.force_login(users["self_report_admin"])
    page = admin.get(f"/grid/tipoffs/{t.pk}/").content.decode()
    assert REPORTER_PHONE not in page and "显示举报人" in page
    assert not AuditLog.objects.filter(action=AuditAction.VIEW_PII, object_id=str(t.pk)).exists()
    page = admin.post(f"/grid/tipoffs/{t.pk}/reveal/").content.decode()
    assert REPORTER_PHONE in page and REPORTER_NAME in page
    log = AuditLog.objects.get(action=AuditAction.VIEW_PII, object_id=str(t.pk))
    assert log.actor == users["self_report_admin"] and set(log.changes["fields"]) == {"reporter_name", "reporter_phone"}
    # Another module's admin does not see tip-offs at all.
    assert not TipOff.objects.restrict(users["big_data_admin"]).exists()
    assert TipOff.objects.restrict(users["self_report_admin"]).filter(pk=t.pk).exists()


def test_a_tip_off_becomes_a_lead_of_the_tip_off_channel_in_the_chosen_grid(village, users):
    grid = users["grid"].division
    assert grid.path.startswith(village.path)
    t = tip(village, kind=TipOffKind.UNREPORTED_RETURN, who_name="孙某", who_phone="", what="从外地回来未报备")
    with pytest.raises(ValidationError, match="手机号或身份证号"):
        do_tip_off_to_lead(t, grid=grid, acting_user=users["village"])
    with pytest.raises(PermissionDenied):
        do_tip_off_to_lead(t, grid=grid, phone="13799990001", acting_user=users["village_other"])
    c = Client()
    c.force_login(users["village"])
    r = c.post(f"/grid/tipoffs/{t.pk}/to-lead/", {"phone": "13799990001", "grid": grid.pk, "note": "已核实"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == TipOffStatus.TO_LEAD and t.handled_by == users["village"] and t.handled_at
    lead = Lead.objects.get(pk=t.lead_id)
    assert lead.channel == Channel.TIP_OFF and lead.division == grid and lead.name == "孙某"
    assert t.code in lead.note
    assert lead.verification.assignee == users["grid"] and lead.verification.division == grid
    assert AuditLog.objects.filter(verb="tip_off_to_lead", object_id=str(t.pk), actor=users["village"]).exists()
    with pytest.raises(ValidationError, match="已处理"):
        do_judge_tip_off(t, status=TipOffStatus.UNFOUNDED, note="x", acting_user=users["village"])
    do_judge_tip_off(t, status=TipOffStatus.DONE, acting_user=users["village"])
    t.refresh_from_db()
    assert t.status == TipOffStatus.DONE and t.lead_id == lead.pk


def test_a_tip_off_becomes_an_inspection_closed_by_the_venue_s_next_inspection(village, users):
    grid = users["grid"].division
    venue = SF.make_venue(grid, name="红星网吧")
    far = SF.make_venue(users["grid_other"].division, name="远处KTV")
    t = tip(village, kind=TipOffKind.OPEN_AGAINST_ORDER, what="关停后夜里偷偷营业")
    with pytest.raises(ValidationError, match="所在乡镇"):
        do_tip_off_to_inspection(t, venue=far, acting_user=users["commander"])
    c = Client()
    c.force_login(users["township"])
    r = c.post(f"/grid/tipoffs/{t.pk}/to-inspection/", {"venue": venue.pk, "note": "请监管上门"})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.status == TipOffStatus.TO_INSPECTION and t.venue == venue
    assert AuditLog.objects.filter(verb="tip_off_to_inspection", object_id=str(t.pk)).exists()
    assert Notification.objects.filter(user=users["regulator"], kind="grid.tip_off_inspection").exists()
    # The inspector's phone page lists it; the regulator sees the tip-off, not the others.
    inspector = Client()
    inspector.force_login(users["regulator"])
    page = inspector.get("/sectors/inspect/").content.decode()
    assert "群众举报待检查" in page and "红星网吧" in page
    other = tip(village)
    assert set(TipOff.objects.restrict(users["regulator"]).values_list("pk", flat=True)) == {t.pk}
    assert other.pk not in TipOff.objects.restrict(users["regulator"]).values_list("pk", flat=True)
    inspection = SF.inspect(venue, Finding.SUSPEND, Answer.NO, acting_user=users["regulator"], note="现场营业")
    t.refresh_from_db()
    assert t.status == TipOffStatus.DONE and t.inspection == inspection
    assert AuditLog.objects.filter(verb="tip_off_done", object_id=str(t.pk)).exists()
    assert 'id="tipped"' not in inspector.get("/sectors/inspect/").content.decode()


def test_unfounded_and_duplicate_need_a_note_and_are_audited(village, users):
    t = tip(village)
    with pytest.raises(ValidationError, match="处理说明"):
        do_judge_tip_off(t, status=TipOffStatus.DUPLICATE, acting_user=users["village"])
    c = Client()
    c.force_login(users["village"])
    c.post(f"/grid/tipoffs/{t.pk}/judge/", {"status": "duplicate", "note": "与上一条重复"})
    t.refresh_from_db()
    assert t.status == TipOffStatus.DUPLICATE and t.outcome_note == "与上一条重复"
    assert AuditLog.objects.filter(verb="tip_off_duplicate", object_id=str(t.pk), actor=users["village"]).exists()
    auditor = Client()
    auditor.force_login(users["auditor"])
    assert auditor.post(f"/grid/tipoffs/{t.pk}/judge/", {"status": "done"}).status_code in (403, 404)


def test_the_figures_agree_with_the_lists_they_open(village, users):
    other_village = users["village_other"].division
    a = tip(village, kind=TipOffKind.UNREPORTED_RETURN)
    tip(village)
    tip(village, kind=TipOffKind.OPEN_AGAINST_ORDER)
    tip(other_village)
    do_judge_tip_off(a, status=TipOffStatus.UNFOUNDED, note="不属实", acting_user=users["commander"])
    for username in ("commander", "village", "self_report_admin"):
        user = users[username]
        f = tipoff_figures(user)
        c = Client()
        c.force_login(user)
        figures = [f.total, *f.by_outcome, *f.by_kind, *f.by_township]
        for fig in figures:
            r = c.get(fig.url)
            assert r.status_code == 200, fig.url
            assert r.context["paginator"].count == fig.value, (username, fig.label, fig.url)
        assert sum(x.value for x in f.by_outcome) == f.total.value == sum(x.value for x in f.by_kind)
        assert sum(x.value for x in f.by_township) == f.total.value
    f = tipoff_figures(users["commander"])
    assert f.total.value == 4 and {x.label: x.value for x in f.by_outcome}["不属实"] == 1
    assert tipoff_figures(users["village"]).total.value == 3
    board = Client()
    board.force_login(users["village"])
    html = board.get("/grid/tipoffs/board/").content.decode()
    assert "群众举报统计" in html and "/grid/tipoffs/?status=unfounded" in html


def test_the_api_is_scoped_masks_the_reporter_and_audits_a_reveal(village, users):
    t = tip(village, who_phone="13799990002", who_name="孙某")
    tip(users["village_other"].division)
    api = APIClient()
    api.force_authenticate(users["village"])
    rows = api.get("/api/grid/tipoffs/").json()["results"]
    assert [r["code"] for r in rows] == [t.code]
    assert rows[0]["reporter_phone"] == "137****2222" and rows[0]["reporter_name"] == "钱*报"
    assert rows[0]["who_phone"] == "137****0002"
    # ?full_pii=1 shows the reported person's phone to the cadre, never the reporter.
    row = api.get(f"/api/grid/tipoffs/{t.pk}/?full_pii=1").json()
    assert row["who_phone"] == "13799990002" and row["reporter_phone"] != REPORTER_PHONE
    admin = APIClient()
    admin.force_authenticate(users["self_report_admin"])
    row = admin.get(f"/api/grid/tipoffs/{t.pk}/?full_pii=1").json()
    assert row["reporter_phone"] == REPORTER_PHONE and row["reporter_name"] == REPORTER_NAME
    assert AuditLog.objects.filter(action=AuditAction.VIEW_PII, object_id=str(t.pk),
                                   actor=users["self_report_admin"]).exists()
    other = APIClient()
    other.force_authenticate(users["village_other"])
    assert other.get(f"/api/grid/tipoffs/{t.pk}/").status_code == 404
    assert other.post(f"/api/grid/tipoffs/{t.pk}/judge/", {"status": "done"}).status_code == 404
    regulator = APIClient()
    regulator.force_authenticate(users["regulator"])
    assert regulator.get(f"/api/grid/tipoffs/{t.pk}/").status_code == 404
    r = api.post(f"/api/grid/tipoffs/{t.pk}/to-lead/", {"grid": users["grid"].division.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == TipOffStatus.TO_LEAD
    assert Lead.objects.get(pk=r.json()["lead"]).channel == Channel.TIP_OFF
    r = api.post(f"/api/grid/tipoffs/{t.pk}/judge/", {"status": "unfounded", "note": "x"}, format="json")
    assert r.status_code == 400 and "已处理" in r.content.decode()
    figures = api.get("/api/grid/tipoffs/figures/").json()
    assert figures["total"]["value"] == 1 and figures["total"]["url"] == "/grid/tipoffs/"
