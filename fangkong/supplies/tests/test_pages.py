"""The supplies pages beyond the generic ones: stock and low stock (with export), a movement from
the form (an over-issue refused in Chinese, nothing written), an import of receipts (bad rows with
reasons, a second import adds nothing), a round's reagents against the stock, the stock API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from fangkong.core.testkit import api_client_for, client_for
from fangkong.metrics import supplies as figures
from fangkong.supplies.choices import MovementKind, SupplyCategory, WarehouseLevel
from fangkong.supplies.models import StockMovement
from fangkong.testing.models import RoundVillage, SamplingRound

from . import factories as F


@pytest.fixture
def store(users):
    w = F.warehouse(users["township"].division, WarehouseLevel.TOWNSHIP, name="页面测试仓库")
    mask = F.item("医用外科口罩", SupplyCategory.PROTECTIVE, "个")
    F.rule(SupplyCategory.PROTECTIVE, WarehouseLevel.TOWNSHIP, full_load_daily=100, min_days=30)
    F.receive(mask, 1000, w, days_ago=3)
    F.issue(mask, 140, w, days_ago=1)
    return w, mask


def test_the_stock_pages_show_cover_and_the_low_flag(users, store):
    w, mask = store
    client = client_for(users["township"])
    page = client.get(reverse("supplies:stock")).content.decode()
    assert "页面测试仓库" in page and "860 个" in page and "8.6" in page and "20.0" in page  # 860/100; 140/7
    low = client.get(reverse("supplies:low"))
    assert "医用外科口罩" in low.content.decode() and "2140 个" in low.content.decode()  # 3000 − 860
    export = client.get(reverse("supplies:low"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "仓库" and rows[1][:5] == ("页面测试仓库", "乡镇（街道）", "医用外科口罩", "个", 860)
    assert client_for(users["grid"]).get(reverse("supplies:stock")).status_code == 403


def test_the_movement_form_refuses_an_over_issue_and_records_an_issue(users, store):
    w, mask = store
    client = client_for(users["township"])
    data = {
        "kind": MovementKind.ISSUE,
        "item": mask.pk,
        "quantity": 861,
        "from_warehouse": w.pk,
        "recipient": "卡点",
    }
    before = StockMovement.objects.count()
    response = client.post(reverse("supplies:movement_create"), data)
    assert response.status_code == 200 and "库存只有860个" in response.content.decode()
    assert StockMovement.objects.count() == before
    response = client.post(reverse("supplies:movement_create"), {**data, "quantity": 60})
    assert response.status_code == 302 and figures.on_hand_of(w, mask) == 800


def _sheet(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["物资名称", "规格", "入库仓库", "数量", "入库时间", "来源", "备注"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_import_of_receipts_keeps_bad_rows_and_adds_nothing_twice(users, store):
    w, mask = store
    at = f"{timezone.localtime() - dt.timedelta(hours=1):%Y-%m-%d %H:%M}"  # a future time is refused
    content = _sheet(
        [
            ["医用外科口罩", "", "页面测试仓库", 500, at, "省疾控调拨", ""],
            ["不存在的物资", "", "页面测试仓库", 5, at, "", ""],
            ["医用外科口罩", "", "页面测试仓库", "-3", at, "", ""],
            ["医用外科口罩", "", "别人的仓库", 5, at, "", ""],
        ]
    )
    client = client_for(users["township"])
    upload = io.BytesIO(content)
    upload.name = "入库单.xlsx"
    response = client.post(reverse("supplies:receipt_import"), {"file": upload})
    batch = response.context["batch"]
    assert (batch.rows, batch.imported, batch.rejected) == (4, 1, 3)
    reasons = " ".join(r for e in batch.errors for r in e["reasons"])
    assert "不在物资品目中" in reasons and "应为正整数" in reasons and "不存在或不在您的管辖范围内" in reasons
    assert figures.on_hand_of(w, mask) == 1360
    upload = io.BytesIO(content)
    upload.name = "入库单.xlsx"
    again = client.post(reverse("supplies:receipt_import"), {"file": upload}).context["batch"]
    assert (again.imported, again.duplicates) == (0, 1) and figures.on_hand_of(w, mask) == 1360


def test_a_round_shows_its_reagent_and_tube_shortfall(users):
    """10 000 people in 10-person pools with no positive expected: 1000 pools, 1000 tests; with 10%
    spare 1100 tests and 1100 pooled tubes. 20 kits × 48 = 960 tests → 140 short; 1200 tubes enough."""
    county = users["commander"].division
    w = F.warehouse(county, WarehouseLevel.COUNTY, name="县检测物资库")
    kit = F.item("新冠核酸检测试剂盒", SupplyCategory.REAGENT, "盒", tests_per_unit=48)
    tube = F.item("十混一采样管", SupplyCategory.TUBE, "支", persons_per_tube=10)
    F.receive(kit, 20, w)
    F.receive(tube, 1200, w)
    today = timezone.localdate()
    rnd = SamplingRound.objects.create(
        name="第一轮全员核酸", division=county, starts_on=today, ends_on=today, pool_size=10
    )
    plan, needs = figures.round_needs(rnd, population=10000, prevalence=0)
    assert (plan.pools, plan.tests) == (1000, 1000)
    assert [(n.needed, n.available, n.shortfall) for n in needs] == [
        (1100, 960, 140),
        (1100, 1200, 0),
        (0, 0, 0),
    ]
    village = users["village"].division
    RoundVillage.objects.create(round=rnd, village=village, day=today)
    population = figures.round_population(rnd)
    assert population > 0
    _plan, needs = figures.round_needs(rnd, prevalence=0)
    short = any(n.shortfall for n in needs)
    page = client_for(users["commander"]).get(
        reverse("supplies:round", args=[rnd.pk]), {"prevalence_per_10k": 0}
    )
    text = page.content.decode()
    assert page.status_code == 200 and f"<strong>{population}</strong>" in text
    assert ("库存不能满足本轮检测需要" in text) is short and ("库存能满足本轮检测需要" in text) is not short


def test_the_stock_api_gives_cover_and_low_in_scope(users, store):
    w, mask = store
    answer = api_client_for(users["township"]).get("/api/supplies/stock/", {"low": "1"}).json()
    assert answer["days"] == 7
    rows = answer["stock"]
    mine = [r for r in rows if r["warehouse"] == w.pk]
    assert mine == [
        {
            "warehouse": w.pk,
            "warehouse_name": "页面测试仓库",
            "level": "township",
            "item": mask.pk,
            "item_name": "医用外科口罩",
            "unit": "个",
            "on_hand": 860,
            "daily_use": 20.0,
            "full_load_daily": 100,
            "days_cover": 8.6,
            "min_days": 30,
            "low": True,
        }
    ]
    assert api_client_for(users["grid"]).get("/api/supplies/stock/").status_code == 403
    assert api_client_for(users["village_other"]).get("/api/supplies/stock/").status_code == 403
