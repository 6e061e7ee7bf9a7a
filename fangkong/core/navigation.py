"""The navigation menu: each app registers its area; a user sees the items their roles allow."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class MenuItem:
    label: str
    url_name: str
    roles: frozenset[str] = field(default_factory=frozenset)  # empty: everyone signed in


@dataclass
class MenuArea:
    label: str
    items: list[MenuItem]
    order: int = 50


_areas: list[MenuArea] = []


def register(area: MenuArea) -> None:
    _areas.append(area)
    _areas.sort(key=lambda a: a.order)


def menu_for(user) -> list[dict]:
    out = []
    for area in _areas:
        items = []
        for item in area.items:
            if item.roles and not (user.role_names & item.roles):
                continue
            try:
                items.append({"label": item.label, "url": reverse(item.url_name)})
            except NoReverseMatch:
                continue
        if items:
            out.append({"label": area.label, "items": items})
    return out
