"""Resident search page, detail page and the audited 显示完整 reveal."""

import pytest

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.pii import mask_id_number, mask_phone
from fangkong.core.testkit import assert_audited, client_for
from fangkong.registry.models import Resident


def _own(users, name="grid"):
    return Resident.objects.filter(grid=users[name].division).exclude(id_number=None).exclude(phone="").first()


def test_the_search_page_lists_masked_results(users):
    r = _own(users)
    page = client_for(users["grid"]).get("/registry/search/", {"q": r.id_number[-4:]})
    html = page.content.decode()
    assert r in page.context["object_list"]
    assert mask_id_number(r.id_number) in html and r.id_number not in html
    assert r.phone not in html


def test_the_detail_page_is_masked_and_logged(users):
    r = _own(users)
    page = client_for(users["grid"]).get(f"/registry/residents/{r.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert mask_id_number(r.id_number) in html and mask_phone(r.phone) in html
    assert r.id_number not in html and r.phone not in html
    assert "显示完整" in html
    assert_audited(AuditAction.VIEW, r, actor=users["grid"])


def test_the_reveal_shows_full_values_and_writes_an_audit_row(users):
    r = _own(users)
    response = client_for(users["grid"]).post(f"/registry/residents/{r.pk}/reveal/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert r.id_number in response.content.decode() and r.phone in response.content.decode()
    row = assert_audited(AuditAction.VIEW_PII, r, actor=users["grid"])
    assert set(row.changes["fields"]) == {"id_number", "phone"}
    assert row.division_path == r.grid.path


def test_roles_that_may_not_see_full_values_get_403_and_no_button(users):
    r = _own(users)
    auditor = client_for(users["auditor"])
    assert "显示完整" not in auditor.get(f"/registry/residents/{r.pk}/").content.decode()
    before = AuditLog.objects.filter(action=AuditAction.VIEW_PII).count()
    assert auditor.post(f"/registry/residents/{r.pk}/reveal/").status_code == 403
    assert AuditLog.objects.filter(action=AuditAction.VIEW_PII).count() == before


def test_out_of_scope_residents_are_404(users):
    other = _own(users, "grid_other")
    client = client_for(users["grid"])
    assert client.get(f"/registry/residents/{other.pk}/").status_code == 404
    assert client.post(f"/registry/residents/{other.pk}/reveal/").status_code == 404
    assert client_for(users["lab"]).get(f"/registry/residents/{other.pk}/").status_code == 404


def test_the_search_page_keeps_its_query_count(users, django_assert_max_num_queries):
    client = client_for(users["commander"])
    # 12 for the page, and two for its menu: is there a checkpoint to register at, a unit to report for.
    with django_assert_max_num_queries(14):
        page = client.get("/registry/search/", {"q": "z"})
    assert len(page.context["object_list"]) == 50


@pytest.mark.parametrize("name,expected", [
    ("commander", 200), ("cdc", 200), ("township", 200), ("village", 200), ("grid", 200),
    ("big_data_reviewer", 200), ("auditor", 403), ("lab", 404), ("regulator", 404), ("sysadmin", 404),
    ("secadmin", 404), ("auditadmin", 404), ("grid_other", 404), ("village_other", 404),
])
def test_the_reveal_by_role(users, name, expected):
    r = _own(users)
    before = AuditLog.objects.filter(action=AuditAction.VIEW_PII, object_id=str(r.pk)).count()
    response = client_for(users[name]).post(f"/registry/residents/{r.pk}/reveal/")
    assert response.status_code == expected
    written = AuditLog.objects.filter(action=AuditAction.VIEW_PII, object_id=str(r.pk)).count() - before
    assert written == (1 if expected == 200 else 0)
    if expected == 200:
        assert r.id_number in response.content.decode()
