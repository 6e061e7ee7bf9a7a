"""Forms of the supplies pages: the catalogue, warehouses, reserve rules, a movement, an import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.imports import ImportFileField
from fangkong.core.pageforms import ScopedModelForm

from .choices import MovementKind
from .models import ReserveRule, SupplyItem, Warehouse

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SupplyItemForm(ScopedModelForm):
    class Meta:
        model = SupplyItem
        fields = ["name", "spec", "category", "unit", "tests_per_unit", "persons_per_tube", "order"]


class WarehouseForm(ScopedModelForm):
    class Meta:
        model = Warehouse
        fields = [
            "name",
            "level",
            "division",
            "quarantine_site",
            "sampling_site",
            "address",
            "keeper",
            "active",
        ]


class ReserveRuleForm(ScopedModelForm):
    class Meta:
        model = ReserveRule
        fields = ["category", "item", "level", "full_load_daily", "min_days", "note"]


class MovementForm(forms.Form):
    """One receipt, issue, transfer or adjustment; the warehouses offered are the keeper's."""

    kind = forms.ChoiceField(label=_("类型"), choices=MovementKind.choices)
    item = forms.ModelChoiceField(label=_("物资"), queryset=SupplyItem.objects.none())
    quantity = forms.IntegerField(label=_("数量"), help_text=_("盘点调整可为负数"))
    from_warehouse = forms.ModelChoiceField(
        label=_("调出仓库"), queryset=Warehouse.objects.none(), required=False, help_text=_("出库、调拨填写")
    )
    to_warehouse = forms.ModelChoiceField(
        label=_("调入仓库"),
        queryset=Warehouse.objects.none(),
        required=False,
        help_text=_("入库、调拨、盘点调整填写"),
    )
    at = forms.DateTimeField(label=_("发生时间"), required=False, widget=DATETIME, help_text=_("空则为现在"))
    recipient = forms.CharField(label=_("领用/来源单位"), max_length=64, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = SupplyItem.objects.restrict(user)
        warehouses = Warehouse.objects.restrict(user).filter(active=True)
        self.fields["from_warehouse"].queryset = warehouses
        self.fields["to_warehouse"].queryset = warehouses


class ReceiptImportForm(forms.Form):
    file = ImportFileField(label=_("入库单（xlsx / xls / csv）"))


class StockFilterForm(forms.Form):
    """The stock page's choices: a warehouse level or one warehouse, a category, the days of use."""

    warehouse = forms.ModelChoiceField(label=_("仓库"), queryset=Warehouse.objects.none(), required=False)
    days = forms.IntegerField(label=_("消耗统计天数"), min_value=1, max_value=90, initial=7, required=False)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.restrict(user)
