"""`fangkong import checkpoint-registrations FILE [--json]`: the province's checkpoint lists in
bulk, the one JSON result (rows, imported, duplicates, rejected, errors with row and Chinese
reasons), arrivals from risk areas as leads of channel 卡口登记, and a re-import that adds nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.core import audit
from fangkong.core.imports import batch_result
from fangkong.core.models import AuditItem, AuditLog, Batch
from fangkong.screening.choices import Channel
from fangkong.screening.models import Lead, Verification
from fangkong.sectors.models import PersonCheck, VehicleCheck

from .factories_checkpoints import make_checkpoint, make_risk_area, outsider_id

pytestmark = pytest.mark.django_db

HEADER = "卡口名称,核查时间,姓名,身份证号码,联系电话,来源地,目的地,网格编码,健康码,行程卡,核酸结果,车牌,车型,途经地,过境\n"


def _file(tmp_path, users, name: str = "卡口.csv"):
    grid = users["grid"].division
    cp = make_checkpoint(grid, name="东门卡口")
    make_risk_area("上海市", "", "浦东新区")
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    ids = [outsider_id(n) for n in (901, 902, 903, 904)]
    rows = [
        f"东门卡口,{at},甲测试,{ids[0]},13900000011,上海市浦东新区,宾馆,{grid.code},绿码,正常,阴性,浙A11111,小车,,否",
        f"东门卡口,{at},乙测试,{ids[1]},,上海市浦东新区,宾馆,{grid.code},绿,带星,阴性,浙A11111,小车,,否",
        f"东门卡口,{at},丙测试,{ids[2]},,江苏省南京市,,,绿码,正常,无,,,,",
        f"东门卡口,{at},,,,,,,,,,苏E22222,货车,江苏省南京市,是",
        f"东门卡口,{at},丁测试,110105198501010010,,江苏省南京市,,,绿码,正常,阴性,,,,",  # check digit wrong
        f"西门卡口,{at},戊测试,{ids[3]},,江苏省南京市,,,绿码,正常,阴性,,,,",  # no such checkpoint
        f"东门卡口,{at},己测试,,,江苏省南京市,,,紫码,正常,阴性,,,,",  # no ID, no phone; unknown colour
        f"东门卡口,,庚测试,{ids[3]},,江苏省南京市,,,绿码,正常,阴性,,,,",  # no time
    ]
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path, cp


def _run(capsys, path, *args: str) -> dict:
    call_command("import", "checkpoint-registrations", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_it_imports_a_list_with_the_one_json_shape(tmp_path, users, capsys):
    path, cp = _file(tmp_path, users)
    out = _run(capsys, path, "--user", "township")
    assert set(out) == set(batch_result(Batch(kind="leads")))
    assert (out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == ("done", 8, 4, 0, 4)
    reasons = {e["row"]: " ".join(e["reasons"]) for e in out["errors"]}
    assert "校验" in reasons[6]
    assert "卡口“西门卡口”不存在" in reasons[7]
    assert "健康码“紫码”无法识别" in reasons[8] and "身份证号和手机号至少填写一项" in reasons[8]
    assert "登记时间为空" in reasons[9]
    assert "110105198501010010" not in json.dumps(out, ensure_ascii=False)  # no personal values

    assert VehicleCheck.objects.filter(checkpoint_id=cp.pk).count() == 2
    car = VehicleCheck.objects.get(plate="浙A11111")
    assert car.occupants == 2
    truck = VehicleCheck.objects.get(plate="苏E22222")
    assert truck.transit == "in_transit" and truck.vehicle_type == "truck"
    people = PersonCheck.objects.filter(checkpoint_id=cp.pk)
    assert people.count() == 3 and people.filter(vehicle_id=car.pk).count() == 2
    risky = people.filter(from_risk=True)
    assert risky.count() == 2
    leads = Lead.objects.filter(pk__in=risky.values("lead_id"))
    assert leads.count() == 2 and set(leads.values_list("channel", flat=True)) == {Channel.CHECKPOINT}
    grid = users["grid"].division
    assert set(Verification.objects.filter(pk__in=leads.values("verification_id"))
               .values_list("division_id", flat=True)) == {grid.pk}
    batch = Batch.objects.get(pk=out["batch"])
    assert AuditLog.objects.filter(verb="import_checkpoint_list", object_id=str(batch.pk)).exists()
    # The rows carry their batch: no item each; a row's history shows the import that brought it.
    assert not AuditItem.objects.filter(object_type__in=["sectors.personcheck", "sectors.vehiclecheck"]).exists()
    village = car.division.path[:audit.ITEM_ENTRY_PATH_LENGTH]
    entry = AuditLog.objects.get(verb="import_checkpoint_registrations", object_id=str(batch.pk),
                                 division_path=village)
    assert entry.changes["objects"] == {"sectors.vehiclecheck": 2, "sectors.personcheck": 3}
    history = audit.about(AuditLog.objects.all(), "sectors.personcheck", people.filter(vehicle_id=car.pk)[0].pk)
    assert set(history.values_list("verb", flat=True)) >= {"import_checkpoint_registrations", "import_checkpoint_list"}
    assert not history.exclude(object_id=str(batch.pk)).exists()


def test_a_reimport_adds_nothing(tmp_path, users, capsys):
    path, cp = _file(tmp_path, users)
    _run(capsys, path, "--user", "township")
    before = (VehicleCheck.objects.count(), PersonCheck.objects.count(), Lead.objects.count())
    again = _run(capsys, path, "--user", "township")
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 4, 4)
    assert (VehicleCheck.objects.count(), PersonCheck.objects.count(), Lead.objects.count()) == before


def test_rows_of_a_checkpoint_out_of_scope_are_refused(tmp_path, users, capsys):
    path, cp = _file(tmp_path, users)
    out = _run(capsys, path, "--user", "grid_other")
    assert out["imported"] == 0
    assert any("不在您的管辖范围内" in " ".join(e["reasons"]) for e in out["errors"])


def test_small_blocks_a_row_twice_and_a_known_person(tmp_path, users, capsys, monkeypatch):
    """Blocks of three rows (cleaned column by column): the same counts and reasons by row. A row
    written again with its time in another form is a duplicate; an arrival from a risk area whose
    ID number is already a person's becomes a lead of that person."""
    from fangkong.screening.intake import LeadInput, ingest
    from fangkong.sectors import imports_checkpoints

    monkeypatch.setattr(imports_checkpoints, "CHUNK", 3)
    known_id = outsider_id(905)
    known = ingest([LeadInput(name="辛测试", id_number=known_id, phone="13900000099")], channel=Channel.BIG_DATA)
    path, cp = _file(tmp_path, users)
    at = timezone.localtime()
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[3].replace(at.strftime("%Y-%m-%d %H:%M"), at.strftime("%Y/%m/%d %H:%M")))  # row 10 = row 4
    lines.append(f"东门卡口,{at:%Y-%m-%d %H:%M},辛测试,{known_id},,上海市浦东新区,宾馆,,绿码,正常,阴性,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _run(capsys, path, "--user", "township")
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (10, 5, 1, 4)
    reasons = {e["row"]: " ".join(e["reasons"]) for e in out["errors"]}
    assert sorted(reasons) == [6, 7, 8, 9] and "校验" in reasons[6] and "登记时间为空" in reasons[9]
    check = PersonCheck.objects.get(id_number=known_id)
    assert check.from_risk and Lead.objects.get(pk=check.lead_id).person_id == known.leads[0].person_id


def test_block_passages_are_the_per_row_passages(tmp_path, users):
    """`Rows.passages` (column-wise, over `Table.blocks`) gives each row what the per-row path
    `Rows.passage` gives it: the same passage, or the same reasons in the same words."""
    from fangkong.core.imports import read_table
    from fangkong.screening.routing import Router
    from fangkong.sectors.checkpoint_cleaning import COLUMNS
    from fangkong.sectors.imports_checkpoints import Rows

    path, _cp = _file(tmp_path, users)
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    odd = [
        f" 东门卡口 ,{at},ＡＢ测试,,=\"13900000012\",上海市浦东新区,宾馆,,绿码,正常,阴性,浙Ａ１２３４５,小车,,否",
        ",,,,,,,,,,,,,,",
        "东门卡口",
        f"东门卡口,{at},,,,,,,,,,,,,",  # neither person nor plate
        f"东门卡口,{at},壬测试,,,,,不存在网格,,,,,,,",  # no ID or phone; unknown grid
        f"东门卡口,{at},癸测试,,13900000013,江苏省南京市,,,,,,,,,'否",
        f"东门卡口,{at},,,,,,,,,,苏E33333,货车,江苏省南京市、上海市浦东新区,是",
    ]
    data = (path.read_text(encoding="utf-8") + "\n".join(odd) + "\n").encode()
    rows = Rows(users["township"], Router.load(), set(read_table(data, "x.csv", COLUMNS).mapping))
    expected = [(n, rows.passage(n, raw)) for n, raw in read_table(data, "x.csv", COLUMNS)]
    got = [(n, p) for numbers, columns in read_table(data, "x.csv", COLUMNS).blocks(3)
           for n, p in zip(numbers, rows.passages(numbers, columns), strict=True)]
    assert got == expected
    assert sum(isinstance(p, list) for _, p in got) == 7 and len(got) == 14  # the blank row skipped


def test_a_rows_history_shows_its_import_and_its_own_villages_entry(tmp_path, users, capsys):
    """The registrations carry their batch, so they are audited by it: one entry per village (with
    the counts) and no item per row; `audit.about` finds a row's import through its batch."""
    from fangkong.core.accounts import audit_log_for
    from fangkong.core.choices import Role
    from fangkong.core.models import Division
    from fangkong.core.testkit import make_user

    grids = list(Division.objects.filter(level="grid").order_by("path"))
    east, west = grids[0], next(g for g in grids if g.path[:12] != grids[0].path[:12])
    make_checkpoint(east, name="东卡口")
    make_checkpoint(west, name="西卡口")
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    path = tmp_path / "两村.csv"
    make_risk_area("上海市", "", "浦东新区")
    path.write_text(HEADER + f"东卡口,{at},甲测试,{outsider_id(911)},,上海市浦东新区,,{east.code},绿码,正常,阴性,浙A10001,小车,,否\n"
                             f"西卡口,{at},乙测试,{outsider_id(912)},,江苏省南京市,,,绿码,正常,阴性,,,,\n", encoding="utf-8")
    out = _run(capsys, path, "--user", "commander")
    assert out["imported"] == 2
    assert not AuditItem.objects.filter(object_type__in=["sectors.personcheck", "sectors.vehiclecheck"]).exists()
    entries = AuditLog.objects.filter(verb="import_checkpoint_registrations", object_id=str(out["batch"]))
    assert {e.division_path: e.changes["objects"] for e in entries} == {
        east.path[:12]: {"sectors.vehiclecheck": 1, "sectors.personcheck": 1},
        west.path[:12]: {"sectors.personcheck": 1}}

    mine = PersonCheck.objects.get(checkpoint__division=east)
    history = audit.about(AuditLog.objects.all(), "sectors.personcheck", mine.pk)
    assert {(e.verb, e.division_path) for e in history if e.verb == "import_checkpoint_registrations"} == {
        ("import_checkpoint_registrations", east.path[:12])}
    assert history.filter(verb="import_checkpoint_list").exists()
    assert not history.filter(verb="import_leads").exists()  # the entry of the persons this list brought
    assert AuditLog.objects.filter(verb="import_leads", object_id=str(out["batch"]), division_path=east.path[:12]).exists()
    car = VehicleCheck.objects.get(plate="浙A10001")
    assert audit.about(AuditLog.objects.all(), "sectors.vehiclecheck", car.pk).filter(
        verb="import_checkpoint_registrations", division_path=east.path[:12]).exists()
    # An auditor of the other village reads nothing of this row's history.
    auditor = make_user("west_auditor", west.parent, Role.AUDITOR)
    assert not audit.about(audit_log_for(auditor), "sectors.personcheck", mine.pk).exists()
    # A row entered at the screen carries no batch: only its own audit rows.
    assert not audit.about(AuditLog.objects.all(), "sectors.personcheck", 10**9).exists()
