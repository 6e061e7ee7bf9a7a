from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin
from fangkong.registry.models import Household, Resident


class ResidentSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id", "name", "id_number", "sex", "birth_date", "phone", "address", "household",
            "relation_to_head", "grid", "grid_name", "status", "away_to",
        ]
        read_only_fields = ["sex", "birth_date"]


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "code", "grid", "address", "head_name"]
