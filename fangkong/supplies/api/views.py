"""API of 物资储备: the same scoping, filtersets and audited actions as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from fangkong.core.errors import api_call, body_object, to_api_error
from fangkong.core.scoping import user_may
from fangkong.metrics import supplies as figures

from .. import actions
from ..filtersets import ReserveRuleFilterSet, StockMovementFilterSet, SupplyItemFilterSet, WarehouseFilterSet
from ..models import ReserveRule, StockMovement, SupplyItem, Warehouse
from . import serializers as S


class SupplyItemViewSet(ScopedModelViewSet):
    """物资品目 (reference data: the county's catalogue)."""

    queryset = SupplyItem.objects.all()
    serializer_class = S.SupplyItemSerializer
    filterset_class = SupplyItemFilterSet


class WarehouseViewSet(ScopedModelViewSet):
    """仓库 of the county, townships, quarantine sites and sampling sites."""

    queryset = Warehouse.objects.all()
    serializer_class = S.WarehouseSerializer
    filterset_class = WarehouseFilterSet


class ReserveRuleViewSet(ScopedModelViewSet):
    """储备标准: full-load daily usage and minimum days per category (or item) and level."""

    queryset = ReserveRule.objects.all()
    serializer_class = S.ReserveRuleSerializer
    filterset_class = ReserveRuleFilterSet


class StockMovementViewSet(ScopedReadOnlyViewSet):
    """出入库记录; POST records a receipt, issue, transfer or adjustment (an issue of more than is
    on hand is refused with 400)."""

    queryset = StockMovement.objects.all()
    serializer_class = S.StockMovementSerializer
    filterset_class = StockMovementFilterSet
    select_related = ("item",)

    @extend_schema(request=S.SupplyMovementInputSerializer, responses={201: S.StockMovementSerializer})
    def create(self, request: Request) -> Response:
        ser = S.SupplyMovementInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = dict(ser.validated_data)
        d["item"] = body_object(SupplyItem.objects.restrict(request.user), d["item"], "item")
        warehouses = Warehouse.objects.restrict(request.user)
        for field in ("from_warehouse", "to_warehouse"):
            if d.get(field) is not None:
                d[field] = body_object(warehouses, d[field], field)
        movement = api_call(
            actions.do_record_movement, acting_user=request.user, **actions.movement_fields(d)
        )
        return Response(S.StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)


class StockView(APIView):
    """库存 by warehouse in scope and item, with use per day and days of cover: GET ?days=&low=1."""

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, required=False),
            OpenApiParameter("low", bool, required=False),
            OpenApiParameter("warehouse", int, required=False),
        ],
        responses={200: S.SupplyStockReportSerializer},
    )
    def get(self, request: Request) -> Response:
        if not user_may(Warehouse, request.user):
            raise to_api_error(PermissionDenied("您没有此项操作的权限"))
        try:
            days = min(max(int(request.query_params.get("days") or figures.DEFAULT_DAYS), 1), 90)
        except ValueError:
            days = figures.DEFAULT_DAYS
        warehouses = Warehouse.objects.restrict(request.user).filter(active=True)
        if request.query_params.get("warehouse", "").isdigit():
            warehouses = warehouses.filter(pk=int(request.query_params["warehouse"]))
        low = request.query_params.get("low") in ("1", "true", "True")
        rows = figures.low_stock(warehouses, days=days) if low else figures.stock_rows(warehouses, days=days)
        data = [
            {
                "warehouse": r.warehouse.pk,
                "warehouse_name": r.warehouse.name,
                "level": r.warehouse.level,
                "item": r.item.pk,
                "item_name": str(r.item),
                "unit": r.item.unit,
                "on_hand": r.on_hand,
                "daily_use": round(r.daily_use, 3),
                "full_load_daily": r.rule.full_load_daily if r.rule else None,
                "days_cover": round(r.days_cover, 2) if r.days_cover is not None else None,
                "min_days": r.rule.min_days if r.rule else None,
                "low": r.low,
            }
            for r in rows
        ]
        return Response(S.SupplyStockReportSerializer({"days": days, "stock": data}).data)
