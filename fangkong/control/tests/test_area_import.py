"""Risk-area lists: pasted text / csv / xlsx, preview, apply, re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import io

from fangkong.core.actions import SYSTEM
from fangkong.core.choices import AuditAction
from fangkong.core.models import AuditLog
from fangkong.core.testkit import client_for

from .. import areas as A
from ..choices import OriginLevel, RiskLevel
from ..models import RiskArea
from . import factories as F

D = dt.date
PASTED = """河北省本轮疫情风险区名单(8月5日)
省\t市\t县(区)\t乡镇(街道)\t村(社区)\t风险等级\t生效日期\t解除日期
河北省\t石家庄市\t藁城区\t增村镇\t小果庄村\t高风险\t2022年8月1日\t
河北省\t石家庄市\t藁城区\t增村镇\t刘家佐村\t中风险\t2022/8/2\t
河北省\t邢台市\t南宫市\t\t\t低风险\t2022-08-03\t2022-08-06
河北省\t邢台市\t\t\t\t特高\t2022-08-03\t
"""


def test_it_reads_a_pasted_list_with_title_and_header_rows(db):
    rows, errors = A.read_text(PASTED)
    assert [(r.row, r.names[4], r.level) for r in rows] == [(3, "小果庄村", "high"), (4, "刘家佐村", "medium"),
                                                            (5, "", "low")]
    assert rows[2].lifted_on == D(2022, 8, 6)
    assert [(e["row"], e["reasons"]) for e in errors] == [(6, ["无法识别的风险等级“特高”,应为 高/中/低"])]


def test_it_previews_applies_and_keeps_history(db, users):
    from fangkong.core import audit

    rows, _ = A.read_text(PASTED)
    plan = A.plan_changes(rows)
    assert (len(plan.new), len(plan.level_changed), len(plan.lifted)) == (3, 0, 0)
    assert RiskArea.objects.count() == 0  # the preview writes nothing
    with audit.audit_context(actor=users["cdc"]):
        assert A.do_apply_risk_areas(plan, source="省指挥部8月5日", acting_user=users["cdc"]) == 3
        # The same list again changes nothing.
        assert A.plan_changes(rows).change_count == 0
        # Next list: 小果庄村 goes down to medium on 8 August, 刘家佐村 is lifted on 9 August.
        later, _ = A.read_text("河北省,石家庄市,藁城区,增村镇,小果庄村,中风险,2022-08-08\n"
                               "河北省,石家庄市,藁城区,增村镇,刘家佐村,中风险,2022-08-02,2022-08-09\n")
        plan2 = A.plan_changes(later)
        assert (len(plan2.new), len(plan2.level_changed), len(plan2.lifted)) == (0, 1, 1)
        A.do_apply_risk_areas(plan2, source="省指挥部8月9日", acting_user=users["cdc"])
    village = RiskArea.objects.filter(community="小果庄村").order_by("effective_from")
    assert [(a.level, a.effective_from, a.lifted_on) for a in village] == [
        ("high", D(2022, 8, 1), D(2022, 8, 8)), ("medium", D(2022, 8, 8), None)]
    assert AuditLog.objects.filter(object_type="control.riskarea", action=AuditAction.UPDATE).count() == 2
    from ..rules import origin_level_on

    names = {"province": "河北省", "city": "石家庄市", "county": "藁城区", "township": "增村镇", "community": "小果庄村"}
    assert origin_level_on(names, D(2022, 8, 7)) == RiskLevel.HIGH
    assert origin_level_on(names, D(2022, 8, 8)) == RiskLevel.MEDIUM


def test_it_lifts_areas_missing_from_a_full_list(db):
    F.area(RiskLevel.HIGH, D(2022, 8, 1), township="增村镇")
    rows, _ = A.read_text("河北省,石家庄市,藁城区,廉州镇,,中风险,2022-08-10\n")
    plan = A.plan_changes(rows, full_list_on=D(2022, 8, 10))
    A.do_apply_risk_areas(plan, source="完整名单", full_list_on=D(2022, 8, 10), acting_user=SYSTEM)
    assert RiskArea.objects.get(township="增村镇").lifted_on == D(2022, 8, 10)


def test_it_refreshes_origin_levels_of_exposures(db):
    e = F.exposure_from(F.person(), D(2022, 8, 5), left_on=D(2022, 8, 3))
    assert e.origin_level == OriginLevel.NONE
    rows, _ = A.read_text("河北省,石家庄市,藁城区,增村镇,,高风险,2022-08-01\n")
    A.do_apply_risk_areas(A.plan_changes(rows), source="补录", acting_user=SYSTEM)
    e.refresh_from_db()
    assert e.origin_level == OriginLevel.HIGH


def test_it_imports_an_xlsx_file_through_the_page_with_a_preview(db, users):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["风险区名单"])
    ws.append(["省", "市", "县(区)", "街道", "社区", "风险等级", "生效日期"])
    ws.append(["北京市", "北京市", "朝阳区", "望京街道", "花家地社区", "中风险", dt.date(2022, 8, 1)])
    ws.append(["北京市", "北京市", "朝阳区", "", "", "", dt.date(2022, 8, 1)])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "list.xlsx"
    client = client_for(users["cdc"])
    resp = client.post("/control/areas/import/", {"file": buf, "source": "北京市通报"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "新增 1" in body and "第4行:风险等级为空" in body
    assert RiskArea.objects.count() == 0
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/control/areas/import/errors.xlsx").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "原行号" and rows[0][-1] == "错误原因" and rows[1][0] == 4 and rows[1][-1] == "风险等级为空"
    resp = client.post("/control/areas/import/", {"confirm": "1"})
    assert resp.status_code == 302
    assert RiskArea.objects.get().community == "花家地社区"
    resp = client.get("/control/areas/", {"place": "北京市 北京市 朝阳区 望京街道 花家地社区", "on": "2022-08-02"})
    assert "中风险区" in resp.content.decode()
    assert client_for(users["grid"]).get("/control/areas/import/").status_code == 403
