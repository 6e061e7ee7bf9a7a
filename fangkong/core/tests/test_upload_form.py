"""The one upload form of list imports (`core.imports.upload_form`)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core.imports import upload_form

Form = upload_form("名单", "列：姓名")


def _form(name: str, content: bytes, form=Form):
    return form(data={}, files={"file": SimpleUploadedFile(name, content)})


def test_it_accepts_a_csv_and_carries_the_label():
    form = _form("名单.CSV", "姓名\n张三\n".encode())
    assert form.is_valid(), form.errors
    assert form.fields["file"].label == "名单"
    assert form.fields["file"].help_text == "列：姓名"


def test_it_refuses_another_type_in_chinese_naming_what_is_accepted():
    form = _form("名单.pdf", b"%PDF-1.4")
    assert not form.is_valid()
    message = form.errors["file"][0]
    assert message.startswith("不支持的文件类型") and "xlsx" in message and "csv" in message


def test_it_refuses_an_empty_file():
    form = _form("名单.csv", b"")
    assert not form.is_valid()
    assert form.errors["file"]


def test_a_kind_can_accept_more_types():
    parquet = upload_form("记录", suffixes=(".csv", ".parquet"))
    assert _form("记录.parquet", b"PAR1....PAR1", parquet).is_valid()
    assert "parquet" in _form("记录.xlsx", b"PK", parquet).errors["file"][0]
