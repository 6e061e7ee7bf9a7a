"""The investigation on the clock: milestone escalation (once), the itinerary's gaps and overlaps,
the .docx report, the public itinerary and its linter (综发〔2021〕103号), 立案 from a positive."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Notification
from fangkong.core.schedule import SCHEDULE
from fangkong.core.testkit import client_for

from .. import itinerary
from ..actions import do_complete_milestone, do_publish_itinerary, do_record_positive
from ..choices import CaseClass, ContactCategory, ContactSource, MilestoneKind
from ..jobs import escalate_overdue_milestones
from ..models import Case, Contact, Milestone
from . import factories as F

pytestmark = pytest.mark.django_db


def test_it_escalates_an_overdue_milestone_once_to_the_cdc_and_the_command_centre(users):
    case = F.open_case(users["grid"].division, reported_at=timezone.now() - dt.timedelta(hours=3))
    on_site = case.investigation.milestones.get(kind=MilestoneKind.ON_SITE)
    assert any(p.task.endswith("escalate_overdue_milestones_task") for p in SCHEDULE)
    assert escalate_overdue_milestones(now=on_site.due_at - dt.timedelta(minutes=1)) == 0
    assert escalate_overdue_milestones() == 1  # only 到达现场 (2 h) is overdue after 3 h
    assert escalate_overdue_milestones() == 0  # claimed: never twice
    on_site.refresh_from_db()
    assert on_site.escalated_at is not None
    sent = Notification.objects.filter(title__contains=case.code)
    assert {n.user.username for n in sent} >= {"cdc", "commander"}
    assert "到达现场" in sent.first().title
    assert AuditLog.objects.filter(verb="escalate_milestone", object_id=str(case.investigation.pk)).count() == 1


def test_a_milestone_done_in_time_is_not_escalated_and_one_done_late_says_so(users):
    case = F.open_case(users["grid"].division, reported_at=timezone.now() - dt.timedelta(hours=5))
    ms = {m.kind: m for m in case.investigation.milestones.all()}
    do_complete_milestone(ms[MilestoneKind.ON_SITE], at=ms[MilestoneKind.ON_SITE].due_at, acting_user=users["cdc"])
    late = do_complete_milestone(ms[MilestoneKind.CORE_FACTS], acting_user=users["cdc"])
    assert Milestone.objects.get(pk=ms[MilestoneKind.ON_SITE].pk).on_time is True and late.on_time is False
    assert escalate_overdue_milestones() == 0
    with pytest.raises(Exception, match="已完成"):
        do_complete_milestone(late, acting_user=users["cdc"])


def test_it_flags_gaps_overlaps_and_days_without_an_itinerary(users):
    case = F.open_case(users["grid"].division)
    a = F.segment(case, day=1, start="08:00", end="09:30", place="家")
    b = F.segment(case, day=1, start="09:00", end="11:00", place="菜市场")
    c = F.segment(case, day=1, start="15:00", end="16:00", place="药店")
    rows = {r.segment.pk: r.flags for r in itinerary.flag_segments([c, b, a])}
    assert rows[a.pk] == ["与下一段（菜市场）时间重叠"] and rows[b.pk] == ["与上一段（家）时间重叠"]
    assert rows[c.pk] == ["与上一段之间有4.0小时空白"]
    early = F.segment(case, day=-1, start="08:00", end="09:00", place="车站")
    flags = {r.segment.pk: r.flags for r in itinerary.flag_segments([a, early], itinerary.look_back(case.investigation))}
    assert flags[early.pk] == ["不在追溯期内"] and flags[a.pk] == []
    missing = itinerary.missing_days(case.investigation, [a, b, c])
    assert a.on not in missing and case.look_back_from in missing and case.index_date in missing


def test_the_segment_end_must_follow_its_start_in_chinese(users):
    case = F.open_case(users["grid"].division)
    with pytest.raises(Exception, match="结束时间必须晚于开始时间"):
        F.segment(case, start="10:00", end="09:00")


def test_the_public_itinerary_leaves_out_who_and_when_exactly(users):
    case = F.open_case(users["grid"].division, name="王小明", employer="县第一中学", age=34, sex="男")
    F.segment(case, day=1, start="09:10", end="10:40", place="好又多超市", transport="bus", transport_detail="3路")
    F.segment(case, day=1, start="19:00", end="21:00", place="家中", public=False)
    text = itinerary.public_text(case.investigation)
    day = case.look_back_from + dt.timedelta(days=1)
    assert text == f"{day.month}月{day.day}日上午，到访好又多超市，乘坐公交（3路）。"
    assert not itinerary.lint_public(text, case)
    assert do_publish_itinerary(case.investigation, text=text, acting_user=users["cdc"]) == text


@pytest.mark.parametrize(("text", "reason"), [
    ("12月3日上午，王小明到访好又多超市。", "含有病例姓名“王小明”"),
    ("12月3日09:10，到访好又多超市。", "含有精确时间“09:10”"),
    ("12月3日9点半，到访好又多超市。", "含有精确时间“9点半”"),
    ("12月3日上午，到访好又多超市，联系电话13812345678。", "含有手机号"),
    ("12月3日上午，34岁，到访好又多超市。", "含有年龄"),
    ("12月3日上午，男，到访好又多超市。", "含有性别"),
    ("12月3日上午，在县第一中学上班。", "含有工作单位“县第一中学”"),
])
def test_the_linter_refuses_a_name_an_exact_time_and_other_personal_details(users, text, reason):
    case = F.open_case(users["grid"].division, name="王小明", employer="县第一中学")
    problems = itinerary.lint_public(text, case)
    assert any(p.startswith(reason) for p in problems), problems
    with pytest.raises(Exception, match=reason[:4]):
        do_publish_itinerary(case.investigation, text=text, acting_user=users["cdc"])
    assert not AuditLog.objects.filter(verb="publish_itinerary").exists()


def test_the_publish_page_shows_why_it_refuses(users):
    case = F.open_case(users["grid"].division, name="王小明")
    url = reverse("tracing:investigation_publish", args=[case.investigation.pk])
    response = client_for(users["cdc"]).post(url, {"text": "12月3日 14:30 王小明到访超市"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "含有病例姓名“王小明”" in body and "含有精确时间" in body


@pytest.mark.parametrize("kind", ["initial", "progress", "closing"])
def test_it_generates_the_report_as_docx(users, kind):
    case = F.open_case(users["grid"].division, name="李四")
    F.segment(case, day=1, place="好又多超市", activity="购物")
    F.contact(case, name="张三", phone="13900002222")
    response = client_for(users["cdc"]).get(reverse("tracing:investigation_report", args=[case.investigation.pk]),
                                            {"kind": kind})
    assert response.status_code == 200 and response["Content-Disposition"].endswith(f'-{kind}.docx"')
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    label = {"initial": "初步报告", "progress": "进展报告", "closing": "结案报告"}[kind]
    assert f"李四流行病学调查{label}" in text and "好又多超市" in text and "张三" in text and "第九版" in text
    assert "到达现场" in text and "{{" not in text
    assert AuditLog.objects.filter(verb="generate_report", object_id=str(case.investigation.pk)).exists()
    assert client_for(users["lab"]).get(reverse("tracing:investigation_report", args=[case.investigation.pk])
                                         ).status_code == 403


def test_a_positive_offers_to_open_a_case_and_the_form_opens_it(users):
    F.activate()
    r = F.resident(users["grid"].division, 7)
    finding = do_record_positive(id_number=r.id_number, name=r.name, phone=r.phone, division=users["grid"].division,
                                 sampled_at=timezone.now(), source="采样管 F1（测试点）", acting_user=SYSTEM)
    note = Notification.objects.filter(user=users["cdc"], title__contains="阳性待立案").get()
    assert note.url == reverse("tracing:case_open") + f"?finding={finding.pk}"
    client = client_for(users["cdc"])
    page = client.get(note.url)
    assert page.status_code == 200 and r.id_number in page.content.decode()
    response = client.post(reverse("tracing:case_open"), {
        "finding": finding.pk, "name": r.name, "id_number": r.id_number, "division": users["grid"].division.pk,
        "classification": CaseClass.ASYMPTOMATIC, "found_by": "testing", "sex": "", "sampled_on":
        timezone.localdate().isoformat()})
    case = Case.objects.get(id_number=r.id_number)
    assert response.status_code == 302 and response.url == reverse("tracing:investigation",
                                                                    args=[case.investigation.pk])
    finding.refresh_from_db()
    assert finding.case == case and case.investigation.milestones.count() == 4
    again = client.post(reverse("tracing:case_open"), {
        "finding": finding.pk, "name": r.name, "division": users["grid"].division.pk,
        "classification": CaseClass.CONFIRMED, "found_by": "testing", "sampled_on": timezone.localdate().isoformat()})
    assert "该阳性结果已立案" in again.content.decode()


def test_a_case_needs_a_protocol_in_force_and_a_date_to_count_back_from(users):
    from ..actions import do_open_case

    with pytest.raises(Exception, match="尚无执行中的防控方案版本"):
        do_open_case(name="甲", division=users["grid"].division, classification=CaseClass.CONFIRMED,
                     onset_on=timezone.localdate(), acting_user=users["cdc"])
    F.activate()
    with pytest.raises(Exception, match="请填写发病日期或阳性采样日期"):
        do_open_case(name="甲", division=users["grid"].division, classification=CaseClass.CONFIRMED,
                     acting_user=users["cdc"])


def test_the_workspace_records_a_segment_and_a_contact_and_refuses_bad_input_in_chinese(users):
    case = F.open_case(users["grid"].division)
    client, inv = client_for(users["cdc"]), case.investigation
    on = case.look_back_from.isoformat()
    ok = client.post(reverse("tracing:segment_add", args=[inv.pk]), {
        "on": on, "start": "10:00", "end": "11:00", "place": "人民公园", "evidence": "self", "public": "on"})
    assert ok.status_code == 302 and inv.segments.get().place == "人民公园"
    bad = client.post(reverse("tracing:segment_add", args=[inv.pk]), {"on": on, "start": "10:00", "end": "11:00",
                                                                      "evidence": "self"})
    assert bad.status_code == 400 and "请选择重点场所或填写地点" in bad.content.decode()
    seg = inv.segments.get()
    ok = client.post(reverse("tracing:investigation_contact", args=[inv.pk]), {
        "category": ContactCategory.CLOSE, "name": "同游者", "phone": "13911112222", "segment": seg.pk,
        "last_exposure_at": f"{on}T11:00", "evidence": "self", "named": "on"})
    assert ok.status_code == 302
    contact = Contact.objects.get(phone="13911112222")
    assert contact.source == ContactSource.NAMED
    assert contact.place == "人民公园" and contact.plan.plan_start_on == case.look_back_from + dt.timedelta(days=1)
    bad = client.post(reverse("tracing:investigation_contact", args=[inv.pk]), {
        "category": ContactCategory.SECONDARY, "name": "某某", "phone": "123", "last_exposure_at": f"{on}T11:00",
        "evidence": "self"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "次密接请选择其所接触的密接" in body


def test_the_same_contact_twice_is_one_contact(users):
    case = F.open_case(users["grid"].division)
    first = F.contact(case, name="重复者", phone="13900009999")
    again = F.contact(case, name="重复者", phone="13900009999")
    assert first.pk == again.pk and Contact.objects.filter(phone="13900009999").count() == 1


HEADER = "姓名,身份证号,手机号,人员类别,末次接触时间,接触地点,关联病例,来源地区,现住址\n"


def test_contact_lists_from_other_regions_import_with_the_json_shape_and_reimport_adds_nothing(
        users, tmp_path, capsys):
    F.activate()
    case = F.open_case(users["grid"].division)
    r1, r2 = F.resident(users["grid"].division, 10), F.resident(users["grid"].division, 11)
    path = tmp_path / "协查名单.csv"
    path.write_text(HEADER + (
        f"{r1.name},{r1.id_number},{r1.phone},密接,2026-12-01 19:30,某饭店,{case.code},,\n"
        f"{r2.name},{r2.id_number},,次密接,2026年12月2日 10时,,,河北省石家庄市,\n"
        f"无号码,,,密接,2026-12-01 19:30,,{case.code},,\n"
        f"坏时间,,13900001234,密接,昨天晚上,,{case.code},,\n"
        f"无病例,,13900001235,密接,2026-12-01 19:30,,BL000,,\n"
        f"无来源,,13900001236,密接,2026-12-01 19:30,,,,\n"), encoding="utf-8")
    call_command("import", "contacts", str(path), "--json", "--user", "cdc")
    out = json.loads(capsys.readouterr().out)
    assert {"rows", "imported", "duplicates", "rejected", "errors"} <= set(out)
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (6, 2, 0, 4)
    reasons = {e["row"]: "；".join(e["reasons"]) for e in out["errors"]}
    assert "身份证号和手机号至少填写一项" in reasons[4]
    assert "末次接触时间" in reasons[5] or "时间" in reasons[5]
    assert "关联病例“BL000”不存在" in reasons[6]
    assert "来源地区" in reasons[7]
    imported = Contact.objects.get(id_number=r1.id_number)
    assert imported.case == case and imported.lead_id and imported.plan.protocol.code == "第九版"
    assert Contact.objects.get(id_number=r2.id_number).origin == "河北省石家庄市"
    call_command("import", "contacts", str(path), "--json", "--user", "cdc")
    again = json.loads(capsys.readouterr().out)
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 2, 4)
    assert Contact.objects.filter(batch__isnull=False).count() == 2
