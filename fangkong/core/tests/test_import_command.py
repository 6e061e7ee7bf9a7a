"""`fangkong import KIND FILE [--json]`: every registered kind through the one lifecycle and the
one JSON result (the aliases import_leads and import_residents are tested with their kinds)."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core.imports import kinds
from fangkong.core.models import Batch

pytestmark = pytest.mark.django_db


def test_it_knows_the_platforms_kinds():
    assert {"leads", "residents", "results", "key_group_members", "risk_areas"} <= set(kinds())


def test_it_imports_lab_results_and_names_unknown_barcodes(tmp_path, users, capsys):
    path = tmp_path / "结果.csv"
    path.write_text("条码,检测结果\nZ0001,阴性\n,阳性\n", encoding="utf-8")
    call_command("import", "results", str(path), "--lab", "县医院", "--user", "lab", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["kind"], out["status"], out["rejected"]) == ("lab_result", "done", 1)
    assert [(e["row"], "Z0001" in e["reasons"][0]) for e in out["errors"]] == [(3, False), (2, True)]
    assert Batch.objects.get(pk=out["batch"]).source == "县医院"


def test_it_imports_a_risk_area_list(tmp_path, users, capsys):
    path = tmp_path / "areas.csv"
    path.write_text("省,市,县(区),村(社区),风险等级,生效日期\n北京市,北京市,朝阳区,某小区,高,2022-07-01\n"
                    "上海市,上海市,浦东新区,,极高,2022-07-01\n", encoding="utf-8")
    call_command("import", "risk_areas", str(path), "--user", "commander", "--json")
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["imported"], out["rejected"]) == ("done", 1, 1)
    assert "极高" in out["errors"][0]["reasons"][0]


def test_it_refuses_a_role_that_may_not_import_the_kind(tmp_path, users, capsys):
    path = tmp_path / "areas.csv"
    path.write_text("省,风险等级,生效日期\n北京市,高,2022-07-01\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import", "risk_areas", str(path), "--user", "grid", "--json")
    assert json.loads(capsys.readouterr().out)["status"] == "failed"
    assert not Batch.objects.filter(kind="risk_areas").exists()
