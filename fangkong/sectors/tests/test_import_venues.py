"""`fangkong import venues FILE [--json]` / `fangkong import-venues FILE [--json]`: the one import
framework's JSON result, sector names as people write them, re-imports that change nothing, the
same venue by its credit code, bad credit codes and grids out of scope refused in Chinese."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fangkong.cli import main as fangkong
from fangkong.core.choices import AuditAction
from fangkong.core.imports import batch_result
from fangkong.core.models import AuditLog, Batch
from fangkong.core.testkit import client_for, last_audit_id
from fangkong.sectors.models import Venue

from .factories import credit_code

pytestmark = pytest.mark.django_db

HEADER = "场所名称,统一社会信用代码,行业类别,经营地址,所属网格,负责人,联系电话,监管单位,行业责任人,核定人数\n"
C1, C2, C3, C4 = (credit_code(n) for n in (1, 2, 3, 4))
BAD = C1[:17] + ("0" if C1[17] != "0" else "1")  # the check character changed


def _file(tmp_path, body: str, name: str = "场所.csv"):
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _rows(grid: str) -> str:
    return (f"金嗓子KTV,{C1},ktv,测试路1号,{grid},张三,13800000001,县文旅局,李四,120\n"
            f"星光娱乐,{C2},KTV娱乐,测试路2号,{grid},王五,13800000002,县文旅局,李四,80\n"
            f"老街歌舞厅,{C3},歌舞厅,测试路3号,{grid},赵六,,县文旅局,李四,\n"
            f"洁美汽车美容,{C4},汽车美容,测试路4号,{grid},钱七,,县市场监管局,孙八,10\n"
            f"假代码网吧,{BAD},网吧,测试路5号,{grid},周九,,县文旅局,李四,50\n"
            f"短代码网吧,91411000MA0001,网吧,测试路6号,{grid},吴十,,县文旅局,李四,50\n"
            f",{credit_code(5)},网吧,测试路7号,{grid},,,,,\n")


def _run(capsys, path, *args: str, alias: bool = False) -> dict:
    if alias:
        call_command("import_venues", str(path), "--json", *args)
    else:
        call_command("import", "venues", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_it_imports_a_list_with_the_json_shape_of_import_leads(tmp_path, users, capsys):
    grid = users["grid"].division
    out = _run(capsys, _file(tmp_path, _rows(grid.code)), "--user", "regulator")
    assert set(out) == set(batch_result(Batch(kind="leads")))  # the one JSON result, as import-leads prints it
    assert (out["kind"], out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (
        "venues", "done", 7, 4, 0, 3)
    reasons = {e["row"]: e["reasons"] for e in out["errors"]}
    assert sorted(reasons) == [6, 7, 8]
    assert "统一社会信用代码" in reasons[6][0] and "校验位" in reasons[6][0]
    assert "应为18位" in reasons[7][0]
    assert reasons[8] == ["场所名称为空"]
    venues = {v.credit_code: v for v in Venue.objects.filter(credit_code__in=[C1, C2, C3, C4]).select_related("sector")}
    assert [venues[c].sector.name for c in (C1, C2, C3)] == ["KTV", "KTV", "KTV"]  # ktv, KTV娱乐, 歌舞厅
    assert venues[C4].sector.code == "other"
    assert "第5行" in out["message"] and "汽车美容" in out["message"] and "其他" in out["message"]
    assert Batch.objects.get(pk=out["batch"]).options["warnings"] == [
        {"row": 5, "reason": "行业“汽车美容”未能识别，已按“其他”登记"}]
    assert venues[C1].grid == grid and venues[C1].capacity == 120 and venues[C3].capacity is None
    assert AuditLog.objects.filter(action=AuditAction.CREATE, verb="import_venue", actor=users["regulator"]).count() == 4


def test_it_changes_nothing_when_the_same_file_is_imported_again(tmp_path, users, capsys):
    path = _file(tmp_path, _rows(users["grid"].division.code))
    first = _run(capsys, path, "--user", "regulator")
    count, audit_before = Venue.objects.count(), last_audit_id()
    again = _run(capsys, path, "--user", "regulator", alias=True)
    assert (again["imported"], again["updated"], again["duplicates"], again["rejected"]) == (0, 0, 4, 3)
    assert again["errors"] == first["errors"]
    assert Venue.objects.count() == count
    assert not AuditLog.objects.filter(id__gt=audit_before, action__in=[AuditAction.CREATE, AuditAction.UPDATE]).exists()


def test_it_knows_a_venue_by_its_credit_code(tmp_path, users, capsys):
    grid = users["grid"].division
    _run(capsys, _file(tmp_path, _rows(grid.code)), "--user", "regulator")
    renamed = _file(tmp_path, f"金嗓子量贩KTV,{C1.lower()},KTV,测试路1号,{grid.name},张三,13800000001,县文旅局,李四,150\n",
                    name="改名.xlsx.csv")
    out = _run(capsys, renamed, "--user", "regulator")
    assert out["errors"] == []
    assert (out["imported"], out["updated"], out["duplicates"]) == (0, 1, 0)
    venue = Venue.objects.get(credit_code=C1)
    assert (venue.name, venue.capacity) == ("金嗓子量贩KTV", 150)
    row = AuditLog.objects.filter(action=AuditAction.UPDATE, verb="import_venue").latest("id")
    assert row.changes["name"] == ["金嗓子KTV", "金嗓子量贩KTV"] and row.object_id == str(venue.pk)


def test_it_refuses_grids_outside_the_importers_division(tmp_path, users, capsys):
    other = users["grid_other"].division
    out = _run(capsys, _file(tmp_path, f"外乡网吧,{C1},网吧,测试路1号,{other.code},,,,,\n"), "--user", "township")
    assert (out["imported"], out["rejected"]) == (0, 1)
    assert out["errors"][0]["reasons"] == [f"网格“{other.name}”不在您的管辖范围内"]
    out = _run(capsys, _file(tmp_path, f"无网格网吧,{C1},网吧,测试路1号,火星第9网格,,,,,\n"), "--user", "township")
    assert out["errors"][0]["reasons"] == ["所属网格“火星第9网格”不存在"]


def test_it_refuses_a_role_that_may_not_import_venues(tmp_path, users, capsys):
    with pytest.raises(CommandError):
        _run(capsys, _file(tmp_path, _rows(users["grid"].division.code)), "--user", "grid")
    assert not Venue.objects.filter(credit_code=C1).exists()


def test_the_hyphenated_command_is_the_alias(tmp_path, users, capsys):
    path = _file(tmp_path, _rows(users["grid"].division.code))
    fangkong(["fangkong", "import-venues", str(path), "--json", "--user", "commander"])
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["imported"], out["rejected"]) == ("venues", 4, 3)


def test_the_page_imports_an_upload_and_shows_warnings_and_errors(tmp_path, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(users["regulator"])
    upload = SimpleUploadedFile("场所.csv", (HEADER + _rows(users["grid"].division.code)).encode())
    response = client.post(reverse("sectors:venue_import"), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "新增4" in page and "汽车美容" in page and "场所名称为空" in page
    assert client_for(users["grid"]).get(reverse("sectors:venue_import")).status_code == 403
