"""Supplies' figures (物资储备): stock on hand, consumption per day, days of cover, low stock, and
a testing round's reagents and tubes against the stock.

- 库存 (on hand) of an item in a warehouse = what came in (入库, 调入, 盘点调整 with its sign) −
  what went out (出库, 调出), every movement up to `at`; one definition, `on_hand`, which the
  supplies actions also use to refuse an issue of more than is there;
- 日均消耗 = 出库 (issues, not transfers: a transfer only moves stock) over the last N days ÷ N;
- 可保障天数 = 库存 ÷ 满负荷日用量 of the reserve rule (储备标准) for the item at the warehouse's
  level; 低于储备 when it is below the rule's minimum days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.scoping import in_subtree
from fangkong.supplies.choices import MovementKind, SupplyCategory
from fangkong.supplies.models import ReserveRule, StockMovement, SupplyItem, Warehouse

from .catalog import Metric, register

DEFAULT_DAYS = 7
DAYS = _("天")
register(
    Metric(
        "supplies.on_hand",
        _("库存"),
        _("计量单位"),
        _("入库、调入和盘点调整（可正可负）之和减去出库和调出之和，截至所选时间，按品目的计量单位"),
    ),
    Metric(
        "supplies.daily_use",
        _("日均消耗"),
        _("计量单位/天"),
        _("最近N天（默认7天）的出库数量之和 ÷ N；调拨只是移库，不计消耗"),
    ),
    Metric(
        "supplies.days_cover",
        _("可保障天数"),
        DAYS,
        _("库存 ÷ 储备标准的满负荷日用量（按品目和仓库层级；品目有专门标准的按品目，否则按类别）"),
    ),
    Metric(
        "supplies.low", _("低于储备"), _("项"), _("可保障天数低于储备标准最低天数（如满负荷30天）的仓库品目")
    ),
    Metric(
        "supplies.round_population",
        _("轮次应检人数"),
        _("人"),
        _(
            "检测覆盖汇总已计算的，取轮次组织区划的应检人数；未计算的，取轮次各村在家常住人口中不低于免检年龄的人数"
        ),
    ),
)

Key = tuple[int, int]  # (warehouse id, item id)


def on_hand(
    warehouses: Iterable[int] | None = None, items: Iterable[int] | None = None, at: dt.datetime | None = None
) -> dict[Key, int]:
    """库存 by (warehouse, item): incoming minus outgoing movements up to `at` (now by default)."""
    qs: QuerySet = StockMovement._base_manager.all()
    if at is not None:
        qs = qs.filter(at__lte=at)
    if items is not None:
        qs = qs.filter(item_id__in=list(items))
    wh = list(warehouses) if warehouses is not None else None
    totals: dict[Key, int] = defaultdict(int)
    incoming = qs.filter(to_warehouse__isnull=False)
    outgoing = qs.filter(from_warehouse__isnull=False)
    if wh is not None:
        incoming, outgoing = (
            incoming.filter(to_warehouse_id__in=wh),
            outgoing.filter(from_warehouse_id__in=wh),
        )
    for row in incoming.values("to_warehouse_id", "item_id").annotate(n=Sum("quantity")):
        totals[(row["to_warehouse_id"], row["item_id"])] += row["n"]
    for row in outgoing.values("from_warehouse_id", "item_id").annotate(n=Sum("quantity")):
        totals[(row["from_warehouse_id"], row["item_id"])] -= row["n"]
    return dict(totals)


def on_hand_of(warehouse: Warehouse, item: SupplyItem, at: dt.datetime | None = None) -> int:
    return on_hand([warehouse.pk], [item.pk], at).get((warehouse.pk, item.pk), 0)


def daily_use(
    warehouses: Iterable[int] | None = None, *, days: int = DEFAULT_DAYS, now: dt.datetime | None = None
) -> dict[Key, float]:
    """日均消耗 by (warehouse, item): issues in (now − days, now] ÷ days."""
    if days < 1:
        raise ValueError("天数至少为 1")
    now = now or timezone.now()
    qs = StockMovement._base_manager.filter(
        kind=MovementKind.ISSUE, at__gt=now - dt.timedelta(days=days), at__lte=now
    )
    if warehouses is not None:
        qs = qs.filter(from_warehouse_id__in=list(warehouses))
    return {
        (r["from_warehouse_id"], r["item_id"]): r["n"] / days
        for r in qs.values("from_warehouse_id", "item_id").annotate(n=Sum("quantity"))
    }


def rules() -> dict[tuple[str, str | int], ReserveRule]:
    """Reserve rules keyed by (level, item id) and (level, category)."""
    out: dict[tuple[str, str | int], ReserveRule] = {}
    for rule in ReserveRule._base_manager.all():
        out[(rule.level, rule.item_id if rule.item_id else rule.category)] = rule
    return out


def rule_for(table: dict, level: str, item: SupplyItem) -> ReserveRule | None:
    return table.get((level, item.pk)) or table.get((level, item.category))


@dataclass
class StockRow:
    warehouse: Warehouse
    item: SupplyItem
    on_hand: int
    daily_use: float
    rule: ReserveRule | None

    @property
    def days_cover(self) -> float | None:
        """可保障天数 at full load; None without a rule."""
        if self.rule is None or not self.rule.full_load_daily:
            return None
        return self.on_hand / self.rule.full_load_daily

    @property
    def days_at_current_use(self) -> float | None:
        return self.on_hand / self.daily_use if self.daily_use else None

    @property
    def low(self) -> bool:
        cover = self.days_cover
        return cover is not None and cover < self.rule.min_days  # type: ignore[union-attr]

    @property
    def needed(self) -> int:
        """What to add to reach the minimum days at full load (0 when enough)."""
        if self.rule is None:
            return 0
        return max(0, self.rule.full_load_daily * self.rule.min_days - self.on_hand)


def stock_rows(
    warehouses: QuerySet,
    *,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
    items: QuerySet | None = None,
    with_rules_only: bool = False,
) -> list[StockRow]:
    """One row per warehouse and item that has stock, movements or a reserve rule at its level."""
    now = now or timezone.now()
    whs = list(warehouses)
    ids = [w.pk for w in whs]
    stock = on_hand(ids, at=now)
    use = daily_use(ids, days=days, now=now)
    table = rules()
    items = list(items if items is not None else SupplyItem._base_manager.all())
    seen = {k for k in stock} | {k for k in use}
    out = []
    for w in whs:
        for item in items:
            rule = rule_for(table, w.level, item)
            if (w.pk, item.pk) not in seen and rule is None:
                continue
            if with_rules_only and rule is None:
                continue
            out.append(StockRow(w, item, stock.get((w.pk, item.pk), 0), use.get((w.pk, item.pk), 0.0), rule))
    return out


def low_stock(
    warehouses: QuerySet, *, days: int = DEFAULT_DAYS, now: dt.datetime | None = None
) -> list[StockRow]:
    return [r for r in stock_rows(warehouses, days=days, now=now, with_rules_only=True) if r.low]


# --- a testing round against the stock ------------------------------------------------------


def round_population(rnd) -> int:
    """轮次应检人数: the coverage roll-up's expected count at the round's division when computed,
    else residents at home in the round's villages at or above the infant age."""
    from fangkong.registry.choices import ResidentStatus
    from fangkong.registry.models import Resident
    from fangkong.testing.models import CoverageRollup

    row = CoverageRollup.objects.filter(round=rnd, division_id=rnd.division_id).first()
    if row is not None:
        return row.expected
    villages = [v.village for v in rnd.villages.select_related("village")]
    cutoff = rnd.starts_on.replace(year=rnd.starts_on.year - rnd.infant_age, day=min(rnd.starts_on.day, 28))
    residents = Resident._base_manager.filter(status=ResidentStatus.PRESENT).filter(
        Q(birth_date__isnull=True) | Q(birth_date__lte=cutoff)
    )
    return sum(in_subtree(residents, "grid", village).count() for village in villages)


@dataclass
class Need:
    label: str
    unit: str
    needed: int
    available: int

    @property
    def shortfall(self) -> int:
        return max(0, self.needed - self.available)


def round_needs(
    rnd,
    *,
    population: int | None = None,
    prevalence: float = 0.0005,
    spare: float = 0.1,
    warehouses: QuerySet | None = None,
) -> tuple[object, list[Need]]:
    """A round's reagents (in tests) and tubes (pooled of its pool size, and single for retests),
    planned as testing plans them (Dorfman), against the stock of the warehouses in the round's
    division (试剂要能满足大规模检测需要)."""
    from fangkong.testing.planning import plan_round

    population = round_population(rnd) if population is None else population
    plan = plan_round(population, prevalence, rnd.pool_size, spare=spare)
    if warehouses is None:
        warehouses = in_subtree(Warehouse._base_manager.filter(active=True), "division", rnd.division)
    stock = on_hand([w.pk for w in warehouses])
    by_item: dict[int, int] = defaultdict(int)
    for (_w, item_id), n in stock.items():
        by_item[item_id] += n
    items = {i.pk: i for i in SupplyItem._base_manager.filter(pk__in=list(by_item))}
    reagent_tests = sum(
        max(n, 0) * (items[i].tests_per_unit or 0)
        for i, n in by_item.items()
        if items[i].category == SupplyCategory.REAGENT
    )

    def tubes_of(k: int) -> int:
        return sum(
            max(n, 0)
            for i, n in by_item.items()
            if items[i].category == SupplyCategory.TUBE and items[i].persons_per_tube == k
        )

    k = rnd.pool_size
    needs = [Need(str(_("检测试剂")), str(_("人份")), math.ceil(plan.tests * (1 + spare)), reagent_tests)]
    if k > 1:
        needs.append(
            Need(
                str(_("混采管（%(k)d合1）") % {"k": k}),
                str(_("支")),
                math.ceil(plan.pools * (1 + spare)),
                tubes_of(k),
            )
        )
        needs.append(
            Need(str(_("单采管（复核）")), str(_("支")), math.ceil(plan.retests * (1 + spare)), tubes_of(1))
        )
    else:
        needs.append(Need(str(_("单采管")), str(_("支")), math.ceil(plan.pools * (1 + spare)), tubes_of(1)))
    return plan, needs
