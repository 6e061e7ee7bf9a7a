"""A small xlsx holding a huge sheet ("zip bomb") is refused at once, with a Chinese reason, by
the command line, every upload form and the worker, and its batch ends failed; files over the
size limit are refused unread; large sheets are read streaming."""

from __future__ import annotations

import datetime as dt
import io
import json
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core.choices import BatchStatus
from fangkong.core.imports import Column, ReadError, read_table, reading, run_batch_task
from fangkong.core.models import Batch

pytestmark = pytest.mark.django_db

BOMB_MB = 300  # the sheet's XML unpacked; the file itself is under 1 MB
CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            b'<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, content in (("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
                              ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)):
            z.writestr(name, content)
        row = '<row><c t="inlineStr"><is><t>姓名</t></is></c></row>'.encode()
        block = row * ((1 << 20) // len(row) + 1)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                        b'2006/main"><sheetData>')
            for _ in range(BOMB_MB):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = _bomb()
    assert len(data) < 2 * 1024 * 1024
    return data


def _refused(reason: str) -> bool:
    return "解压" in reason and "拒绝读取" in reason


def test_it_refuses_the_bomb_on_the_command_line_in_under_a_second(bomb, tmp_path, users, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(bomb)
    started = time.monotonic()
    with pytest.raises(CommandError) as refused:
        call_command("import", "leads", str(path), "--channel", "big_data", "--user", "commander", "--json")
    assert time.monotonic() - started < 1
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "failed" and _refused(out["message"]) and _refused(str(refused.value))
    batch = Batch.objects.get(pk=out["batch"])
    assert (batch.status, batch.message) == (BatchStatus.FAILED, out["message"])


def test_it_refuses_the_bomb_in_the_worker_and_fails_its_batch(bomb, users):
    from fangkong.screening.imports import create_lead_batch

    batch = create_lead_batch(data=bomb, file_name="名单.xlsx", channel="big_data", source="", user=None)
    started = time.monotonic()
    run_batch_task.call(batch.pk)  # what the worker does with a stored file
    assert time.monotonic() - started < 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and _refused(batch.message)


def test_it_refuses_the_bomb_in_every_upload_form(bomb):
    from fangkong.control.forms import AreaImportForm
    from fangkong.registry.forms import ImportUploadForm
    from fangkong.screening.forms import ImportForm
    from fangkong.testing.forms import KeyGroupImportForm, UploadForm

    for form_class in (ImportForm, AreaImportForm, ImportUploadForm, UploadForm, KeyGroupImportForm):
        started = time.monotonic()
        form = form_class({"channel": "big_data"}, {"file": SimpleUploadedFile("名单.xlsx", bomb)})
        assert not form.is_valid()
        assert time.monotonic() - started < 1
        assert _refused(form.errors["file"][0]), form_class


def test_it_refuses_the_bomb_when_read(bomb):
    with pytest.raises(ReadError, match="拒绝读取"):
        read_table(bomb, "名单.xlsx", [Column("name", "姓名")])


def test_it_refuses_a_file_over_the_size_limit_unread(settings, tmp_path, users, capsys):
    from fangkong.screening.forms import ImportForm

    settings.FANGKONG_IMPORT_MAX_MB = 1
    path = tmp_path / "名单.csv"
    path.write_bytes(b"\xe5\xa7\x93\xe5\x90\x8d\n" + b"x" * (1024 * 1024))
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import", "leads", str(path), "--channel", "big_data", "--user", "commander", "--json")
    assert json.loads(capsys.readouterr().out)["status"] == "failed"
    form = ImportForm({"channel": "big_data"}, {"file": SimpleUploadedFile("名单.csv", path.read_bytes())})
    assert not form.is_valid() and "文件过大" in form.errors["file"][0]


def test_it_reads_large_sheets_streaming_as_it_reads_small_ones(monkeypatch):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["人员名单"])
    sheet.append(["姓名", "身份证号", "日期"])
    for i in range(50):
        sheet.append([f"张{i}", f"11010119900101{i:04d}", dt.date(2022, 7, 1 + i % 28) if i % 2 else None])
    out = io.BytesIO()
    book.save(out)
    columns = [Column("name", "姓名"), Column("id_number", "身份证号"), Column("on", "日期")]
    whole = list(read_table(out.getvalue(), "名单.xlsx", columns))
    streamed_reader = []
    monkeypatch.setattr(reading, "STREAM_SHEET_BYTES", 0)  # every sheet is "large"
    monkeypatch.setattr(reading, "_calamine_sheets", lambda data: streamed_reader.append(1) or iter(()))
    streamed = list(read_table(out.getvalue(), "名单.xlsx", columns))
    assert not streamed_reader  # calamine was not asked
    assert streamed == whole and len(whole) == 50
    assert whole[:2] == [(3, {"name": "张0", "id_number": "110101199001010000", "on": None}),
                         (4, {"name": "张1", "id_number": "110101199001010001", "on": dt.date(2022, 7, 2)})]
