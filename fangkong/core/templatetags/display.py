"""Template filters that turn stored codes into what a reader sees (see fangkong.core.display).

    {% load display %}
    {{ row.object_type|model_label }}                       居民
    {{ lead.source|choice_label:"fangkong.screening.choices.BigDataSource" }}   电子围栏
    {% for c in row|audit_changes %}{{ c.label }}: {{ c.before }} → {{ c.after }}{% endfor %}
"""

from __future__ import annotations

from typing import Any

from django import template

from fangkong.core import display

register = template.Library()
register.filter("model_label", display.model_label)
register.filter("choice_label", display.choice_label)


@register.filter("audit_changes")
def _audit_changes(row: Any) -> list[display.Change]:
    return display.audit_changes(row.object_type, row.changes)
