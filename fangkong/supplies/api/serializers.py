from __future__ import annotations

from rest_framework import serializers

from fangkong.core.api.base import ScopedModelSerializer

from ..choices import MovementKind
from ..models import ReserveRule, StockMovement, SupplyItem, Warehouse


class SupplyItemSerializer(ScopedModelSerializer):
    class Meta:
        model = SupplyItem
        fields = ["id", "name", "spec", "category", "unit", "tests_per_unit", "persons_per_tube", "order"]


class WarehouseSerializer(ScopedModelSerializer):
    class Meta:
        model = Warehouse
        fields = [
            "id",
            "name",
            "level",
            "division",
            "quarantine_site",
            "sampling_site",
            "address",
            "keeper",
            "active",
        ]


class ReserveRuleSerializer(ScopedModelSerializer):
    class Meta:
        model = ReserveRule
        fields = ["id", "category", "item", "level", "full_load_daily", "min_days", "note"]


class StockMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockMovement
        fields = [
            "id",
            "kind",
            "item",
            "quantity",
            "from_warehouse",
            "to_warehouse",
            "division",
            "at",
            "by",
            "recipient",
            "note",
            "recorded_at",
        ]
        read_only_fields = fields


class SupplyMovementInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MovementKind.choices)
    item = serializers.IntegerField()
    quantity = serializers.IntegerField()
    from_warehouse = serializers.IntegerField(required=False, allow_null=True)
    to_warehouse = serializers.IntegerField(required=False, allow_null=True)
    at = serializers.DateTimeField(required=False, allow_null=True)
    recipient = serializers.CharField(required=False, allow_blank=True, max_length=64)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class SupplyStockSerializer(serializers.Serializer):
    warehouse = serializers.IntegerField()
    warehouse_name = serializers.CharField()
    level = serializers.CharField()
    item = serializers.IntegerField()
    item_name = serializers.CharField()
    unit = serializers.CharField()
    on_hand = serializers.IntegerField()
    daily_use = serializers.FloatField()
    full_load_daily = serializers.IntegerField(allow_null=True)
    days_cover = serializers.FloatField(allow_null=True)
    min_days = serializers.IntegerField(allow_null=True)
    low = serializers.BooleanField()


class SupplyStockReportSerializer(serializers.Serializer):
    """库存 of the warehouses in scope: one row per warehouse and item (a summary, not a paged list)."""

    days = serializers.IntegerField()
    stock = SupplyStockSerializer(many=True)
