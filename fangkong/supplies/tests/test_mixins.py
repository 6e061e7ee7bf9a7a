"""Every model of 物资储备 through the shared mixins: scope and audited actions, the API and the
generic pages. The catalogue and the reserve rules are reference data: "out of scope" is a
command-centre account without a division."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from fangkong.core.testkit import APITests, ScopeTests, ViewTests, make_user
from fangkong.core.testkit_pages import PageTests
from fangkong.supplies.choices import MovementKind, SupplyCategory, WarehouseLevel
from fangkong.supplies.models import ReserveRule, StockMovement, SupplyItem, Warehouse

from . import factories as F

OTHER_CENTRE = ("command_center", "village_other")
_n = itertools.count(1)


class NoDivision:
    def user(self, spec):
        if spec != "nodivision":
            return super().user(spec)
        if spec not in self._made:
            self._made[spec] = make_user(f"nodivsup{next(_n)}", None, "command_center")
        return self._made[spec]


class ItemData(NoDivision):
    model = SupplyItem
    user_in, user_out, user_none = "commander", "nodivision", "grid"

    def make_object(self) -> SupplyItem:
        return F.item(f"测试口罩{next(_n)}")

    def create_data(self) -> dict[str, Any]:
        return {
            "name": f"新物资{next(_n)}",
            "spec": "",
            "category": SupplyCategory.REAGENT,
            "unit": "盒",
            "tests_per_unit": 48,
            "order": 1,
        }

    def update_data(self, obj: SupplyItem) -> dict[str, Any]:
        return {"unit": "箱"}


class TestItemScope(ItemData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        return self.create_data()


class TestItemAPI(ItemData, APITests.Full):
    api_basename = "supplies-item"


class TestItemPages(ItemData, PageTests.Full):
    model = SupplyItem

    def list_params(self) -> dict[str, str]:
        return {"q": "测试口罩"}

    def form_data(self) -> dict[str, Any]:
        return {**self.create_data(), "persons_per_tube": ""}

    def edit_form_data(self, obj: SupplyItem) -> dict[str, Any]:
        return {
            "name": obj.name,
            "spec": "",
            "category": obj.category,
            "unit": "箱",
            "tests_per_unit": "",
            "persons_per_tube": "",
            "order": 0,
        }


class WarehouseData:
    model = Warehouse
    user_in, user_out, user_none = "commander", OTHER_CENTRE, "grid"

    def make_object(self) -> Warehouse:
        return F.warehouse(self.users["township"].division, name=f"测试乡镇仓库{next(_n)}")

    def create_data(self) -> dict[str, Any]:
        return {
            "name": f"新仓库{next(_n)}",
            "level": WarehouseLevel.TOWNSHIP,
            "division": self.users["township"].division_id,
            "address": "乡政府院内",
            "keeper": "王保管",
            "active": True,
        }

    def update_data(self, obj: Warehouse) -> dict[str, Any]:
        return {"keeper": "李保管"}


class TestWarehouseScope(WarehouseData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        return {**self.create_data(), "division": self.users["township"].division}


class TestWarehouseAPI(WarehouseData, APITests.Full):
    api_basename = "supplies-warehouse"


class TestWarehousePages(WarehouseData, PageTests.Full):
    model = Warehouse

    def list_params(self) -> dict[str, str]:
        return {"q": "测试乡镇仓库"}

    def form_data(self) -> dict[str, Any]:
        return {**self.create_data(), "quarantine_site": "", "sampling_site": ""}

    def edit_form_data(self, obj: Warehouse) -> dict[str, Any]:
        return {
            "name": obj.name,
            "level": obj.level,
            "division": obj.division_id,
            "quarantine_site": "",
            "sampling_site": "",
            "address": "",
            "keeper": "李保管",
            "active": "on",
        }


class RuleData(NoDivision):
    model = ReserveRule
    user_in, user_out, user_none = "commander", "nodivision", "grid"

    def make_object(self) -> ReserveRule:
        return F.rule(
            SupplyCategory.DRUG, WarehouseLevel.TOWNSHIP, 10, item=F.item(category=SupplyCategory.DRUG)
        )

    def create_data(self) -> dict[str, Any]:
        it = F.item(category=SupplyCategory.DISINFECTANT, unit="瓶")
        return {
            "category": SupplyCategory.DISINFECTANT,
            "item": it.pk,
            "level": WarehouseLevel.QUARANTINE_SITE,
            "full_load_daily": 20,
            "min_days": 30,
            "note": "隔离点满负荷30天",
        }

    def update_data(self, obj: ReserveRule) -> dict[str, Any]:
        return {"min_days": 45}


class TestRuleScope(RuleData, ScopeTests.Full):
    def create_fields(self) -> dict[str, Any]:
        data = self.create_data()
        return {**data, "item": SupplyItem.objects.get(pk=data["item"])}


class TestRuleAPI(RuleData, APITests.Full):
    api_basename = "supplies-rule"


class TestRulePages(RuleData, PageTests.Full):
    model = ReserveRule

    def edit_form_data(self, obj: ReserveRule) -> dict[str, Any]:
        return {
            "category": obj.category,
            "item": obj.item_id,
            "level": obj.level,
            "full_load_daily": 10,
            "min_days": 45,
            "note": "",
        }


class MovementData:
    model = StockMovement
    user_in, user_out, user_none = "township", ("township_cadre", "village_other"), "grid"

    @pytest.fixture(autouse=True)
    def _stocked(self, _named_users) -> None:
        self.store()  # the opening stock is there before any count is taken

    def store(self) -> Warehouse:
        if not hasattr(self, "_store"):
            self._store = F.warehouse(self.users["township"].division, name=f"测试出入库仓库{next(_n)}")
            self._item = F.item(f"测试手套{next(_n)}")
            F.move(MovementKind.ADJUSTMENT, self._item, 1000, dst=self._store, note="期初盘点")
        return self._store

    def make_object(self) -> StockMovement:
        return F.receive(self.item(), 100, self.store(), note="测试入库")

    def item(self):
        self.store()
        return self._item

    def create_data(self) -> dict[str, Any]:
        return {
            "kind": MovementKind.ISSUE,
            "item": self.item().pk,
            "quantity": 20,
            "from_warehouse": self.store().pk,
            "recipient": "某村卡点",
        }


class TestMovementScope(MovementData, ScopeTests.Read):
    pass


class TestMovementAPI(MovementData, APITests.Get, APITests.List, APITests.Create):
    api_basename = "supplies-movement"


class TestMovementPages(
    MovementData, PageTests.Forbidden, PageTests.Export, ViewTests.List, ViewTests.Detail
):
    model = StockMovement

    def list_params(self) -> dict[str, str]:
        return {"warehouse": str(self.store().pk), "kind": MovementKind.RECEIPT}
