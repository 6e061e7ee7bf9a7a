"""#18 item 11: a bulk export with full ID numbers and phones needs a role that sends lists on and a
stated reason; its audit row records the count, the filter and the reason."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.testkit import assert_audited, client_for, last_audit_id
from fangkong.registry.models import Resident

URL = "/registry/residents/export/"


def _sheet(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats"), response.content[:300]
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_it_refuses_a_full_bulk_export_to_a_grid_worker_or_village_cadre(users):
    for name in ("grid", "village"):
        division, before = users[name].division, last_audit_id()
        response = client_for(users[name]).get(URL, {"division": division.pk, "full": "1"})
        assert response.status_code == 403
        assert not AuditLog.objects.filter(id__gt=before, action=AuditAction.EXPORT).exists()
        # the masked list is still theirs to take
        rows = _sheet(client_for(users[name]).get(URL, {"division": division.pk}))
        assert len(rows) - 1 == Resident.objects.filter(grid__path__startswith=division.path).count()
        assert all("*" in r[1] for r in rows[1:] if r[1])


def test_it_asks_for_a_reason_before_a_full_export_and_audits_count_filter_and_reason(users):
    village = users["village"].division
    client = client_for(users["commander"])
    before = last_audit_id()
    page = client.get(URL, {"division": village.pk, "full": "1"})
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "导出原因" in page.content.decode() and f'value="{village.pk}"' in page.content.decode()
    assert not AuditLog.objects.filter(id__gt=before, action=AuditAction.EXPORT).exists()
    assert client.get(URL, {"division": village.pk, "full": "1", "reason": "x"}).status_code == 200  # too short: the form again
    assert not AuditLog.objects.filter(id__gt=before, action=AuditAction.EXPORT).exists()

    rows = _sheet(client.get(URL, {"division": village.pk, "full": "1", "reason": "报送市疾控流调"}))
    own = Resident.objects.filter(grid__path__startswith=village.path)
    assert len(rows) - 1 == own.count() > 0
    assert {r[1] for r in rows[1:] if r[1]} == set(own.exclude(id_number=None).values_list("id_number", flat=True))
    row = assert_audited(AuditAction.EXPORT, actor=users["commander"], object_type="registry.resident")
    assert row.changes["count"] == own.count()
    assert row.changes["full_pii"] is True and row.changes["reason"] == "报送市疾控流调"
    assert row.changes["filter"] == {"division": str(village.pk)}


def test_a_masked_export_is_audited_with_its_count_and_filter(users):
    village = users["village"].division
    rows = _sheet(client_for(users["village"]).get(URL, {"division": village.pk, "status": "present"}))
    row = assert_audited(AuditAction.EXPORT, actor=users["village"], object_type="registry.resident")
    assert row.changes["count"] == len(rows) - 1 and row.changes["full_pii"] is False
    assert row.changes["filter"] == {"division": str(village.pk), "status": "present"}
