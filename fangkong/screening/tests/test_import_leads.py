"""`fangkong import-leads`: rows, duplicates, bad rows with reasons, routing to grid workers."""

from __future__ import annotations

import json

from django.core.management import call_command
from django.utils import timezone

from fangkong.cli import main as cli_main
from fangkong.core.actions import SYSTEM
from fangkong.core.models import AuditLog, Batch
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead, Verification

from .helpers import csv_bytes, outsider_id, resident_of_grid


def _run(tmp_path, name: str, data: bytes, *args: str, capsys) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    call_command("import_leads", str(path), "--channel", "big_data", "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_it_imports_routes_and_reports_bad_rows(tmp_path, users, capsys):
    grid = users["grid"].division
    r = resident_of_grid(grid)
    data = csv_bytes(title="大数据推送名单(7月1日)", rows=[
        [r.name, r.id_number, r.phone, "北京市朝阳区", "2022年7月1日", "", "2022/7/1 08:00"],
        ["李外来", outsider_id(3), "13800001111", "上海市", "2022-07-01", "", ""],
        ["坏号码", "4.10102E+17", "", "北京", "", "", ""],
        ["无联系", "", "", "北京", "", "", ""],
        ["错日期", outsider_id(4), "", "北京", "7月40日", "", ""],
    ])
    out = _run(tmp_path, "list.csv", data, "--source", "geofence", capsys=capsys)
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (5, 2, 0, 3)
    assert [e["row"] for e in out["errors"]] == [5, 6, 7]
    assert "科学计数法" in out["errors"][0]["reason"]
    assert out["errors"][1]["reason"] == "身份证号和手机号至少填写一项"
    assert "不存在" in out["errors"][2]["reason"]
    lead = Lead.objects.get(id_number=r.id_number)
    assert lead.source == "geofence" and lead.channel == Channel.BIG_DATA and lead.row_number == 3
    v = lead.verification
    assert v.division == grid and v.assignee == users["grid"]
    assert (v.located_due_at - v.opened_at).total_seconds() == 3600  # 1.3.8
    outsider = Lead.objects.get(name="李外来").verification
    assert outsider.division.level == "county" and outsider.assignee is None  # the module admin's queue
    batch = Batch.objects.get(pk=out["batch"])
    assert AuditLog.objects.filter(object_type="core.batch", object_id=str(batch.pk), verb="import_leads").exists()

    again = _run(tmp_path, "list.csv", data, capsys=capsys)
    again_with_source = _run(tmp_path, "list.csv", data, "--source", "geofence", capsys=capsys)
    assert again_with_source["imported"] == 0 and again_with_source["duplicates"] == 2
    assert again["imported"] == 2  # another source is another push
    assert Verification.objects.filter(person__id_number=r.id_number).count() == 1  # joins the open task


def test_it_accepts_the_hyphenated_command(tmp_path, users, capsys):
    path = tmp_path / "l.csv"
    path.write_bytes(csv_bytes([["王某", outsider_id(9), "13900002222", "广州", "", "", ""]]))
    cli_main(["fangkong", "import-leads", str(path), "--channel", "big_data", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == 1 and out["errors"] == []


def test_it_reads_xlsx_with_title_rows_and_aliases(tmp_path, users, capsys):
    from openpyxl import Workbook

    grid = users["grid"].division
    r = resident_of_grid(grid, 1)
    book = Workbook()
    sheet = book.active
    sheet.append(["密接人员协查名单"])
    sheet.merge_cells("A1:E1")
    sheet.append(["姓名", "证件号码", "联系电话", "风险地区", "抵达日期"])
    sheet.append([r.name, r.id_number, r.phone, "北京", 44743])  # 44743 = 2022-07-01 as an Excel serial
    sheet.append(["数字化", 4.10102e17, "13700003333", "北京", None])
    path = tmp_path / "cc.xlsx"
    book.save(path)
    call_command("import_leads", str(path), "--channel", "close_contact", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["imported"], out["rejected"]) == (1, 1)
    assert out["errors"][0]["row"] == 4
    lead = Lead.objects.get(id_number=r.id_number)
    assert timezone.localtime(lead.arrived_at).date().isoformat() == "2022-07-01"


def test_it_imports_large_uploads_in_the_background_with_progress(users, settings, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from fangkong.core.testkit import client_for
    from fangkong.screening.views import boards

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    monkeypatch.setattr(boards, "BACKGROUND_BYTES", 10)  # anything is "large" here
    rows = [[f"后台{i}", outsider_id(100 + i), f"1380000{i:04d}", "北京", "", "", ""] for i in range(30)]
    upload = SimpleUploadedFile("big.csv", csv_bytes(rows))
    resp = client_for(users["big_data_admin"]).post(reverse("screening:import"), {"file": upload, "channel": "big_data"})
    batch = Batch.objects.get(pk=int(resp["Location"].rstrip("/").split("/")[-1]))
    assert (batch.status, batch.imported, batch.progress) == ("done", 30, 100)
    page = client_for(users["big_data_admin"]).get(resp["Location"], HTTP_HX_REQUEST="true")
    assert 'id="progress"' in page.content.decode() and "100%" in page.content.decode()


def test_it_escalates_from_the_command(users, capsys):
    import datetime as dt

    from django.utils import timezone

    from fangkong.screening import actions
    from fangkong.screening.intake import LeadInput

    r = resident_of_grid(users["grid"].division, 7)
    long_ago = timezone.now() - dt.timedelta(hours=2)
    actions.do_submit_lead(LeadInput(name=r.name, id_number=r.id_number), channel="big_data", now=long_ago, acting_user=SYSTEM)
    call_command("escalate_overdue")
    assert "escalated 1" in capsys.readouterr().out
    call_command("escalate_overdue")
    assert "escalated 0" in capsys.readouterr().out


def test_chunks_planned_ahead_resolve_like_one_chunk(users, monkeypatch):
    """The import looks chunk n+1 up before chunk n is written: people met again in a later
    chunk still join one person and one task, an ID number arriving later is adopted, a row
    repeated across chunks is a duplicate, and 张伟 / 章伟 on one phone become a candidate."""
    from fangkong.screening import imports
    from fangkong.screening.models import MergeCandidate, Person

    r = resident_of_grid(users["grid"].division)
    rows = [
        [r.name, r.id_number, r.phone, "北京", "2022-07-01", "", "2022-07-01 08:00"],
        ["周二", "", "13811119002", "北京", "2022-07-01", "", ""],
        ["张伟", "", "13811119003", "北京", "2022-07-01", "", ""],
        [r.name, r.id_number, r.phone, "上海", "2022-07-02", "", "2022-07-02 08:00"],
        ["周二", outsider_id(21), "13811119002", "天津", "2022-07-02", "", ""],
        ["章伟", "", "13811119003", "天津", "2022-07-02", "", ""],
        [r.name, r.id_number, r.phone, "北京", "2022-07-01", "", "2022-07-01 08:00"],  # row 3 again
        ["周二", outsider_id(21), "", "广州", "2022-07-03", "", ""],
    ]
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 2)
    batch = imports.start_batch(data=csv_bytes(rows), file_name="a.csv", channel="big_data", source="",
                                user=users["big_data_admin"], keep_file=False)
    out = imports.run_lead_import(batch, csv_bytes(rows))
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (8, 7, 1, 0)
    resident = Person.objects.get(id_number=r.id_number)
    assert resident.leads.count() == 2 and resident.verifications.count() == 1
    zhou = Person.objects.get(name="周二")
    assert zhou.id_number == outsider_id(21) and zhou.leads.count() == 3 and zhou.verifications.count() == 1
    assert {lead.verification_id for lead in zhou.leads.all()} == {zhou.verifications.get().pk}
    assert Person.objects.filter(phone="13811119003").count() == 2
    assert MergeCandidate.objects.filter(person__name="张伟", other__name="章伟").exists()
    assert Verification.objects.filter(status="open", person__leads__batch=batch).distinct().count() == 4


def test_a_person_reported_between_chunks_is_found_not_created_again(users, monkeypatch):
    from fangkong.screening import actions, imports
    from fangkong.screening.intake import LeadInput
    from fangkong.screening.models import Person

    rows = [["赵一", outsider_id(31), "", "北京", "2022-07-01", "", ""],
            ["钱二", outsider_id(32), "", "北京", "2022-07-01", "", ""]]
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 1)
    submitted = []

    def self_report_meanwhile(batch):
        if not submitted:  # after the first chunk, 钱二 reports himself through the public page
            submitted.append(actions.do_submit_lead(LeadInput(name="钱二", id_number=outsider_id(32), phone="13811119032"),
                                                    channel=Channel.SELF_REPORT, acting_user=SYSTEM))

    batch = imports.start_batch(data=csv_bytes(rows), file_name="b.csv", channel="big_data", source="",
                                user=users["big_data_admin"], keep_file=False)
    out = imports.run_lead_import(batch, csv_bytes(rows), progress=self_report_meanwhile)
    assert out["imported"] == 2
    qian = Person.objects.get(id_number=outsider_id(32))
    assert qian.leads.count() == 2 and qian.verifications.count() == 1


def test_a_task_closed_between_chunks_is_not_joined_by_a_later_lead(users, monkeypatch):
    """Persons met in an earlier chunk are not read again, but their open task is: once it
    closes, the next lead about them opens a new one and puts them back to verifying."""
    from fangkong.screening import imports
    from fangkong.screening.models import Person

    rows = [["孙三", outsider_id(33), "", "北京", "2022-07-01", "", ""],
            ["孙三", outsider_id(33), "", "上海", "2022-07-02", "", ""]]
    monkeypatch.setattr(imports, "IMPORT_CHUNK", 1)

    def close_meanwhile(batch):
        if batch.processed == 1:
            Verification.objects.filter(person__id_number=outsider_id(33)).update(
                status="closed", outcome="cleared", closed_at=timezone.now())
            Person.objects.filter(id_number=outsider_id(33)).update(status="cleared")

    batch = imports.start_batch(data=csv_bytes(rows), file_name="e.csv", channel="big_data", source="",
                                user=users["big_data_admin"], keep_file=False)
    assert imports.run_lead_import(batch, csv_bytes(rows), progress=close_meanwhile)["imported"] == 2
    sun = Person.objects.get(id_number=outsider_id(33))
    closed, reopened = sun.verifications.order_by("id")
    assert (closed.status, reopened.status, sun.status) == ("closed", "open", "verifying")
    assert [lead.verification_id for lead in sun.leads.order_by("row_number")] == [closed.pk, reopened.pk]


def test_it_reports_bad_rows_across_chunks_and_fails_a_file_without_header(users, monkeypatch):
    from fangkong.screening import imports

    monkeypatch.setattr(imports, "IMPORT_CHUNK", 1)
    monkeypatch.setattr(imports, "ANALYZE_ROWS", 1)  # and the statistics refresh after a big import
    rows = [["甲", outsider_id(41), "", "北京", "", "", ""], ["乙", "4.10102E+17", "", "北京", "", "", ""],
            ["丙", outsider_id(42), "", "北京", "", "", ""]]
    batch = imports.start_batch(data=csv_bytes(rows), file_name="c.csv", channel="big_data", source="",
                                user=users["big_data_admin"], keep_file=False)
    out = imports.run_lead_import(batch, csv_bytes(rows))
    assert (out["rows"], out["imported"], out["rejected"]) == (3, 2, 1)
    assert [(e["row"], "科学计数法" in e["reason"]) for e in batch.errors] == [(3, True)]
    junk = "随便写的内容\n没有表头\n".encode()
    bad = imports.start_batch(data=junk, file_name="d.csv", channel="big_data", source="",
                              user=users["big_data_admin"], keep_file=False)
    assert imports.run_lead_import(bad, junk)["status"] == "failed"
    bad.refresh_from_db()
    assert "表头" in bad.message
