"""Model forms of the generic pages: every choice a form offers lies in the user's scope.

The pages' counterpart of `core.api.base.ScopedModelSerializer`: a Division field offers only
the user's subtree (grids only for a field named `grid`), a scoped model's field only the rows
`restrict(user)` returns — so a form can neither write outside the scope nor reveal what exists
there. The action re-checks the saved row's scope anyway.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from .choices import DivisionLevel
from .models import Division
from .scoping import ScopedModel

GRID_FIELD = "grid"  # a Division field of this name takes grids only (as in the API serializers)


def scoped_choices(name: str, qs: models.QuerySet, user: Any) -> models.QuerySet:
    """`qs` narrowed to what `user` may choose for the field `name`."""
    model = qs.model
    if user is None or not user.is_authenticated:
        return qs.none()
    if issubclass(model, Division):
        if user.division is None:
            return qs.none()
        qs = qs.subtree(user.division).order_by("path")
        return qs.filter(level=DivisionLevel.GRID) if name == GRID_FIELD else qs
    if issubclass(model, ScopedModel):
        return model.objects.restrict(user, "view")
    return qs


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that takes the acting user and scopes every foreign-key choice to them."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = scoped_choices(name, field.queryset, user)
