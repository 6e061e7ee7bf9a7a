"""Serializers of the tip-offs: the reported person's phone masked like any personal data; the
reporter masked for everyone but the module's admins asking `?full_pii=1` (each reveal audited)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.core import audit
from fangkong.core.api.base import PiiSerializerMixin, ScopedViewSetMixin
from fangkong.core.pii import mask_name, mask_phone

from ..choices import TIP_OFF_VERDICTS
from ..models import TipOff
from ..models.tipoffs import may_see_reporter

REPORTER_MASKS = {"reporter_name": mask_name, "reporter_phone": mask_phone}


class TipOffSerializer(PiiSerializerMixin, serializers.ModelSerializer):
    pii_fields = {"who_phone": mask_phone}
    division_name = serializers.CharField(source="division.name", read_only=True)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = TipOff
        fields = ["id", "code", "kind", "division", "division_name", "address", "who_name", "who_phone",
                  "who_description", "what", "has_photo", "reporter_name", "reporter_phone", "status", "outcome_note",
                  "handled_by", "handled_at", "lead", "venue", "inspection", "created_at"]

    def get_has_photo(self, obj: TipOff) -> bool:
        return bool(obj.photo)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        full = bool(request and request.method == "GET" and request.query_params.get("full_pii") == "1"
                    and may_see_reporter(request.user))
        present = [f for f in REPORTER_MASKS if data.get(f)]
        if full and present:
            view = self.context.get("view")
            if isinstance(view, ScopedViewSetMixin):
                view.reveal(instance, present)
            else:
                audit.record_pii_view(instance, present)
        elif not full:
            for f in present:
                data[f] = REPORTER_MASKS[f](data[f])
        return data


class ToLeadInputSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=40)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20)
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18)
    grid = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class ToInspectionInputSerializer(serializers.Serializer):
    venue = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class JudgeInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[str(s) for s in TIP_OFF_VERDICTS])
    note = serializers.CharField(required=False, allow_blank=True, max_length=255)


class TipOffFigureSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    url = serializers.CharField()


class TipOffFiguresSerializer(serializers.Serializer):
    today = serializers.DateField()
    total = TipOffFigureSerializer()
    by_outcome = TipOffFigureSerializer(many=True)
    by_kind = TipOffFigureSerializer(many=True)
    by_township = TipOffFigureSerializer(many=True)
