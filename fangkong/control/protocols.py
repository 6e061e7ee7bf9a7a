"""A protocol version (防控方案版本, tracing's configuration of the disease) becomes control's policy:
a new policy version copied from the one in force, with the rules of each contact category
replaced by the protocol's, published without moving anyone (measures already started keep the
version they were computed under)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from . import actions
from .models import PolicyVersion, Rule

PROTOCOL_PRIORITY = 1  # contact-category rules are tried before the general ones


def on_protocol_published(sender: Any, code: str, title: str, categories: list[dict], actor: Any,
                          **kwargs: Any) -> PolicyVersion:
    current = PolicyVersion.in_force()
    draft = actions.do_create_draft(current, title=title if code in title else f"{title}（{code}）", acting_user=actor)
    for cat in categories:
        rule = (Rule.objects.filter(version=draft, contact_type=cat["contact_type"], channel="", origin_level="")
                .order_by("priority", "id").first()) or Rule(version=draft, contact_type=cat["contact_type"])
        rule.name = _("%(code)s：%(name)s") % {"code": code, "name": cat["name"]}
        rule.priority = PROTOCOL_PRIORITY
        rule.test_days = ",".join(str(d) for d in cat["test_days"])
        rule.test_kind = cat["test_kind"]
        if cat["plan"]:
            actions.do_save_rule(rule, [tuple(s) for s in cat["plan"]], acting_user=actor)
        elif rule.pk:
            actions.do_delete_rule(rule, acting_user=actor)
    actions.do_publish_policy(draft, reapply=False, acting_user=actor)
    return draft
