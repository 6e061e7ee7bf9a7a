"""The one export helper: formulas neutralised, masking, the reason for an unmasked export, the audit row."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from openpyxl import load_workbook

from fangkong.core import exports
from fangkong.core.choices import AuditAction
from fangkong.core.pii import mask_phone
from fangkong.core.testkit import assert_audited


@pytest.mark.parametrize("value", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "=HYPERLINK(\"http://x\")"])
def test_it_neutralises_what_a_spreadsheet_would_run(value):
    assert exports.neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "13812345678", "", 12, None])
def test_it_leaves_ordinary_values_alone(value):
    assert exports.neutralise(value) == value


def _request(user, **params):
    request = RequestFactory().get("/x/", params)
    request.user = user
    return request


def _export(request, rows):
    return exports.export_rows(request, name="测试名单", object_type="test.list", header=["姓名", "电话"],
                               rows=lambda full: ([n, p if full else mask_phone(p)] for n, p in rows))


def test_it_writes_masked_cells_with_formulas_neutralised_and_audits(users):
    rows = [("=cmd|' /C calc'!A0", "13812345678"), ("李四", "13900001111")]
    response = _export(_request(users["grid"], q="李"), rows)
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sheet == [("姓名", "电话"), ("'=cmd|' /C calc'!A0", "138****5678"), ("李四", "139****1111")]
    row = assert_audited(AuditAction.EXPORT, actor=None, object_type="test.list")
    assert row.changes["count"] == 2 and row.changes["filter"] == {"q": "李"} and row.changes["full_pii"] is False


def test_only_roles_that_send_lists_on_may_export_unmasked(users):
    allowed = {name for name, user in users.items() if exports.may_export_unmasked(user)}
    assert {"commander", "cdc"} <= allowed
    assert not allowed & {"grid", "village", "township", "auditor", "lab", "site", "regulator"}
    with pytest.raises(PermissionDenied):
        _export(_request(users["grid"], full_pii="1", reason="入户核查用"), [("李四", "13900001111")])


def test_an_unmasked_export_asks_for_a_reason_then_keeps_it(users):
    page = _export(_request(users["commander"], full_pii="1"), [("李四", "13900001111")])
    assert page["Content-Type"].startswith("text/html") and "导出原因" in page.content.decode()
    response = _export(_request(users["commander"], full_pii="1", reason="报送市疾控"), [("李四", "13900001111")])
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sheet[1] == ("李四", "13900001111")
    row = assert_audited(AuditAction.EXPORT, object_type="test.list")
    assert row.changes["full_pii"] is True and row.changes["reason"] == "报送市疾控"


def test_a_list_without_personal_data_ignores_the_unmasked_flag(users):
    response = exports.export_rows(_request(users["auditor"], full_pii="1"), name="汇总", object_type="test.sum",
                                   header=["区划", "人数"], rows=lambda full: [["某村", 3]], has_pii=False, fmt="csv")
    assert response.content.decode("utf-8-sig").splitlines() == ["区划,人数", "某村,3"]
