"""Working pages: my tasks on a phone, one tap to call (audited), the task page's actions, scope."""

from __future__ import annotations

from django.urls import reverse

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog
from fangkong.core.testkit import assert_audited, client_for
from fangkong.screening import actions
from fangkong.screening.choices import Channel, VerificationStatus
from fangkong.screening.intake import LeadInput
from fangkong.screening.models import Verification

from .helpers import resident_of_grid


def _task(users, n=0):
    r = resident_of_grid(users["grid"].division, n)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, origin="北京"),
                                     channel=Channel.BIG_DATA, acting_user=SYSTEM)
    return lead.verification


def test_it_lists_my_tasks_and_calls_with_an_audited_reveal(users):
    v = _task(users)
    grid = client_for(users["grid"])
    page = grid.get(reverse("screening:my_tasks"))
    assert v.person.name in page.content.decode() and v.person.phone not in page.content.decode()
    assert grid.get(reverse("screening:call", args=[v.pk])).status_code == 405  # a plain GET reveals nothing
    assert not AuditLog.objects.filter(verb="view_pii", object_id=str(v.person.pk)).exists()
    assert f'action="{reverse("screening:call", args=[v.pk])}"' in page.content.decode()  # a button, not a link
    call = grid.post(reverse("screening:call", args=[v.pk]))
    assert call.status_code == 302 and call["Location"] == f"tel:{v.person.phone}"
    assert_audited("view_pii", v.person, actor=users["grid"])
    assert client_for(users["grid_other"]).post(reverse("screening:call", args=[v.pk])).status_code == 404
    assert client_for(users["grid_other"]).get(reverse("screening:verification", args=[v.pk])).status_code == 404


def test_the_task_page_says_why_the_person_is_to_be_checked(users):
    r = resident_of_grid(users["grid"].division, 3)
    actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, origin="北京市朝阳区",
                                     note="与确诊病例同时段到过城东农贸市场"), channel=Channel.BIG_DATA, acting_user=SYSTEM)
    lead, _ = actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number, phone=r.phone, note="卡口登记：东口"),
                                     channel=Channel.CHECKPOINT, acting_user=SYSTEM)
    html = client_for(users["grid"]).get(reverse("screening:verification", args=[lead.verification_id])).content.decode()
    leads = html[html.index('id="task-leads"'):]
    assert "北京市朝阳区" in leads and "与确诊病例同时段到过城东农贸市场" in leads and "卡口登记：东口" in leads
    assert str(Channel.BIG_DATA.label) in leads and str(Channel.CHECKPOINT.label) in leads


def test_it_records_attempt_outcome_and_review_through_the_pages(users):
    v = _task(users, 1)
    grid = client_for(users["grid"])
    grid.post(reverse("screening:attempt", args=[v.pk]), {"kind": "called", "note": "接通"})
    grid.post(reverse("screening:outcome", args=[v.pk]), {"outcome": "controlled", "measure_kind": "home_isolation"})
    v.refresh_from_db()
    assert v.status == VerificationStatus.SUBMITTED and v.located_at
    reviewer = client_for(users["big_data_reviewer"])
    page = reviewer.get(reverse("screening:verification", args=[v.pk]))
    assert 'id="review-form"' in page.content.decode()
    reviewer.post(reverse("screening:review", args=[v.pk]), {"decision": "approved"})
    v.refresh_from_db()
    assert v.status == VerificationStatus.CLOSED


def test_it_shows_the_board_with_links_that_match_their_lists(users):
    _task(users, 2)
    commander = client_for(users["commander"])
    board = commander.get(reverse("screening:board"))
    assert board.status_code == 200
    html = board.content.decode()
    assert "共排查涉疫风险人员" in html and "推送数据" in html
    pending = commander.get(reverse("screening:verifications"), {"metric": "pending", "channel": "big_data"})
    assert pending.context["paginator"].count >= 1
    received = commander.get(reverse("screening:leads"))
    assert received.context["paginator"].count >= 1


def test_it_lets_a_grid_worker_register_from_the_door(users):
    grid = client_for(users["grid"])
    resp = grid.post(reverse("screening:door_screening"), {
        "phone": "13612345678", "name": "钱入户", "origin": "天津", "address": users["grid"].division.name})
    assert resp.status_code == 302
    v = resp.wsgi_request.user.verifications.get(person__name="钱入户")
    assert v.channel == Channel.GRID_SCREENING
    assert client_for(users["auditor"]).get(reverse("screening:door_screening")).status_code == 403


def test_it_imports_from_the_page_and_offers_the_error_sheet(users):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from .helpers import csv_bytes
    admin = client_for(users["big_data_admin"])
    upload = SimpleUploadedFile("push.csv", csv_bytes([["甲", "4.10102E+17", "", "北京", "", "", ""],
                                                       ["乙", "", "13512345678", "北京", "", "", ""]]))
    resp = admin.post(reverse("screening:import"), {"file": upload, "channel": "big_data", "source": "police_trace"})
    assert resp.status_code == 302
    batch_page = admin.get(resp["Location"])
    assert "科学计数法" in batch_page.content.decode()
    sheet = admin.get(resp["Location"] + "errors.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[0][-1] == "错误原因" and rows[1][0] == 2 and "科学计数法" in rows[1][-1]


def test_door_screening_does_not_reveal_a_task_outside_the_users_scope(users):
    """#17 probe: registering someone whose task is in another grid redirected to that task (its
    404 told that it exists): now the list of the user's own tasks, saying no more than 已登记."""
    from django.contrib.messages import get_messages

    other = users["grid_other"].division
    client_for(users["grid_other"]).post(reverse("screening:door_screening"), {
        "phone": "13612340001", "name": "孙已登", "origin": "天津", "address": other.name})
    foreign = Verification.objects.get(person__name="孙已登")
    grid = client_for(users["grid"])

    def register(phone: str, name: str):
        resp = grid.post(reverse("screening:door_screening"), {
            "phone": phone, "name": name, "origin": "天津", "address": other.name})
        return resp["Location"], [str(m) for m in get_messages(resp.wsgi_request)]

    known = register("13612340001", "孙已登")
    assert known == (reverse("screening:my_tasks"), ["已登记"])
    assert f"/{foreign.pk}/" not in known[0]
    new = register("13612340002", "李新来")  # a new person: the user's own task, opened at once
    assert new[0] == reverse("screening:verification", args=[Verification.objects.get(person__name="李新来").pk])
