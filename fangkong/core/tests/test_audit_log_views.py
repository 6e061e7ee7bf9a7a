"""Audit-log search: filters, paging, read-only, export (itself audited)."""

import io

from openpyxl import load_workbook

from fangkong.core import audit
from fangkong.core.choices import AuditAction, AuditSource
from fangkong.core.models import AuditLog
from fangkong.core.testkit import assert_audited, client_for


def _seed(users):
    with audit.audit_context(actor=users["commander"], source=AuditSource.API, ip="10.1.2.3"):
        audit.record(AuditAction.VIEW_PII, users["grid"], changes={"fields": ["phone"]})
    with audit.audit_context(actor=users["grid"], source=AuditSource.WEB, ip="10.9.9.9"):
        audit.record(AuditAction.UPDATE, users["village"], verb="set_status")


def test_only_auditors_and_the_audit_admin_read_it(users):
    for name in ("auditor", "auditadmin"):
        assert client_for(users[name]).get("/core/audit/").status_code == 200
    for name in ("commander", "sysadmin", "secadmin", "grid"):
        assert client_for(users[name]).get("/core/audit/").status_code == 403
        assert client_for(users[name]).get("/core/audit/export/").status_code == 403


def test_it_filters_by_each_field(users):
    _seed(users)
    client = client_for(users["auditor"])

    def found(**params):
        return list(client.get("/core/audit/", params).context["object_list"])

    assert {r.actor_label for r in found(actor="commander")} == {"commander"}
    assert all(r.action == "view_pii" for r in found(action="view_pii"))
    assert [r.verb for r in found(object_type="core.user", object_id=str(users["village"].pk), verb="set_status")] == [
        "set_status"]
    assert {r.ip for r in found(ip="10.1.2.3")} == {"10.1.2.3"}
    assert found(ip="not-an-ip") == []
    assert all(r.source == "api" for r in found(source="api"))
    today = AuditLog.objects.first().at.date()
    assert found(date_from=today.isoformat(), actor="grid")
    assert not found(date_to="2020-01-01")


def test_it_pages_and_never_changes_rows(users):
    client = client_for(users["auditor"])
    page = client.get("/core/audit/")
    assert page.context["is_paginated"] is False or len(page.context["object_list"]) == 50
    assert client.post("/core/audit/").status_code == 405


def test_the_export_is_an_xlsx_and_is_itself_audited(users):
    _seed(users)
    client = client_for(users["auditadmin"])
    response = client.get("/core/audit/export/", {"actor": "commander"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == 1 + AuditLog.objects.filter(actor_label="commander").count() - 0
    row = assert_audited(AuditAction.EXPORT, actor=users["auditadmin"], object_type="core.auditlog")
    assert row.changes["count"] == len(rows) - 1


def test_the_list_keeps_its_query_count(users, django_assert_max_num_queries):
    _seed(users)
    client = client_for(users["auditor"])
    with django_assert_max_num_queries(10):
        client.get("/core/audit/")


def test_a_township_auditor_reads_only_their_townships_rows(users):
    from fangkong.core.models import User, UserRole
    from fangkong.registry.models import Resident

    township = users["township"].division
    local = User.objects.create(username="township_auditor", division=township)
    UserRole.objects.create(user=local, role="auditor")
    inside = Resident.objects.filter(grid__path__startswith=township.path).first()
    outside = Resident.objects.exclude(grid__path__startswith=township.path).first()
    with audit.audit_context(actor=users["commander"]):
        audit.record_pii_view(inside, ["phone"])
        audit.record_pii_view(outside, ["phone"])
    rows = list(client_for(local).get("/core/audit/", {"action": "view_pii"}).context["object_list"])
    assert str(inside.pk) in {r.object_id for r in rows if r.object_type == "registry.resident"}
    assert all(r.division_path.startswith(township.path) for r in rows)
