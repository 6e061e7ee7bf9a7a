"""`fangkong import return-reports FILE [--json]`: an employer's list of returning staff (返岗人员),
each row a return report with its receipt; re-importing adds nothing; bad rows and destinations
out of scope refused in Chinese; the page does the same."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from fangkong.cli import main as fangkong
from fangkong.control.choices import RiskLevel
from fangkong.control.tests.factories import area, standard_policy
from fangkong.core.imports import batch_result
from fangkong.core.models import AuditLog, Batch
from fangkong.core.testkit import client_for

from ..choices import ReporterKind
from ..models import ReturnReport

pytestmark = pytest.mark.django_db

HEADER = "姓名,身份证号,手机号,出发省,出发市,出发县区,预计到达时间,目的地,目的地地址,用工单位\n"


def _file(tmp_path, users, name: str = "返岗.csv"):
    grid, other = users["grid"].division, users["grid_other"].division
    when = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%d 10:00")
    past = (timezone.localtime() - dt.timedelta(days=5)).strftime("%Y-%m-%d 10:00")
    body = (f"张返岗,,13811110001,河北省,石家庄市,藁城区,{when},{grid.name},幸福路1号,县纺织厂\n"
            f"李返岗,,13811110002,广东省,广州市,天河区,{when},{grid.code},幸福路2号,县纺织厂\n"
            f"王返岗,,13811110003,河北省,石家庄市,藁城区,{past},{grid.name},幸福路3号,县纺织厂\n"
            f"赵返岗,,123,河北省,石家庄市,藁城区,{when},{grid.name},幸福路4号,县纺织厂\n"
            f"钱返岗,,13811110005,河北省,石家庄市,藁城区,{when},{other.name},幸福路5号,县纺织厂\n"
            f"孙返岗,,13811110006,,石家庄市,藁城区,{when},不存在的村,幸福路6号,县纺织厂\n")
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture
def policy():
    area(RiskLevel.HIGH, timezone.localdate() - dt.timedelta(days=3))
    return standard_policy()


def _run(capsys, path, *args: str) -> dict:
    call_command("import", "return-reports", str(path), "--json", *args)
    return json.loads(capsys.readouterr().out)


def test_it_files_each_row_with_its_receipt_and_rejects_bad_rows(tmp_path, users, capsys, policy):
    out = _run(capsys, _file(tmp_path, users), "--user", "village")
    assert set(out) == set(batch_result(Batch(kind="leads")))  # the one JSON result
    assert (out["kind"], out["status"], out["rows"], out["imported"], out["duplicates"], out["rejected"]) == (
        "return_reports", "done", 6, 2, 0, 4)
    reasons = {e["row"]: "；".join(e["reasons"]) for e in out["errors"]}
    assert "到达时间已过" in reasons[4]
    assert "手机号" in reasons[5]
    assert "不在您的管辖范围内" in reasons[6]
    assert "出发省为空" in reasons[7]
    zhang = ReturnReport.objects.get(name="张返岗")
    assert zhang.filed_by == ReporterKind.EMPLOYER and zhang.employer == "县纺织厂"
    assert zhang.risk_level == "high" and any("集中隔离" in line for line in zhang.instructions)
    assert ReturnReport.objects.get(name="李返岗").risk_level == "none"
    assert AuditLog.objects.filter(verb="import_return_reports").exists()


def test_reimporting_the_file_adds_nothing(tmp_path, users, capsys, policy):
    path = _file(tmp_path, users)
    _run(capsys, path, "--user", "village")
    again = _run(capsys, path, "--user", "village")
    assert (again["imported"], again["duplicates"], again["rejected"]) == (0, 2, 4)
    assert ReturnReport.objects.count() == 2


def test_the_fangkong_command_takes_the_hyphenated_kind(tmp_path, users, capsys, policy):
    fangkong(["fangkong", "import", "return-reports", str(_file(tmp_path, users)), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == 3  # as the system: every destination of the county is in scope
    assert out["rejected"] == 3


def test_the_page_imports_a_list_and_refuses_a_role_without_permission(tmp_path, users, policy):
    data = _file(tmp_path, users).read_bytes()
    r = client_for(users["village"]).post("/grid/returns/import/",
                                          {"file": SimpleUploadedFile("返岗.csv", data, content_type="text/csv")})
    html = r.content.decode()
    assert r.status_code == 200 and "新增报备2" in html and "错误4" in html
    assert client_for(users["lab"]).get("/grid/returns/import/").status_code == 403
