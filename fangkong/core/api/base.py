"""API building blocks: every viewset scopes through `restrict` and acts in the audit context."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from rest_framework import serializers, viewsets
from rest_framework.request import Request

from fangkong.core import audit
from fangkong.core.choices import AuditSource
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii

ACTION_OF = {
    "list": "view", "retrieve": "view", "create": "add", "update": "change",
    "partial_update": "change", "destroy": "delete",
}


class ScopedViewSetMixin:
    """Restricts the queryset to the user's scope and makes the user the audit actor."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # DRF authenticates tokens inside the view, after the middleware ran.
        if request.user.is_authenticated:
            audit.set_context(replace(audit.current(), actor=request.user, source=AuditSource.API))

    def get_queryset(self):
        action = ACTION_OF.get(getattr(self, "action", None) or "list", "view")
        model = self.queryset.model  # type: ignore[attr-defined]
        return model.objects.restrict(self.request.user, action).select_related(*self.select_related)

    select_related: ClassVar[tuple[str, ...]] = ()


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class PiiSerializerMixin(serializers.Serializer):
    """Masks ID numbers and phones unless the request asks `?full_pii=1` and the role may.

    Every object returned with full values is written to the audit log.
    """

    pii_fields: ClassVar[dict[str, Any]] = {"id_number": mask_id_number, "phone": mask_phone}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        full = bool(request and request.query_params.get("full_pii") == "1" and may_see_full_pii(request.user))
        present = [f for f in self.pii_fields if f in data and data[f]]
        if full:
            if present:
                audit.record_pii_view(instance, present)
        else:
            for f in present:
                data[f] = self.pii_fields[f](data[f])
        return data
