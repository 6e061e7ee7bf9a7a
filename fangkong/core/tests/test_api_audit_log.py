"""/api/audit-log/: searchable by auditors and the audit administrator only, never writable."""

from __future__ import annotations

from fangkong.core import audit
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.testkit import api_client_for, assert_matches_schema
from fangkong.registry.models import Resident


def test_auditors_search_the_log_by_object(users):
    resident = Resident.objects.first()
    with audit.audit_context(users["grid"]):
        row = audit.record(AuditAction.VIEW_PII, resident, changes={"fields": ["phone"]})
    for name in ("auditor", "auditadmin"):
        response = api_client_for(users[name]).get(
            "/api/audit-log/", {"object_type": "registry.resident", "object_id": resident.pk})
        assert response.status_code == 200
        assert_matches_schema(response, "/api/audit-log/")
        assert row.pk in {r["id"] for r in response.json()["results"]}
        assert all(r["object_id"] == str(resident.pk) for r in response.json()["results"])


def test_others_may_not_read_it_and_nobody_writes_it(users):
    row = AuditLog.objects.create(at=audit.timezone.now(), action=AuditAction.ACTION, object_type="core.test")
    for name in ("commander", "sysadmin", "grid"):
        assert api_client_for(users[name]).get("/api/audit-log/").status_code == 403
    auditor = api_client_for(users["auditor"])
    assert auditor.post("/api/audit-log/", {"action": "create"}, format="json").status_code == 405
    assert auditor.patch(f"/api/audit-log/{row.pk}/", {"verb": "x"}, format="json").status_code == 405
    assert auditor.delete(f"/api/audit-log/{row.pk}/").status_code == 405
    assert AuditLog.objects.filter(pk=row.pk, verb="").exists()
