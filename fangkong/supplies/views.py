"""Pages of 物资储备: stock by warehouse and item (with days of cover), low stock, the movements
(list with export, one movement's form, an import of receipts), the catalogue, warehouses and
reserve rules, and a testing round's reagents and tubes against the stock."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from fangkong.core.errors import ActionFailed, call_action
from fangkong.core.exports import export_rows
from fangkong.core.imports import ReadError
from fangkong.core.scoping import ADD, in_subtree, user_may
from fangkong.core.views.generic import ModelPages
from fangkong.metrics import catalog
from fangkong.metrics import supplies as figures

from . import actions
from .filtersets import ReserveRuleFilterSet, StockMovementFilterSet, SupplyItemFilterSet, WarehouseFilterSet
from .forms import (
    MovementForm,
    ReceiptImportForm,
    ReserveRuleForm,
    StockFilterForm,
    SupplyItemForm,
    WarehouseForm,
)
from .imports import import_receipts
from .models import ReserveRule, StockMovement, SupplyItem, Warehouse
from .tables import ReserveRuleTable, StockMovementTable, SupplyItemTable, WarehouseTable


class SupplyItemPages(ModelPages):
    model, table, filterset_class, form_class = (
        SupplyItem,
        SupplyItemTable,
        SupplyItemFilterSet,
        SupplyItemForm,
    )
    verbs = {"create": "create_supply_item", "update": "update_supply_item", "delete": "delete_supply_item"}


class WarehousePages(ModelPages):
    model, table, filterset_class, form_class = Warehouse, WarehouseTable, WarehouseFilterSet, WarehouseForm
    verbs = {"create": "create_warehouse", "update": "update_warehouse", "delete": "delete_warehouse"}


class ReserveRulePages(ModelPages):
    model, table, filterset_class, form_class = (
        ReserveRule,
        ReserveRuleTable,
        ReserveRuleFilterSet,
        ReserveRuleForm,
    )
    verbs = {
        "create": "create_reserve_rule",
        "update": "update_reserve_rule",
        "delete": "delete_reserve_rule",
    }


class StockMovementPages(ModelPages):
    """出入库记录: read-only (a mistake is put right by an adjustment); list with export."""

    model, table, filterset_class = StockMovement, StockMovementTable, StockMovementFilterSet


def _need(request: HttpRequest, model: type, action: str = "view") -> None:
    if not user_may(model, request.user, action):
        raise PermissionDenied(_("您没有此项操作的权限"))


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _rows_context(rows: list[figures.StockRow]) -> list[dict[str, Any]]:
    return [
        {
            "row": r,
            "daily": _fmt(r.daily_use) if r.daily_use else "0",
            "days_now": _fmt(r.days_at_current_use),
            "cover": _fmt(r.days_cover),
        }
        for r in rows
    ]


HEADER = (
    "仓库",
    "层级",
    "物资",
    "计量单位",
    "库存",
    "日均消耗",
    "按当前消耗可用天数",
    "满负荷日用量",
    "可保障天数",
    "最低储备天数",
    "低于储备",
    "缺口",
)


def _export(request: HttpRequest, rows: list[figures.StockRow], name: str) -> HttpResponse:
    def cells(full: bool):
        for r in rows:
            yield [
                r.warehouse.name,
                r.warehouse.get_level_display(),
                str(r.item),
                r.item.unit,
                r.on_hand,
                round(r.daily_use, 2),
                _fmt(r.days_at_current_use),
                r.rule.full_load_daily if r.rule else "",
                _fmt(r.days_cover),
                r.rule.min_days if r.rule else "",
                _("是") if r.low else "",
                r.needed or "",
            ]

    return export_rows(
        request,
        name=name,
        object_type="supplies.stockmovement",
        header=[_(h) for h in HEADER],
        rows=cells,
        has_pii=False,
    )


class StockView(LoginRequiredMixin, View):
    """库存: every warehouse in scope and item, on hand, use per day, days of cover, low stock."""

    template_name = "supplies/stock.html"
    low_only = False

    def get(self, request: HttpRequest) -> HttpResponse:
        _need(request, Warehouse)
        form = StockFilterForm(request.GET or None, user=request.user)
        warehouses = Warehouse.objects.restrict(request.user).filter(active=True).select_related("division")
        days = figures.DEFAULT_DAYS
        if form.is_valid():
            if form.cleaned_data["warehouse"] is not None:
                warehouses = warehouses.filter(pk=form.cleaned_data["warehouse"].pk)
            days = form.cleaned_data["days"] or days
        if self.low_only:
            rows = figures.low_stock(warehouses, days=days)
        else:
            rows = figures.stock_rows(warehouses, days=days)
        title = _("低于储备的物资") if self.low_only else _("物资库存")
        if request.GET.get("export") in ("xlsx", "csv"):
            return _export(request, rows, title)
        return render(
            request,
            self.template_name,
            {
                "title": title,
                "form": form,
                "rows": _rows_context(rows),
                "days": days,
                "low_only": self.low_only,
                "low_count": sum(1 for r in rows if r.low),
                "m": {k: catalog.get(f"supplies.{k}") for k in ("on_hand", "daily_use", "days_cover", "low")},
                "may_record": user_may(StockMovement, request.user, ADD),
                "query": request.GET.urlencode(),
            },
        )


class LowStockView(StockView):
    low_only = True


class MovementCreateView(LoginRequiredMixin, View):
    """登记出入库: one receipt, issue, transfer or adjustment, through `do_record_movement`."""

    template_name = "supplies/movement_form.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        _need(request, StockMovement, ADD)
        initial = {
            k: request.GET[k]
            for k in ("kind", "item", "from_warehouse", "to_warehouse")
            if request.GET.get(k)
        }
        return render(request, self.template_name, {"form": MovementForm(initial=initial, user=request.user)})

    def post(self, request: HttpRequest) -> HttpResponse:
        _need(request, StockMovement, ADD)
        form = MovementForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                movement = call_action(
                    request,
                    actions.do_record_movement,
                    acting_user=request.user,
                    form=form,
                    success=_("已登记"),
                    **actions.movement_fields(form.cleaned_data),
                )
            except ActionFailed:
                pass
            else:
                return HttpResponseRedirect(reverse("supplies:stockmovement", args=[movement.pk]))
        return render(request, self.template_name, {"form": form})


class ReceiptImportView(LoginRequiredMixin, View):
    """导入入库单: a spreadsheet of receipts through the platform's import framework."""

    template_name = "supplies/import.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        _need(request, StockMovement, ADD)
        return render(request, self.template_name, {"form": ReceiptImportForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        _need(request, StockMovement, ADD)
        form = ReceiptImportForm(request.POST, request.FILES)
        ctx: dict[str, Any] = {"form": form}
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                ctx["batch"] = import_receipts(upload.read(), upload.name, user=request.user)
            except ReadError as exc:
                form.add_error("file", str(exc))
        return render(request, self.template_name, ctx)


def _rounds(request: HttpRequest):
    from fangkong.testing.models import SamplingRound

    if not user_may(SamplingRound, request.user) or not user_may(Warehouse, request.user):
        raise PermissionDenied(_("您没有此项操作的权限"))
    return SamplingRound.objects.restrict(request.user).select_related("division")


class RoundStockView(LoginRequiredMixin, View):
    """检测轮次与库存: a round's reagents and tubes (planned as testing plans them) against the
    stock of the warehouses in the round's division, with the shortfall."""

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        rounds = _rounds(request)
        rnd = get_object_or_404(rounds, pk=pk) if pk is not None else rounds.first()
        per_10k = _per_10k(request.GET.get("prevalence_per_10k"))
        ctx: dict[str, Any] = {
            "rounds": rounds[:30],
            "round": rnd,
            "per_10k": per_10k,
            "m_population": catalog.get("supplies.round_population"),
        }
        if rnd is not None:
            warehouses = in_subtree(
                Warehouse.objects.restrict(request.user).filter(active=True), "division", rnd.division
            )
            plan, needs = figures.round_needs(rnd, prevalence=per_10k / 10000, warehouses=warehouses)
            ctx.update(
                plan=plan, needs=needs, short=any(n.shortfall for n in needs), warehouses=warehouses.count()
            )
        return render(request, "supplies/round_stock.html", ctx)


def _per_10k(value: str | None) -> float:
    try:
        n = float(value) if value else 5.0
    except ValueError:
        return 5.0
    return min(max(n, 0.0), 10000.0)
