"""The 台账导入 pages: upload → column mapping → result with bad rows and the error sheet."""

from __future__ import annotations

import io
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fangkong.core.choices import AuditAction, BatchStatus
from fangkong.core.imports import run_batch_task
from fangkong.core.models import AuditLog, Batch
from fangkong.core.testkit import client_for
from fangkong.registry.imports import RUNNER
from fangkong.registry.models import Resident

from .test_import_residents import new_id


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ledger_bytes(grid, *, id_header="身份证号") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["某村常住人口台账"])
    sheet.merge_cells("A1:E1")
    sheet.append(["姓名", id_header, "联系电话", "所属网格", "备注"])
    sheet.append(["张建国", new_id(51), "13800000051", grid.code, ""])
    sheet.append(["李坏号", "650102198503010000", "", grid.code, ""])
    sheet.append(["王五", new_id(52), "13800000052", grid.code, "新迁入"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "台账.xlsx"):
    return client.post(reverse("registry:import"), {"file": SimpleUploadedFile(name, content)})


def test_it_imports_through_upload_mapping_and_result(users):
    grid = users["grid"].division
    client = client_for(users["grid"])
    assert client.get(reverse("registry:import")).status_code == 200
    response = upload(client, ledger_bytes(grid))
    batch = Batch.objects.get(kind="registry", created_by=users["grid"])
    assert response.url == reverse("registry:import_map", args=[batch.pk])
    assert batch.options["header_row"] == 2 and batch.file_sha256

    page = client.get(response.url).content.decode()
    assert "表头在第2行" in page
    assert '<option value="1" selected>身份证号</option>' in page
    assert "6501********" in page and new_id(51) not in page  # the preview masks ID numbers

    form = {"name": "0", "id_number": "1", "phone": "2", "grid": "3"}
    response = client.post(response.url, form)
    assert response.url == reverse("registry:import_result", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.imported, batch.rejected) == (BatchStatus.DONE, 2, 1)
    assert Resident.objects.get(id_number=new_id(51)).phone == "13800000051"

    page = client.get(response.url).content.decode()
    assert "身份证号校验码错误" in page and '<td class="num" data-label="行号">4</td>' in page
    sheet = client.get(reverse("registry:import_errors", args=[batch.pk]))
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因"
    assert rows[1][:3] == (4, "李坏号", "650102198503010000")
    assert AuditLog.objects.filter(action=AuditAction.EXPORT, actor=users["grid"], object_type="registry.resident").exists()

    # The finished batch cannot be mapped and run again.
    assert client.post(reverse("registry:import_map", args=[batch.pk]), form).url == response.url


def test_it_lets_the_user_map_a_header_it_did_not_recognise(users):
    grid = users["grid"].division
    client = client_for(users["grid"])
    response = upload(client, ledger_bytes(grid, id_header="号码"))
    page = client.get(response.url).content.decode()
    assert '<option value="1">号码</option>' in page
    missing = client.post(response.url, {"name": "0", "grid": "3"})
    assert "必填列,请选择对应的表头" in missing.content.decode()
    twice = client.post(response.url, {"name": "0", "id_number": "0", "grid": "3"})
    assert "与“姓名”选了同一列" in twice.content.decode()
    client.post(response.url, {"name": "0", "id_number": "1", "grid": "3"})
    assert Resident.objects.filter(id_number=new_id(52), phone="").exists()  # phone left out of the mapping


def test_it_explains_a_file_it_cannot_read(users):
    client = client_for(users["grid"])
    page = upload(client, "甲,乙\n1,2\n".encode(), "x.csv").content.decode()
    assert "未找到表头" in page
    page = upload(client, b"%PDF-1.4", "x.pdf").content.decode()
    assert "不支持的文件类型" in page
    assert not Batch.objects.filter(kind="registry").exists()


def test_it_shows_a_re_import_as_changing_nothing(users):
    grid = users["grid"].division
    client = client_for(users["grid"])
    form = {"name": "0", "id_number": "1", "phone": "2", "grid": "3"}
    content = ledger_bytes(grid)  # once: openpyxl stamps the save time into the file
    client.post(upload(client, content).url, form)
    audit_rows = AuditLog.objects.count()
    response = upload(client, content)
    assert "同一文件已于" in client.get(response.url).content.decode()
    client.post(response.url, form)
    batch = Batch.objects.filter(kind="registry").order_by("-pk").first()
    assert (batch.imported, batch.updated, batch.duplicates) == (0, 0, 2)
    assert AuditLog.objects.count() == audit_rows


def test_it_imports_large_files_in_the_background(users, django_capture_on_commit_callbacks):
    grid = users["grid"].division
    client = client_for(users["grid"])
    response = upload(client, ledger_bytes(grid))
    with mock.patch("fangkong.core.imports.batches.BACKGROUND_BYTES", 10), django_capture_on_commit_callbacks(execute=True):
        result_url = client.post(response.url, {"name": "0", "id_number": "1", "grid": "3"}).url
    batch = Batch.objects.get(kind="registry")
    assert batch.status == BatchStatus.PENDING
    partial = client.get(result_url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in partial and "<html" not in partial
    run_batch_task.call(batch.pk, RUNNER)  # what the worker does
    page = client.get(result_url).content.decode()
    assert "every 2s" not in page and "已完成" in page
    assert Resident.objects.filter(id_number=new_id(52)).exists()


def test_it_keeps_imports_to_those_who_may_edit_the_registry(users):
    assert client_for(users["cdc"]).get(reverse("registry:import")).status_code == 403
    assert client_for(users["auditor"]).get(reverse("registry:import")).status_code == 403


def test_it_keeps_batches_inside_their_scope(users):
    grid = users["grid"].division
    client = client_for(users["grid"])
    map_url = upload(client, ledger_bytes(grid)).url
    batch = Batch.objects.get(kind="registry")
    result_url = reverse("registry:import_result", args=[batch.pk])
    other = client_for(users["grid_other"])
    assert other.get(map_url).status_code == 404
    assert other.get(result_url).status_code == 404
    village = client_for(users["village"])  # the grid's own village: sees the result, cannot run the upload
    assert village.get(map_url).status_code == 404
    assert village.get(result_url).status_code == 200
    assert client_for(users["commander"]).get(result_url).status_code == 200
