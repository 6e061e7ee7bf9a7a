"""Failed imports end cleanly: a 1 MB field is a rejected row or a failed batch with a Chinese
reason (no traceback, never "running"); a batch left running by a dead process is failed; an
empty database answers in Chinese; `--json` carries the failure and the CLI exits non-zero."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fangkong.core.models import Batch

pytestmark = pytest.mark.django_db

HUGE = "张" * (1024 * 1024 // 3 + 1)  # a 1 MB field (UTF-8)


@pytest.mark.parametrize(("kind", "header", "row", "extra"), [
    ("leads", "姓名,身份证号,手机号", f"{HUGE},110101199001010011,13800000000", ["--channel", "big_data"]),
    ("leads", "姓名,身份证号,手机号,地址", f"张三,110101199001010011,13800000000,{HUGE}", ["--channel", "big_data"]),
    ("residents", "姓名,身份证号,手机号,户编号,住址", f"{HUGE},110101199001010011,13800000000,H1,某地", []),
    ("results", "条码,检测结果", f"{HUGE},阴性", ["--lab", "县医院"]),
    ("risk_areas", "省,市,县(区),村(社区),风险等级,生效日期", f"北京市,北京市,朝阳区,{HUGE},高,2022-07-01", []),
])
def test_a_one_megabyte_field_is_a_clean_rejection(kind, header, row, extra, tmp_path, users, capsys):
    path = tmp_path / "名单.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    user = "lab" if kind == "results" else "commander"
    try:
        call_command("import", kind, str(path), "--user", user, "--json", *extra)
    except CommandError as exc:
        assert "Traceback" not in str(exc)
    out = json.loads(capsys.readouterr().out)
    batch = Batch.objects.get(pk=out["batch"])
    assert batch.status in ("done", "failed")
    if batch.status == "done":
        assert out["rejected"] == 1 and out["errors"][0]["reasons"]
    else:
        assert out["message"] and "Traceback" not in out["message"]
    assert "Traceback" not in batch.message and len(json.dumps(batch.errors)) < 100_000


@pytest.mark.parametrize("kind", ["leads", "residents"])
def test_a_one_megabyte_cell_of_an_xlsx_is_a_clean_rejection(kind, tmp_path, users, capsys):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号", "手机号", "户编号", "住址"])
    book.active.append([HUGE, "110101199001010011", "13800000000", "H1", HUGE])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    extra = ["--channel", "big_data"] if kind == "leads" else []
    try:
        call_command("import", kind, str(path), "--user", "commander", "--json", *extra)
    except CommandError:
        pass
    out = json.loads(capsys.readouterr().out)
    batch = Batch.objects.get(pk=out["batch"])
    assert batch.status in ("done", "failed") and "Traceback" not in batch.message
    assert out["rejected"] == 1 or batch.status == "failed"


def test_a_one_megabyte_option_is_refused_in_chinese(tmp_path, users, capsys):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,身份证号,手机号\n张三,110101199001010011,13800000000\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import", "leads", str(path), "--user", "commander", "--json", "--channel", "big_data",
                     "--source", HUGE)
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "failed" and "64" in out["message"] and "Traceback" not in str(refused.value)


def test_a_one_megabyte_source_through_the_api_is_a_400(users):
    from fangkong.core.testkit import api_client_for

    response = api_client_for(users["commander"]).post(
        "/api/screening/leads/ingest/", {"channel": "big_data", "source": HUGE, "rows": [{"name": "张三"}]},
        format="json")
    assert response.status_code == 400 and "source" in response.json()


def test_a_batch_left_running_by_a_dead_process_is_failed(users, county):
    import datetime as dt

    from django.utils import timezone

    from fangkong.core.imports import fail_stale_batches
    from fangkong.core.jobs import fail_stale_batches_task
    from fangkong.core.schedule import SCHEDULE

    now = timezone.now()
    dead = Batch.objects.create(kind="leads", division=county, status="running", heartbeat_at=now - dt.timedelta(hours=1))
    alive = Batch.objects.create(kind="leads", division=county, status="running", heartbeat_at=now)
    assert fail_stale_batches_task.call() == 1
    dead.refresh_from_db(), alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running") and "中断" in dead.message and dead.finished_at
    assert fail_stale_batches(now + dt.timedelta(hours=1)) == 1  # later, the live one's heartbeat is old too
    assert "fangkong.core.jobs.fail_stale_batches_task" in {p.task for p in SCHEDULE}


def test_progress_keeps_a_running_batchs_heartbeat(tmp_path, users, capsys):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,身份证号,手机号\n张三,110101199001010011,13800000000\n", encoding="utf-8")
    call_command("import", "leads", str(path), "--user", "commander", "--json", "--channel", "big_data")
    assert Batch.objects.get(pk=json.loads(capsys.readouterr().out)["batch"]).heartbeat_at is not None


def test_an_empty_database_answers_in_chinese(users):
    from fangkong.core.choices import DivisionLevel
    from fangkong.core.identity import InvalidValue
    from fangkong.core.models import Division
    from fangkong.screening.routing import Router

    Division.objects.filter(level=DivisionLevel.COUNTY).update(level=DivisionLevel.CITY)  # no county now
    with pytest.raises(InvalidValue, match="尚未建立行政区划"):
        Router.load()


def test_the_cli_exits_non_zero_with_the_failure_in_its_json(tmp_path, users, capsys, monkeypatch):
    from django.db import connections

    from fangkong.cli import main

    monkeypatch.setattr(connections, "close_all", lambda: None)  # run_from_argv's, not the test's

    path = tmp_path / "名单.csv"
    path.write_text("甲,乙\n1,2\n", encoding="utf-8")  # no header it knows
    with pytest.raises(SystemExit) as exited:
        main(["fangkong", "import", "leads", str(path), "--json", "--channel", "big_data"])
    assert exited.value.code not in (0, None)
    captured = capsys.readouterr()
    out = json.loads(captured.out.strip().splitlines()[-1])
    assert out["status"] == "failed" and "表头" in out["message"] and "Traceback" not in captured.err
    assert Batch.objects.get(pk=out["batch"]).status == "failed"
