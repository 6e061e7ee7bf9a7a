from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.core.api.base import PiiSerializerMixin, ScopedModelSerializer
from fangkong.core.identity import InvalidValue, clean_id_number, clean_name, clean_phone
from fangkong.registry.choices import Sex
from fangkong.registry.models import Household, Resident


def _cleaned(clean: Any, value: Any) -> str:
    try:
        return clean(value)
    except InvalidValue as exc:
        raise serializers.ValidationError(str(exc)) from exc


class ResidentSerializer(PiiSerializerMixin, ScopedModelSerializer):
    """A resident; `id_number` and `phone` are masked unless `?full_pii=1` and the role may."""

    grid_name = serializers.CharField(source="grid.name", read_only=True)
    # Blank when the ID number does not tell it: the schema must allow "" beside the choices.
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True, read_only=True, label=_("性别"))

    class Meta:
        model = Resident
        fields = [
            "id", "name", "id_number", "sex", "birth_date", "phone", "address", "household",
            "relation_to_head", "grid", "grid_name", "status", "away_to",
        ]
        read_only_fields = ["sex", "birth_date"]

    def validate_name(self, value: str) -> str:
        return _cleaned(clean_name, value)

    def validate_id_number(self, value: str | None) -> str | None:
        return _cleaned(clean_id_number, value) if value else None

    def validate_phone(self, value: str) -> str:
        return _cleaned(clean_phone, value) if value else ""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        household = attrs.get("household", getattr(self.instance, "household", None))
        grid = attrs.get("grid", getattr(self.instance, "grid", None))
        if household is not None and grid is not None and household.grid_id != grid.pk:
            raise serializers.ValidationError({"household": "户与人员不在同一网格"})
        return attrs


class HouseholdSerializer(ScopedModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "code", "grid", "address", "head_name"]
