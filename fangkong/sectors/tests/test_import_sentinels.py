"""`fangkong import sentinel-sales FILE [--json]` and `POST /api/sectors/sentinel-sales/`: the one
JSON result, drug names mapped to the catalogue's classes, bad rows refused with their row and a
Chinese reason, a re-import that adds nothing, buyers merged into the persons they already are."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from fangkong.core.imports import batch_result
from fangkong.core.models import AuditItem, AuditLog, Batch
from fangkong.core.testkit import api_client_for
from fangkong.screening.choices import Channel
from fangkong.screening.intake import LeadInput, ingest
from fangkong.screening.models import Lead, Person
from fangkong.sectors.choices import DrugClass, SentinelKind
from fangkong.sectors.models import SentinelCount, SentinelRecord

from .factories import make_venue

pytestmark = pytest.mark.django_db

HEADER = "药店名称,类型,药品名称,药品类别,数量,购药人姓名,身份证号码,联系电话,现住址,购药时间,体温\n"
KNOWN_ID = "110105199001011232"


def _body(pharmacy, clinic) -> str:
    return (f"{pharmacy.credit_code},购药,芬必得,,2,王小明,{KNOWN_ID},13912345678,城关镇,2026-12-01 09:30,\n"
            f"康民大药房,,奥司他韦胶囊,,1,李芳,,13800001111,,2026-12-01 10:00,\n"
            f"康民大药房,,阿莫仙,,1,赵强,,13800002222,,2026/12/01 10:05,\n"
            f"康民大药房,,某某牌咳嗽片,止咳,1,钱多,,13800003333,,2026-12-01 11:00,\n"
            f"康民大药房,,维生素C,,1,孙五,,13800004444,,2026-12-01 11:30,\n"
            f"不存在大药房,,布洛芬,,1,周六,,13800005555,,2026-12-01 12:00,\n"
            f"康民大药房,,布洛芬,,1,吴七,4101,,,2026-12-01 12:30,\n"
            f"{clinic.name},发热门诊,,,,郑八,,13800006666,,2026-12-01 13:00,38.5\n"
            f"康民大药房,,布洛芬,,1,冯九,,13800007777,,,\n")


def _file(tmp_path, users):
    grid = users["grid"].division
    pharmacy = make_venue(grid, "pharmacy", name="康民大药房")
    clinic = make_venue(grid, "medical", name="城关镇卫生院发热门诊")
    path = tmp_path / "哨点.csv"
    path.write_text(HEADER + _body(pharmacy, clinic), encoding="utf-8")
    return path, pharmacy, clinic


def _run(capsys, path, *args: str) -> dict:
    call_command("import", "sentinel-sales", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_it_imports_sales_with_the_one_json_shape_and_maps_drugs_to_classes(tmp_path, users, capsys):
    known = ingest([LeadInput(name="王小明", id_number=KNOWN_ID, phone="13912345678")], channel=Channel.BIG_DATA)
    path, pharmacy, clinic = _file(tmp_path, users)
    out = _run(capsys, path, "--user", "regulator")
    assert set(out) == set(batch_result(Batch(kind="leads")))
    assert (out["kind"], out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (
        "sentinel_sales", "done", 9, 5, 0, 4)
    reasons = {e["row"]: " ".join(e["reasons"]) for e in out["errors"]}
    assert "维生素C" in reasons[6] and "不在四类药品目录中" in reasons[6]
    assert "不存在大药房" in reasons[7] and "不存在或不在您的管辖范围内" in reasons[7]
    assert "身份证号" in reasons[8]
    assert "购药/就诊时间为空" in reasons[10]
    classes = dict(SentinelRecord.objects.values_list("name", "drug_class"))
    assert classes == {"王小明": DrugClass.FEVER, "李芳": DrugClass.ANTIVIRAL, "赵强": DrugClass.ANTIBIOTIC,
                       "钱多": DrugClass.COUGH, "郑八": ""}
    visit = SentinelRecord.objects.get(name="郑八")
    assert (visit.kind, visit.venue, str(visit.temperature)) == (SentinelKind.FEVER_CLINIC, clinic, "38.5")
    # The known buyer is the same person; everyone became a sentinel lead with a task.
    assert SentinelRecord.objects.get(name="王小明").person_id == known.leads[0].person_id
    assert Person.objects.filter(id_number=KNOWN_ID).count() == 1
    assert Lead.objects.filter(channel=Channel.SENTINEL).count() == 5
    assert not SentinelRecord.objects.filter(verification=None).exists()
    assert sum(SentinelCount.objects.filter(venue_id=pharmacy.pk).values_list("n", flat=True)) == 4
    batch = Batch.objects.get(pk=out["batch"])
    # Audited like a lead list: the batch's row with the counts, each new person and task an item.
    entry = AuditLog.objects.get(verb="import_sentinel_sales", object_id=str(batch.pk))
    assert (entry.changes["imported"], entry.changes["rejected"]) == (5, 4)
    assert AuditItem.objects.filter(object_type="screening.verification").count() == 4  # 王小明 had one open
    assert SentinelRecord.objects.filter(batch=batch).count() == 5

    again = _run(capsys, path, "--user", "regulator")
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 5, 4)
    assert SentinelRecord.objects.count() == 5 and Lead.objects.filter(channel=Channel.SENTINEL).count() == 5
    assert sum(SentinelCount.objects.values_list("n", flat=True)) == 5


def test_a_sentinel_outside_the_importers_scope_is_refused(tmp_path, users, capsys):
    path, _pharmacy, _clinic = _file(tmp_path, users)
    from fangkong.core.testkit import make_user

    make_user("reg_other", users["village_other"].division, "sector_regulator")
    out = _run(capsys, path, "--user", "reg_other")
    assert out["imported"] == 0 and out["rejected"] == 9
    assert not SentinelRecord.objects.exists()


def test_a_grid_worker_may_not_import(tmp_path, users, capsys):
    path, _pharmacy, _clinic = _file(tmp_path, users)
    with pytest.raises(Exception, match="权限"):
        _run(capsys, path, "--user", "grid")
    assert not SentinelRecord.objects.exists()


def test_a_pharmacy_system_posts_a_list_as_one_batch(users):
    pharmacy = make_venue(users["grid"].division, "pharmacy", name="惠民药房")
    rows = [{"sentinel": pharmacy.credit_code, "drug": "连花清瘟胶囊", "name": f"顾客{i}", "phone": f"1360000{i:04d}",
             "occurred_at": f"2026-12-02 0{i}:10"} for i in range(1, 4)]
    rows.append({"sentinel": pharmacy.credit_code, "drug": "保健品", "name": "顾客9", "phone": "13600009999",
                 "occurred_at": "2026-12-02 09:00"})
    client = api_client_for(users["regulator"])
    response = client.post("/api/sectors/sentinel-sales/", {"rows": rows}, format="json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["imported"], out["rejected"], out["errors"][0]["row"]) == (3, 1, 4)
    assert "不在四类药品目录中" in out["errors"][0]["reasons"][0]
    assert client.post("/api/sectors/sentinel-sales/", {"rows": rows}, format="json").json()["duplicates"] == 3
    assert client.post("/api/sectors/sentinel-sales/", {"rows": []}, format="json").status_code == 400
    lab = api_client_for(users["lab"])
    assert lab.post("/api/sectors/sentinel-sales/", {"rows": rows}, format="json").status_code == 403
    assert SentinelRecord.objects.count() == 3


def test_small_chunks_give_the_same_result_and_duplicates_count(tmp_path, users, capsys, monkeypatch):
    """Chunks of two rows: the same counts and reasons by row; a row repeated in the file, or imported by an earlier file, is a
    duplicate; a buyer known by ID number is merged into their person."""
    from fangkong.sectors.sentinel import imports

    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    known = ingest([LeadInput(name="王小明", id_number=KNOWN_ID, phone="13912345678")], channel=Channel.BIG_DATA)
    path, pharmacy, _clinic = _file(tmp_path, users)
    first = path.read_text(encoding="utf-8").splitlines()[1]
    path.write_text(path.read_text(encoding="utf-8") + first + "\n", encoding="utf-8")  # row 11 repeats row 2
    out = _run(capsys, path, "--user", "regulator")
    assert (out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (10, 5, 1, 4)
    assert sorted(e["row"] for e in out["errors"]) == [6, 7, 8, 10]
    assert "身份证号" in " ".join(next(e for e in out["errors"] if e["row"] == 8)["reasons"])
    assert SentinelRecord.objects.get(name="王小明").person_id == known.leads[0].person_id

    later = tmp_path / "哨点2.csv"
    later.write_text(HEADER + first + "\n" + f"{pharmacy.credit_code},购药,布洛芬,,1,陈新,,13700001111,,2026-12-02 09:00,\n",
                     encoding="utf-8")
    again = _run(capsys, later, "--user", "regulator")
    assert (again["rows"], again["imported"], again["duplicates"], again["rejected"]) == (2, 1, 1, 0)
    assert SentinelRecord.objects.count() == 6
