"""Maintaining key groups (重点人群): create / edit, add / remove members, import a member list."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog, Batch, Division
from fangkong.core.testkit import assert_audited, client_for
from fangkong.registry.models import Resident
from fangkong.testing.models import KeyGroup, KeyGroupMember

BAD_ID = "110101199003071230"  # a check digit that does not fit


def _residents(division: Division, n: int) -> list[Resident]:
    return list(Resident.objects.filter(grid__path__startswith=division.path).order_by("id")[:n])


def _group(division: Division, name: str = "快递员") -> KeyGroup:
    return KeyGroup.objects.create(name=name, division=division, test_kind="pcr_test", every_days=2)


def test_it_lets_an_organiser_create_and_edit_a_key_group(users):
    township = users["township"]
    client = client_for(township)
    assert client.get("/testing/key-groups/new/").status_code == 200
    assert "/testing/key-groups/new/" in client.get("/testing/key-groups/").content.decode()
    assert "/testing/key-groups/new/" not in client_for(users["grid"]).get("/testing/key-groups/").content.decode()
    page = client.post("/testing/key-groups/new/", {"name": "快递员", "division": township.division.pk,
                                                    "test_kind": "pcr_test", "every_days": 2})
    group = KeyGroup.objects.get(name="快递员")
    assert page.status_code == 302 and page["Location"] == f"/testing/key-groups/{group.pk}/"
    assert group.division == township.division and group.every_days == 2
    assert_audited(AuditAction.CREATE, group, township)
    page = client.post(f"/testing/key-groups/{group.pk}/edit/", {"name": "快递外卖员", "division": township.division.pk,
                                                                "test_kind": "antigen_test", "every_days": 1})
    assert page.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.test_kind, group.every_days) == ("快递外卖员", "antigen_test", 1)
    log = assert_audited(AuditAction.UPDATE, group, township)
    assert "every_days" in log.changes and "name" in log.changes
    # Zero days is refused with a Chinese message, nothing changed.
    page = client.post(f"/testing/key-groups/{group.pk}/edit/", {"name": "快递外卖员", "division": township.division.pk,
                                                                "test_kind": "antigen_test", "every_days": 0})
    assert page.status_code == 200 and page.context["form"].errors["every_days"]
    group.refresh_from_db()
    assert group.every_days == 1


def test_it_refuses_a_grid_worker(users):
    group = _group(users["township"].division)
    client = client_for(users["grid"])
    data = {"name": "网格员建的", "division": users["grid"].division.pk, "test_kind": "pcr_test", "every_days": 1}
    assert client.get("/testing/key-groups/new/").status_code == 403
    assert client.post("/testing/key-groups/new/", data).status_code == 403
    assert client.post(f"/testing/key-groups/{group.pk}/edit/", data).status_code == 403
    assert client.post(f"/testing/key-groups/{group.pk}/members/new/", {}).status_code == 403
    assert not KeyGroup.objects.filter(name="网格员建的").exists()


def test_it_refuses_a_division_outside_the_users_scope(users):
    township = users["township"]
    other = Division.objects.filter(level="township").exclude(pk=township.division.pk).first()
    client = client_for(township)
    page = client.post("/testing/key-groups/new/", {"name": "越界", "division": other.pk,
                                                    "test_kind": "pcr_test", "every_days": 1})
    assert page.status_code == 200 and page.context["form"].errors["division"]
    assert not KeyGroup.objects.filter(name="越界").exists()
    # A group in another township cannot even be found.
    foreign = _group(other, "外乡镇快递员")
    assert client.get(f"/testing/key-groups/{foreign.pk}/edit/").status_code == 404


def test_it_adds_and_removes_a_member_audited(users):
    township = users["township"]
    group = _group(township.division)
    resident = _residents(township.division, 1)[0]
    client = client_for(township)
    page = client.post(f"/testing/key-groups/{group.pk}/members/new/",
                       {"name": resident.name, "id_number": resident.id_number.lower(), "employer": "顺丰"})
    assert page.status_code == 302
    member = KeyGroupMember.objects.get(group=group)
    assert member.resident == resident and member.division == resident.grid and member.employer == "顺丰"
    detail = client.get(f"/testing/key-groups/{group.pk}/").content.decode()
    assert f"/members/{member.pk}/remove/" in detail and "/import/" in detail
    assert_audited(AuditAction.CREATE, member, township, verb="add_key_group_member")
    # The same person twice, and a bad ID number: Chinese errors, nothing added.
    page = client.post(f"/testing/key-groups/{group.pk}/members/new/", {"name": resident.name,
                                                                        "id_number": resident.id_number})
    assert page.status_code == 200 and "已在此重点人群中" in str(page.context["form"].errors)
    page = client.post(f"/testing/key-groups/{group.pk}/members/new/", {"name": "张三", "id_number": BAD_ID})
    assert page.status_code == 200 and page.context["form"].errors["id_number"]
    assert group.members.count() == 1
    page = client.post(f"/testing/key-groups/{group.pk}/members/{member.pk}/remove/")
    assert page.status_code == 302 and not group.members.exists()
    log = assert_audited(AuditAction.DELETE, actor=township, object_type="testing.keygroupmember",
                         object_id=str(member.pk))
    assert log.verb == "remove_key_group_member"


def test_it_adds_a_non_resident_in_the_groups_division(users):
    township = users["township"]
    group = _group(township.division)
    outsider = "11010519491231002X"  # valid, not in the generated registry
    assert not Resident.objects.filter(id_number=outsider).exists()
    page = client_for(township).post(f"/testing/key-groups/{group.pk}/members/new/",
                                     {"name": "李四", "id_number": outsider, "phone": "13800138000"})
    assert page.status_code == 302
    member = group.members.get()
    assert member.resident is None and member.division == township.division and member.phone == "13800138000"


def _csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    lines = ["重点人群人员名单", "姓名,证件号码,联系电话,单位"] + [",".join(r) for r in rows]
    return "\n".join(lines).encode("gbk")


def test_it_imports_members_reporting_bad_rows_and_reimport_adds_nothing(users):
    township = users["township"]
    group = _group(township.division)
    a, b, c = _residents(township.division, 3)
    content = _csv([(a.name, a.id_number, "13800138000", "顺丰"), ("王五", BAD_ID, "", "京东"),
                    (b.name, b.id_number, "", ""), (c.name, c.id_number, "12", "")])
    client = client_for(township)
    url = f"/testing/key-groups/{group.pk}/import/"
    page = client.post(url, {"file": SimpleUploadedFile("名单.csv", content)})
    assert page.status_code == 200
    batch = page.context["batch"]
    assert (batch.imported, batch.rejected, batch.duplicates) == (2, 2, 0)
    assert sorted(group.members.values_list("id_number", flat=True)) == sorted([a.id_number, b.id_number])
    # Row numbers as the user sees them (title row 1, header row 2), with Chinese reasons.
    errors = {e["row"]: e["reasons"] for e in page.context["errors"]}
    assert set(errors) == {4, 6}
    assert "身份证号" in errors[4][0] and "手机号" in errors[6][0]
    assert "王五" in page.content.decode()
    member = group.members.get(id_number=a.id_number)
    assert member.employer == "顺丰" and member.phone == "13800138000" and member.resident == a
    assert_audited(AuditAction.CREATE, member, township, source="import")
    # The error sheet, ready to fix and import again.
    sheet = client_for(users["commander"]).get(f"/testing/key-groups/import/{batch.pk}/errors/")
    assert sheet.status_code == 200
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因" and [r[0] for r in rows[1:]] == [4, 6]
    # The same file again: nothing added, no new create rows in the audit log.
    before = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="testing.keygroupmember").count()
    page = client.post(url, {"file": SimpleUploadedFile("名单.csv", content)})
    again = page.context["batch"]
    assert (again.imported, again.duplicates, again.rejected) == (0, 2, 2)
    assert group.members.count() == 2
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="testing.keygroupmember").count() == before
    assert Batch.objects.filter(kind="key_group_member").count() == 2


def test_it_reports_a_file_without_the_required_columns(users):
    township = users["township"]
    group = _group(township.division)
    page = client_for(township).post(f"/testing/key-groups/{group.pk}/import/",
                                     {"file": SimpleUploadedFile("x.csv", "工作单位,备注\n顺丰,无\n".encode())})
    assert page.status_code == 200 and "batch" not in page.context
    assert "表头" in str(page.context["form"].errors["file"])


def test_it_refuses_the_action_itself_outside_the_scope(users):
    """The action re-checks scope whatever calls it (API, import, job)."""
    import pytest
    from django.core.exceptions import PermissionDenied

    from fangkong.core import audit
    from fangkong.testing.actions import do_add_key_group_member, do_save_key_group

    township = users["township"]
    other = Division.objects.filter(level="township").exclude(pk=township.division.pk).first()
    with audit.audit_context(township), pytest.raises(PermissionDenied):
        do_save_key_group(None, name="越界", division=other, test_kind="pcr_test", every_days=1,
                          acting_user=township)
    assert not KeyGroup.objects.filter(name="越界").exists()
    foreign = _group(other, "外乡镇快递员")
    with audit.audit_context(users["grid"]), pytest.raises(PermissionDenied):
        do_add_key_group_member(foreign, id_number="11010519491231002X", name="李四", acting_user=users["grid"])
    assert not foreign.members.exists()
