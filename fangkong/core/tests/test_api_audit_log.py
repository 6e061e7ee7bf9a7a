"""/api/audit-log/: searchable by auditors and the audit administrator only, never writable."""

from __future__ import annotations

from fangkong.core import audit
from fangkong.core.choices import AuditAction, Role
from fangkong.core.models import AuditLog
from fangkong.core.testkit import api_client_for, assert_matches_schema, client_for, make_user
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


def _ids(client, **params) -> set[int]:
    response = client.get("/api/audit-log/", {"page_size": 500, **params})
    assert response.status_code == 200
    return {r["id"] for r in response.json()["results"]}


def test_it_scopes_the_api_to_a_township_auditors_subtree_as_the_page_does(users):
    """The API answered every row to any auditor while the page was scoped (a PII hole)."""
    township = users["township"].division
    auditor = make_user("auditor_township", township, Role.AUDITOR)
    inside = Resident.objects.filter(grid=users["grid"].division).first()
    outside = Resident.objects.filter(grid=users["grid_other"].division).first()
    assert township.contains(inside.grid) and not township.contains(outside.grid)
    with audit.audit_context(users["grid"]):
        mine = audit.record(AuditAction.VIEW_PII, inside, changes={"fields": ["phone"]})
    with audit.audit_context(users["grid_other"]):
        theirs = audit.record(AuditAction.VIEW_PII, outside, changes={"fields": ["phone"]})
    seen = _ids(api_client_for(auditor), action=AuditAction.VIEW_PII)
    assert mine.pk in seen and theirs.pk not in seen
    page = client_for(auditor).get("/core/audit/", {"action": AuditAction.VIEW_PII})
    assert {r.pk for r in page.context["paginator"].object_list} == seen
    assert api_client_for(auditor).get(f"/api/audit-log/{theirs.pk}/").status_code == 404
    # The county's auditor reads both.
    assert {mine.pk, theirs.pk} <= _ids(api_client_for(users["auditor"]), action=AuditAction.VIEW_PII)


def test_it_refuses_the_api_to_roles_without_audit_rights_in_any_division(users):
    for name in ("township", "village", "secadmin"):
        assert api_client_for(users[name]).get("/api/audit-log/").status_code == 403
    unplaced = make_user("auditor_unplaced", None, Role.AUDITOR)
    response = api_client_for(unplaced).get("/api/audit-log/")
    assert response.status_code == 200 and response.json()["count"] == 0
