"""The registry import (常住人口基础台账导入) and its `import_residents` command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from fangkong.core.choices import AuditAction, AuditSource, BatchStatus
from fangkong.core.identity import check_digit
from fangkong.core.models import AuditLog, Batch
from fangkong.registry.imports import import_file
from fangkong.registry.models import Household, Resident

HEADER = ["姓名", "证件号码", "手机号", "家庭住址", "户主姓名", "与户主关系", "户号", "网格编号", "人员状态"]


def new_id(n: int, birth: dt.date = dt.date(1985, 3, 1), sex: str = "male") -> str:
    """A valid ID number no generated resident has (region 650102 is not used by the generator)."""
    order = n * 2 + (1 if sex == "male" else 0)
    first17 = f"650102{birth:%Y%m%d}{order:03d}"
    return first17 + check_digit(first17)


def write_xlsx(path, rows, title="坝上示范县常住人口基础台账"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def grid(users):
    return users["grid"].division


@pytest.fixture
def ledger(tmp_path, grid):
    """A household of three new residents, plus bad rows of every usual kind."""
    addr = f"{grid.parent.name}幸福路8号"
    rows = [
        HEADER,
        ["张建国", new_id(1), "138 0000 0001", addr, "张建国", "户主", "T-0001", grid.code, "在家"],
        ["李秀英", new_id(2, sex="female"), "+86 13900000002", addr, "张建国", "配偶", "T-0001", grid.code, "外出"],
        ["张小明", new_id(3, dt.date(2015, 6, 1)), "", addr, "张建国", "子", "T-0001", grid.code, ""],
        ["王坏号", new_id(4)[:-1] + ("0" if new_id(4)[-1] != "0" else "1"), "", addr, "", "", "", grid.code, ""],
        ["赵科学", "6.50102E+17", "", addr, "", "", "", grid.code, ""],
        ["", new_id(5), "", addr, "", "", "", grid.code, ""],
        ["钱无格", new_id(6), "", addr, "", "", "", "999999999999999", ""],
        ["孙重复", new_id(1), "", addr, "", "", "", grid.code, ""],
        ["周电话", new_id(7), "12345", addr, "", "", "", grid.code, "失联"],
    ]
    return write_xlsx(tmp_path / "台账.xlsx", rows)


def test_it_keeps_good_rows_and_reports_bad_ones_with_reasons(ledger, grid, users):
    batch = import_file(ledger, user=users["grid"])
    assert batch.status == BatchStatus.DONE
    assert (batch.rows, batch.imported, batch.updated, batch.duplicates, batch.rejected) == (9, 3, 0, 0, 6)
    reasons = {e["row"]: e["reasons"] for e in batch.errors}
    assert reasons == {
        6: ["身份证号校验码错误,请核对是否录入有误"],
        7: ["身份证号被表格软件存成了科学计数法(如4.10102E+17),数字已丢失,请核对原始数据"],
        8: ["姓名为空"],
        9: ["所属网格“999999999999999”不存在"],
        10: ["身份证号与第3行重复"],
        11: ["联系电话:手机号“12345”应为11位手机号或带区号的固定电话", "状态“失联”无法识别,应为在家、外出、已迁出、已故之一"],
    }
    head = Resident.objects.get(id_number=new_id(1))
    spouse = Resident.objects.get(id_number=new_id(2, sex="female"))
    child = Resident.objects.get(id_number=new_id(3, dt.date(2015, 6, 1)))
    assert (head.phone, head.sex, head.birth_date, head.grid) == ("13800000001", "male", dt.date(1985, 3, 1), grid)
    assert (spouse.phone, spouse.status, spouse.sex) == ("13900000002", "away", "female")
    assert (child.status, child.relation_to_head, child.name_initials) == ("present", "子", "zxm")
    household = Household.objects.get(code="T-0001")
    assert household.head_name == "张建国" and household.grid == grid
    assert set(household.members.all()) == {head, spouse, child}
    created = AuditLog.objects.filter(action=AuditAction.CREATE, object_type="registry.resident",
                                      object_id=str(head.pk)).get()
    assert (created.actor, created.source, created.verb) == (users["grid"], AuditSource.IMPORT, "import_residents")
    assert created.changes["id_number"] == [None, new_id(1)]
    assert created.division_path == grid.path
    assert AuditLog.objects.filter(action=AuditAction.CREATE, object_type="registry.household",
                                   object_id=str(household.pk)).exists()


def test_it_changes_nothing_when_the_same_file_is_imported_again(ledger, users):
    import_file(ledger, user=users["grid"])
    residents, households, audit_rows = Resident.objects.count(), Household.objects.count(), AuditLog.objects.count()
    again = import_file(ledger, user=users["grid"])
    assert (again.imported, again.updated, again.duplicates, again.rejected) == (0, 0, 3, 6)
    assert Resident.objects.count() == residents
    assert Household.objects.count() == households
    assert AuditLog.objects.count() == audit_rows
    first = Batch.objects.filter(kind="registry").order_by("pk").first()
    assert again.file_sha256 == first.file_sha256


def test_it_updates_a_changed_resident_with_before_and_after(tmp_path, grid, users):
    resident = Resident.objects.filter(grid=grid, phone__startswith="1").select_related("household").first()
    rows = [HEADER, [resident.name, resident.id_number, "13700000000", "", "", "", "", grid.code, "外出"]]
    batch = import_file(write_csv(tmp_path / "a.csv", rows), user=users["grid"])
    assert (batch.imported, batch.updated, batch.rejected) == (0, 1, 0)
    old_phone, old_status = resident.phone, resident.status
    resident.refresh_from_db()
    assert (resident.phone, resident.status) == ("13700000000", "away")
    assert resident.household is not None and resident.address  # blank cells erase nothing
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, object_type="registry.resident",
                                object_id=str(resident.pk)).get()
    expected = {"phone": [old_phone, "13700000000"]}
    if old_status != "away":
        expected["status"] = [old_status, "away"]
    assert row.changes == expected
    assert (row.actor, row.source) == (users["grid"], AuditSource.IMPORT)


def test_it_rejects_rows_outside_the_importers_division(tmp_path, users):
    village = users["village"]
    own_grid = village.division.children.first()
    other_grid = users["grid_other"].division
    stranger = Resident.objects.filter(grid=other_grid).first()
    rows = [
        HEADER,
        ["本村人", new_id(11), "", "本村1号", "", "", "", own_grid.code, ""],
        ["外村人", new_id(12), "", "外村1号", "", "", "", other_grid.code, ""],
        [stranger.name, stranger.id_number, "13711112222", "", "", "", "", own_grid.code, ""],
        ["借户人", new_id(13), "", "", "", "", stranger.household.code, own_grid.code, ""],
    ]
    batch = import_file(write_csv(tmp_path / "a.csv", rows), user=village)
    assert (batch.imported, batch.rejected) == (1, 3)
    assert {e["row"]: e["reasons"] for e in batch.errors} == {
        3: [f"网格“{other_grid.name}”不在您的管辖范围内"],
        4: ["该身份证号已登记在您管辖范围以外的网格,请联系所在辖区核实或迁移"],
        5: [f"户编号“{stranger.household.code}”属于另一网格,与所属网格不一致"],
    }
    stranger.refresh_from_db()
    assert stranger.phone != "13711112222"
    assert not Resident.objects.filter(id_number=new_id(12)).exists()


def test_it_accepts_grid_names_and_defaults_to_a_grid_workers_grid(tmp_path, grid, users):
    rows = [
        ["姓名", "身份证号", "所属网格"],
        ["甲", new_id(21), grid.name],
        ["乙", new_id(22), ""],
    ]
    batch = import_file(write_csv(tmp_path / "a.csv", rows, encoding="gbk"), user=users["grid"])
    assert (batch.imported, batch.rejected) == (2, 0)
    assert set(Resident.objects.filter(id_number__in=[new_id(21), new_id(22)]).values_list("grid", flat=True)) == {
        grid.pk
    }
    county_batch = import_file(write_csv(tmp_path / "b.csv", [["姓名", "身份证号"], ["丙", new_id(23)]]),
                               user=users["commander"])
    assert county_batch.errors == [{"row": 2, "reasons": ["所属网格为空"],
                                    "values": {"name": "丙", "id_number": new_id(23)}}]


def test_it_links_households_by_head_and_address(tmp_path, grid, users):
    rows = [
        ["姓名", "身份证号", "户主", "与户主关系", "现住址", "所属网格"],
        ["刘一", new_id(31), "刘一", "户主", "平安街1号", grid.code],
        ["陈二", new_id(32, sex="female"), "刘一", "配偶", "平安街1号", grid.code],
        ["刘三", new_id(33), "刘三", "户主", "平安街2号", grid.code],
    ]
    path = write_csv(tmp_path / "a.csv", rows)
    import_file(path, user=users["grid"])
    first = Resident.objects.get(id_number=new_id(31)).household
    assert Resident.objects.get(id_number=new_id(32, sex="female")).household == first
    assert Resident.objects.get(id_number=new_id(33)).household != first
    assert (first.head_name, first.address, first.grid) == ("刘一", "平安街1号", grid)
    households = Household.objects.count()
    import_file(path, user=users["grid"])
    assert Household.objects.count() == households


def test_it_links_an_existing_household_by_head_and_address(tmp_path, grid, users):
    household = Household.objects.filter(grid=grid).exclude(head_name="").first()
    rows = [["姓名", "身份证号", "户主", "现住址", "所属网格"],
            ["新成员", new_id(41), household.head_name, household.address, grid.code]]
    import_file(write_csv(tmp_path / "a.csv", rows), user=users["grid"])
    assert Resident.objects.get(id_number=new_id(41)).household == household


def test_it_refuses_users_who_may_not_edit_the_registry(ledger, users):
    with pytest.raises(PermissionDenied):
        import_file(ledger, user=users["cdc"])


def test_it_reports_a_file_without_the_required_columns(tmp_path, users):
    path = write_csv(tmp_path / "a.csv", [["姓名", "电话"], ["张三", "13800000000"]])
    with pytest.raises(CommandError, match="缺少必填列:身份证号"):
        call_command("import_residents", str(path), "--user", "grid")


def test_it_prints_json_from_the_command(ledger, grid):
    out = io.StringIO()
    call_command("import_residents", str(ledger), "--json", "--user", "grid", stdout=out)
    outcome = json.loads(out.getvalue())
    assert (outcome["status"], outcome["imported"], outcome["rejected"]) == ("done", 3, 6)
    assert outcome["errors"][0]["row"] == 6
    batch = Batch.objects.get(pk=outcome["batch"])
    assert batch.created_by.username == "grid" and batch.division == grid


def test_it_prints_a_summary_from_the_command(ledger):
    out = io.StringIO()
    call_command("import_residents", str(ledger), stdout=out)  # as the system: every grid allowed
    text = out.getvalue()
    assert "新增3" in text and "错误6" in text
    assert "第8行:姓名为空" in text


def test_it_writes_every_column_of_the_resident_table():
    from fangkong.registry.imports import _WRITTEN

    assert set(_WRITTEN) == {f.attname for f in Resident._meta.concrete_fields
                             if not f.primary_key and not f.generated}


def test_it_keeps_the_pinyin_of_a_renamed_resident_current(tmp_path, grid, users):
    resident = Resident.objects.filter(grid=grid).first()
    rows = [["姓名", "身份证号", "所属网格"], ["欧阳改名", resident.id_number, grid.code]]
    batch = import_file(write_csv(tmp_path / "a.csv", rows), user=users["grid"])
    assert batch.updated == 1
    resident.refresh_from_db()
    assert (resident.name, resident.name_initials, resident.name_pinyin) == ("欧阳改名", "oygm", "ouyanggaiming")
    assert resident.updated_at > batch.created_at


def test_it_reads_short_grid_names_inside_the_importers_village(tmp_path, users):
    village = users["village"]
    grids = list(village.division.children.order_by("code"))
    short = grids[0].name.removeprefix(village.division.name)  # 第1网格
    rows = [["姓名", "身份证号", "网格"], ["甲", new_id(71), short], ["乙", new_id(72), "第99网格"]]
    batch = import_file(write_csv(tmp_path / "a.csv", rows), user=village)
    assert Resident.objects.get(id_number=new_id(71)).grid == grids[0]
    assert batch.errors[0]["reasons"] == ["所属网格“第99网格”不存在"]
    county = import_file(write_csv(tmp_path / "b.csv", rows[:2]), user=users["commander"])
    assert county.rejected == 1 and "对应多个网格" in county.errors[0]["reasons"][0]


def test_it_imports_legacy_xls_files(grid, users):
    from pathlib import Path

    fixture = Path(__file__).parents[2] / "core" / "tests" / "fixtures" / "sample.xls"
    batch = import_file(fixture, user=users["grid"])
    assert (batch.imported, batch.rejected) == (2, 1)
    assert batch.errors[0]["row"] == 5 and "存成了数字" in batch.errors[0]["reasons"][0]
    second = Resident.objects.get(id_number="11010119900307731X")
    assert second.household.code == "H001" and second.phone == "13912345678" and second.grid == grid
