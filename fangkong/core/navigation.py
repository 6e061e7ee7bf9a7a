"""The navigation menu, built from what the user may open.

Each app's `menu.py` registers its area; every entry declares what opening it needs, and core
shows an entry only to a user who has it — a menu link that answers 403 is a bug (a test opens
every entry as every demo account):

- `roles`: the user holds one of them (empty: any signed-in user);
- `model` + `action`: `scoping.user_may(model, user, action)` — the same rule the page applies;
- `check`: a predicate for a rule that is neither (e.g. `registry.imports.may_import`).

A grid worker works from a phone: field-only users (all their roles in `FIELD_ROLES`) see only
the entries marked `phone=True`, the handful their rounds need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.urls import NoReverseMatch, reverse

from .choices import Role
from .scoping import VIEW, user_may

FIELD_ROLES = frozenset({Role.GRID_WORKER})


@dataclass
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: everyone signed in
    model: type[models.Model] | None = None
    action: str = VIEW
    check: Callable[[Any], bool] | None = None
    phone: bool = False  # in a field worker's phone menu

    def allows(self, user: Any) -> bool:
        """Whether `user` may open this entry (the page's own rule, declared once here)."""
        if self.roles and not (user.role_names & self.roles):
            return False
        if self.model is not None and not user_may(self.model, user, self.action):  # type: ignore[arg-type]
            return False
        if self.check is not None and not self.check(user):
            return False
        return self.phone or not is_field_user(user)


@dataclass
class MenuArea:
    label: str
    items: list[MenuItem]
    order: int = 50


_areas: list[MenuArea] = []


def register(area: MenuArea) -> None:
    _areas.append(area)
    _areas.sort(key=lambda a: a.order)


def is_field_user(user: Any) -> bool:
    """A user whose every role works in the field (a grid worker): the short phone menu."""
    names = user.role_names
    return bool(names) and names <= FIELD_ROLES


def menu_for(user: Any) -> list[dict]:
    """The areas and entries `user` may open, in order; areas left empty are dropped."""
    out = []
    for area in _areas:
        items = []
        for item in area.items:
            if not item.allows(user):
                continue
            try:
                items.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
        if items:
            out.append({"label": area.label, "items": items})
    return out
