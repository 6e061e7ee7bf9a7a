"""API building blocks: every viewset scopes through `restrict`, writes through the audited
actions of `core.actions`, and masks personal data unless the role may see it (audited).

- A write by a role without that permission → 403; reading: an empty list or 404, and a
  row outside the user's division subtree → 404 (the queryset is restricted before the
  lookup), exactly as the pages do.
- Related fields of a serializer only accept divisions in the user's subtree and rows the
  user may view, so the API neither writes outside the scope nor reveals what exists there.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework import permissions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.core import actions, audit
from fangkong.core.choices import AuditSource, DivisionLevel
from fangkong.core.models import Division
from fangkong.core.pii import mask_id_number, mask_phone, may_see_full_pii
from fangkong.core.scoping import VIEW, ScopedModel, user_may

ACTION_OF = {
    "list": "view", "retrieve": "view", "create": "add", "update": "change",
    "partial_update": "change", "destroy": "delete",
}

FIELD_LEVELS = {"grid": DivisionLevel.GRID}


def scope_action(view: Any) -> str:
    return ACTION_OF.get(getattr(view, "action", None) or "list", "view")


class ScopedPermission(permissions.BasePermission):
    """A write (create / update / delete) by a role that may not do it at all → 403.

    Reads are not refused here: like the pages, a list is empty and an object is not found
    (404) when the role may not see the model, so the API answers exactly as the pages do.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        action = scope_action(view)
        if queryset is None or action == VIEW:  # reads, custom actions and model-less viewsets
            return True
        return user_may(queryset.model, request.user, action)


class ScopedViewSetMixin:
    """Restricts the queryset to the user's scope for the current action."""

    permission_classes: ClassVar[list] = [permissions.IsAuthenticated, ScopedPermission]
    select_related: ClassVar[tuple[str, ...]] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # The authentication classes set the actor; this also covers a client that was
        # force-authenticated (tests) or a custom authenticator.
        if request.user.is_authenticated and audit.current().actor != request.user:
            audit.set_context(replace(audit.current(), actor=request.user, source=AuditSource.API))

    def get_queryset(self):
        model = self.queryset.model  # type: ignore[attr-defined]
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return model.objects.none()
        qs = model.objects.restrict(self.request.user, scope_action(self))  # type: ignore[attr-defined]
        return qs.select_related(*self.select_related) if self.select_related else qs

    # --- full personal data: collected while serializing, audited in one bulk write ---
    def reveal(self, obj: models.Model, fields: list[str]) -> None:
        self.__dict__.setdefault("_revealed", []).append((obj, fields))

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        revealed = self.__dict__.pop("_revealed", [])
        if revealed and 200 <= response.status_code < 300:
            fields = sorted({f for _obj, fs in revealed for f in fs})
            audit.record_pii_views([obj for obj, _fs in revealed], fields)
        return super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


def _drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Create / update / delete through `do_create` / `do_update` / `do_delete`: audited with
    before and after values, scope re-checked after the write in the same transaction."""

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        try:
            serializer.instance = actions.do_create(self.queryset.model, acting_user=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        try:
            serializer.instance = actions.do_update(serializer.instance, acting_user=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _drf_error(exc) from exc

    def perform_destroy(self, instance: models.Model) -> None:
        actions.do_delete(instance, acting_user=self.request.user)


class ScopedModelSerializer(serializers.ModelSerializer):
    """Limits every writable foreign key to what the requesting user may see.

    A Division field accepts only divisions in the user's subtree (grids only, if the field
    is named `grid`); a scoped model's field only rows `restrict(user)` returns.
    """

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for name, field in fields.items():
            if not isinstance(field, serializers.PrimaryKeyRelatedField) or field.read_only:
                continue
            field.queryset = self._scoped(name, field.queryset, user)
        return fields

    @staticmethod
    def _scoped(name: str, qs: models.QuerySet, user: Any) -> models.QuerySet:
        model = qs.model
        if user is None or not user.is_authenticated:
            return qs.none()
        if issubclass(model, Division):
            if user.division is None:
                return qs.none()
            qs = qs.filter(path__startswith=user.division.path)
            # A division field named after a level ("grid") offers divisions of that level only.
            level = FIELD_LEVELS.get(name)
            return qs.filter(level=level) if level else qs
        if issubclass(model, ScopedModel):
            return model.objects.restrict(user, VIEW)
        return qs


class PiiSerializerMixin(serializers.Serializer):
    """Masks ID numbers and phones unless the request asks `?full_pii=1` and the role may.

    Every object returned with full values is written to the audit log (in one bulk write
    per response when serialized by a scoped viewset).
    """

    pii_fields: ClassVar[dict[str, Any]] = {"id_number": mask_id_number, "phone": mask_phone}

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        # Only responses to reads reveal: the echo of a create or update is masked.
        full = bool(
            request and request.method == "GET" and request.query_params.get("full_pii") == "1"
            and may_see_full_pii(request.user)
        )
        present = [f for f in self.pii_fields if f in data and data[f]]
        if full:
            if present:
                view = self.context.get("view")
                if isinstance(view, ScopedViewSetMixin):
                    view.reveal(instance, present)
                else:
                    audit.record_pii_view(instance, present)
        else:
            for f in present:
                data[f] = self.pii_fields[f](data[f])
        return data
