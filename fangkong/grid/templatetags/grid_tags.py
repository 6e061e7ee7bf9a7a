from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from ..choices import MemberKind
from ..coverage import FOUND_FIGURE, UNVISITED_FIGURE

register = template.Library()


@register.filter
def figure(row: Any, key: str) -> int:
    return row[key]


@register.filter
def percent(value: float) -> str:
    return f"{value:.1%}"


@register.simple_tag
def figure_link(sweep: Any, division: Any, key: str, value: int, statuses: dict[str, str]) -> str:
    """A coverage number as a link to its households: the status it counts, or the unvisited
    list, or all of the division's households."""
    if not value:
        return "0"
    url = f"{reverse('grid:visit_list')}?sweep={sweep.pk}&division={division.pk}"
    if key in statuses:
        url += f"&status={statuses[key]}"
    elif key == UNVISITED_FIGURE:
        url += "&unvisited=true"
    elif key == FOUND_FIGURE:
        url = f"{reverse('grid:memberanswer_list')}?sweep={sweep.pk}&division={division.pk}&kind={MemberKind.NEW_RESIDENT.value}"
    return format_html('<a href="{}">{}</a>', url, value)
