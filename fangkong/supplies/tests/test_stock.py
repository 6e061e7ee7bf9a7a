"""Stock on hand, consumption per day, days of cover and the low-stock flag against figures
worked out by hand; issues of more than is on hand refused; transfers move stock."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fangkong.core.models import AuditLog, Division
from fangkong.metrics import supplies as figures
from fangkong.supplies.actions import do_record_movement
from fangkong.supplies.choices import MovementKind, SupplyCategory, WarehouseLevel
from fangkong.supplies.models import StockMovement, Warehouse

from . import factories as F


@pytest.fixture
def two_weeks(users):
    """County store W1 and township store W2; N95 masks moved over ten days (see the docstring
    of each test for the hand-computed figures)."""
    now = timezone.now()
    county = users["commander"].division
    w1 = F.warehouse(county, WarehouseLevel.COUNTY, name="县级物资储备库")
    w2 = F.warehouse(users["township"].division, WarehouseLevel.TOWNSHIP, name="乡镇物资库")
    mask = F.item("N95口罩", SupplyCategory.PROTECTIVE, "个")
    F.rule(SupplyCategory.PROTECTIVE, WarehouseLevel.TOWNSHIP, full_load_daily=100, min_days=30)
    F.receive(mask, 5000, w1, days_ago=10, now=now)
    F.move(MovementKind.TRANSFER, mask, 2000, src=w1, dst=w2, days_ago=9, now=now)
    F.issue(mask, 300, w2, days_ago=8, now=now)
    F.issue(mask, 200, w2, days_ago=5, now=now)
    F.issue(mask, 150, w2, days_ago=2, now=now)
    F.move(MovementKind.ADJUSTMENT, mask, -50, dst=w2, days_ago=1, now=now)
    F.issue(mask, 400, w1, days_ago=1, now=now)
    return {"now": now, "w1": w1, "w2": w2, "mask": mask}


def test_it_sums_movements_into_stock_on_hand(two_weeks):
    """W1 = 5000 − 2000 − 400 = 2600; W2 = 2000 − 300 − 200 − 150 − 50 = 1300; six days ago W2
    held 2000 − 300 = 1700."""
    d = two_weeks
    stock = figures.on_hand([d["w1"].pk, d["w2"].pk])
    assert stock[(d["w1"].pk, d["mask"].pk)] == 2600
    assert stock[(d["w2"].pk, d["mask"].pk)] == 1300
    six_days_ago = d["now"] - timezone.timedelta(days=6)
    assert figures.on_hand_of(d["w2"], d["mask"], six_days_ago) == 1700


def test_it_counts_issues_of_the_last_n_days_per_day(two_weeks):
    """7 days: W2 (200 + 150) / 7 = 50, W1 400 / 7; 10 days: W2 (300 + 200 + 150) / 10 = 65. The
    transfer is no consumption of W1."""
    d = two_weeks
    use = figures.daily_use(days=7, now=d["now"])
    assert use[(d["w2"].pk, d["mask"].pk)] == pytest.approx(50.0)
    assert use[(d["w1"].pk, d["mask"].pk)] == pytest.approx(400 / 7)
    assert figures.daily_use(days=10, now=d["now"])[(d["w2"].pk, d["mask"].pk)] == pytest.approx(65.0)


def test_it_gives_days_of_cover_at_full_load_and_flags_low_stock(two_weeks):
    """W2: 1300 / 100 = 13 days < 30 → low, 30 × 100 − 1300 = 1700 short; at the current use
    1300 / 50 = 26 days. W1 has no rule at county level: no cover, no flag."""
    d = two_weeks
    rows = {
        r.warehouse.pk: r
        for r in figures.stock_rows(Warehouse.objects.filter(pk__in=[d["w1"].pk, d["w2"].pk]), now=d["now"])
    }
    w2 = rows[d["w2"].pk]
    assert (w2.on_hand, w2.days_cover, w2.days_at_current_use, w2.low, w2.needed) == (
        1300,
        13.0,
        26.0,
        True,
        1700,
    )
    assert rows[d["w1"].pk].days_cover is None and not rows[d["w1"].pk].low
    low = figures.low_stock(Warehouse.objects.filter(pk__in=[d["w1"].pk, d["w2"].pk]), now=d["now"])
    assert [(r.warehouse.pk, r.item.pk) for r in low] == [(d["w2"].pk, d["mask"].pk)]


def test_an_item_rule_wins_over_its_category_rule(two_weeks):
    d = two_weeks
    F.rule(
        SupplyCategory.PROTECTIVE, WarehouseLevel.TOWNSHIP, full_load_daily=40, min_days=30, item=d["mask"]
    )
    row = next(r for r in figures.stock_rows(Warehouse.objects.filter(pk=d["w2"].pk), now=d["now"]))
    assert row.days_cover == pytest.approx(1300 / 40) and not row.low


@pytest.mark.parametrize(
    ("kind", "quantity", "where"),
    [
        (MovementKind.ISSUE, 1301, "src"),
        (MovementKind.TRANSFER, 1301, "both"),
        (MovementKind.ADJUSTMENT, -1301, "dst"),
    ],
)
def test_it_refuses_to_take_more_than_is_on_hand_in_chinese(two_weeks, users, kind, quantity, where):
    d = two_weeks
    before, audits = StockMovement.objects.count(), AuditLog.objects.count()
    kw = {
        "src": {"from_warehouse": d["w2"]},
        "dst": {"to_warehouse": d["w2"]},
        "both": {"from_warehouse": d["w2"], "to_warehouse": d["w1"]},
    }[where]
    with pytest.raises(ValidationError, match="乡镇物资库的N95口罩库存只有1300个"):
        do_record_movement(kind=kind, item=d["mask"], quantity=quantity, acting_user=users["commander"], **kw)
    assert StockMovement.objects.count() == before and AuditLog.objects.count() == audits
    do_record_movement(
        kind=kind,
        item=d["mask"],
        quantity=quantity // abs(quantity) * 1300,
        acting_user=users["commander"],
        **kw,
    )
    assert figures.on_hand_of(d["w2"], d["mask"]) == 0


def test_it_refuses_an_issue_dated_before_the_stock_arrived(two_weeks, users):
    d = two_weeks
    with pytest.raises(ValidationError, match="库存只有0个"):
        F.issue(d["mask"], 10, d["w2"], days_ago=9.5, now=d["now"], user=users["commander"])


def test_a_transfer_moves_stock_and_is_audited(two_weeks, users):
    d = two_weeks
    m = F.move(MovementKind.TRANSFER, d["mask"], 600, src=d["w1"], dst=d["w2"], user=users["commander"])
    assert figures.on_hand_of(d["w1"], d["mask"]) == 2000 and figures.on_hand_of(d["w2"], d["mask"]) == 1900
    row = AuditLog.objects.filter(verb="supply_transfer", object_id=str(m.pk)).get()
    assert row.actor == users["commander"] and row.changes["quantity"] == [None, 600]
    assert m.division == d["w1"].division and m.by == users["commander"]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"kind": MovementKind.ISSUE, "quantity": 5}, "请选择调出（出库）仓库"),
        ({"kind": MovementKind.RECEIPT, "quantity": -5, "to_warehouse": "w2"}, "数量应为正数"),
        ({"kind": MovementKind.RECEIPT, "quantity": 0, "to_warehouse": "w2"}, "数量不能为0"),
        (
            {"kind": MovementKind.TRANSFER, "quantity": 5, "from_warehouse": "w2", "to_warehouse": "w2"},
            "不能与调出仓库相同",
        ),
    ],
)
def test_it_refuses_a_malformed_movement_in_chinese(two_weeks, users, kw, message):
    d = two_weeks
    kw = {k: d[v] if v in ("w1", "w2") else v for k, v in kw.items()}
    with pytest.raises(ValidationError, match=message):
        do_record_movement(item=d["mask"], acting_user=users["commander"], **kw)


def test_a_keeper_records_only_in_their_own_scope(two_weeks, users):
    d = two_weeks
    with pytest.raises(PermissionDenied):  # the township cadre does not keep the county's store
        F.issue(d["mask"], 5, d["w1"], user=users["township"])
    with pytest.raises(PermissionDenied):  # a grid worker keeps no store
        F.issue(d["mask"], 5, d["w2"], user=users["grid"])
    m = F.issue(d["mask"], 5, d["w2"], user=users["township"], recipient="某村卡点")
    assert m.division == d["w2"].division
    assert StockMovement.objects.restrict(users["township"]).filter(pk=m.pk).exists()
    other = Division.objects.filter(level="township").exclude(pk=users["township"].division_id).first()
    w3 = F.warehouse(other)
    assert not Warehouse.objects.restrict(users["township"]).filter(pk=w3.pk).exists()


def test_the_receiving_keeper_sees_an_incoming_transfer_but_cannot_change_it(two_weeks, users, client):
    """A transfer belongs to the sending store's division; the township keeper receiving it sees
    it in their movements (list, API) — the county's own issues stay out of sight."""
    from fangkong.core.scoping import CHANGE

    d = two_weeks
    township = users["township"]
    seen = StockMovement.objects.restrict(township)
    incoming = StockMovement.objects.get(kind=MovementKind.TRANSFER, to_warehouse=d["w2"])
    assert incoming.division == d["w1"].division  # recorded by the county's keeper
    assert seen.filter(pk=incoming.pk).exists()
    assert not seen.filter(kind=MovementKind.ISSUE, from_warehouse=d["w1"]).exists()
    assert not StockMovement.objects.restrict(township, CHANGE).filter(pk=incoming.pk).exists()
    client.force_login(township)
    api = client.get("/api/supplies/movements/", {"limit": 100}).json()
    assert incoming.pk in {row["id"] for row in api["results"]}
