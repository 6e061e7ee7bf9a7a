"""The lead import on the platform's one import framework: the error sheet masked by role and
audited, no "None" in empty cells, a nameless big-data row rejected, the channels a role may
import, Chinese labels in the history, persons and tasks audited per row, one lifecycle."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from fangkong.core import audit
from fangkong.core.choices import AuditAction, BatchStatus
from fangkong.core.imports import execute_batch, run_batch_task
from fangkong.core.models import AuditItem, AuditLog, Batch
from fangkong.core.testkit import client_for
from fangkong.screening import imports
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead, Person, Verification

from .helpers import csv_bytes, outsider_id

pytestmark = pytest.mark.django_db

BAD_ID = outsider_id(7)[:-1] + ("0" if outsider_id(7)[-1] != "0" else "1")  # a wrong check digit


def _upload(client, rows, channel="big_data", source="geofence"):
    upload = SimpleUploadedFile("push.csv", csv_bytes(rows))
    resp = client.post(reverse("screening:import"), {"file": upload, "channel": channel, "source": source})
    assert resp.status_code == 302, resp.content.decode()[:500]
    return Batch.objects.get(pk=int(resp["Location"].rstrip("/").split("/")[-1]))


def _sheet(resp) -> list[tuple]:
    return list(load_workbook(io.BytesIO(resp.content)).active.values)


def test_it_masks_the_error_sheet_for_a_role_without_full_access_and_audits_the_count(users):
    batch = _upload(client_for(users["big_data_admin"]), [["甲", BAD_ID, "13512345678", "北京", "", "", ""]])
    assert batch.rejected == 1
    url = reverse("screening:batch_errors", args=[batch.pk])
    masked = client_for(users["auditor"]).get(url)  # may see batches, not full ID numbers
    assert masked.status_code == 200
    row = _sheet(masked)[1]
    assert BAD_ID not in row and "13512345678" not in row
    assert row[2] == BAD_ID[:4] + "*" * 10 + BAD_ID[-4:] and row[3].startswith("135") and "*" in row[3]
    log = AuditLog.objects.filter(action=AuditAction.EXPORT, actor=users["auditor"]).latest("at")
    assert (log.changes["count"], log.changes["full_pii"]) == (1, False)
    full = _sheet(client_for(users["big_data_admin"]).get(url))[1]
    assert BAD_ID in full and "13512345678" in full


def test_it_leaves_empty_cells_empty_in_the_error_sheet(users):
    batch = _upload(client_for(users["big_data_admin"]), [["乙", "4.10102E+17", "", "", "", "", ""]])
    rows = _sheet(client_for(users["big_data_admin"]).get(reverse("screening:batch_errors", args=[batch.pk])))
    assert rows[1][0] == 2 and rows[1][1] == "乙"
    assert "None" not in rows[1] and rows[1][3] is None  # the empty 手机号 stays empty


def test_it_rejects_a_big_data_row_without_a_name(users):
    batch = _upload(client_for(users["big_data_admin"]), [["", outsider_id(8), "13512340000", "北京", "", "", ""],
                                                          ["丙", outsider_id(9), "", "北京", "", "", ""]])
    batch.refresh_from_db()
    assert (batch.imported, batch.rejected) == (1, 1)
    assert batch.errors[0]["row"] == 2 and "姓名为空" in batch.errors[0]["reasons"][0]
    assert not Person.objects.filter(id_number=outsider_id(8)).exists()


def test_it_offers_only_the_channels_the_role_may_import(users):
    page = client_for(users["big_data_admin"]).get(reverse("screening:import"))
    field = page.context["form"]["channel"]
    # The channels of the big-data module (大数据推送, 时空伴随); never 群众自报 preselected.
    assert [v for v, _ in field.field.choices if v] == [Channel.BIG_DATA, Channel.CO_PRESENCE]
    assert field.value() != Channel.SELF_REPORT
    refused = client_for(users["big_data_admin"]).post(reverse("screening:import"), {
        "file": SimpleUploadedFile("a.csv", csv_bytes([["丁", outsider_id(10), "", "北京", "", "", ""]])),
        "channel": Channel.SELF_REPORT})
    assert refused.status_code == 200 and not Batch.objects.filter(channel=Channel.SELF_REPORT).exists()
    commander = client_for(users["commander"]).get(reverse("screening:import")).context["form"]["channel"]
    assert len([v for v, _ in commander.field.choices if v]) == len(Channel) and not commander.value()


def test_it_shows_channel_and_source_in_chinese_in_the_history(users):
    admin = client_for(users["big_data_admin"])
    batch = _upload(admin, [["戊", outsider_id(11), "", "北京", "", "", ""]])
    for url in (reverse("screening:import"), reverse("screening:batch", args=[batch.pk])):
        html = admin.get(url).content.decode()
        assert "大数据推送/电子围栏" in html and "/geofence" not in html and "big_data/" not in html


def test_it_audits_each_imported_person_and_task_through_the_bulk_writer(users):
    batch = _upload(client_for(users["big_data_admin"]), [["己", outsider_id(12), "", "北京", "", "", ""],
                                                          ["庚", outsider_id(13), "13512349999", "北京", "", "", ""]])
    persons = Person.objects.filter(id_number__in=[outsider_id(12), outsider_id(13)])
    tasks = Verification.objects.filter(person__in=persons)
    assert persons.count() == tasks.count() == 2
    items = AuditItem.objects.filter(entry__verb="import_leads", entry__action=AuditAction.CREATE)
    assert set(items.filter(object_type="screening.person").values_list("object_id", flat=True)) == {
        p.pk for p in persons}
    assert set(items.filter(object_type="screening.verification").values_list("object_id", flat=True)) == {
        t.pk for t in tasks}
    # Each object's history finds the entry: who imported it, from which batch, through which channel.
    for obj, kind in ((persons[0], "screening.person"), (tasks[0], "screening.verification")):
        (entry,) = audit.about(AuditLog.objects.filter(verb="import_leads"), kind, obj.pk)
        assert entry.actor == users["big_data_admin"] and entry.object_type == "core.batch"
        assert entry.changes["batch"] == batch.pk and entry.changes["channel"] == "big_data"
        assert obj.division.path.startswith(entry.division_path) and entry.division_path
        assert entry.changes["objects"]["screening.person"] >= 1
    # The auditor's search by object type and id shows it too (page and API share the filter).
    html = client_for(users["auditor"]).get(reverse("core:audit_log"), {
        "object_type": "screening.person", "object_id": persons[0].pk}).content.decode()
    assert f"批次 {batch.pk}" in html
    # A lead carries its batch and has no item: its history finds the import through the batch.
    lead = Lead.objects.get(person=persons[0])
    assert not AuditItem.objects.filter(object_type="screening.lead").exists()
    history = audit.about(AuditLog.objects.all(), "screening.lead", lead.pk)
    assert {"import_leads"} <= set(history.values_list("verb", flat=True))
    assert set(history.filter(verb="import_leads").values_list("object_id", flat=True)) == {str(batch.pk)}


def test_it_never_leaves_a_batch_running(users, monkeypatch):
    batch = imports.create_lead_batch(data=csv_bytes([["辛", outsider_id(14), "", "北京", "", "", ""]]),
                                      file_name="x.csv", channel="big_data", source="", user=users["big_data_admin"])

    def crash(*_args, **_kwargs):
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr(imports, "_import_chunks", crash)
    execute_batch(batch)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "磁盘已满" in batch.message and batch.finished_at
    # A worker that finds a batch still running (its process died) fails it instead of importing twice.
    stuck = imports.create_lead_batch(data=b"x", file_name="y.csv", channel="big_data", source="",
                                      user=users["big_data_admin"])
    Batch.objects.filter(pk=stuck.pk).update(status=BatchStatus.RUNNING)
    run_batch_task.call(stuck.pk)
    stuck.refresh_from_db()
    assert stuck.status == BatchStatus.FAILED and "中断" in stuck.message


def test_it_imports_every_kind_from_one_command_with_one_json_result(tmp_path, users, capsys):
    path = tmp_path / "leads.csv"
    path.write_bytes(csv_bytes([["壬", outsider_id(15), "", "北京", "", "", ""], ["癸", "", "", "北京", "", "", ""]]))
    call_command("import", "leads", str(path), "--channel", "big_data", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["status"], out["imported"], out["rejected"]) == ("leads", "done", 1, 1)
    assert out["errors"] == [{"row": 3, "reasons": ["身份证号和手机号至少填写一项"]}]  # no personal values
    call_command("import_leads", str(path), "--channel", "big_data", "--json")  # the alias, same route
    again = json.loads(capsys.readouterr().out)
    assert (again["imported"], again["duplicates"]) == (0, 1)
    with pytest.raises(Exception, match="不能导入"):
        call_command("import", "leads", str(path), "--channel", "self_report", "--user", "big_data_admin", "--json")
